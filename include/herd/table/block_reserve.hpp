// Zeroed blocks on huge pages, faulted in ahead of need by a helper thread.
// Huge pages make the record table a fifth cheaper to fill (fewer faults and
// TLB misses), but the first touch of one stalls for milliseconds on a virtual
// machine: the helper takes that stall instead of the event loop. A block that
// is not ready when needed is mapped at once with small pages instead, whose
// faults are spread over its use, rather than waited for.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <thread>

#include "herd/table/mapped_block.hpp"

namespace herd {

class BlockReserve {
 public:
  BlockReserve() = default;
  ~BlockReserve();  // stops the helper; a prepared block is given back
  BlockReserve(const BlockReserve&) = delete;
  BlockReserve& operator=(const BlockReserve&) = delete;

  // Has the helper prepare one block of `bytes` (dropping one of another size).
  void prepare(std::size_t bytes);
  // A zeroed block of `bytes`: the prepared one if it is ready and that size,
  // else one mapped now. Either way the helper rests until the next prepare().
  MappedBlock take(std::size_t bytes);
  // Whether a prepared block of `bytes` is waiting to be taken.
  bool has_ready(std::size_t bytes);

 private:
  void prepare_blocks();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t wanted_bytes_ = 0;  // 0: nothing to prepare
  std::optional<MappedBlock> ready_;
  bool stopping_ = false;
  std::thread helper_;  // started by the first prepare(): an empty table needs none
};

}  // namespace herd
