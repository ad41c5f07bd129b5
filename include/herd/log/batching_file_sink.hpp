// A spdlog sink that appends to a file without making the event loop wait for
// the disk, and without a thread hand-off per line: lines are formatted into a
// batch in memory, and a writer thread writes whole batches (when one fills,
// and otherwise every `flush_interval`, so `tail -f` stays current). The file's
// upkeep (rotation, reopening, failed writes) is LogFile's, on the writer thread.
#pragma once

#include <spdlog/sinks/base_sink.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "herd/log/log_file.hpp"

namespace herd {

class BatchingFileSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  struct Limits {
    std::size_t batch_bytes = 256 * 1024;  // hand a batch to the writer at this size
    // Bytes waiting for the disk before the logging thread waits too: if the
    // disk falls this far behind, slowing down beats losing lines or memory.
    std::size_t backlog_bytes = 64 * 1024 * 1024;
    std::chrono::milliseconds flush_interval{200};
  };

  // Opens `path` for appending; throws spdlog::spdlog_ex naming it if it cannot.
  BatchingFileSink(const std::filesystem::path& path, LogFile::Rotation rotation, Limits limits);
  // Writes everything still held, then closes the file.
  ~BatchingFileSink() override;

  // Has the writer thread close the file and open its path anew (SIGHUP).
  void reopen();
  // Lines that could not be written, as of the last batch written.
  std::uint64_t lines_lost();

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  // Returns once everything logged so far is in the file (or counted lost).
  void flush_() override;

 private:
  using Batch = spdlog::memory_buf_t;

  void hand_over_batch();  // caller holds mutex_
  void write_batches();    // the writer thread

  Limits limits_;
  LogFile file_;  // the writer thread's
  Batch batch_;   // being filled; guarded by base_sink's mutex_

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<Batch> queue_;  // full batches for the writer
  // Written batches, kept for reuse: a fresh buffer this size would be mapped
  // anew and page-faulted in line by line on the event loop.
  std::vector<Batch> spare_;
  std::size_t queued_bytes_ = 0;
  std::size_t handed_over_ = 0;  // batches given to the writer, ever
  std::size_t written_ = 0;      // of those, written to the file
  std::uint64_t lines_lost_ = 0;
  bool reopen_wanted_ = false;
  bool stopping_ = false;
  std::thread writer_;  // last: starts once everything above exists
};

}  // namespace herd
