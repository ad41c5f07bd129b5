#include "herd/links/dial_backoff.hpp"

#include <algorithm>
#include <utility>

namespace herd {

namespace {

// However the reasons alternate, a dialer's failures get at most a line this often.
constexpr auto failure_line_spacing = std::chrono::seconds(1);

}  // namespace

DialBackoff::DialBackoff(duration initial, duration cap)
    : initial_(initial), cap_(std::max(initial, cap)), next_(initial) {}

DialBackoff::duration DialBackoff::after(DialOutcome outcome,
                                         std::chrono::steady_clock::duration up_for) {
  if (outcome == DialOutcome::refused) {
    // It is there and answers, so waiting less would not bring it sooner:
    // only its operator can change its mind.
    next_ = cap_;
    return cap_;
  }
  if (outcome == DialOutcome::dropped && up_for >= cap_) next_ = initial_;
  const duration wait = next_;
  next_ = std::min(next_ * 2, cap_);
  return wait;
}

DialFailureLog::DialFailureLog(clock::duration reminder) : reminder_(reminder) {}

bool DialFailureLog::admit(std::string_view reason, clock::time_point now) {
  ++failures_;
  const bool news = reason != logged_reason_ || now >= reminder_due_;
  if (!news || now < quiet_until_) return false;
  logged_reason_ = reason;
  reminder_due_ = now + reminder_;
  quiet_until_ = now + failure_line_spacing;
  return true;
}

std::size_t DialFailureLog::link_up() {
  logged_reason_.clear();
  return std::exchange(failures_, 0);
}

}  // namespace herd
