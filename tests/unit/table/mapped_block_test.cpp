// Memory for the record table's large arrays.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "herd/table/mapped_block.hpp"

namespace herd {
namespace {

bool all_zero(const MappedBlock& block) {
  const auto* bytes = static_cast<const unsigned char*>(block.data());
  return std::all_of(bytes, bytes + block.size(), [](unsigned char b) { return b == 0; });
}

TEST(MappedBlock, SmallAndLargeBlocksArriveZeroedAndWritable) {
  for (const auto access : {MappedBlock::Pages::small, MappedBlock::Pages::huge}) {
    for (const std::size_t bytes : {std::size_t{8192}, MappedBlock::huge_page_bytes * 3 + 4096}) {
      MappedBlock block(bytes, access);
      ASSERT_NE(block.data(), nullptr);
      EXPECT_EQ(block.size(), bytes);
      EXPECT_TRUE(all_zero(block));
      std::memset(block.data(), 0xab, bytes);  // every byte of it is ours
      EXPECT_EQ(static_cast<unsigned char*>(block.data())[bytes - 1], 0xab);
    }
  }
}

TEST(MappedBlock, LargeHugePageBlocksStartOnAHugePageBoundary) {
  MappedBlock block(MappedBlock::huge_page_bytes, MappedBlock::Pages::huge);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block.data()) % MappedBlock::huge_page_bytes, 0u);
}

TEST(MappedBlock, MovingHandsTheMemoryOver) {
  MappedBlock first(4096);
  static_cast<char*>(first.data())[0] = 'x';
  void* const memory = first.data();
  MappedBlock second(std::move(first));
  EXPECT_EQ(first.data(), nullptr);
  EXPECT_EQ(first.size(), 0u);
  EXPECT_EQ(second.data(), memory);
  MappedBlock third(4096);
  third = std::move(second);  // third's own block is unmapped, not leaked
  EXPECT_EQ(third.data(), memory);
  EXPECT_EQ(static_cast<char*>(third.data())[0], 'x');
}

TEST(MappedBlock, AnEmptyBlockHoldsNothing) {
  MappedBlock block(0);
  EXPECT_EQ(block.data(), nullptr);
  EXPECT_EQ(block.size(), 0u);
}

}  // namespace
}  // namespace herd
