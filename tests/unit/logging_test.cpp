// The member log's line escaping and its batching file sink.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "herd/batching_file_sink.hpp"
#include "herd/log_line_formatter.hpp"
#include "herd/logging.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;

TEST(Escaped, KeepsPrintableTextAndEscapesTheRest) {
  EXPECT_EQ(fmt::format("{}", Escaped{"IAMAT kiwi +1+1 1"}), "IAMAT kiwi +1+1 1");
  EXPECT_EQ(fmt::format("{}", Escaped{"a\nb\r\tc\\d"}), "a\\nb\\r\\tc\\\\d");
  EXPECT_EQ(fmt::format("{}", Escaped{std::string_view("\0\x7f\x1b", 3)}), "\\x00\\x7f\\x1b");
  EXPECT_EQ(fmt::format("<{}>", Escaped{""}), "<>");
  EXPECT_EQ(fmt::format("{}", Escaped{"Café\n"}), "Café\\n");  // UTF-8 bytes pass as they are
}

TEST(Escaped, FindsEachByteToEscapeWhereverItSitsInAWord) {
  // Every byte value at every offset of a text longer than two words, found
  // from every starting point, as a byte-by-byte search finds it.
  const auto escaped = [](unsigned char byte) {
    return byte < 0x20 || byte == 0x7f || byte == '\\';
  };
  std::string text(19, 'a');
  text[3] = '\xC3';  // UTF-8 bytes and 0x80 do not count
  text[4] = '\x80';
  for (int value = 0; value < 256; ++value) {
    for (std::size_t at = 0; at < text.size(); ++at) {
      std::string probe = text;
      probe[at] = static_cast<char>(value);
      for (std::size_t from = 0; from <= probe.size(); ++from) {
        std::size_t expected = from;
        while (expected < probe.size() && !escaped(static_cast<unsigned char>(probe[expected]))) {
          ++expected;
        }
        ASSERT_EQ(next_to_escape(probe, from), expected)
            << value << " at " << at << " from " << from;
      }
    }
  }
}

TEST(LogTraffic, WritesKindWhoArrowAndTheEscapedLineAtTheGivenTime) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  spdlog::logger log("member", sink);
  log.set_formatter(std::make_unique<LogLineFormatter>());
  const std::chrono::system_clock::time_point time{std::chrono::microseconds(1795666657103333)};
  log_traffic(log, time, "client", "127.0.0.1:4242", "<", "IAMAT kiwi +1+1 1");
  log_traffic(log, time + 2us, "link", "Hands, Wilkes", ">", "AT\tx\n{\"a\\b\"}\x01");
  EXPECT_EQ(out.str(),
            "2026-11-26T04:17:37.103333Z info client 127.0.0.1:4242 < IAMAT kiwi +1+1 1\n"
            "2026-11-26T04:17:37.103335Z info link Hands, Wilkes > AT\\tx\\n{\"a\\\\b\"}\\x01\n");

  log.set_level(spdlog::level::warn);  // below the level: nothing, not even formatting
  log_traffic(log, time, "client", "a", "<", "quiet");
  EXPECT_EQ(out.str().find("quiet"), std::string::npos);
}

std::string formatted(spdlog::formatter& formatter, std::chrono::system_clock::time_point time,
                      spdlog::level::level_enum level, std::string_view text) {
  spdlog::details::log_msg message(time, spdlog::source_loc{}, "member", level, text);
  spdlog::memory_buf_t out;
  formatter.format(message, out);
  return fmt::to_string(out);
}

TEST(LogLineFormatter, WritesUtcMicrosecondsLevelAndMessage) {
  LogLineFormatter formatter;
  const std::chrono::system_clock::time_point time{std::chrono::microseconds(1795666657103333)};
  EXPECT_EQ(formatted(formatter, time, spdlog::level::info, "client a < IAMAT"),
            "2026-11-26T04:17:37.103333Z info client a < IAMAT\n");
  // The same second again, then the next one: the cached date must not stick.
  EXPECT_EQ(formatted(formatter, time + 5us, spdlog::level::warn, "w"),
            "2026-11-26T04:17:37.103338Z warning w\n");
  EXPECT_EQ(formatted(formatter, time + 897ms, spdlog::level::err, ""),
            "2026-11-26T04:17:38.000333Z error \n");
}

TEST(LogLineFormatter, MatchesSpdlogsPatternAcrossDaysAndYears) {
  LogLineFormatter formatter;
  spdlog::pattern_formatter pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  std::chrono::system_clock::time_point time{std::chrono::microseconds(946684799999999)};
  for (int step = 0; step < 2000; ++step) {
    const auto level = static_cast<spdlog::level::level_enum>(step % 6);
    ASSERT_EQ(formatted(formatter, time, level, "x"), formatted(pattern, time, level, "x"));
    time += std::chrono::microseconds(7'777'777'777 + step);  // about 90 days, odd microseconds
  }
}

class BatchingFileSinkTest : public ::testing::Test {
 protected:
  ~BatchingFileSinkTest() override { std::filesystem::remove_all(dir_); }

  std::shared_ptr<spdlog::logger> logger(BatchingFileSink::Limits limits) {
    auto log = std::make_shared<spdlog::logger>(
        "test", std::make_shared<BatchingFileSink>(path_, limits));
    log->set_pattern("%v");
    return log;
  }
  std::string text() const { return test::read_file(path_); }

  std::filesystem::path dir_ = test::make_temp_dir("herd-log-test");
  std::filesystem::path path_ = dir_ / "member.log";
};

TEST_F(BatchingFileSinkTest, EveryLineArrivesInOrderThroughManyBatches) {
  std::ostringstream expected;
  {
    auto log = logger({.batch_bytes = 100, .backlog_bytes = 1000, .flush_interval = 50ms});
    for (int i = 0; i < 5000; ++i) {
      log->info("line {}", i);
      expected << "line " << i << "\n";
    }
  }  // the sink is destroyed: everything is written
  EXPECT_EQ(text(), expected.str());
}

TEST_F(BatchingFileSinkTest, AQuietLogReachesTheFileWithoutAFlush) {
  auto log = logger({.batch_bytes = 1 << 20, .backlog_bytes = 1 << 22, .flush_interval = 20ms});
  log->info("first");
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (text() != "first\n" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(5ms);  // polling the file, not waiting for a fixed time
  }
  EXPECT_EQ(text(), "first\n");
}

TEST_F(BatchingFileSinkTest, FlushReturnsWithEverythingWritten) {
  auto log = logger({.batch_bytes = 1 << 20, .backlog_bytes = 1 << 22, .flush_interval = 10s});
  log->info("one");
  log->info("two");
  log->flush();
  EXPECT_EQ(text(), "one\ntwo\n");
}

TEST_F(BatchingFileSinkTest, AppendsToAnExistingFile) {
  std::ofstream(path_) << "earlier\n";
  logger({})->info("later");
  EXPECT_EQ(text(), "earlier\nlater\n");
}

TEST(BatchingFileSink, UnopenableFileIsAnErrorNamingIt) {
  try {
    BatchingFileSink sink("/nonexistent-dir/member.log");
    FAIL() << "no exception";
  } catch (const spdlog::spdlog_ex& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("/nonexistent-dir/member.log"));
  }
}

}  // namespace
}  // namespace herd
