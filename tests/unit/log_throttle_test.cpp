// LogThrottle (log_throttle.hpp): the first event is logged, then at most one
// a second, each line counting the events it stands for.
#include "herd/log_throttle.hpp"

#include <gtest/gtest.h>

namespace herd {
namespace {

using std::chrono::milliseconds;
using Clock = LogThrottle::clock;

TEST(LogThrottle, TheFirstEventIsLoggedThenOnePerIntervalWithACount) {
  LogThrottle throttle;
  const auto start = Clock::now();
  EXPECT_EQ(throttle.admit(start), 1u);
  // 20 more in the next 0.95 s: held back.
  for (int i = 1; i <= 19; ++i) EXPECT_EQ(throttle.admit(start + milliseconds(50 * i)), 0u);
  // Just before the interval ends: still held back; at its end, one line for all 21.
  EXPECT_EQ(throttle.admit(start + milliseconds(999)), 0u);
  EXPECT_EQ(throttle.admit(start + milliseconds(1000)), 21u);
  EXPECT_EQ(throttle.admit(start + milliseconds(1001)), 0u);
}

TEST(LogThrottle, EventsFartherApartThanTheIntervalAreEachLogged) {
  LogThrottle throttle(milliseconds(100));
  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) EXPECT_EQ(throttle.admit(start + milliseconds(150 * i)), 1u);
}

TEST(LogThrottle, ManyEventsGiveAtMostOneLinePerInterval) {
  LogThrottle throttle;
  const auto start = Clock::now();
  std::uint64_t lines = 0;
  std::uint64_t counted = 0;
  // 10,000 events in 10 s.
  for (int i = 0; i < 10'000; ++i) {
    const std::uint64_t stands_for = throttle.admit(start + milliseconds(i));
    lines += stands_for > 0;
    counted += stands_for;
  }
  EXPECT_EQ(lines, 10u);
  // Every event is in some line's count but those held back since the last line.
  EXPECT_EQ(counted, 9'001u);
}

TEST(LogThrottle, TheNoteSaysHowManyMoreALineStandsFor) {
  EXPECT_EQ(held_back_note(1), "");
  EXPECT_EQ(held_back_note(2), "; 1 more since the last such line");
  EXPECT_EQ(held_back_note(21), "; 20 more since the last such line");
}

}  // namespace
}  // namespace herd
