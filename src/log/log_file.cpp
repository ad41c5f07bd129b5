#include "herd/log/log_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <spdlog/common.h>
#include <spdlog/details/log_msg.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <limits>
#include <utility>

namespace herd {

namespace {

constexpr std::uint64_t never = std::numeric_limits<std::uint64_t>::max();

// The length of the longest prefix of `text` that ends a line.
std::size_t whole_lines_in(std::string_view text) {
  const auto last = text.rfind('\n');
  return last == std::string_view::npos ? 0 : last + 1;
}

bool removed(int fd) {
  struct stat status {};
  return ::fstat(fd, &status) == 0 && status.st_nlink == 0;
}

}  // namespace

LogFile::LogFile(std::filesystem::path path, Rotation rotation, WriteFunction write)
    : path_(std::move(path)), rotation_(rotation), write_(std::move(write)) {
  if (!open()) throw spdlog::spdlog_ex(failure_);
}

LogFile::~LogFile() {
  if (fd_ >= 0) ::close(fd_);
}

void LogFile::append(std::string_view lines) {
  check_file();
  if (!write_lost_note()) {
    count_lost(lines);
    return;
  }
  const std::size_t written = write_lines(lines);
  if (written < lines.size()) count_lost(lines.substr(written));
}

void LogFile::reopen() { open(); }

bool LogFile::open() {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    failure_ = "cannot open " + path_.string() + ": " + std::strerror(errno);
    if (fd_ >= 0 && removed(fd_)) {
      ::close(fd_);  // lines written there would be lost without a word
      fd_ = -1;
    } else if (fd_ >= 0 && !reopen_wanted_) {
      write_note(failure_ + "; writing on to the file as it was");
    }
    reopen_wanted_ = true;
    rotate_at_ = never;  // the file we have is not at path_ any more
    return false;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  struct stat status {};
  size_ = ::fstat(fd_, &status) == 0 ? static_cast<std::uint64_t>(status.st_size) : 0;
  rotate_at_ = rotation_.max_file_bytes;
  reopen_wanted_ = false;
  ends_mid_line_ = false;
  return true;
}

void LogFile::check_file() {
  struct stat status {};
  if (fd_ >= 0 && ::fstat(fd_, &status) == 0) {
    if (status.st_nlink == 0) reopen_wanted_ = true;     // removed: begin anew at path_
    size_ = static_cast<std::uint64_t>(status.st_size);  // e.g. logrotate's copytruncate
  }
  if (reopen_wanted_) open();
}

bool LogFile::rotate() {
  const auto numbered = [&](std::size_t n) { return path_.string() + "." + std::to_string(n); };
  // Renaming onto the oldest kept name removes it; a missing one leaves a gap.
  for (std::size_t n = rotation_.rotated_files; n > 1; --n) {
    ::rename(numbered(n - 1).c_str(), numbered(n).c_str());
  }
  if (::rename(path_.c_str(), numbered(1).c_str()) != 0 && errno != ENOENT) {
    const std::string why = std::strerror(errno);
    rotate_at_ = size_ + rotation_.max_file_bytes;  // not again before that
    write_note("cannot rename it to " + numbered(1) + " (" + why + "); it grows on");
    return false;
  }
  return open();
}

std::size_t LogFile::write_lines(std::string_view lines) {
  std::size_t done = 0;
  bool rotated = false;
  while (done < lines.size() && fd_ >= 0) {
    const std::string_view rest = lines.substr(done);
    const std::uint64_t room = rotate_at_ > size_ ? rotate_at_ - size_ : 0;
    std::string_view chunk = rest;
    if (rest.size() > room) chunk = rest.substr(0, whole_lines_in(rest.substr(0, room)));
    if (chunk.empty()) {
      if (size_ > 0 && !rotated) {
        rotated = true;
        rotate();
        continue;
      }
      // A line longer than a whole file: it is written whole all the same.
      const auto end = rest.find('\n');
      chunk = end == std::string_view::npos ? rest : rest.substr(0, end + 1);
    }
    rotated = false;
    const std::size_t written = write_whole_lines(chunk);
    done += written;
    if (written < chunk.size()) break;
  }
  return done;
}

std::size_t LogFile::write_whole_lines(std::string_view lines) {
  if (ends_mid_line_) {
    if (write_all("\n") != 1) return 0;
    ends_mid_line_ = false;
    ++size_;
  }
  const std::size_t written = write_all(lines);
  std::size_t kept = written;
  if (written < lines.size()) {
    kept = whole_lines_in(lines.substr(0, written));
    if (kept < written && ::ftruncate(fd_, static_cast<off_t>(size_ + kept)) != 0) {
      ends_mid_line_ = true;
      size_ += written - kept;
    }
  }
  size_ += kept;
  return kept;
}

std::size_t LogFile::write_all(std::string_view bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t result = write_(fd_, bytes.data() + done, bytes.size() - done);
    if (result > 0) {
      done += static_cast<std::size_t>(result);
    } else if (result < 0 && errno == EINTR) {
      continue;
    } else {
      failure_ = result < 0 ? std::strerror(errno) : "the file took no bytes";
      break;
    }
  }
  return done;
}

bool LogFile::write_lost_note() {
  if (lost_ == 0) return true;
  const std::string note = note_line(std::to_string(lost_) + (lost_ == 1 ? " line" : " lines") +
                                     " could not be written (" + lost_reason_ + ")");
  if (write_lines(note) < note.size()) return false;
  lost_ = 0;
  lost_reason_.clear();
  return true;
}

// Straight into the file, not rotating: these notes are about the file itself.
void LogFile::write_note(std::string_view text) {
  if (fd_ >= 0) write_whole_lines(note_line(text));
}

std::string LogFile::note_line(std::string_view text) {
  const std::string message = "log " + path_.string() + ": " + std::string(text);
  const spdlog::details::log_msg note(std::chrono::system_clock::now(), spdlog::source_loc{}, "",
                                      spdlog::level::err, message);
  spdlog::memory_buf_t line;
  formatter_.format(note, line);
  return fmt::to_string(line);
}

void LogFile::count_lost(std::string_view lines) {
  const auto count = static_cast<std::uint64_t>(std::count(lines.begin(), lines.end(), '\n'));
  if (count == 0) return;
  if (lost_ == 0) lost_reason_ = failure_;
  lost_ += count;
  lines_lost_total_ += count;
}

}  // namespace herd
