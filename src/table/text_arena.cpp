#include "herd/table/text_arena.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace herd {

namespace {

constexpr std::size_t smallest_slice = sizeof(char*);  // room for the free list's link
constexpr std::size_t fine_step = 4;
constexpr std::size_t fine_limit = 256;  // the last class of fine steps
constexpr TextArena::SizeClass fine_classes = (fine_limit - smallest_slice) / fine_step + 1;
constexpr unsigned fine_limit_bits = std::bit_width(fine_limit) - 1;
constexpr unsigned classes_per_doubling = 8;
constexpr unsigned doubling_step_shift = 3;  // step = 1/8 of the doubling's base

char* next_free(char* slice) {
  char* next;
  std::memcpy(&next, slice, sizeof next);
  return next;
}

}  // namespace

TextArena::SizeClass TextArena::class_for(std::size_t size) {
  if (size <= fine_limit) {
    const std::size_t rounded = std::max(size, smallest_slice);
    return static_cast<SizeClass>((rounded + fine_step - 1) / fine_step -
                                  smallest_slice / fine_step);
  }
  // base < size <= 2 * base, in steps of base / 8.
  const unsigned base_bits = static_cast<unsigned>(std::bit_width(size - 1)) - 1;
  const std::size_t base = std::size_t{1} << base_bits;
  const unsigned step_bits = base_bits - doubling_step_shift;
  const std::size_t step_in_doubling = (size - 1 - base) >> step_bits;
  const std::size_t doublings = base_bits - fine_limit_bits;
  return static_cast<SizeClass>(fine_classes + doublings * classes_per_doubling + step_in_doubling);
}

std::size_t TextArena::capacity(SizeClass size_class) {
  if (size_class < fine_classes) return smallest_slice + size_class * fine_step;
  const unsigned past_fine = size_class - fine_classes;
  const unsigned base_bits = fine_limit_bits + past_fine / classes_per_doubling;
  const std::size_t step = std::size_t{1} << (base_bits - doubling_step_shift);
  return (std::size_t{1} << base_bits) + (past_fine % classes_per_doubling + 1) * step;
}

static_assert(TextArena::largest_slice <= TextArena::block_bytes);

char* TextArena::allocate(SizeClass size_class, std::size_t limit) {
  if (char* reused = free_[size_class]) {
    free_[size_class] = next_free(reused);
    return reused;
  }
  return carve(capacity(size_class), limit);
}

void TextArena::release(char* slice, SizeClass size_class) {
  std::memcpy(slice, &free_[size_class], sizeof(char*));
  free_[size_class] = slice;
}

char* TextArena::carve(std::size_t size, std::size_t limit) {
  if (size > left_) {
    // The current block's end is too short: it goes to the free list of the
    // largest class it holds, and counts as carved, since it is gone for
    // slices of this size.
    if (carved_ + left_ + size > limit) return nullptr;
    if (left_ >= smallest_slice) {
      SizeClass end_class = class_for(left_);
      if (capacity(end_class) > left_) --end_class;
      release(next_, end_class);
    }
    carved_ += left_;
    MappedBlock& block = blocks_.emplace_back(reserve_.take(block_bytes));
    reserve_.prepare(block_bytes);
    next_ = static_cast<char*>(block.data());
    left_ = block.size();
  } else if (carved_ + size > limit) {
    return nullptr;
  }
  char* slice = next_;
  next_ += size;
  left_ -= size;
  carved_ += size;
  return slice;
}

}  // namespace herd
