// Zero-filled memory straight from the kernel, for the record table's large
// arrays. Unlike malloc it costs no memset (mmap pages arrive zeroed) and it goes
// back to the system when freed. A block can ask for transparent huge pages:
// with 4 KiB pages a table of millions misses the TLB on nearly every lookup and
// faults on every few dozen inserts. But a huge page's first touch clears 2 MiB
// at once, a stall of milliseconds on a virtual machine, so blocks that are
// filled as the loop goes either take that stall elsewhere (BlockReserve) or
// keep small pages, which spread the same work over thousands of inserts.
#pragma once

#include <cstddef>

namespace herd {

class MappedBlock {
 public:
  static constexpr std::size_t huge_page_bytes = 2 * 1024 * 1024;

  enum class Pages { small, huge };

  MappedBlock() = default;
  // `bytes` zero bytes; throws std::bad_alloc when the system has none.
  // Pages::huge blocks of 2 MiB or more are aligned and advised for huge pages.
  explicit MappedBlock(std::size_t bytes, Pages pages = Pages::small);
  ~MappedBlock();
  MappedBlock(MappedBlock&& other) noexcept;
  MappedBlock& operator=(MappedBlock&& other) noexcept;
  MappedBlock(const MappedBlock&) = delete;
  MappedBlock& operator=(const MappedBlock&) = delete;

  void* data() const { return data_; }
  std::size_t size() const { return bytes_; }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

}  // namespace herd
