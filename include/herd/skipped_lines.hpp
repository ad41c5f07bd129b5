// The lines a link skips (SPEC §5: malformed, an unknown origin, a time beyond
// the clock-skew window, over the length limit) are counted, and go to the log
// at most once a second, so a buggy or hostile neighbour cannot flood it: the
// first one is logged at once, the ones that follow within the second are
// counted and summed up in one line when it is over.
#pragma once

#include <chrono>
#include <cstdint>

namespace herd {

class SkippedLines {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto log_interval = std::chrono::seconds(1);

  // Counts one skipped line at `now`. True when it is to be logged now; false
  // when it is held for the summary, due at summary_due().
  bool skip(Clock::time_point now);

  // Lines counted since the last one logged, for the summary.
  std::uint64_t unlogged() const { return unlogged_; }
  Clock::time_point summary_due() const { return next_log_; }
  // The summary of the unlogged lines is logged at `now`: returns how many it
  // covers, and the next line is held until a second later.
  std::uint64_t take_unlogged(Clock::time_point now);

  // Every line skipped on this link.
  std::uint64_t total() const { return total_; }

 private:
  std::uint64_t total_ = 0;
  std::uint64_t unlogged_ = 0;
  Clock::time_point next_log_{};  // no line is logged before this
};

}  // namespace herd
