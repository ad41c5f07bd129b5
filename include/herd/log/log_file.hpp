// The member's log file as the log's writer thread keeps it (protocol.md §8): whole
// lines only, bounded by size, reopened on request or once removed, and honest
// about what it could not write. A failed write (disk full) is cut back to the
// last whole line; the lines that did not make it are counted, and once writing
// works again one line says how many and why. Used by one thread at a time.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "herd/log/log_line_formatter.hpp"

namespace herd {

class LogFile {
 public:
  struct Rotation {
    // A file that would grow past this many bytes is renamed <path>.1 (.1 to .2,
    // and so on) and a new one begun, between lines. Only a single line longer
    // than this makes a file larger.
    std::uint64_t max_file_bytes = 100u << 20;
    std::size_t rotated_files = 5;  // <path>.1 .. .N are kept; older ones are removed
  };
  // write(2), or a stand-in with its contract that tests make fail on cue.
  using WriteFunction = std::function<ssize_t(int fd, const void* data, std::size_t size)>;

  // Opens `path` for appending, creating it; throws spdlog::spdlog_ex naming it
  // if it cannot.
  LogFile(std::filesystem::path path, Rotation rotation, WriteFunction write = ::write);
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;
  ~LogFile();

  // Appends `lines` (whole lines, each ending in '\n'), rotating as needed.
  // If lines were lost before, first says how many, and if that cannot be
  // written, counts these as lost too.
  void append(std::string_view lines);
  // Closes the file and opens `path` anew, e.g. after logrotate renamed it. If
  // that fails, keeps to the file it has (while it has a name) and tries again
  // at every append.
  void reopen();

  std::uint64_t lines_lost() const { return lines_lost_total_; }  // since opened
  const std::filesystem::path& path() const { return path_; }

 private:
  bool open();
  void check_file();  // notices a removed file or one truncated behind our back
  bool rotate();
  std::size_t write_lines(std::string_view lines);
  std::size_t write_whole_lines(std::string_view lines);
  std::size_t write_all(std::string_view bytes);
  bool write_lost_note();
  void write_note(std::string_view text);
  std::string note_line(std::string_view text);
  void count_lost(std::string_view lines);

  std::filesystem::path path_;
  Rotation rotation_;
  WriteFunction write_;
  int fd_ = -1;
  std::uint64_t size_ = 0;       // of the open file
  std::uint64_t rotate_at_ = 0;  // the size past which it is rotated
  bool reopen_wanted_ = false;   // until an open succeeds
  // A failed write left part of a line that could not be cut off: the next
  // write ends it first, so that it does not glue onto the next line.
  bool ends_mid_line_ = false;
  std::string failure_;     // why the last write or open failed
  std::uint64_t lost_ = 0;  // lines lost since the last note saying so
  std::string lost_reason_;
  std::uint64_t lines_lost_total_ = 0;
  LogLineFormatter formatter_;  // for the file's own notes
};

}  // namespace herd
