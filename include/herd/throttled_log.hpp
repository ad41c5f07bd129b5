// A log line for an event that a client or a neighbour can repeat thousands of
// times a second, such as a refusal at the table's bounds (SPEC §5): the first
// is logged in full; the ones that follow within the interval are only
// counted, and a timer logs one summary line with their count at the
// interval's end. So the log gets at most one line per interval however fast
// the events come, and no event goes uncounted.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include <spdlog/logger.h>

namespace herd {

class ThrottledLog {
 public:
  using Clock = std::chrono::steady_clock;

  // `events` names the events in summaries ("IAMATs refused (table full)").
  ThrottledLog(boost::asio::any_io_executor executor, spdlog::logger& log, std::string events,
               Clock::duration interval = std::chrono::seconds(1));

  // Counts an event that happened at `now`; logs describe() (a callable that
  // returns the line) at warning level if no line about these events went out
  // within the interval, otherwise leaves the event to the next summary.
  template <typename Describe>
  void note(Clock::time_point now, Describe&& describe) {
    if (count(now)) log_.warn("{}", describe());
  }

  // Events noted since the start.
  std::uint64_t total() const { return total_; }

 private:
  // Whether the event is to be logged now; if not, the summary is scheduled.
  bool count(Clock::time_point now);
  void summarize();

  spdlog::logger& log_;
  std::string events_;
  Clock::duration interval_;
  boost::asio::steady_timer summary_timer_;
  Clock::time_point last_line_;  // of the last line logged, in full or as a summary
  bool logged_any_ = false;
  std::uint64_t unlogged_ = 0;  // events since the last line, waiting for the summary
  std::uint64_t total_ = 0;
};

}  // namespace herd
