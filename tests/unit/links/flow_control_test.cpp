// Flow control's decision (flow_control.hpp), step by step: a link's backlog
// grows past each mark and one byte past it, the client's window is written,
// the link writes or stalls, and several links hold a client at once.
#include "herd/links/flow_control.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace herd {
namespace {

using namespace std::chrono_literals;

constexpr FlowLimits limits{8 * 1024, 256 * 1024, 1s};
const SteadyTime start = SteadyTime() + 1h;

TEST(FlowControl, AClientWithAWindowUnwrittenWaitsOncePastTheWindowMark) {
  LinkBacklog link{0, true, start};
  EXPECT_EQ(held_back_by(link, limits), std::nullopt) << "an empty link";
  link.bytes = limits.window_bytes;
  EXPECT_EQ(held_back_by(link, limits), std::nullopt) << "at the mark";
  link.bytes = limits.window_bytes + 1;
  EXPECT_EQ(held_back_by(link, limits), start + 1s) << "one past it";
}

TEST(FlowControl, AClientWhoseWindowIsWrittenWaitsOnlyPastTheEveryoneMark) {
  LinkBacklog link{limits.window_bytes + 1, false, start};
  EXPECT_EQ(held_back_by(link, limits), std::nullopt) << "past the window mark";
  link.bytes = limits.everyone_bytes;
  EXPECT_EQ(held_back_by(link, limits), std::nullopt) << "at the everyone mark";
  link.bytes = limits.everyone_bytes + 1;
  EXPECT_EQ(held_back_by(link, limits), start + 1s) << "one past it";
  link.holds_window = true;
  EXPECT_EQ(held_back_by(link, limits), start + 1s) << "with its window too";
}

TEST(FlowControl, AStreamingClientIsHeldThenLetGoAsTheLinkWrites) {
  // The link's writer takes a few KiB at a time; each write moves its
  // progress on and may write the client's window.
  LinkBacklog link{20 * 1024, true, start};
  EXPECT_EQ(held_back_by(link, limits), start + 1s);

  link.bytes = 12 * 1024;  // a write completed, the window still queued
  link.last_progress = start + 300ms;
  EXPECT_EQ(held_back_by(link, limits), start + 1300ms) << "the wait starts over";

  link.holds_window = false;  // the next write took the window's oldest flood
  link.last_progress = start + 600ms;
  EXPECT_EQ(held_back_by(link, limits), std::nullopt);

  link.holds_window = true;  // the client's next batch
  link.bytes = limits.window_bytes;
  EXPECT_EQ(held_back_by(link, limits), std::nullopt) << "drained down to the mark";
}

TEST(FlowControl, AStalledLinkHoldsNobodyPastTheStallLimit) {
  // The client waits while the time returned is still to come: a link that
  // wrote nothing since `start` holds it until exactly start + stall_limit.
  const LinkBacklog hung{limits.everyone_bytes + 1, true, start};
  const auto until = held_back_by(hung, limits);
  ASSERT_TRUE(until);
  const SteadyTime one_before = start + limits.stall_limit - 1ns;
  EXPECT_LT(one_before, *until) << "still held 1 ns before the limit";
  EXPECT_FALSE(start + limits.stall_limit < *until) << "let go at the limit";
}

TEST(FlowControl, WithoutLinksNobodyIsHeld) {
  const std::vector<LinkBacklog> none;
  EXPECT_EQ(held_back_until(none, limits), std::nullopt);
}

TEST(FlowControl, SeveralLinksHoldAClientUntilTheLastOfThemStalls) {
  std::array<LinkBacklog, 3> links{{
      {0, false, start},                               // holds nobody
      {limits.window_bytes + 1, true, start + 200ms},  // holds its window
      {limits.everyone_bytes + 1, false, start},       // holds everyone
  }};
  EXPECT_EQ(held_back_until(links, limits), start + 1200ms);

  links[1].holds_window = false;  // written: only the overloaded link holds it now
  EXPECT_EQ(held_back_until(links, limits), start + 1s);

  links[2].bytes = limits.everyone_bytes;  // at the mark
  EXPECT_EQ(held_back_until(links, limits), std::nullopt);
}

TEST(FlowControl, AStalledLinkDoesNotHideOneThatStillHolds) {
  // The first link stalled long ago; the second, still moving, holds the client.
  const std::array<LinkBacklog, 2> links{{
      {limits.everyone_bytes + 1, true, start - 1h},
      {limits.window_bytes + 1, true, start},
  }};
  EXPECT_EQ(held_back_until(links, limits), start + 1s);
}

}  // namespace
}  // namespace herd
