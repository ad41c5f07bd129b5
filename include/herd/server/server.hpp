// The accept loop and the sessions it started, with an orderly shutdown
// (protocol.md §9): stop accepting, let sessions finish what they owe, within a bound.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "herd/common/wake_signal.hpp"

namespace herd {

class MemberState;
class ClientSession;

// Binds a listening socket, or returns nullopt and a message naming the address.
std::optional<boost::asio::ip::tcp::acceptor> open_listener(boost::asio::any_io_executor executor,
                                                            const std::string& host,
                                                            std::uint16_t port, std::string& error);

class Server {
 public:
  Server(MemberState& state, boost::asio::ip::tcp::acceptor acceptor);

  void start();
  // Stops accepting and asks every session to finish what it owes, then close.
  void shutdown();
  // Returns once every session has ended, or at `deadline`.
  boost::asio::awaitable<void> wait_for_sessions_to_end(
      std::chrono::steady_clock::time_point deadline);

  std::size_t session_count() const { return sessions_.size(); }

 private:
  boost::asio::awaitable<void> run_acceptor();
  boost::asio::awaitable<void> run_session(std::shared_ptr<ClientSession> session);
  // Closes sessions idle past the client idle timeout and parks quiet ones:
  // one timer for them all.
  boost::asio::awaitable<void> sweep_idle_sessions();

  MemberState& state_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer sweep_timer_;
  std::unordered_set<ClientSession*> sessions_;
  WakeSignal session_ended_;
};

}  // namespace herd
