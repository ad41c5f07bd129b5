#include "herd/table/block_reserve.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <new>
#include <system_error>
#include <utility>

namespace herd {

namespace {

constexpr std::size_t small_page_bytes = 4096;

// Writes (a read would map the shared zero page) one byte of every small page:
// with huge pages the first write of each already faults in all 2 MiB.
void fault_in(MappedBlock& block) {
  volatile char* bytes = static_cast<char*>(block.data());
  for (std::size_t offset = 0; offset < block.size(); offset += small_page_bytes) {
    bytes[offset] = 0;
  }
}

}  // namespace

BlockReserve::~BlockReserve() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (helper_.joinable()) helper_.join();
}

void BlockReserve::prepare(std::size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    wanted_bytes_ = bytes;
    if (ready_ && ready_->size() != bytes) ready_.reset();
    if (!helper_.joinable()) {
      try {
        helper_ = std::thread([this] { prepare_blocks(); });
      } catch (const std::system_error&) {
        wanted_bytes_ = 0;  // no thread to spare: take() maps every block itself
        return;
      }
    }
  }
  changed_.notify_all();
}

MappedBlock BlockReserve::take(std::size_t bytes) {
  {
    std::lock_guard lock(mutex_);
    wanted_bytes_ = 0;  // taken: the next prepare() says what comes next
    if (ready_ && ready_->size() == bytes) {
      MappedBlock taken = std::move(*ready_);
      ready_.reset();
      return taken;
    }
  }
  return MappedBlock(bytes, MappedBlock::Pages::small);
}

bool BlockReserve::has_ready(std::size_t bytes) {
  std::lock_guard lock(mutex_);
  return ready_ && ready_->size() == bytes;
}

void BlockReserve::prepare_blocks() {
  // The lowest priority: on a busy machine the event loop must not wait for
  // the CPU while this clears pages it will only need later. (Linux applies
  // a nice value to the calling thread alone.)
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || (wanted_bytes_ != 0 && !ready_); });
    if (stopping_) return;
    const std::size_t bytes = wanted_bytes_;
    lock.unlock();
    std::optional<MappedBlock> block;
    try {
      block.emplace(bytes, MappedBlock::Pages::huge);
      fault_in(*block);
    } catch (const std::bad_alloc&) {
      return;  // take() maps its own blocks, and reports a shortage where it can
    }
    lock.lock();
    // Kept only if it is still what is wanted: a take() meanwhile did without.
    if (wanted_bytes_ == bytes && !ready_) ready_ = std::move(block);
  }
}

}  // namespace herd
