// Splitting a byte stream into lines with a hard length cap (protocol.md §2).
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "herd/protocol/line_buffer.hpp"

namespace herd {
namespace {

void feed(LineBuffer& lines, std::string_view bytes) {
  while (!bytes.empty()) {
    const auto area = lines.write_area();
    ASSERT_FALSE(area.empty());
    const std::size_t n = std::min(area.size(), bytes.size());
    std::memcpy(area.data(), bytes.data(), n);
    lines.commit(n);
    bytes.remove_prefix(n);
  }
}

TEST(LineBuffer, SplitsOnNewlineAndDropsCarriageReturn) {
  LineBuffer lines(100);
  feed(lines, "one\ntwo\r\nthr");
  EXPECT_EQ(lines.next_line(), "one");
  EXPECT_EQ(lines.next_line(), "two");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  feed(lines, "ee\n");
  EXPECT_EQ(lines.next_line(), "three");
}

TEST(LineBuffer, UnreadIsEverythingNoLineHasTakenYet) {
  LineBuffer lines(100);
  feed(lines, "one\ntwo\r\nthr");
  EXPECT_EQ(lines.unread(), "one\ntwo\r\nthr");
  EXPECT_EQ(lines.next_line(), "one");
  EXPECT_EQ(lines.unread(), "two\r\nthr");
  EXPECT_EQ(lines.next_line(), "two");
  EXPECT_EQ(lines.unread(), "thr");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_EQ(lines.unread(), "thr");
}

TEST(LineBuffer, RestAtEndOfStreamIsTheLastLine) {
  LineBuffer lines(100);
  feed(lines, "a\nlast");
  EXPECT_EQ(lines.next_line(), "a");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_EQ(lines.take_rest(), "last");
  EXPECT_EQ(lines.take_rest(), std::nullopt);
}

TEST(LineBuffer, LineOfExactlyTheLimitFits) {
  LineBuffer lines(10);
  feed(lines, std::string(10, 'x') + "\r");
  EXPECT_FALSE(lines.overflowed());
  feed(lines, "\n");
  EXPECT_EQ(lines.next_line(), std::string(10, 'x'));
}

TEST(LineBuffer, LongerLineOverflows) {
  LineBuffer lines(10);
  feed(lines, std::string(11, 'y'));
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_TRUE(lines.overflowed());
  EXPECT_EQ(lines.overflow_prefix(), std::string(10, 'y'));
}

// protocol.md §2: the limit counts a line without its "\n" or "\r\n"; one byte more
// is over it, whether the line is complete, still arriving, or in one read with
// others.
TEST(LineBuffer, CompleteLineAtTheLimitFitsAndOneByteMoreOverflows) {
  for (const std::string_view terminator : {"\n", "\r\n"}) {
    LineBuffer at_limit(10);
    feed(at_limit, std::string(10, 'a') + std::string(terminator));
    EXPECT_EQ(at_limit.next_line(), std::string(10, 'a'));
    EXPECT_FALSE(at_limit.overflowed());

    LineBuffer past_limit(10);
    feed(past_limit, std::string(11, 'b') + std::string(terminator));
    EXPECT_EQ(past_limit.next_line(), std::nullopt) << "terminator size " << terminator.size();
    EXPECT_TRUE(past_limit.overflowed());
    EXPECT_EQ(past_limit.overflow_prefix(), std::string(10, 'b'));
  }
}

TEST(LineBuffer, PartialLineOverflowsOnlyOnceItIsPastTheLimit) {
  LineBuffer lines(10);
  feed(lines, std::string(10, 'a'));
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_FALSE(lines.overflowed());
  feed(lines, "\r");  // may still be a "\r\n"
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_FALSE(lines.overflowed());
  feed(lines, "x");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_TRUE(lines.overflowed());
}

TEST(LineBuffer, LinesArrivingInPiecesAreMeasuredWhole) {
  for (const std::string_view terminator : {"\n", "\r\n"}) {
    for (std::size_t size : {10u, 11u}) {
      LineBuffer lines(10);
      const std::string line = std::string(size, 'p') + std::string(terminator);
      for (const char byte : line) {
        EXPECT_EQ(lines.next_line(), std::nullopt);
        feed(lines, std::string(1, byte));
      }
      const auto taken = lines.next_line();
      EXPECT_EQ(taken.has_value(), size == 10)
          << size << " bytes, terminator " << terminator.size();
      EXPECT_EQ(lines.overflowed(), size == 11)
          << size << " bytes, terminator " << terminator.size();
    }
  }
}

TEST(LineBuffer, LineAtTheLimitAmongOthersInOneRead) {
  LineBuffer lines(10);
  feed(lines, "a\n" + std::string(10, 'm') + "\r\nb\n" + std::string(11, 'o') + "\nc\n");
  EXPECT_EQ(lines.next_line(), "a");
  EXPECT_EQ(lines.next_line(), std::string(10, 'm'));
  EXPECT_EQ(lines.next_line(), "b");
  // The over-long line stops the lines: nothing after it is taken.
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_TRUE(lines.overflowed());
  EXPECT_EQ(lines.overflow_prefix(), std::string(10, 'o'));
  EXPECT_EQ(lines.next_line(), std::nullopt);
}

TEST(LineBuffer, SkippingACompleteOverLongLineGoesOnWithTheNext) {
  LineBuffer lines(10);
  std::string bytes(11, 'o');
  bytes += "\r\nnext\n" + std::string(12, 'p') + "\nlast\n";
  feed(lines, bytes);
  EXPECT_EQ(lines.next_line(), std::nullopt);
  ASSERT_TRUE(lines.overflowed());
  lines.skip_line();
  EXPECT_FALSE(lines.overflowed());
  EXPECT_EQ(lines.next_line(), "next");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  ASSERT_TRUE(lines.overflowed());
  lines.skip_line();
  EXPECT_EQ(lines.next_line(), "last");
  EXPECT_TRUE(lines.empty());
}

TEST(LineBuffer, SkippingAnEndlessLineHoldsNoMoreThanALine) {
  LineBuffer lines(64);
  feed(lines, "first\n");
  EXPECT_EQ(lines.next_line(), "first");
  // A megabyte without a newline, read as a link reads: skipped as it comes.
  std::size_t sent = 0;
  while (sent < (1u << 20)) {
    const auto area = lines.write_area();
    ASSERT_FALSE(area.empty());
    ASSERT_LE(area.size(), 64u + 2) << "the buffer grew with the skipped line";
    std::memset(area.data(), 'z', area.size());
    lines.commit(area.size());
    sent += area.size();
    EXPECT_EQ(lines.next_line(), std::nullopt);
    if (lines.overflowed()) lines.skip_line();
    EXPECT_FALSE(lines.overflowed());
  }
  feed(lines, "zzz\nafter\n");
  EXPECT_EQ(lines.next_line(), "after");
  EXPECT_EQ(lines.take_rest(), std::nullopt);
}

TEST(LineBuffer, RestOfASkippedLineAtEndOfStreamIsNoLine) {
  LineBuffer lines(10);
  feed(lines, std::string(20, 's'));
  ASSERT_TRUE(lines.overflowed());
  lines.skip_line();
  feed(lines, "still the same line");
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_EQ(lines.take_rest(), std::nullopt);
}

TEST(LineBuffer, RaisedLimitTakesLongerLinesAlreadyBuffered) {
  // A connection whose HELLO makes it a peer link keeps its buffer.
  LineBuffer lines(10);
  feed(lines, "HELLO x\n" + std::string(10, 'e'));
  EXPECT_EQ(lines.next_line(), "HELLO x");
  lines.set_max_line_bytes(20);
  feed(lines, std::string(10, 'e') + "\n");
  EXPECT_EQ(lines.next_line(), std::string(20, 'e'));
  feed(lines, std::string(21, 'e') + '\n');
  EXPECT_EQ(lines.next_line(), std::nullopt);
  EXPECT_TRUE(lines.overflowed());
}

TEST(LineBuffer, EndlessLineStopsAtTheLimitInsteadOfGrowing) {
  LineBuffer lines(4096);
  std::size_t accepted = 0;
  for (;;) {
    const auto area = lines.write_area();
    if (area.empty()) break;
    std::memset(area.data(), 'z', area.size());
    lines.commit(area.size());
    accepted += area.size();
    ASSERT_LE(accepted, 4096u + 2) << "buffered more than a line may hold";
    EXPECT_EQ(lines.next_line(), std::nullopt);
  }
  EXPECT_TRUE(lines.overflowed());
}

TEST(LineBuffer, ManySmallLinesReuseTheSameStorage) {
  LineBuffer lines(64);
  for (int i = 0; i < 10000; ++i) {
    feed(lines, "IAMAT a +1+1 1\n");
    EXPECT_EQ(lines.next_line(), "IAMAT a +1+1 1");
  }
}

}  // namespace
}  // namespace herd
