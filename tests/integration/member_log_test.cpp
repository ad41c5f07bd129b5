// One real member's log as an operator meets it (protocol.md §8): the traffic level,
// SIGHUP after logrotate's rename, rotation by size, UTF-8 from clients, and a
// file size limit standing in for a full disk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <regex>
#include <string>

#include "test_herd.hpp"
#include "utf8_reference.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Every line is one whole log line: timestamp, level, message.
void expect_whole_lines(const std::string& text, const std::string& what) {
  static const std::regex line(
      R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (debug|info|warning|error) [^\n]*\n)");
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const std::string one = text.substr(start, end == std::string::npos ? end : end - start + 1);
    ASSERT_TRUE(std::regex_match(one, line)) << what << ": " << one;
    start = end == std::string::npos ? text.size() : end + 1;
  }
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::size_t count_of(const std::string& text, std::string_view part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

std::string iamats(std::string_view prefix, int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) {
    lines += "IAMAT " + std::string(prefix) + std::to_string(i) + " +1+1 1520023934\n";
  }
  return lines;
}

TEST(MemberLog, TrafficLevelOffLeavesTheEventsAndNoProtocolLine) {
  TestHerd herd(single_member({{"log_traffic_level", "off"}}));
  herd.start("Goloman");
  EXPECT_THAT(herd.exchange("Goloman", "IAMAT kiwi +1+1 1520023934\nbad line\n"),
              HasSubstr("? bad line"));
  EXPECT_EQ(herd.stop("Goloman"), 0);
  const std::string log = herd.log_text("Goloman");
  EXPECT_THAT(log, HasSubstr("Goloman starting"));
  EXPECT_THAT(log, HasSubstr(": invalid command ("));
  EXPECT_THAT(log, HasSubstr(": closed"));
  EXPECT_THAT(log, HasSubstr("Goloman stopped"));
  EXPECT_THAT(log, Not(HasSubstr("kiwi")));
  EXPECT_THAT(log, Not(HasSubstr("bad line")));
}

TEST(MemberLog, TrafficIsLoggedAtItsLevelAndDroppedBelowTheLogLevel) {
  {
    TestHerd herd(single_member({{"log_traffic_level", "debug"}}));
    herd.start("Goloman");
    herd.exchange("Goloman", "IAMAT kiwi +1+1 1520023934\n");
    EXPECT_EQ(herd.stop("Goloman"), 0);
    EXPECT_THAT(herd.log_text("Goloman"), Not(HasSubstr("kiwi")));
  }
  TestHerd herd(single_member({{"log_level", "debug"}, {"log_traffic_level", "debug"}}));
  herd.start("Goloman");
  herd.exchange("Goloman", "IAMAT kiwi +1+1 1520023934\n");
  EXPECT_EQ(herd.stop("Goloman"), 0);
  EXPECT_THAT(herd.log_text("Goloman"), HasSubstr("Z debug client 127.0.0.1:"));
  EXPECT_THAT(herd.log_text("Goloman"), HasSubstr(" < IAMAT kiwi +1+1 1520023934\n"));
}

TEST(MemberLog, SighupAfterARenameBeginsANewFile) {
  TestHerd herd(single_member());
  herd.start("Goloman");
  const auto log_path = herd.log_path("Goloman");
  herd.exchange("Goloman", "IAMAT before +1+1 1520023934\n");
  ASSERT_TRUE(herd.eventually_logged("Goloman", "IAMAT before", scaled(5000ms)));
  const auto renamed = log_path.string() + ".renamed";
  std::filesystem::rename(log_path, renamed);
  herd.signal("Goloman", SIGHUP);
  ASSERT_TRUE(eventually([&] { return std::filesystem::exists(log_path); }, scaled(5000ms)))
      << "no new log file";
  herd.exchange("Goloman", "IAMAT after +1+1 1520023934\n");
  EXPECT_TRUE(eventually(
      [&] {
        const std::string log = herd.log_text("Goloman");
        return contains(log, "received SIGHUP") && contains(log, "< IAMAT after");
      },
      scaled(5000ms)))
      << herd.log_text("Goloman");
  EXPECT_TRUE(herd.running("Goloman"));
  EXPECT_EQ(herd.stop("Goloman"), 0);
  const std::string old_log = read_file(renamed);
  EXPECT_THAT(old_log, HasSubstr("Goloman starting"));
  EXPECT_THAT(old_log, Not(HasSubstr("IAMAT after")));
  EXPECT_THAT(herd.log_text("Goloman"), HasSubstr("Goloman stopped"));
}

TEST(MemberLog, RotatesAtItsSizeLimitKeepingTheNewestFilesOfWholeLines) {
  TestHerd herd(single_member({{"log_max_file_bytes", 4096}, {"log_rotated_files", 2}}));
  herd.start("Goloman");
  herd.exchange("Goloman", iamats("c", 200));  // about 50 KB of log
  EXPECT_EQ(herd.stop("Goloman"), 0);
  const std::string path = herd.log_path("Goloman").string();
  for (const std::string& file : {path + ".2", path + ".1", path}) {
    const std::string text = read_file(file);
    EXPECT_FALSE(text.empty()) << file;
    EXPECT_LE(text.size(), 4096u) << file;
    expect_whole_lines(text, file);
  }
  EXPECT_FALSE(std::filesystem::exists(path + ".3"));
  EXPECT_THAT(read_file(path), HasSubstr("Goloman stopped"));
}

TEST(MemberLog, InvalidUtf8FromAClientIsEscapedAndValidUtf8Kept) {
  TestHerd herd(single_member());
  herd.start("Goloman");
  herd.exchange("Goloman",
                "IAMAT caf\xc3\xa9 +1+1 1520023934\n"
                "IAMAT \xff\xfe\xc0\xaf\xed\xa0\x80\xe2\x82 +1+1 1520023934\n");
  EXPECT_EQ(herd.stop("Goloman"), 0);
  const std::string log = herd.log_text("Goloman");
  EXPECT_TRUE(valid_utf8(log)) << log;
  EXPECT_THAT(log, HasSubstr("< IAMAT caf\xc3\xa9 +1+1"));
  EXPECT_THAT(log, HasSubstr("< IAMAT \\xff\\xfe\\xc0\\xaf\\xed\\xa0\\x80\\xe2\\x82 +1+1"));
}

void set_file_size_limit(pid_t pid, rlim_t bytes) {
  rlimit limit{};
  ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, nullptr, &limit), 0);
  limit.rlim_cur = bytes;
  ASSERT_EQ(::prlimit(pid, RLIMIT_FSIZE, &limit, nullptr), 0);
}

TEST(MemberLog, AFullDiskLosesWholeLinesAndSaysHowManyWhenThereIsRoomAgain) {
  TestHerd herd(single_member());
  herd.start("Goloman");
  const auto log_path = herd.log_path("Goloman");
  herd.exchange("Goloman", "IAMAT first +1+1 1520023934\n");
  ASSERT_TRUE(herd.eventually_logged("Goloman", ": closed", scaled(5000ms)));
  const std::string before = herd.log_text("Goloman");
  struct stat quiet {};
  ASSERT_EQ(::stat(log_path.c_str(), &quiet), 0);

  // Room for part of one line: the next write is cut short by the kernel, the
  // one after fails (EFBIG), as on a disk that fills up mid-write.
  set_file_size_limit(herd.pid("Goloman"), before.size() + 50);
  herd.exchange("Goloman", iamats("lost", 100));
  ASSERT_TRUE(eventually(
      [&] {
        struct stat now {};
        return ::stat(log_path.c_str(), &now) == 0 &&
               (now.st_mtim.tv_sec != quiet.st_mtim.tv_sec ||
                now.st_mtim.tv_nsec != quiet.st_mtim.tv_nsec) &&
               now.st_size == quiet.st_size;
      },
      scaled(5000ms)))
      << "the member never tried to write, or did not cut its write back";
  set_file_size_limit(herd.pid("Goloman"), RLIM_INFINITY);

  herd.exchange("Goloman", "IAMAT after +1+1 1520023934\n");
  EXPECT_EQ(herd.stop("Goloman"), 0);
  const std::string log = herd.log_text("Goloman");
  ASSERT_TRUE(log.starts_with(before));
  expect_whole_lines(log, "log");
  std::smatch note;
  ASSERT_TRUE(std::regex_search(
      log, note,
      std::regex(R"(error log .*: (\d+) lines could not be written \(File too large\)\n)")))
      << log;
  // The 100 IAMATs made 200 traffic lines ("< IAMAT lost7 ...", "> AT ... lost7 ..."):
  // those missing were counted, with any other line lost meanwhile.
  const std::size_t lost = std::stoul(note[1]);
  const std::size_t kept = count_of(log, " lost");
  ASSERT_LT(kept, 200u);
  EXPECT_GE(lost, 200 - kept);
  EXPECT_GT(note.position(0), static_cast<long>(before.size()));
  EXPECT_GT(log.find("< IAMAT after"), static_cast<std::size_t>(note.position(0)));
}

}  // namespace
}  // namespace herd::test
