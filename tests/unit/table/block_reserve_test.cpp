// Blocks prepared ahead by a helper thread, and the index that uses them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "herd/table/block_reserve.hpp"
#include "herd/table/client_index.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t huge = MappedBlock::huge_page_bytes;

bool all_zero(const MappedBlock& block) {
  const auto* bytes = static_cast<const unsigned char*>(block.data());
  return std::all_of(bytes, bytes + block.size(), [](unsigned char b) { return b == 0; });
}

// Polls, with a deadline, for the helper to finish a block.
bool becomes_ready(BlockReserve& reserve, std::size_t bytes) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!reserve.has_ready(bytes)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(BlockReserve, WithoutAPreparedBlockTakeMapsOneAtOnce) {
  BlockReserve reserve;
  const MappedBlock block = reserve.take(3 * huge);
  EXPECT_EQ(block.size(), 3 * huge);
  EXPECT_TRUE(all_zero(block));
}

TEST(BlockReserve, APreparedBlockIsHandedOverZeroedAndAligned) {
  BlockReserve reserve;
  reserve.prepare(2 * huge);
  ASSERT_TRUE(becomes_ready(reserve, 2 * huge));
  const MappedBlock block = reserve.take(2 * huge);
  EXPECT_EQ(block.size(), 2 * huge);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block.data()) % huge, 0u);
  EXPECT_TRUE(all_zero(block));               // faulted in by writing zeros, and still zero
  EXPECT_FALSE(reserve.has_ready(2 * huge));  // no second one unless asked
}

TEST(BlockReserve, TheLatestSizeAskedForWins) {
  BlockReserve reserve;
  reserve.prepare(huge);
  reserve.prepare(4 * huge);
  ASSERT_TRUE(becomes_ready(reserve, 4 * huge));
  EXPECT_FALSE(reserve.has_ready(huge));
  // A take of another size does without it, and is served all the same.
  const MappedBlock other = reserve.take(huge);
  EXPECT_EQ(other.size(), huge);
}

TEST(BlockReserve, StopsItsHelperWhetherItWasUsedOrNot) {
  { BlockReserve unused; }
  {
    BlockReserve busy;
    busy.prepare(8 * huge);
  }  // stopped mid-way, or with a block ready
}  // returning at all is the check: every helper was told to stop and joined

// Clients are numbers; `hashes` gives each one's hash.
struct Clients {
  std::vector<std::uint32_t> hashes;
  std::optional<std::uint32_t> find(const ClientIndex& index, std::uint32_t client) const {
    return index.find(hashes[client], [&](std::uint32_t position) { return position == client; });
  }
};

TEST(ClientIndex, EveryClientIsFoundWhileTheIndexGrows) {
  ClientIndex index;
  Clients clients;
  std::mt19937 random(7);
  // Past several growths, the last ones spread over the inserts that follow.
  for (std::uint32_t client = 0; client < 300'000; ++client) {
    clients.hashes.push_back(static_cast<std::uint32_t>(random()));
    ASSERT_FALSE(clients.find(index, client));
    index.insert(clients.hashes.back(), client);
    ASSERT_EQ(clients.find(index, client), client);
    const auto earlier = static_cast<std::uint32_t>(random() % (client + 1));
    ASSERT_EQ(clients.find(index, earlier), earlier) << "after inserting " << client;
  }
  for (std::uint32_t client = 0; client < clients.hashes.size(); ++client) {
    ASSERT_EQ(clients.find(index, client), client);
  }
}

TEST(ClientIndex, EqualHashesAreToldApartByTheClient) {
  ClientIndex index;
  Clients clients;
  for (std::uint32_t client = 0; client < 3000; ++client) {
    clients.hashes.push_back(client % 3);  // three long probe chains
    index.insert(clients.hashes.back(), client);
  }
  for (std::uint32_t client = 0; client < 3000; ++client) {
    ASSERT_EQ(clients.find(index, client), client);
  }
  EXPECT_FALSE(index.find(1, [](std::uint32_t) { return false; }));
}

}  // namespace
}  // namespace herd
