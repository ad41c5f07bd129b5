// The log file's upkeep: failed writes cut back to whole lines and counted,
// rotation by size, reopening.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/common.h>

#include "herd/log/log_file.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

using test::lines_of;
using ::testing::HasSubstr;

// A write(2) that follows a script: the n-th call (from 1) listed in `steps`
// writes at most that many bytes, or, if negative, fails with that errno; the
// other calls write as asked.
struct ScriptedWrite {
  std::map<int, ssize_t> steps;
  int calls = 0;

  LogFile::WriteFunction function() {
    return [this](int fd, const void* data, std::size_t size) -> ssize_t {
      const auto step = steps.find(++calls);
      if (step == steps.end()) return ::write(fd, data, size);
      if (step->second < 0) {
        errno = static_cast<int>(-step->second);
        return -1;
      }
      return ::write(fd, data, std::min(size, static_cast<std::size_t>(step->second)));
    };
  }
};

// Seven lines of ten bytes: "b1 line 0\n" .. "b1 line 6\n".
std::string batch(std::string_view name, int from = 0, int to = 7) {
  std::string lines;
  for (int i = from; i < to; ++i) lines += fmt::format("{} line {}\n", name, i);
  return lines;
}

// The member log's own line saying `count` lines were lost, and why.
std::regex lost_note(std::uint64_t count, std::string_view why) {
  return std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z error log .*: )" +
                    std::to_string(count) + (count == 1 ? " line" : " lines") +
                    R"( could not be written \()" + std::string(why) + R"(\))");
}

class LogFileTest : public ::testing::Test {
 protected:
  ~LogFileTest() override { std::filesystem::remove_all(dir_); }
  std::string text(std::string_view suffix = "") const {
    return test::read_file(path_.string() + std::string(suffix));
  }
  bool exists(std::string_view suffix) const {
    return std::filesystem::exists(path_.string() + std::string(suffix));
  }

  std::filesystem::path dir_ = test::make_temp_dir("herd-log-file-test");
  std::filesystem::path path_ = dir_ / "member.log";
};

// --- failed writes --------------------------------------------------------------------------

TEST_F(LogFileTest, AWriteFailingHalfWayIsCutBackToItsLastWholeLineAndTheLossReported) {
  ScriptedWrite write{.steps = {{3, 35}, {4, -ENOSPC}, {5, -ENOSPC}}};
  LogFile file(path_, {}, write.function());
  file.append(batch("b1"));
  file.append(batch("b2"));
  file.append(batch("b3"));  // 35 bytes: three lines and half of the fourth, then ENOSPC
  EXPECT_EQ(text(), batch("b1") + batch("b2") + batch("b3", 0, 3));
  EXPECT_EQ(file.lines_lost(), 4u);
  file.append(batch("b4"));  // the note of the loss fails too: the batch is lost
  EXPECT_EQ(text(), batch("b1") + batch("b2") + batch("b3", 0, 3));
  EXPECT_EQ(file.lines_lost(), 11u);

  file.append(batch("b5"));  // writing works again
  const std::string before = batch("b1") + batch("b2") + batch("b3", 0, 3);
  const std::string after = text();
  ASSERT_TRUE(after.starts_with(before)) << after;
  ASSERT_TRUE(after.ends_with(batch("b5"))) << after;
  const auto lines = lines_of(after.substr(before.size()));
  ASSERT_EQ(lines.size(), 8u) << after;
  EXPECT_TRUE(std::regex_match(lines[0], lost_note(11, "No space left on device"))) << lines[0];
  EXPECT_EQ(file.lines_lost(), 11u);

  file.append(batch("b6"));  // said once
  EXPECT_EQ(text(), after + batch("b6"));
}

TEST_F(LogFileTest, InterruptedAndShortWritesLoseNothing) {
  ScriptedWrite write{.steps = {{1, -EINTR}, {2, 3}, {3, 1}, {4, -EINTR}}};
  LogFile file(path_, {}, write.function());
  file.append(batch("b1"));
  EXPECT_EQ(text(), batch("b1"));
  EXPECT_EQ(file.lines_lost(), 0u);
  EXPECT_GE(write.calls, 5);
}

TEST_F(LogFileTest, ALineThatCannotBeCutOffIsEndedBeforeTheNextOne) {
  // A pipe cannot be truncated: the part of a line already in it stays, and
  // the next write ends it with a newline instead of gluing onto it.
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  const int reader = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  ScriptedWrite write{.steps = {{1, 35}, {2, -ENOSPC}}};
  {
    LogFile file(path_, {}, write.function());
    file.append(batch("b1"));
    file.append(batch("b2"));
    EXPECT_EQ(file.lines_lost(), 4u);
  }
  std::string piped(4096, '\0');
  const ssize_t size = ::read(reader, piped.data(), piped.size());
  ::close(reader);
  ASSERT_GT(size, 0);
  piped.resize(static_cast<std::size_t>(size));
  const auto lines = lines_of(piped);
  ASSERT_EQ(lines.size(), 12u) << piped;
  EXPECT_EQ(lines[3], "b1 li");  // counted among the lost
  EXPECT_TRUE(std::regex_match(lines[4], lost_note(4, "No space left on device"))) << lines[4];
  EXPECT_TRUE(piped.ends_with("\n" + batch("b2"))) << piped;
}

// Ignores SIGXFSZ and limits the size of the files this process writes, as
// `ulimit -f` does, until destroyed.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    ::getrlimit(RLIMIT_FSIZE, &saved_limit_);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    ::sigaction(SIGXFSZ, &ignore, &saved_action_);
    const rlimit limit{bytes, saved_limit_.rlim_max};
    ::setrlimit(RLIMIT_FSIZE, &limit);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &saved_limit_);
    ::sigaction(SIGXFSZ, &saved_action_, nullptr);
  }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

 private:
  rlimit saved_limit_{};
  struct sigaction saved_action_ {};
};

TEST_F(LogFileTest, AFileSizeLimitLosesWholeLinesOnly) {
  // The kernel's own partial write: up to the limit, then EFBIG.
  LogFile file(path_, {});
  file.append(batch("b1"));
  std::string cut;
  std::uint64_t lost = 0;
  {
    const FileSizeLimit limit(105);
    file.append(batch("b2"));  // 35 bytes fit: three lines and half a line
    cut = text();
    lost = file.lines_lost();
  }
  EXPECT_EQ(cut, batch("b1") + batch("b2", 0, 3));
  EXPECT_EQ(lost, 4u);
  file.append(batch("b3"));
  const auto lines = lines_of(text());
  ASSERT_EQ(lines.size(), 3u + 7u + 1u + 7u) << text();
  EXPECT_TRUE(std::regex_match(lines[10], lost_note(4, "File too large"))) << lines[10];
  EXPECT_TRUE(text().ends_with(batch("b3")));
}

// --- rotation -------------------------------------------------------------------------------

TEST_F(LogFileTest, AFileAtItsLimitStaysAndOneByteMoreRotates) {
  LogFile file(path_, {.max_file_bytes = 70, .rotated_files = 2});
  file.append(batch("b1"));  // exactly 70 bytes
  EXPECT_EQ(text(), batch("b1"));
  EXPECT_FALSE(exists(".1"));
  file.append(batch("b2", 0, 1));
  EXPECT_EQ(text(".1"), batch("b1"));
  EXPECT_EQ(text(), batch("b2", 0, 1));
}

TEST_F(LogFileTest, ABatchIsSplitBetweenFilesAtALineBoundary) {
  LogFile file(path_, {.max_file_bytes = 95, .rotated_files = 2});
  file.append(batch("b1"));
  file.append(batch("b2"));  // 25 bytes left: two lines fit, the third does not
  EXPECT_EQ(text(".1"), batch("b1") + batch("b2", 0, 2));
  EXPECT_EQ(text(), batch("b2", 2, 7));
}

TEST_F(LogFileTest, KeepsTheNewestRotatedFilesAndRemovesOlderOnes) {
  LogFile file(path_, {.max_file_bytes = 10, .rotated_files = 3});
  file.append(batch("b1"));  // one line per file
  EXPECT_EQ(text(), batch("b1", 6, 7));
  EXPECT_EQ(text(".1"), batch("b1", 5, 6));
  EXPECT_EQ(text(".2"), batch("b1", 4, 5));
  EXPECT_EQ(text(".3"), batch("b1", 3, 4));
  EXPECT_FALSE(exists(".4"));
}

TEST_F(LogFileTest, ALineLongerThanAFileIsWrittenWholeInAFileOfItsOwn) {
  LogFile file(path_, {.max_file_bytes = 15, .rotated_files = 2});
  file.append("short\n");
  // Built in place: GCC 12 under TSan at -O2 takes string(40, 'x') + "\n" for
  // an out-of-bounds copy (-Warray-bounds).
  std::string long_line(40, 'x');
  long_line += '\n';
  file.append(long_line + "after\n");
  EXPECT_EQ(text(".2"), "short\n");
  EXPECT_EQ(text(".1"), long_line);
  EXPECT_EQ(text(), "after\n");
}

TEST_F(LogFileTest, AnExistingFileOverTheLimitIsRotatedFirst) {
  std::ofstream(path_) << batch("old");
  LogFile file(path_, {.max_file_bytes = 50, .rotated_files = 1});
  file.append(batch("b1", 0, 1));
  EXPECT_EQ(text(".1"), batch("old"));
  EXPECT_EQ(text(), batch("b1", 0, 1));
}

// --- reopening ------------------------------------------------------------------------------

TEST_F(LogFileTest, ReopenBeginsANewFileAtThePath) {
  LogFile file(path_, {});
  file.append(batch("b1"));
  std::filesystem::rename(path_, dir_ / "renamed.log");
  file.append(batch("b2"));  // renamed, not removed: still written there until reopened
  file.reopen();
  file.append(batch("b3"));
  EXPECT_EQ(test::read_file(dir_ / "renamed.log"), batch("b1") + batch("b2"));
  EXPECT_EQ(text(), batch("b3"));
}

TEST_F(LogFileTest, ARemovedFileIsNoticedAndBegunAnew) {
  LogFile file(path_, {});
  file.append(batch("b1"));
  std::filesystem::remove(path_);
  file.append(batch("b2"));
  EXPECT_EQ(text(), batch("b2"));
}

TEST_F(LogFileTest, WhenReopeningFailsTheOldFileIsWrittenOnAndSaysSo) {
  const auto sub = dir_ / "sub";
  std::filesystem::create_directory(sub);
  LogFile file(sub / "member.log", {});
  file.append(batch("b1"));
  std::filesystem::rename(sub, dir_ / "moved");  // the path's directory is gone
  file.reopen();
  file.append(batch("b2"));
  const auto moved = lines_of(test::read_file(dir_ / "moved" / "member.log"));
  ASSERT_EQ(moved.size(), 15u);
  EXPECT_THAT(moved[7], HasSubstr("cannot open " + (sub / "member.log").string() +
                                  ": No such file or directory; writing on to the file as it was"));
  std::filesystem::create_directory(sub);
  file.append(batch("b3"));  // tried again, and now it opens
  EXPECT_EQ(test::read_file(sub / "member.log"), batch("b3"));
}

TEST_F(LogFileTest, LinesWithNoFileToGoToAreCountedUntilOneOpens) {
  const auto sub = dir_ / "sub";
  std::filesystem::create_directory(sub);
  LogFile file(sub / "member.log", {});
  file.append(batch("b1"));
  std::filesystem::remove_all(sub);  // the file is removed and cannot be created again
  file.append(batch("b2"));
  file.append(batch("b3"));
  EXPECT_EQ(file.lines_lost(), 14u);
  std::filesystem::create_directory(sub);
  file.append(batch("b4"));
  const auto lines = lines_of(test::read_file(sub / "member.log"));
  ASSERT_EQ(lines.size(), 8u);
  EXPECT_TRUE(std::regex_match(
      lines[0], lost_note(14, "cannot open .*/sub/member.log: No such file or directory")))
      << lines[0];
}

TEST(LogFile, UnopenableFileIsAnErrorNamingIt) {
  try {
    LogFile file("/nonexistent-dir/member.log", {});
    FAIL() << "no exception";
  } catch (const spdlog::spdlog_ex& error) {
    EXPECT_THAT(error.what(), HasSubstr("/nonexistent-dir/member.log"));
  }
}

}  // namespace
}  // namespace herd
