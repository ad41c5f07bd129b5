// Keeps an event that can repeat quickly (a refused HELLO, a conflict between
// two processes claiming one member) from flooding the log: the first one is
// logged, then at most one per interval, and each logged line says how many
// events it stands for.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace herd {

class LogThrottle {
 public:
  using clock = std::chrono::steady_clock;

  explicit LogThrottle(clock::duration interval = std::chrono::seconds(1));

  // Counts one event at `now`. Returns how many events the line logged for it
  // stands for (itself and those held back since the last line), or 0 when
  // this one is held back.
  std::uint64_t admit(clock::time_point now);

 private:
  clock::duration interval_;
  clock::time_point quiet_until_ = clock::time_point::min();
  std::uint64_t held_ = 0;
};

// "" for a line that stands for itself alone, otherwise "; N more since the
// last such line": the end of a line logged after LogThrottle::admit.
std::string held_back_note(std::uint64_t stands_for);

}  // namespace herd
