// ThrottledLog: the first event in full, then at most one summary an interval.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "captured_log.hpp"
#include "herd/throttled_log.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

int count_of(const std::string& text, const std::string& piece) {
  int count = 0;
  for (auto at = text.find(piece); at != std::string::npos; at = text.find(piece, at + 1)) {
    ++count;
  }
  return count;
}

class ThrottledLogTest : public ::testing::Test {
 protected:
  // Runs the loop until the log holds `count` summaries, or for 5 s at most.
  bool run_until_summaries(int count) {
    const auto deadline = ThrottledLog::Clock::now() + 5s;
    while (count_of(log.text(), "refusals (test):") < count) {
      if (ThrottledLog::Clock::now() >= deadline) return false;
      io.restart();  // a loop that ran out of work stays stopped until then
      io.run_one_for(50ms);
    }
    return true;
  }

  boost::asio::io_context io;
  test::CapturedLog log;
  ThrottledLog throttled{io.get_executor(), log.logger(), "refusals (test)", 100ms};
};

TEST_F(ThrottledLogTest, TheFirstIsLoggedInFullAndTheRestInOneSummary) {
  const auto start = ThrottledLog::Clock::now();
  int described = 0;
  for (int i = 0; i < 1000; ++i) {
    throttled.note(start + std::chrono::microseconds(i), [&] {
      ++described;
      return "refused number " + std::to_string(i);
    });
  }
  EXPECT_EQ(described, 1);  // the others were not even formatted
  EXPECT_THAT(log.text(), HasSubstr("refused number 0"));
  EXPECT_THAT(log.text(), Not(HasSubstr("refusals (test):")));
  EXPECT_EQ(throttled.total(), 1000u);
  ASSERT_TRUE(run_until_summaries(1));
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 999 more in the last "));
  EXPECT_THAT(log.text(), HasSubstr("(1000 in all)"));
  // Nothing more to say: no further summary however long the loop runs.
  io.restart();
  io.run_for(300ms);
  EXPECT_EQ(count_of(log.text(), "refusals (test):"), 1);
}

TEST_F(ThrottledLogTest, EventsRightAfterASummaryWaitForTheNextOne) {
  const auto start = ThrottledLog::Clock::now();
  throttled.note(start, [] { return std::string("first"); });
  throttled.note(start, [] { return std::string("second"); });
  ASSERT_TRUE(run_until_summaries(1));
  throttled.note(ThrottledLog::Clock::now(), [] { return std::string("third"); });
  throttled.note(ThrottledLog::Clock::now(), [] { return std::string("fourth"); });
  ASSERT_TRUE(run_until_summaries(2));
  EXPECT_THAT(log.text(), HasSubstr("refusals (test): 2 more in the last "));
  EXPECT_THAT(log.text(), HasSubstr("(4 in all)"));
  EXPECT_THAT(log.text(), Not(HasSubstr("third")));
}

TEST_F(ThrottledLogTest, AnEventAfterAQuietIntervalIsLoggedInFull) {
  const auto start = ThrottledLog::Clock::now();
  throttled.note(start, [] { return std::string("first"); });
  throttled.note(start + 100ms, [] { return std::string("second"); });
  throttled.note(start + 150ms, [] { return std::string("third"); });
  EXPECT_THAT(log.text(), HasSubstr("first"));
  EXPECT_THAT(log.text(), HasSubstr("second"));
  EXPECT_THAT(log.text(), Not(HasSubstr("third")));  // within 100 ms of "second"
  EXPECT_EQ(throttled.total(), 3u);
}

}  // namespace
}  // namespace herd
