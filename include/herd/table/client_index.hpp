// The record table's index: from a client's hash to its record's position.
// Open addressing with linear probing, at most 3/4 full. A slot holds the
// position + 1 (0 = empty) in its low half and the low 32 bits of the client's
// hash in its high half, so a probe compares hashes before it touches a record
// (a cache miss), and moving a slot needs no record at all.
//
// Growing to twice the slots is spread over the inserts that follow: each moves
// a few hundred old slots, and lookups search both arrays until the move is
// done, so no insert waits for millions of slots to be rehashed (that took
// 30 to 150 ms at 3 million clients). The larger array is prepared on huge
// pages by a helper thread while the index fills from 5/8 to 3/4.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "herd/table/block_reserve.hpp"
#include "herd/table/mapped_block.hpp"

namespace herd {

class ClientIndex {
 public:
  ClientIndex();

  // The position of the client with `hash` for which `is_client(position)`
  // holds (the index keeps no client names), if there is one.
  template <typename IsClient>
  std::optional<std::uint32_t> find(std::uint32_t hash, IsClient is_client) const {
    if (auto found = find_in(slots(), slot_count_, hash, is_client)) return found;
    if (moving_from_.data() == nullptr) return std::nullopt;
    return find_in(static_cast<const Slot*>(moving_from_.data()), moving_from_slots_, hash,
                   is_client);
  }

  // Starts loading the slot where find(hash) begins, so that the cache misses
  // of several lookups can overlap.
  void prefetch(std::uint32_t hash) const {
    __builtin_prefetch(slots() + (hash & (slot_count_ - 1)));
  }

  // Adds a client that find() does not know.
  void insert(std::uint32_t hash, std::uint32_t position);

  // The most slots a find() looks at, in the array that holds the client, to
  // find a client it holds: how well the hashes spread (a statistic for tests;
  // it walks every slot).
  std::size_t longest_probe() const;

 private:
  using Slot = std::uint64_t;

  template <typename IsClient>
  static std::optional<std::uint32_t> find_in(const Slot* slots, std::size_t count,
                                              std::uint32_t hash, IsClient& is_client) {
    const std::size_t mask = count - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const Slot entry = slots[slot];
      if (entry == 0) return std::nullopt;
      const auto position = static_cast<std::uint32_t>(entry) - 1;
      if (static_cast<std::uint32_t>(entry >> 32) == hash && is_client(position)) return position;
    }
  }

  Slot* slots() const { return static_cast<Slot*>(slots_.data()); }
  static void place(Slot* slots, std::size_t count, Slot entry);
  static std::size_t longest_probe_in(const Slot* slots, std::size_t count);
  void start_growing();
  void move_some();

  MappedBlock slots_;
  std::size_t slot_count_;  // a power of two
  std::size_t entries_ = 0;
  MappedBlock moving_from_;  // the smaller array, while its slots move over
  std::size_t moving_from_slots_ = 0;
  std::size_t next_to_move_ = 0;
  BlockReserve larger_;
};

}  // namespace herd
