#include "herd/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "herd/client_session.hpp"
#include "herd/member_state.hpp"

namespace herd {

namespace asio = boost::asio;
using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// After an accept error such as EMFILE, pause rather than spin on it.
constexpr auto accept_error_pause = std::chrono::milliseconds(100);

}  // namespace

std::optional<tcp::acceptor> open_listener(asio::any_io_executor executor,
                                           const std::string& host, std::uint16_t port,
                                           std::string& error) {
  boost::system::error_code code;
  const auto address = asio::ip::make_address(host, code);
  if (code) {
    error = "cannot listen on \"" + host + "\": not an IP address";
    return std::nullopt;
  }
  const tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(executor);
  const auto where = [&] {
    return (address.is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(port);
  };
  acceptor.open(endpoint.protocol(), code);
  if (!code) acceptor.set_option(tcp::acceptor::reuse_address(true), code);
  if (!code) acceptor.bind(endpoint, code);
  if (!code) acceptor.listen(asio::socket_base::max_listen_connections, code);
  if (code) {
    error = "cannot listen on " + where() + ": " + code.message();
    return std::nullopt;
  }
  return acceptor;
}

Server::Server(MemberState& state, tcp::acceptor acceptor)
    : state_(state), acceptor_(std::move(acceptor)), sweep_timer_(acceptor_.get_executor()) {}

void Server::start() {
  asio::co_spawn(acceptor_.get_executor(), run_acceptor(), asio::detached);
  asio::co_spawn(acceptor_.get_executor(), sweep_idle_sessions(), asio::detached);
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
    asio::co_spawn(acceptor_.get_executor(), run_session(std::move(session)), asio::detached);
  }
}

asio::awaitable<void> Server::run_session(std::shared_ptr<ClientSession> session) {
  sessions_.insert(session.get());
  try {
    co_await session->run();
  } catch (const std::exception& error) {
    // One broken session must never take the member down.
    state_.log().error("session failed: {}", error.what());
  }
  sessions_.erase(session.get());
}

void Server::shutdown() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  sweep_timer_.cancel();
  for (ClientSession* session : sessions_) session->stop_reading();
}

}  // namespace herd
