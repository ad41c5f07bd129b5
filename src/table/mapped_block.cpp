#include "herd/table/mapped_block.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <utility>

namespace herd {

namespace {

void* map_zeroed(std::size_t bytes) {
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::bad_alloc();
  return memory;
}

// A huge page can only back a 2 MiB-aligned range, and mmap aligns to 4 KiB:
// map one huge page more than needed and give back the unaligned ends.
void* map_huge_page_aligned(std::size_t bytes) {
  constexpr std::size_t align = MappedBlock::huge_page_bytes;
  char* wide = static_cast<char*>(map_zeroed(bytes + align));
  const auto address = reinterpret_cast<std::uintptr_t>(wide);
  char* aligned = wide + ((align - address % align) % align);
  if (aligned > wide) ::munmap(wide, static_cast<std::size_t>(aligned - wide));
  const std::size_t tail = static_cast<std::size_t>(wide + bytes + align - (aligned + bytes));
  if (tail > 0) ::munmap(aligned + bytes, tail);
  // Advice only: without transparent huge pages the block still works.
  ::madvise(aligned, bytes, MADV_HUGEPAGE);
  return aligned;
}

}  // namespace

MappedBlock::MappedBlock(std::size_t bytes, Pages pages) : bytes_(bytes) {
  if (bytes == 0) return;
  data_ = pages == Pages::huge && bytes >= huge_page_bytes ? map_huge_page_aligned(bytes)
                                                           : map_zeroed(bytes);
}

MappedBlock::~MappedBlock() {
  if (data_ != nullptr) ::munmap(data_, bytes_);
}

MappedBlock::MappedBlock(MappedBlock&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

MappedBlock& MappedBlock::operator=(MappedBlock&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) ::munmap(data_, bytes_);
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

}  // namespace herd
