// Zero-filled memory straight from the kernel, for the record table's large
// arrays. Unlike malloc it costs no memset (mmap pages arrive zeroed) and it goes
// back to the system when freed. A block for random access (the table's index)
// can ask for transparent huge pages: with 4 KiB pages nearly every lookup in a
// table of millions also misses the TLB. Blocks filled front to back (records,
// texts) are better off without: a huge page's first touch clears 2 MiB at once,
// a stall of milliseconds on a virtual machine, where small pages spread the
// same work over thousands of inserts.
#pragma once

#include <cstddef>

namespace herd {

class MappedBlock {
 public:
  static constexpr std::size_t huge_page_bytes = 2 * 1024 * 1024;

  enum class Access { sequential, random };

  MappedBlock() = default;
  // `bytes` zero bytes; throws std::bad_alloc when the system has none.
  // Random-access blocks of 2 MiB or more are aligned and advised for huge pages.
  explicit MappedBlock(std::size_t bytes, Access access = Access::sequential);
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
