// A log line for an event that a client or a neighbour can repeat thousands of
// times a second (a refusal at the table's bounds, a skipped link line, a
// refused HELLO; protocol.md §5): the first is logged in full; those that follow
// within the interval are only counted, and a timer logs one summary with
// their count at the interval's end, so a burst's count reaches the log even
// if nothing follows it. The log gets at most one line per interval however
// fast the events come, only the lines logged in full are formatted, and no
// event goes uncounted: a summary still due when the throttle is destroyed (a
// link that closed) is logged then.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace herd {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  // `events` names the events in summaries ("IAMATs refused (table full)").
  LogThrottle(boost::asio::any_io_executor executor, spdlog::logger& log, std::string events,
              Clock::duration interval = std::chrono::seconds(1));
  LogThrottle(LogThrottle&&) noexcept = default;
  LogThrottle& operator=(LogThrottle&&) = delete;
  ~LogThrottle();

  // Counts an event that happened at `now`; logs describe() (a callable that
  // returns the line, and may read total()) at warning level if no line about
  // these events went out within the interval, otherwise leaves the event to
  // the next summary.
  template <typename Describe>
  void note(Clock::time_point now, Describe&& describe) {
    if (count(now)) log_in_full(describe());
  }

  // Logs the summary of the events held back so far now rather than at the
  // interval's end (a link that closes says what it skipped before it goes).
  void flush();

  // Events noted since the start, this one included.
  std::uint64_t total() const;

 private:
  struct State;

  // Whether the event is to be logged now; if not, the summary is scheduled.
  bool count(Clock::time_point now);
  void log_in_full(const std::string& line);

  // On the heap, so that the throttle can move and a summary timer that fires
  // after it is gone finds nothing to touch.
  std::shared_ptr<State> state_;
};

}  // namespace herd
