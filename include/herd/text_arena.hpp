// Bump allocation of small, never-freed byte strings from large blocks.
// The record table keeps millions of short texts that live as long as the
// member: one malloc each would cost a call and a 16-byte header apiece.
#pragma once

#include <cstddef>
#include <vector>

#include "herd/block_reserve.hpp"
#include "herd/mapped_block.hpp"

namespace herd {

class TextArena {
 public:
  static constexpr std::size_t block_bytes = MappedBlock::huge_page_bytes;

  explicit TextArena(BlockReserve& blocks) : reserve_(blocks) {}

  // `size` bytes, uninitialised, valid until the arena is destroyed.
  char* allocate(std::size_t size);

 private:
  BlockReserve& reserve_;
  std::vector<MappedBlock> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;  // bytes from next_ to the end of the current block
};

}  // namespace herd
