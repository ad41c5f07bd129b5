// One member built inside the test's process, on the test's io_context, for
// unit tests of how its tasks fail: nothing runs (no accept loop, no dialers)
// until the test starts it or hands the member a socket. Its log is captured,
// and it and the Places backend can be made to fail on cue.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <spdlog/logger.h>

#include "herd/config/config.hpp"
#include "herd/places/places.hpp"
#include "herd/server/member_state.hpp"

namespace herd::test {

namespace detail {
struct LogText {
  std::ostringstream text;
};
}  // namespace detail

// A logger whose lines a test reads back, and which fails when asked to log
// a line that contains a chosen text: it throws std::bad_alloc, as running
// out of memory in the middle of handling that line would. spdlog catches
// what its sinks and its formatting throw, so only lines logged unformatted
// fail: the traffic lines of log_traffic ("client ... < IAMAT ...").
class FailingLog : private detail::LogText, public spdlog::logger {
 public:
  FailingLog();

  std::string text() const { return LogText::text.str(); }
  void fail_on(std::string trigger) { trigger_ = std::move(trigger); }

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;

 private:
  std::string trigger_;
};

// A Places backend that answers ZERO_RESULTS, or fails as told.
class FailingPlaces : public PlacesBackend {
 public:
  enum class Failure {
    none,
    lookup,        // nearby() throws "lookup exploded"
    after_lookup,  // name(), asked for the log line after the lookup, throws "name exploded"
  };
  explicit FailingPlaces(Failure failure) : failure_(failure) {}

  boost::asio::awaitable<PlacesAnswer> nearby(PlacesQuery query) override;
  std::string_view name() const override;

 private:
  Failure failure_;
};

struct InProcessMember {
  InProcessMember(boost::asio::io_context& io, std::string_view name,
                  Config config = default_config(),
                  FailingPlaces::Failure places = FailingPlaces::Failure::none);

  std::shared_ptr<FailingLog> log;
  MemberState state;
};

// Both ends of a loopback TCP connection, client first.
std::pair<boost::asio::ip::tcp::socket, boost::asio::ip::tcp::socket> connected_pair(
    boost::asio::io_context& io);

// What a test read from a socket while running the io_context.
struct Received {
  std::string text;
  bool closed = false;  // the other end closed (or reset) the connection
};

// Runs `io` while reading from `socket` until what came contains `until`, or
// the connection closes (an empty `until` waits for that), or `limit` passes.
Received read_from(boost::asio::io_context& io, boost::asio::ip::tcp::socket& socket,
                   std::string_view until,
                   std::chrono::milliseconds limit = std::chrono::milliseconds(5000));

}  // namespace herd::test
