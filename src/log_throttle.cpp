#include "herd/log_throttle.hpp"

namespace herd {

LogThrottle::LogThrottle(clock::duration interval) : interval_(interval) {}

std::uint64_t LogThrottle::admit(clock::time_point now) {
  ++held_;
  if (now < quiet_until_) return 0;
  quiet_until_ = now + interval_;
  const std::uint64_t stands_for = held_;
  held_ = 0;
  return stands_for;
}

std::string held_back_note(std::uint64_t stands_for) {
  if (stands_for <= 1) return "";
  return "; " + std::to_string(stands_for - 1) + " more since the last such line";
}

}  // namespace herd
