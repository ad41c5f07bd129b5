// The record table's texts: slices of large blocks, in size classes, with the
// slices given back kept per class for reuse. The table keeps millions of
// short texts: one malloc each would cost a call and a 16-byte header apiece.
// A record whose text outgrows its slice moves to a larger one and gives the
// old one back, so clients whose texts grow cannot make the arena grow without
// end; and what the arena has carved out of its blocks (slices in use, slices
// kept for reuse, block ends too short for the next slice) is one number that
// a caller can hold to a budget.
//
// Classes: every multiple of 4 bytes from 8 to 256, so that a typical text of
// about 60 bytes wastes at most 3 (memory per record bounds how many clients a
// member holds); above that, 8 classes per doubling up to 64 KiB, at most 1/8
// wasted. A slice given back holds the free list's link in its first 8 bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "herd/table/block_reserve.hpp"
#include "herd/table/mapped_block.hpp"

namespace herd {

class TextArena {
 public:
  using SizeClass = std::uint8_t;

  static constexpr std::size_t block_bytes = MappedBlock::huge_page_bytes;
  static constexpr std::size_t largest_slice = 64 * 1024;

  explicit TextArena(BlockReserve& blocks) : reserve_(blocks) {}

  // The class of the smallest slices that hold `size` bytes (at most largest_slice).
  static SizeClass class_for(std::size_t size);
  // The bytes a slice of `size_class` holds.
  static std::size_t capacity(SizeClass size_class);

  // A slice of capacity(size_class) bytes, uninitialised: one given back
  // earlier if there is one, else a new one if carving it keeps bytes_carved()
  // within `limit`; otherwise nullptr.
  char* allocate(SizeClass size_class, std::size_t limit);
  // Keeps `slice` (from allocate() with the same class) for reuse.
  void release(char* slice, SizeClass size_class);

  // Everything carved out of the blocks so far, whether in use, given back
  // for reuse, or a block's end given up: the arena's memory, to a block.
  std::size_t bytes_carved() const { return carved_; }

 private:
  static constexpr std::size_t class_count = 127;

  // A slice from the current block, or from a new one; nullptr past `limit`.
  char* carve(std::size_t size, std::size_t limit);

  BlockReserve& reserve_;
  std::vector<MappedBlock> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;  // bytes from next_ to the end of the current block
  std::size_t carved_ = 0;
  std::array<char*, class_count> free_{};  // per class, the last slice given back
};

}  // namespace herd
