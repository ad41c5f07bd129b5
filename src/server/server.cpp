#include "herd/server/server.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "herd/common/host_port.hpp"
#include "herd/common/use_tuple.hpp"
#include "herd/server/client_session.hpp"
#include "herd/server/member_state.hpp"

namespace herd {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// After an accept error such as EMFILE, pause rather than spin on it.
constexpr auto accept_error_pause = std::chrono::milliseconds(100);

}  // namespace

std::optional<tcp::acceptor> open_listener(asio::any_io_executor executor, const std::string& host,
                                           std::uint16_t port, std::string& error) {
  boost::system::error_code code;
  const auto address = asio::ip::make_address(host, code);
  if (code) {
    error = "cannot listen on \"" + host + "\": not an IP address";
    return std::nullopt;
  }
  const tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(executor);
  acceptor.open(endpoint.protocol(), code);
  if (!code) acceptor.set_option(tcp::acceptor::reuse_address(true), code);
  if (!code) acceptor.bind(endpoint, code);
  if (!code) acceptor.listen(asio::socket_base::max_listen_connections, code);
  if (code) {
    error = "cannot listen on " + host_port(host, port) + ": " + code.message();
    return std::nullopt;
  }
  return acceptor;
}

Server::Server(MemberState& state, tcp::acceptor acceptor)
    : state_(state), acceptor_(std::move(acceptor)), sweep_timer_(acceptor_.get_executor()) {}

void Server::start() {
  // Without these the member serves no one, or never closes an idle session.
  // The acceptor and the sessions outlive a failed loop, so a fresh one carries on.
  state_.supervisor().spawn(
      "accept loop", [this] { return run_acceptor(); }, OnFailure::restart);
  state_.supervisor().spawn(
      "idle sweep", [this] { return sweep_idle_sessions(); }, OnFailure::restart);
}

asio::awaitable<void> Server::sweep_idle_sessions() {
  // A session is closed between one and 1.25 idle timeouts after its last
  // command; the sweep runs at most every second and at least every 10 ms.
  const auto interval = std::clamp<std::chrono::steady_clock::duration>(
      state_.config().client_idle_timeout / 4, std::chrono::milliseconds(10),
      std::chrono::seconds(1));
  while (acceptor_.is_open()) {
    sweep_timer_.expires_after(interval);
    auto [error] = co_await sweep_timer_.async_wait(use_tuple);
    if (error) co_return;  // shutdown
    const auto now = std::chrono::steady_clock::now();
    // check_idle does not erase from sessions_: a closed session leaves when
    // its coroutine ends, after this loop.
    for (ClientSession* session : sessions_) session->check_idle(now);
  }
}

asio::awaitable<void> Server::run_acceptor() {
  for (;;) {
    auto [error, socket] = co_await acceptor_.async_accept(use_tuple);
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (error) {
      state_.log().warn("accept failed ({}); pausing", error.message());
      asio::steady_timer pause(acceptor_.get_executor(), accept_error_pause);
      co_await pause.async_wait(use_tuple);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<ClientSession>(state_, std::move(socket));
    // One broken session never takes the member down. It leaves sessions_
    // however it ends.
    state_.supervisor().spawn(
        "client " + session->peer() + ": session", [this, session] { return run_session(session); },
        OnFailure::log,
        [this, left = session.get()](std::optional<std::string_view>) {
          sessions_.erase(left);
          session_ended_.notify_all();
        });
  }
}

asio::awaitable<void> Server::run_session(std::shared_ptr<ClientSession> session) {
  // Inserted here, not before the spawn: the sweep must not see a session
  // that has not started (its idle deadline is not set yet).
  sessions_.insert(session.get());
  co_await session->run();
}

void Server::shutdown() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  sweep_timer_.cancel();
  for (ClientSession* session : sessions_) session->stop_reading();
}

asio::awaitable<void> Server::wait_for_sessions_to_end(
    std::chrono::steady_clock::time_point deadline) {
  // Not a co_await inside the loop's condition, nor an if's: GCC 12 compiles
  // either wrongly here (`this` is lost).
  bool notified = true;
  while (notified && !sessions_.empty()) {
    notified = co_await session_ended_.wait_until(deadline);
  }
}

}  // namespace herd
