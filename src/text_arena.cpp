#include "herd/text_arena.hpp"

namespace herd {

char* TextArena::allocate(std::size_t size) {
  if (size > left_) {
    // The rest of the current block is given up: at most one text's worth.
    MappedBlock& block =
        blocks_.emplace_back(size <= block_bytes ? reserve_.take(block_bytes) : MappedBlock(size));
    reserve_.prepare(block_bytes);
    next_ = static_cast<char*>(block.data());
    left_ = block.size();
  }
  char* text = next_;
  next_ += size;
  left_ -= size;
  return text;
}

}  // namespace herd
