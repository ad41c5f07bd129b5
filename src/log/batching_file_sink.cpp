#include "herd/log/batching_file_sink.hpp"

#include <string_view>

namespace herd {

BatchingFileSink::BatchingFileSink(const std::filesystem::path& path, LogFile::Rotation rotation,
                                   Limits limits)
    : limits_(limits), file_(path, rotation), writer_([this] { write_batches(); }) {
  batch_.reserve(limits_.batch_bytes + 1024);
}

BatchingFileSink::~BatchingFileSink() {
  {
    std::lock_guard lock(mutex_);
    hand_over_batch();
  }
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  writer_.join();
}

void BatchingFileSink::reopen() {
  {
    std::lock_guard lock(queue_mutex_);
    reopen_wanted_ = true;
  }
  queue_changed_.notify_all();
}

std::uint64_t BatchingFileSink::lines_lost() {
  std::lock_guard lock(queue_mutex_);
  return lines_lost_;
}

void BatchingFileSink::sink_it_(const spdlog::details::log_msg& message) {
  formatter_->format(message, batch_);  // appends
  if (batch_.size() >= limits_.batch_bytes) hand_over_batch();
}

void BatchingFileSink::flush_() {
  hand_over_batch();
  std::unique_lock lock(queue_mutex_);
  const std::size_t target = handed_over_;
  queue_changed_.wait(lock, [&] { return written_ >= target || stopping_; });
}

void BatchingFileSink::hand_over_batch() {
  if (batch_.size() == 0) return;
  std::unique_lock lock(queue_mutex_);
  queue_changed_.wait(lock, [&] { return queued_bytes_ < limits_.backlog_bytes; });
  queued_bytes_ += batch_.size();
  queue_.push_back(std::move(batch_));
  batch_ = Batch();  // a moved-from buffer is not promised to be empty
  if (!spare_.empty()) {
    batch_ = std::move(spare_.back());
    spare_.pop_back();
  }
  batch_.clear();
  batch_.reserve(limits_.batch_bytes + 1024);
  ++handed_over_;
  lock.unlock();
  queue_changed_.notify_all();
}

void BatchingFileSink::write_batches() {
  std::unique_lock lock(queue_mutex_);
  while (true) {
    const bool woken = queue_changed_.wait_for(lock, limits_.flush_interval, [&] {
      return !queue_.empty() || stopping_ || reopen_wanted_;
    });
    if (reopen_wanted_) {
      reopen_wanted_ = false;
      lock.unlock();
      file_.reopen();
      lock.lock();
      continue;
    }
    if (!woken) {
      // Quiet for a while: take the partial batch so it reaches the file too.
      // The sink's mutex comes first everywhere, so this one is let go meanwhile;
      // and if the sink is busy, its holder hands the batch over itself (flush_
      // waits for this thread while holding it, so waiting here could deadlock).
      lock.unlock();
      if (std::unique_lock sink_lock(mutex_, std::try_to_lock); sink_lock) hand_over_batch();
      lock.lock();
      continue;
    }
    if (queue_.empty()) return;  // stopping, and everything is written
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    file_.append(std::string_view(batch.data(), batch.size()));
    lock.lock();
    lines_lost_ = file_.lines_lost();
    queued_bytes_ -= batch.size();
    ++written_;
    if (spare_.size() < 2) spare_.push_back(std::move(batch));
    queue_changed_.notify_all();
  }
}

}  // namespace herd
