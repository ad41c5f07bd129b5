#include "herd/text_arena.hpp"

#include <algorithm>

namespace herd {

char* TextArena::allocate(std::size_t size) {
  if (size > left_) {
    // The rest of the current block is given up: at most one text's worth.
    const std::size_t bytes = std::max(size, block_bytes);
    next_ = static_cast<char*>(blocks_.emplace_back(bytes).data());
    left_ = bytes;
  }
  char* text = next_;
  next_ += size;
  left_ -= size;
  return text;
}

}  // namespace herd
