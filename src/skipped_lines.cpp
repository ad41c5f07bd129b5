#include "herd/skipped_lines.hpp"

#include <utility>

namespace herd {

bool SkippedLines::skip(Clock::time_point now) {
  ++total_;
  // Held lines go out in their summary first, so the log keeps their order.
  if (unlogged_ == 0 && now >= next_log_) {
    next_log_ = now + log_interval;
    return true;
  }
  ++unlogged_;
  return false;
}

std::uint64_t SkippedLines::take_unlogged(Clock::time_point now) {
  next_log_ = now + log_interval;
  return std::exchange(unlogged_, 0);
}

}  // namespace herd
