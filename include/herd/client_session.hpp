// One client connection (SPEC §2–4, §6): read line → parse → handle → queue reply.
// Replies leave in command order even when a later command finishes first; each
// reply goes out whole, and replies that are ready together share one write.
// An idle connection costs little: no writer coroutine or timer (replies are
// sent straight away; only a write the socket cannot take at once waits), one
// sweep for all sessions enforces the idle timeout, and a quiet connection is
// "parked": it waits for readability without a read buffer. A busy one keeps
// its buffer and a read pending, which costs no system call per wait.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "herd/line_buffer.hpp"
#include "herd/places.hpp"
#include "herd/protocol.hpp"
#include "herd/wake_signal.hpp"

namespace herd {

class MemberState;

class ClientSession : public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(MemberState& state, boost::asio::ip::tcp::socket socket);

  boost::asio::awaitable<void> run();

  const std::string& peer() const { return peer_; }  // "address:port"

  // Shutdown: read no more commands, finish the replies already owed, close.
  void stop_reading();

  // Called by the server's sweep: closes the connection if no command arrived
  // within the idle timeout, or parks it if none arrived for a while.
  void check_idle(std::chrono::steady_clock::time_point now);

  // Sends what is ready: at once if the socket takes it all, else by an async
  // write. The read loop leaves this to the member's ReplyBatch.
  void flush();

 private:
  // A reply that must wait for an earlier one still being worked on (WHATSAT).
  struct PendingReply {
    std::string text;
    bool ready = false;
  };

  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> finish_owed_replies();
  // Puts the Places answer's body in `slot`; finish_whatsat puts `at_line`
  // before it and makes it ready, whether the answer came or failed.
  boost::asio::awaitable<void> answer_whatsat(std::shared_ptr<ClientSession> self,
                                              PendingReply& slot, PlacesQuery query);
  void finish_whatsat(PendingReply& slot, std::string at_line);

  void handle_line(std::string_view line);
  void handle_iamat(const Iamat& command, std::string_view line);
  void handle_whatsat(const Whatsat& command, std::string_view line);
  void reject(std::string_view line, std::string_view reason);
  void reply_invalid(std::string_view line);  // "? <line>", logged by the caller
  void reply_now(std::string_view text);
  void promote_ready_replies();
  // Sends what is ready with the other replies of this turn of the event
  // loop (ReplyBatch).
  void send_soon();
  void write_failed(const boost::system::error_code& error);

  MemberState& state_;
  boost::asio::ip::tcp::socket socket_;
  std::string peer_;  // "address:port", for the log
  LineBuffer lines_;
  std::chrono::steady_clock::time_point idle_deadline_;
  // When the current read completed, on both clocks: the receive time of its
  // IAMATs, the stamp of its log lines and the start of the idle timeout.
  std::chrono::system_clock::time_point read_time_;
  std::chrono::steady_clock::time_point read_steady_time_;
  std::string ready_;                 // replies in order, not yet given to the socket
  std::string sending_;               // the async write in flight
  std::list<PendingReply> pending_;   // replies held behind an unfinished one
  // A write completed, a WHATSAT reply became ready, or the connection is ending.
  WakeSignal progress_;
  bool input_done_ = false;           // EOF, over-long line, shutdown, idle or hand-off
  bool failed_ = false;               // the socket is gone; drop what is owed
  bool writing_ = false;
  bool parked_ = true;                // new connections start parked: many send once, or never
  bool park_requested_ = false;       // the pending read was cancelled to park
  bool first_line_ = true;
  // Updates of one client that may be queued in a backlogged link before it
  // waits for them to be written (flow_control.hpp). A phone that reports now
  // and then never has that many: its update is not what fills the queue,
  // which may be relaying another member's load. One pipelined batch of a
  // client that streams updates.
  static constexpr std::size_t flood_window = 16;
  std::array<std::uint64_t, flood_window> recent_floods_{};  // tickets, a ring; 0: none
  std::size_t flood_count_ = 0;
  std::string hello_from_;            // set when the connection is a peer link
};

}  // namespace herd
