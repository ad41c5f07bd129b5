#include "herd/block_reserve.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstddef>
#include <new>
#include <utility>

namespace herd {

namespace {

constexpr std::size_t small_page_bytes = 4096;

// Writes (a read would map the shared zero page) one byte of every small page:
// with huge pages the first write already faults in all 2 MiB.
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

MappedBlock BlockReserve::take() {
  std::unique_lock lock(mutex_);
  if (!helper_.joinable()) helper_ = std::thread([this] { prepare_blocks(); });
  std::optional<MappedBlock> taken = std::exchange(ready_, std::nullopt);
  lock.unlock();
  changed_.notify_all();
  if (taken) return std::move(*taken);
  return MappedBlock(block_bytes, MappedBlock::Pages::small);
}

void BlockReserve::prepare_blocks() {
  // The lowest priority: on a busy machine the event loop must not wait for
  // the CPU while this clears pages it will only need later. (Linux applies
  // a nice value to the calling thread alone.)
  ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return stopping_ || !ready_; });
    if (stopping_) return;
    lock.unlock();
    std::optional<MappedBlock> block;
    try {
      block.emplace(block_bytes, MappedBlock::Pages::huge);
      fault_in(*block);
    } catch (const std::bad_alloc&) {
      return;  // take() maps its own blocks, and reports a shortage where it can
    }
    lock.lock();
    ready_ = std::move(block);
  }
}

}  // namespace herd
