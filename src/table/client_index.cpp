#include "herd/table/client_index.hpp"

#include <algorithm>

namespace herd {

namespace {

constexpr std::size_t initial_slots = 1024;
// Old slots moved per insert while growing. The move must end before the
// larger array is 3/4 full: it starts 3/8 full, so within 3/8 of its slots'
// inserts, and any step of 2 or more does. This one ends it within a few
// thousand inserts at a few microseconds each.
constexpr std::size_t slots_moved_per_insert = 256;

}  // namespace

ClientIndex::ClientIndex() : slots_(initial_slots * sizeof(Slot)), slot_count_(initial_slots) {}

void ClientIndex::place(Slot* slots, std::size_t count, Slot entry) {
  const std::size_t mask = count - 1;
  std::size_t slot = static_cast<std::uint32_t>(entry >> 32) & mask;
  while (slots[slot] != 0) slot = (slot + 1) & mask;
  slots[slot] = entry;
}

void ClientIndex::insert(std::uint32_t hash, std::uint32_t position) {
  if (moving_from_.data() != nullptr) move_some();
  place(slots(), slot_count_, Slot{hash} << 32 | (position + 1));
  ++entries_;
  // Small arrays are quicker mapped on the spot than handed over by the helper.
  const std::size_t larger_bytes = slot_count_ * 2 * sizeof(Slot);
  if (entries_ * 8 == slot_count_ * 5 && larger_bytes >= MappedBlock::huge_page_bytes) {
    larger_.prepare(larger_bytes);
  }
  if (entries_ * 4 > slot_count_ * 3) start_growing();
}

std::size_t ClientIndex::longest_probe_in(const Slot* slots, std::size_t count) {
  const std::size_t mask = count - 1;
  std::size_t longest = 0;
  for (std::size_t slot = 0; slot < count; ++slot) {
    if (slots[slot] == 0) continue;
    const std::size_t home = static_cast<std::uint32_t>(slots[slot] >> 32) & mask;
    longest = std::max(longest, ((slot - home) & mask) + 1);
  }
  return longest;
}

std::size_t ClientIndex::longest_probe() const {
  std::size_t longest = longest_probe_in(slots(), slot_count_);
  if (moving_from_.data() != nullptr) {
    longest = std::max(longest, longest_probe_in(static_cast<const Slot*>(moving_from_.data()),
                                                 moving_from_slots_));
  }
  return longest;
}

void ClientIndex::start_growing() {
  while (moving_from_.data() != nullptr) move_some();  // not reached with the step above
  moving_from_ = std::move(slots_);
  moving_from_slots_ = slot_count_;
  next_to_move_ = 0;
  slot_count_ *= 2;
  slots_ = larger_.take(slot_count_ * sizeof(Slot));
}

void ClientIndex::move_some() {
  const Slot* old = static_cast<const Slot*>(moving_from_.data());
  const std::size_t end = std::min(moving_from_slots_, next_to_move_ + slots_moved_per_insert);
  for (; next_to_move_ < end; ++next_to_move_) {
    if (old[next_to_move_] != 0) place(slots(), slot_count_, old[next_to_move_]);
  }
  if (next_to_move_ == moving_from_slots_) moving_from_ = MappedBlock();
}

}  // namespace herd
