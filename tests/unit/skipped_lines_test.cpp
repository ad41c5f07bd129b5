// Counting the lines a link skips and rate-limiting their log lines (SPEC §5).
#include <gtest/gtest.h>

#include "herd/skipped_lines.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;

const SkippedLines::Clock::time_point start = SkippedLines::Clock::time_point() + 1h;

TEST(SkippedLines, FirstIsLoggedAtOnce) {
  SkippedLines skipped;
  EXPECT_TRUE(skipped.skip(start));
  EXPECT_EQ(skipped.total(), 1u);
  EXPECT_EQ(skipped.unlogged(), 0u);
}

TEST(SkippedLines, OthersWithinTheSecondWaitForOneSummary) {
  SkippedLines skipped;
  ASSERT_TRUE(skipped.skip(start));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(skipped.skip(start + 999ms));
  EXPECT_EQ(skipped.unlogged(), 1000u);
  EXPECT_EQ(skipped.total(), 1001u);
  EXPECT_EQ(skipped.summary_due(), start + 1s);
  EXPECT_EQ(skipped.take_unlogged(start + 1s), 1000u);
  EXPECT_EQ(skipped.unlogged(), 0u);
  EXPECT_EQ(skipped.total(), 1001u);
  // The summary counts as the second's log line: the next waits a second more.
  EXPECT_FALSE(skipped.skip(start + 1500ms));
  EXPECT_EQ(skipped.summary_due(), start + 2s);
}

TEST(SkippedLines, AfterAQuietSecondTheNextIsLoggedAtOnce) {
  SkippedLines skipped;
  ASSERT_TRUE(skipped.skip(start));
  EXPECT_TRUE(skipped.skip(start + 1s));
  EXPECT_FALSE(skipped.skip(start + 1s));
  EXPECT_EQ(skipped.take_unlogged(start + 2s), 1u);
  EXPECT_TRUE(skipped.skip(start + 3s));
  EXPECT_EQ(skipped.total(), 4u);
}

TEST(SkippedLines, HeldLinesKeepTheNextOneHeldUntilTheirSummary) {
  SkippedLines skipped;
  ASSERT_TRUE(skipped.skip(start));
  EXPECT_FALSE(skipped.skip(start + 10ms));
  // The summary is late (a busy loop): a line logged now would come before it.
  EXPECT_FALSE(skipped.skip(start + 5s));
  EXPECT_EQ(skipped.take_unlogged(start + 5s), 2u);
}

}  // namespace
}  // namespace herd
