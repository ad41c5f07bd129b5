#include "in_process_member.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <new>
#include <stdexcept>

#include <spdlog/sinks/ostream_sink.h>

#include "herd/common/use_tuple.hpp"
#include "run_awaitable.hpp"

namespace herd::test {

namespace asio = boost::asio;
using asio::ip::tcp;

FailingLog::FailingLog()
    : spdlog::logger("test",
                     std::make_shared<spdlog::sinks::ostream_sink_st>(LogText::text, true)) {
  set_level(spdlog::level::trace);
}

void FailingLog::sink_it_(const spdlog::details::log_msg& message) {
  const std::string_view line(message.payload.data(), message.payload.size());
  if (!trigger_.empty() && line.find(trigger_) != std::string_view::npos) throw std::bad_alloc();
  spdlog::logger::sink_it_(message);
}

asio::awaitable<PlacesAnswer> FailingPlaces::nearby(PlacesQuery) {
  if (failure_ == Failure::lookup) throw std::runtime_error("lookup exploded");
  co_return places_answer(places_zero_results());
}

std::string_view FailingPlaces::name() const {
  if (failure_ == Failure::after_lookup) throw std::runtime_error("name exploded");
  return "failing";
}

InProcessMember::InProcessMember(asio::io_context& io, std::string_view name, Config config,
                                 FailingPlaces::Failure places)
    : log(std::make_shared<FailingLog>()),
      state(io, config, *config.member_index(name), log, std::make_unique<FailingPlaces>(places)) {}

std::pair<tcp::socket, tcp::socket> connected_pair(asio::io_context& io) {
  // The kernel completes both at once on loopback: nothing waits for the io_context.
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  tcp::socket client(io);
  client.connect(acceptor.local_endpoint());
  tcp::socket server = acceptor.accept();
  return {std::move(client), std::move(server)};
}

namespace {

asio::awaitable<void> read_into(tcp::socket& socket, std::string until, Received& received) {
  char buffer[4096];
  for (;;) {
    auto [error, bytes] = co_await socket.async_read_some(asio::buffer(buffer), use_tuple);
    received.text.append(buffer, bytes);
    if (error) {
      received.closed = error != asio::error::operation_aborted;
      co_return;
    }
    if (!until.empty() && received.text.find(until) != std::string::npos) co_return;
  }
}

}  // namespace

Received read_from(asio::io_context& io, tcp::socket& socket, std::string_view until,
                   std::chrono::milliseconds limit) {
  Received received;
  bool done = false;
  asio::co_spawn(io, read_into(socket, std::string(until), received),
                 [&done](std::exception_ptr) { done = true; });
  if (!run_until(
          io, [&] { return done; }, limit)) {
    // Out of time: the read must end before `received` goes.
    boost::system::error_code ignored;
    socket.cancel(ignored);
    run_until(io, [&] { return done; });
  }
  return received;
}

}  // namespace herd::test
