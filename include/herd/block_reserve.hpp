// 2 MiB blocks on huge pages for what the record table fills front to back
// (record chunks, texts), each faulted in ahead of need by a helper thread.
// Huge pages make inserting new clients about a fifth cheaper, but the first
// touch of one stalls for milliseconds on a virtual machine: the helper takes
// that stall instead of the event loop. When the loop outruns the helper it
// gets a block of small pages at once rather than waiting.
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "herd/mapped_block.hpp"

namespace herd {

class BlockReserve {
 public:
  static constexpr std::size_t block_bytes = MappedBlock::huge_page_bytes;

  BlockReserve() = default;
  ~BlockReserve();  // stops the helper; a prepared block is given back
  BlockReserve(const BlockReserve&) = delete;
  BlockReserve& operator=(const BlockReserve&) = delete;

  // A zeroed block of block_bytes, and the helper starts on the next one.
  MappedBlock take();

 private:
  void prepare_blocks();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<MappedBlock> ready_;
  bool stopping_ = false;
  std::thread helper_;  // started by the first take(): an empty table needs none
};

}  // namespace herd
