// The record texts' arena: size classes, reuse of given-back slices, and the
// byte count that the table holds to its budget.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <limits>
#include <set>
#include <vector>

#include "herd/table/text_arena.hpp"

namespace herd {
namespace {

constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max();

TEST(TextArenaClasses, EverySizeGetsTheSmallestClassThatHoldsIt) {
  for (std::size_t size = 1; size <= TextArena::largest_slice; ++size) {
    const TextArena::SizeClass size_class = TextArena::class_for(size);
    const std::size_t capacity = TextArena::capacity(size_class);
    ASSERT_GE(capacity, size) << size;
    if (size_class > 0) {
      ASSERT_LT(TextArena::capacity(static_cast<TextArena::SizeClass>(size_class - 1)), size);
    }
    // Little waste: 3 bytes up to 256 (8 at the smallest), 1/8 above.
    if (size <= 256) {
      ASSERT_LE(capacity - size, size < 8 ? 7u : 3u) << size;
    } else {
      ASSERT_LE((capacity - size) * 8, size) << size;
    }
  }
  EXPECT_EQ(TextArena::capacity(TextArena::class_for(TextArena::largest_slice)),
            TextArena::largest_slice);
  EXPECT_EQ(TextArena::capacity(TextArena::class_for(60)), 60u);  // a typical record
}

TEST(TextArena, CarvesUpToTheLimitAndNotOnePastIt) {
  BlockReserve reserve;
  TextArena arena(reserve);
  const auto size_class = TextArena::class_for(60);
  for (int i = 0; i < 10; ++i) ASSERT_NE(arena.allocate(size_class, 600), nullptr) << i;
  EXPECT_EQ(arena.bytes_carved(), 600u);
  EXPECT_EQ(arena.allocate(size_class, 600), nullptr);
  EXPECT_EQ(arena.allocate(TextArena::class_for(8), 607), nullptr);
  EXPECT_NE(arena.allocate(TextArena::class_for(8), 608), nullptr);
  EXPECT_EQ(arena.bytes_carved(), 608u);
}

TEST(TextArena, SlicesGivenBackAreReusedBeforeAnyIsCarved) {
  BlockReserve reserve;
  TextArena arena(reserve);
  const auto small = TextArena::class_for(60);
  const auto large = TextArena::class_for(100);
  char* first = arena.allocate(small, unlimited);
  char* second = arena.allocate(small, unlimited);
  std::memset(first, 'x', 60);
  arena.release(first, small);
  arena.release(second, small);
  const std::size_t carved = arena.bytes_carved();
  // Another class does not take them.
  char* other = arena.allocate(large, unlimited);
  EXPECT_EQ(arena.bytes_carved(), carved + TextArena::capacity(large));
  EXPECT_TRUE(other != first && other != second);
  // Their own class does, even at a limit that allows no carving.
  const std::set<char*> reused{arena.allocate(small, 0), arena.allocate(small, 0)};
  EXPECT_EQ(reused, (std::set<char*>{first, second}));
  EXPECT_EQ(arena.allocate(small, 0), nullptr);
}

TEST(TextArena, ABlocksEndIsCountedAndKeptForReuse) {
  BlockReserve reserve;
  TextArena arena(reserve);
  const auto largest = TextArena::class_for(TextArena::largest_slice);
  const std::size_t per_block = TextArena::block_bytes / TextArena::largest_slice;
  for (std::size_t i = 0; i < per_block; ++i) {
    ASSERT_NE(arena.allocate(largest, unlimited), nullptr);
  }
  ASSERT_EQ(arena.bytes_carved(), TextArena::block_bytes);  // nothing left of the first block
  // A second block: 100 bytes, then largest slices while they fit.
  char* second_block = arena.allocate(TextArena::class_for(100), unlimited);
  for (std::size_t i = 0; i + 1 < per_block; ++i) arena.allocate(largest, unlimited);
  const std::size_t end_bytes = TextArena::largest_slice - 100;
  ASSERT_EQ(arena.bytes_carved(), 2 * TextArena::block_bytes - end_bytes);
  // One more needs a third block; the second's end counts as carved, not
  // only a limit that leaves room for the new slice alone.
  EXPECT_EQ(arena.allocate(largest, 2 * TextArena::block_bytes + end_bytes), nullptr);
  ASSERT_NE(arena.allocate(largest, unlimited), nullptr);
  EXPECT_EQ(arena.bytes_carved(), 2 * TextArena::block_bytes + TextArena::largest_slice);
  // The end is kept as a slice of the largest class it holds (60 KiB of 65436 bytes).
  const auto end_class = TextArena::class_for(60 * 1024);
  ASSERT_GT(TextArena::capacity(static_cast<TextArena::SizeClass>(end_class + 1)), end_bytes);
  EXPECT_EQ(arena.allocate(end_class, 0), second_block + TextArena::block_bytes - end_bytes);
}

}  // namespace
}  // namespace herd
