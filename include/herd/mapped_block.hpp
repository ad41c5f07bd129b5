// Zero-filled memory straight from the kernel, for the record table's large
// arrays. Unlike malloc it costs no memset (mmap pages arrive zeroed), it goes
// back to the system when freed, and blocks of 2 MiB or more are aligned and
// advised for transparent huge pages: a table of millions of records is read at
// random, and with 4 KiB pages nearly every lookup also misses the TLB and the
// first touch of every page is a fault.
#pragma once

#include <cstddef>

namespace herd {

class MappedBlock {
 public:
  static constexpr std::size_t huge_page_bytes = 2 * 1024 * 1024;

  MappedBlock() = default;
  // `bytes` zero bytes; throws std::bad_alloc when the system has none.
  explicit MappedBlock(std::size_t bytes);
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
