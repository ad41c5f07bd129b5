// The member log's line escaping and its batching file sink.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "herd/log/batching_file_sink.hpp"
#include "herd/log/log_line_formatter.hpp"
#include "herd/log/logging.hpp"
#include "test_herd.hpp"
#include "utf8_reference.hpp"

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

// The escaping rule spelled out byte by byte over the reference UTF-8 decoder.
bool reference_escapes(std::string_view text) {
  const std::size_t length = test::utf8_length(text);
  const auto byte = static_cast<unsigned char>(text[0]);
  return length == 0 || (length == 1 && (byte < 0x20 || byte == 0x7f || byte == '\\'));
}

std::size_t reference_next_to_escape(std::string_view text, std::size_t from) {
  std::size_t i = from;
  while (i < text.size() && !reference_escapes(text.substr(i))) {
    i += test::utf8_length(text.substr(i));
  }
  return i;
}

std::string reference_escaped(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (!reference_escapes(text.substr(i))) {
      const std::size_t length = test::utf8_length(text.substr(i));
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[i]);
    switch (byte) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      default: out += fmt::format("\\x{:02x}", byte);
    }
    ++i;
  }
  return out;
}

std::string bytes(std::initializer_list<unsigned> values) {
  std::string text;
  for (unsigned value : values) text.push_back(static_cast<char>(value));
  return text;
}

TEST(Escaped, PassesWellFormedUtf8AndEscapesEveryOtherByte) {
  const std::pair<std::string, std::string> cases[] = {
      // Well formed, at the edges of each length and around the holes.
      {bytes({0xc2, 0x80}), bytes({0xc2, 0x80})},                          // U+0080
      {bytes({0xdf, 0xbf}), bytes({0xdf, 0xbf})},                          // U+07FF
      {bytes({0xe0, 0xa0, 0x80}), bytes({0xe0, 0xa0, 0x80})},              // U+0800
      {bytes({0xed, 0x9f, 0xbf}), bytes({0xed, 0x9f, 0xbf})},              // U+D7FF
      {bytes({0xee, 0x80, 0x80}), bytes({0xee, 0x80, 0x80})},              // U+E000
      {bytes({0xef, 0xbf, 0xbf}), bytes({0xef, 0xbf, 0xbf})},              // U+FFFF
      {bytes({0xf0, 0x90, 0x80, 0x80}), bytes({0xf0, 0x90, 0x80, 0x80})},  // U+10000
      {bytes({0xf4, 0x8f, 0xbf, 0xbf}), bytes({0xf4, 0x8f, 0xbf, 0xbf})},  // U+10FFFF
      {"Caf\u00e9 \u20ac \U0001d11e", "Caf\u00e9 \u20ac \U0001d11e"},
      // Overlong forms.
      {bytes({0xc0, 0x80}), "\\xc0\\x80"},
      {bytes({0xc1, 0xbf}), "\\xc1\\xbf"},
      {bytes({0xe0, 0x80, 0x80}), "\\xe0\\x80\\x80"},
      {bytes({0xe0, 0x9f, 0xbf}), "\\xe0\\x9f\\xbf"},
      {bytes({0xf0, 0x80, 0x80, 0x80}), "\\xf0\\x80\\x80\\x80"},
      {bytes({0xf0, 0x8f, 0xbf, 0xbf}), "\\xf0\\x8f\\xbf\\xbf"},
      // Surrogates.
      {bytes({0xed, 0xa0, 0x80}), "\\xed\\xa0\\x80"},
      {bytes({0xed, 0xbf, 0xbf}), "\\xed\\xbf\\xbf"},
      // Past U+10FFFF, and bytes that never occur.
      {bytes({0xf4, 0x90, 0x80, 0x80}), "\\xf4\\x90\\x80\\x80"},
      {bytes({0xf5, 0x80, 0x80, 0x80}), "\\xf5\\x80\\x80\\x80"},
      {bytes({0xf8, 0x88, 0x80, 0x80, 0x80}), "\\xf8\\x88\\x80\\x80\\x80"},
      {bytes({0xfe, 0xff}), "\\xfe\\xff"},
      // Truncated sequences, at the end and before other text.
      {bytes({0xc3}), "\\xc3"},
      {bytes({0xe2, 0x82}), "\\xe2\\x82"},
      {bytes({0xf0, 0x9d, 0x84}), "\\xf0\\x9d\\x84"},
      {"a" + bytes({0xe2, 0x82}) + "b", "a\\xe2\\x82b"},
      {bytes({0xe2, 0xe2, 0x82, 0xac}), "\\xe2\u20ac"},  // a new lead cuts the first short
      {bytes({0xf0, 0x9d, 0x84}) + "\n", "\\xf0\\x9d\\x84\\n"},
      // Continuation bytes on their own.
      {bytes({0x80}), "\\x80"},
      {bytes({0xbf, 0x80}), "\\xbf\\x80"},
      {"\u00e9" + bytes({0x80}), "\u00e9\\x80"},
      // With the ASCII escapes, and across the scan's 8-byte words.
      {"\u00e9\n" + bytes({0xff}) + "\\", "\u00e9\\n\\xff\\\\"},
      {"1234567\u00e989", "1234567\u00e989"},
      {"123456\U0001d11e9abcdefgh" + bytes({0xc3}), "123456\U0001d11e9abcdefgh\\xc3"},
      {"12345678" + bytes({0xed, 0xa0}) + "12345678", "12345678\\xed\\xa012345678"},
  };
  for (const auto& [input, expected] : cases) {
    const std::string escaped = fmt::format("{}", Escaped{input});
    EXPECT_EQ(escaped, expected) << "input " << reference_escaped(input);
    EXPECT_TRUE(test::valid_utf8(escaped)) << escaped;
  }
}

TEST(Escaped, FindsEachByteToEscapeWhereverItSitsInAWord) {
  // Every byte value at every offset of a text longer than two words, beside
  // a two-byte character, found from every starting point as the reference does.
  std::string text(19, 'a');
  text[3] = '\xC3';
  text[4] = '\x80';
  for (int value = 0; value < 256; ++value) {
    for (std::size_t at = 0; at < text.size(); ++at) {
      std::string probe = text;
      probe[at] = static_cast<char>(value);
      for (std::size_t from = 0; from <= probe.size(); ++from) {
        ASSERT_EQ(next_to_escape(probe, from), reference_next_to_escape(probe, from))
            << value << " at " << at << " from " << from;
      }
    }
  }
}

// Text that is mostly near the edges of UTF-8: well-formed characters of every
// length, their overlong, surrogate and too-large neighbours, cut short or not,
// among ASCII and stray bytes.
std::string random_text(std::mt19937& random) {
  const auto pick = [&](std::uint32_t low, std::uint32_t high) {
    return std::uniform_int_distribution<std::uint32_t>(low, high)(random);
  };
  const auto encode = [](std::uint32_t point, std::size_t length) {
    std::string out;
    if (length == 1) return std::string(1, static_cast<char>(point));
    const unsigned char leads[] = {0, 0, 0xc0, 0xe0, 0xf0};
    out.push_back(static_cast<char>(leads[length] | (point >> (6 * (length - 1)))));
    for (std::size_t i = length - 1; i-- > 0;) {
      out.push_back(static_cast<char>(0x80 | ((point >> (6 * i)) & 0x3f)));
    }
    return out;
  };
  std::string text;
  const std::uint32_t pieces = pick(0, 12);
  for (std::uint32_t n = 0; n < pieces; ++n) {
    switch (pick(0, 5)) {
      case 0: text.append(pick(1, 12), static_cast<char>(pick(0x20, 0x7e))); break;
      case 1: text.push_back(static_cast<char>(pick(0, 255))); break;
      case 2: {  // any code point up to 0x1fffff in its shortest length (or overlong)
        const std::uint32_t point = pick(0, 1) ? pick(0, 0x1fffff) : pick(0xd700, 0xe100);
        const std::size_t shortest = point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
        const std::size_t length = std::min<std::size_t>(4, shortest + pick(0, 4) / 4);
        std::string encoded = encode(point, std::max<std::size_t>(length, 2));
        if (pick(0, 5) == 0) encoded.resize(pick(1, static_cast<std::uint32_t>(encoded.size())));
        text += encoded;
        break;
      }
      case 3: text.push_back(static_cast<char>(pick(0x80, 0xbf))); break;
      case 4: text.push_back(static_cast<char>(pick(0xc0, 0xff))); break;
      default: text.push_back("\n\r\t\\\x7f"[pick(0, 4)]);
    }
  }
  return text;
}

TEST(Escaped, AgreesWithTheReferenceOnRandomText) {
  const auto seed = std::random_device{}();
  std::mt19937 random(seed);
  for (int round = 0; round < 200000; ++round) {
    const std::string text = random_text(random);
    const std::string escaped = fmt::format("{}", Escaped{text});
    ASSERT_EQ(escaped, reference_escaped(text)) << "seed " << seed << ", round " << round;
    ASSERT_TRUE(test::valid_utf8(escaped)) << "seed " << seed << ", round " << round;
  }
}

TEST(LogTraffic, WritesKindWhoArrowAndTheEscapedLineAtTheGivenTime) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  spdlog::logger log("member", sink);
  log.set_formatter(std::make_unique<LogLineFormatter>());
  const std::chrono::system_clock::time_point time{std::chrono::microseconds(1795666657103333)};
  log_traffic(log, LogLevel::info, time, "client", "127.0.0.1:4242", "<", "IAMAT kiwi +1+1 1");
  log_traffic(log, LogLevel::info, time + 2us, "link", "Hands, Wilkes", ">",
              "AT\tx\n{\"a\\b\"}\x01");
  EXPECT_EQ(out.str(),
            "2026-11-26T04:17:37.103333Z info client 127.0.0.1:4242 < IAMAT kiwi +1+1 1\n"
            "2026-11-26T04:17:37.103335Z info link Hands, Wilkes > AT\\tx\\n{\"a\\\\b\"}\\x01\n");

  log.set_level(spdlog::level::warn);  // below the level: nothing, not even formatting
  log_traffic(log, LogLevel::info, time, "client", "a", "<", "quiet");
  EXPECT_EQ(out.str().find("quiet"), std::string::npos);
}

TEST(LogTraffic, IsLoggedAtItsOwnLevelAndNotAtAllWhenOff) {
  std::ostringstream out;
  spdlog::logger log("member", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  log.set_formatter(std::make_unique<LogLineFormatter>());
  log.set_level(spdlog::level::debug);
  const std::chrono::system_clock::time_point time{std::chrono::microseconds(1795666657103333)};
  log_traffic(log, LogLevel::debug, time, "client", "a", "<", "one");
  log_traffic(log, LogLevel::error, time, "client", "a", "<", "two");
  log_traffic(log, LogLevel::off, time, "client", "a", "<", "three");
  log.set_level(spdlog::level::off);  // "off" as the logger's level: nothing at any level
  log_traffic(log, LogLevel::error, time, "client", "a", "<", "four");
  EXPECT_EQ(out.str(),
            "2026-11-26T04:17:37.103333Z debug client a < one\n"
            "2026-11-26T04:17:37.103333Z error client a < two\n");
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

  std::shared_ptr<spdlog::logger> logger(BatchingFileSink::Limits limits,
                                         LogFile::Rotation rotation = {}) {
    auto log = std::make_shared<spdlog::logger>(
        "test", std::make_shared<BatchingFileSink>(path_, rotation, limits));
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

TEST_F(BatchingFileSinkTest, RotatesBetweenLinesAndKeepsTheNewestFiles) {
  std::string expected;
  {
    auto log = logger({.batch_bytes = 100, .backlog_bytes = 1000, .flush_interval = 50ms},
                      {.max_file_bytes = 1000, .rotated_files = 3});
    for (int i = 0; i < 5000; ++i) {
      log->info("line {}", i);
      expected += fmt::format("line {}\n", i);
    }
  }
  std::string kept;
  for (const char* suffix : {".3", ".2", ".1", ""}) {
    const std::string text = test::read_file(path_.string() + suffix);
    EXPECT_LE(text.size(), 1000u) << suffix;
    if (*suffix != '\0') {
      EXPECT_GT(text.size(), 1000u - 10) << suffix << ": filled up to a line";
    }
    EXPECT_TRUE(text.ends_with('\n')) << suffix;
    kept += text;
  }
  EXPECT_FALSE(std::filesystem::exists(path_.string() + ".4"));
  ASSERT_TRUE(expected.ends_with(kept)) << "the newest lines, whole and in order";
  EXPECT_EQ(expected[expected.size() - kept.size() - 1], '\n');
}

TEST_F(BatchingFileSinkTest, ReopenBeginsANewFileAtThePathAfterARename) {
  auto log = logger({.batch_bytes = 1 << 20, .backlog_bytes = 1 << 22, .flush_interval = 10s});
  log->info("one");
  log->flush();
  std::filesystem::rename(path_, dir_ / "member.log.old");
  log->info("two");  // still in the batch: the writer reopens before it writes it
  std::dynamic_pointer_cast<BatchingFileSink>(log->sinks().front())->reopen();
  log->flush();
  EXPECT_EQ(test::read_file(dir_ / "member.log.old"), "one\n");
  EXPECT_EQ(text(), "two\n");
}

TEST_F(BatchingFileSinkTest, ARemovedFileIsBegunAnewAtItsPath) {
  auto log = logger({.batch_bytes = 1 << 20, .backlog_bytes = 1 << 22, .flush_interval = 10s});
  log->info("one");
  log->flush();
  std::filesystem::remove(path_);
  log->info("two");
  log->flush();
  EXPECT_EQ(text(), "two\n");
}

TEST(BatchingFileSink, AFullDiskLosesLinesWithoutHoldingUpTheLogger) {
  // /dev/full fails every write with ENOSPC; the backlog limit would stop the
  // logger if failed batches were kept.
  auto sink = std::make_shared<BatchingFileSink>(
      "/dev/full", LogFile::Rotation{},
      BatchingFileSink::Limits{.batch_bytes = 100, .backlog_bytes = 1000, .flush_interval = 10s});
  spdlog::logger log("test", sink);
  log.set_pattern("%v");
  for (int i = 0; i < 10000; ++i) log.info("line {}", i);
  log.flush();
  EXPECT_EQ(sink->lines_lost(), 10000u);
}

TEST(BatchingFileSink, UnopenableFileIsAnErrorNamingIt) {
  try {
    BatchingFileSink sink("/nonexistent-dir/member.log", {}, {});
    FAIL() << "no exception";
  } catch (const spdlog::spdlog_ex& error) {
    EXPECT_THAT(error.what(), ::testing::HasSubstr("/nonexistent-dir/member.log"));
  }
}

}  // namespace
}  // namespace herd
