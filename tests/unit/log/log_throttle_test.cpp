// LogThrottle: the first event in full, then at most one summary an interval,
// sent by a timer so that a burst's count is not lost.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "captured_log.hpp"
#include "herd/log/log_throttle.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using Clock = LogThrottle::Clock;

int count_of(const std::string& text, const std::string& piece) {
  int count = 0;
  for (auto at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) {
    ++count;
  }
  return count;
}

class LogThrottleTest : public ::testing::Test {
 protected:
  // Runs the loop until the log holds `count` summaries, or for 5 s at most.
  bool run_until_summaries(int count) {
    const auto deadline = Clock::now() + 5s;
    while (count_of(log.text(), "refusals (test):") < count) {
      if (Clock::now() >= deadline) return false;
      io.restart();  // a loop that ran out of work stays stopped until then
      io.run_one_for(50ms);
    }
    return true;
  }

  void note(LogThrottle& on, Clock::time_point at, const std::string& line) {
    on.note(at, [&] { return line; });
  }

  boost::asio::io_context io;
  test::CapturedLog log;
  std::optional<LogThrottle> throttle{std::in_place, io.get_executor(), log.logger(),
                                      "refusals (test)", 100ms};
};

TEST_F(LogThrottleTest, TheFirstIsLoggedInFullAndTheRestInOneSummary) {
  const auto start = Clock::now();
  int described = 0;
  for (int i = 0; i < 1000; ++i) {
    throttle->note(start + std::chrono::microseconds(i), [&] {
      ++described;
      return "refused number " + std::to_string(i) + ", " + std::to_string(throttle->total()) +
             " so far";
    });
  }
  EXPECT_EQ(described, 1);  // the others were not even formatted
  EXPECT_THAT(log.text(), HasSubstr("refused number 0, 1 so far"));
  EXPECT_THAT(log.text(), Not(HasSubstr("refusals (test):")));
  EXPECT_EQ(throttle->total(), 1000u);
  ASSERT_TRUE(run_until_summaries(1));
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 999 more in the last "));
  EXPECT_THAT(log.text(), HasSubstr("(1000 in all)"));
  // Nothing more to say: no further summary however long the loop runs.
  io.restart();
  io.run_for(300ms);
  EXPECT_EQ(count_of(log.text(), "refusals (test):"), 1);
}

TEST_F(LogThrottleTest, EventsRightAfterASummaryWaitForTheNextOne) {
  const auto start = Clock::now();
  note(*throttle, start, "first");
  note(*throttle, start, "second");
  ASSERT_TRUE(run_until_summaries(1));
  note(*throttle, Clock::now(), "third");
  note(*throttle, Clock::now(), "fourth");
  ASSERT_TRUE(run_until_summaries(2));
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 2 more in the last "));
  EXPECT_THAT(log.text(), HasSubstr("(4 in all)"));
  EXPECT_THAT(log.text(), Not(HasSubstr("third")));
}

TEST_F(LogThrottleTest, EventsFartherApartThanTheIntervalAreEachLoggedInFull) {
  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) note(*throttle, start + 150ms * i, "event " + std::to_string(i));
  for (int i = 0; i < 5; ++i) EXPECT_THAT(log.text(), HasSubstr("event " + std::to_string(i)));
  note(*throttle, start + 650ms, "within 100 ms of the last");
  EXPECT_THAT(log.text(), Not(HasSubstr("within 100 ms")));
  EXPECT_EQ(throttle->total(), 6u);
}

TEST_F(LogThrottleTest, HeldEventsKeepTheNextOneHeldUntilTheirSummary) {
  const auto start = Clock::now();
  note(*throttle, start, "first");
  note(*throttle, start + 10ms, "second");
  // The summary is late (a busy loop): a line logged now would come before it.
  note(*throttle, start + 5s, "late");
  EXPECT_THAT(log.text(), Not(HasSubstr("late")));
  ASSERT_TRUE(run_until_summaries(1));
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 2 more in the last "));
}

TEST_F(LogThrottleTest, ManyEventsGiveAtMostOneLinePerIntervalAndAllAreCounted) {
  // 10,000 events over a second, the loop run between them. Each is stamped
  // with the time it is noted, as the member's are: summaries go by the same
  // clock, and events stamped ahead of it would get their next full line
  // right behind a summary.
  const auto start = Clock::now();
  for (int i = 0; i < 10'000; ++i) {
    std::this_thread::sleep_until(start + 100us * i);
    note(*throttle, Clock::now(), "event");
    io.restart();
    io.poll();
  }
  const auto elapsed = Clock::now() - start;
  ASSERT_TRUE(run_until_summaries(1));
  throttle.reset();  // logs the last summary, if one is due
  const std::string text = log.text();
  const int lines = count_of(text, "\n");
  EXPECT_LE(lines, elapsed / 100ms + 2) << text;
  // Every event is in the first line or a summary.
  std::uint64_t counted = count_of(text, "event\n");
  const std::regex summary(R"(refusals \(test\): (\d+) more)");
  for (std::sregex_iterator it(text.begin(), text.end(), summary), end; it != end; ++it) {
    counted += std::stoull((*it)[1]);
  }
  EXPECT_EQ(counted, 10'000u) << text;
}

TEST_F(LogThrottleTest, ASummaryDueWhenTheThrottleGoesIsLoggedThen) {
  const auto start = Clock::now();
  note(*throttle, start, "first");
  note(*throttle, start, "second");
  note(*throttle, start, "third");
  throttle.reset();  // a link that closed before the interval ended
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 2 more in the last "));
  EXPECT_THAT(log.text(), HasSubstr("(3 in all)"));
  // Its timer finds nothing to touch when the loop runs it.
  io.restart();
  io.run_for(200ms);
  EXPECT_EQ(count_of(log.text(), "refusals (test):"), 1);
}

TEST_F(LogThrottleTest, FlushLogsTheSummaryAtOnceAndTheTimerAddsNothing) {
  const auto start = Clock::now();
  note(*throttle, start, "first");
  throttle->flush();  // nothing held: nothing to say
  EXPECT_THAT(log.text(), Not(HasSubstr("refusals (test):")));
  note(*throttle, start, "second");
  note(*throttle, start, "third");
  throttle->flush();
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 2 more in the last "));
  io.restart();
  io.run_for(200ms);
  EXPECT_EQ(count_of(log.text(), "refusals (test):"), 1);
  // The summary counts as the interval's line: the next event waits for the next one.
  note(*throttle, Clock::now(), "fourth");
  EXPECT_THAT(log.text(), Not(HasSubstr("fourth")));
  ASSERT_TRUE(run_until_summaries(2));
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 1 more in the last "));
}

TEST_F(LogThrottleTest, AMovedThrottleKeepsItsCountAndItsSummary) {
  const auto start = Clock::now();
  note(*throttle, start, "first");
  note(*throttle, start, "second");
  std::optional<LogThrottle> moved{std::move(*throttle)};
  throttle.reset();  // the moved-from one says nothing
  EXPECT_THAT(log.text(), Not(HasSubstr("refusals (test):")));
  EXPECT_EQ(moved->total(), 2u);
  ASSERT_TRUE(run_until_summaries(1));
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 1 more in the last "));
}

}  // namespace
}  // namespace herd
