// One client connection (SPEC §2–4, §6): read line → parse → handle → queue reply.
// Replies leave in command order even when a later command finishes first; each
// reply goes out whole, and replies that are ready together share one write.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "herd/line_buffer.hpp"
#include "herd/places.hpp"
#include "herd/protocol.hpp"

namespace herd {

class MemberState;

class ClientSession : public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(MemberState& state, boost::asio::ip::tcp::socket socket);

  boost::asio::awaitable<void> run();

  // Shutdown: read no more commands, finish the replies already owed, close.
  void stop_reading();

 private:
  // A reply that must wait for an earlier one still being worked on (WHATSAT).
  struct PendingReply {
    std::string text;
    bool ready = false;
  };

  boost::asio::awaitable<void> read_loop();
  boost::asio::awaitable<void> write_loop();
  boost::asio::awaitable<void> watch_idle();
  boost::asio::awaitable<void> answer_whatsat(std::shared_ptr<ClientSession> self,
                                              PendingReply& slot, PlacesQuery query,
                                              std::string at_line);

  void handle_line(std::string_view line);
  void handle_iamat(const Iamat& command);
  void handle_whatsat(const Whatsat& command, std::string_view line);
  void reject(std::string_view line, std::string_view reason);
  void reply_now(std::string_view text);
  void promote_ready_replies();
  void end_input();
  void wake_writer() {
    if (writer_waiting_) wake_.cancel();
  }

  MemberState& state_;
  boost::asio::ip::tcp::socket socket_;
  std::string peer_;  // "address:port", for the log
  LineBuffer lines_;
  boost::asio::steady_timer wake_;
  std::chrono::steady_clock::time_point idle_deadline_;
  std::string ready_;                   // replies in order, ready to write
  std::deque<PendingReply> pending_;    // replies held behind an unfinished one
  bool input_done_ = false;             // EOF, over-long line, shutdown or hand-off
  bool failed_ = false;                 // the socket is gone; drop what is owed
  bool first_line_ = true;
  bool writer_waiting_ = false;
  std::string hello_from_;              // set when the connection is a peer link
};

}  // namespace herd
