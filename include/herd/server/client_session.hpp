// One client connection (protocol.md §2–4, §6): read line → parse → handle → queue reply.
// Replies leave in command order even when a later command finishes first; each
// reply goes out whole, and replies that are ready together share one write.
// An idle connection costs little: no writer coroutine or timer (replies are
// sent straight away; only a write the socket cannot take at once waits), one
// sweep for all sessions enforces the idle timeout, and a quiet connection is
// "parked": it waits for readability without a read buffer. A busy one keeps
// its buffer and a read pending, which costs no system call per wait.
#pragma once

#include <array>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "herd/common/wake_signal.hpp"
#include "herd/places/places.hpp"
#include "herd/protocol/line_buffer.hpp"
#include "herd/protocol/protocol.hpp"
#include "herd/server/reply_queue.hpp"

namespace herd {

class ClientPrefetch;

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
  // Where the connection is in its life: one state, since each excludes the
  // others. It is parked, reading or parking while it takes commands; then
  // closing, handing off or failed.
  enum class Phase {
    parked,           // waits for readability without a read buffer; new connections
                      // start so, since many send once, or never
    reading,          // keeps its buffer and a read pending
    parking,          // that read was cancelled so that it parks
    closing,          // no more commands (EOF, over-long line, shutdown); the replies
                      // owed still go out
    handing_off,      // the first line was HELLO: the socket goes to a peer link
    handing_off_tls,  // the first bytes are a TLS record: a neighbour dialing
                      // with TLS; the socket goes to Peers to finish the handshake
    failed,           // the socket is gone (a failed read or write, the idle
                      // timeout); what is owed is dropped
  };

  bool takes_commands() const {
    return phase_ == Phase::parked || phase_ == Phase::reading || phase_ == Phase::parking;
  }
  // An async write is in flight; it may be in any state, so it is no state.
  bool writing() const { return !sending_.empty(); }

  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> finish_owed_replies();
  // Puts the Places answer's body in `reply`; finish_whatsat puts `at_line`
  // before it and completes it, whether the answer came or failed.
  boost::asio::awaitable<void> answer_whatsat(std::shared_ptr<ClientSession> self,
                                              ReplyQueue::Held& reply, PlacesQuery query);
  void finish_whatsat(ReplyQueue::Held& reply, std::string at_line);

  // The lines of a read, and at end of stream the last one without its "\n"
  // (protocol.md §2); plain functions, so their ClientPrefetch lives on the stack.
  void handle_complete_lines();
  void handle_last_line();
  // `clients` holds the hashes of the lines' client ids, computed ahead.
  void handle_line(std::string_view line, ClientPrefetch& clients);
  void handle_iamat(const Iamat& command, std::string_view line, std::uint32_t client_hash);
  void handle_whatsat(const Whatsat& command, std::string_view line, std::uint32_t client_hash);
  // Logs why `line` is invalid and queues its "? <line>".
  void reject(std::string_view line, std::string_view reason);
  void queue_invalid_reply(std::string_view line);  // "? <line>", logged by the caller
  void queue_reply(std::string_view text);
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
  ReplyQueue replies_;   // owed, in command order, not yet given to the socket
  std::string sending_;  // the async write in flight
  // A write completed, a WHATSAT reply became ready, or the connection is ending.
  WakeSignal progress_;
  Phase phase_ = Phase::parked;
  // No line has come yet, so HELLO may: apart from phase_, since the first
  // line may come in any read, parked or not.
  bool first_line_ = true;
  // Updates of one client that may be queued in a backlogged link before it
  // waits for them to be written (flow_control.hpp). A phone that reports now
  // and then never has that many: its update is not what fills the queue,
  // which may be relaying another member's load. One pipelined batch of a
  // client that streams updates.
  static constexpr std::size_t flood_window = 16;
  std::array<std::uint64_t, flood_window> recent_floods_{};  // tickets, a ring; 0: none
  std::size_t flood_count_ = 0;
  std::string hello_from_;  // the member that said HELLO, when handing off
};

}  // namespace herd
