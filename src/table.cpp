#include "herd/table.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <new>
#include <numeric>

namespace herd {

RecordOrder::RecordOrder(const std::vector<std::string>& member_names)
    : rank_by_origin_(member_names.size()) {
  std::vector<std::size_t> by_name(member_names.size());
  std::iota(by_name.begin(), by_name.end(), std::size_t{0});
  std::sort(by_name.begin(), by_name.end(),
            [&](std::size_t a, std::size_t b) { return member_names[a] < member_names[b]; });
  for (std::size_t rank = 0; rank < by_name.size(); ++rank) {
    rank_by_origin_[by_name[rank]] = static_cast<std::uint8_t>(rank);
  }
}

bool RecordOrder::greater(const RecordView& a, const RecordView& b) const {
  if (a.client_time != b.client_time) return a.client_time > b.client_time;
  if (a.receive_time != b.receive_time) return a.receive_time > b.receive_time;
  return rank_by_origin_.at(a.origin) > rank_by_origin_.at(b.origin);
}

Table::Table(const std::vector<std::string>& member_names)
    : order_(member_names), index_(1024 * sizeof(Slot)), index_slots_(1024) {}

Table::~Table() = default;

RecordView Table::view(const Record& record) const {
  const char* text = record.text;
  RecordView v;
  v.client = {text, record.client_size};
  v.location = {text + record.client_size, record.location_size};
  v.time = {text + record.client_size + record.location_size, record.time_size};
  // The client time is derived from its text rather than stored: it is only
  // needed when an update arrives, and parsing it costs less than 8 bytes a record.
  v.client_time = parse_posix_time(v.time).value_or(0);
  v.receive_time = record.receive_time;
  v.origin = record.origin;
  return v;
}

RecordView Table::at(std::size_t position) const { return view(record(position)); }

namespace {

std::uint32_t client_hash(std::string_view client) {
  return static_cast<std::uint32_t>(std::hash<std::string_view>{}(client));
}
std::uint32_t position_of(std::uint64_t slot) { return static_cast<std::uint32_t>(slot); }
std::uint32_t hash_of(std::uint64_t slot) { return static_cast<std::uint32_t>(slot >> 32); }

}  // namespace

std::size_t Table::slot_of(std::string_view client, std::uint32_t hash) const {
  const Slot* slots = index();
  const std::size_t mask = index_slots_ - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const Slot entry = slots[slot];
    if (entry == 0) return slot;
    if (hash_of(entry) != hash) continue;
    const Record& held = record(position_of(entry) - 1);
    if (std::string_view(held.text, held.client_size) == client) return slot;
  }
}

std::optional<RecordView> Table::find(std::string_view client) const {
  const Slot entry = index()[slot_of(client, client_hash(client))];
  if (entry == 0) return std::nullopt;
  return view(record(position_of(entry) - 1));
}

void Table::store_text(Record& record, const RecordView& update) {
  const std::size_t size = update.client.size() + update.location.size() + update.time.size();
  if (size > record.capacity) {
    // A first text is stored exactly (most clients never grow); a longer one
    // gets 16 bytes of room. The old slice stays in the arena, unused.
    const std::size_t capacity = record.text ? (size + 15) / 16 * 16 : size;
    record.text = texts_.allocate(capacity);
    record.capacity = static_cast<std::uint16_t>(capacity);
  }
  char* out = record.text;
  out = std::copy(update.client.begin(), update.client.end(), out);
  out = std::copy(update.location.begin(), update.location.end(), out);
  std::copy(update.time.begin(), update.time.end(), out);
  record.client_size = static_cast<std::uint16_t>(update.client.size());
  record.location_size = static_cast<std::uint16_t>(update.location.size());
  record.time_size = static_cast<std::uint16_t>(update.time.size());
}

bool Table::apply(const RecordView& update) {
  // The protocol's line limit keeps a record far below 64 KiB, but a record is
  // only as good as its sizes: refuse rather than truncate.
  constexpr std::size_t text_limit = UINT16_MAX - 15;
  if (update.client.size() + update.location.size() + update.time.size() > text_limit) {
    return false;
  }
  const std::uint32_t hash = client_hash(update.client);
  const std::size_t slot = slot_of(update.client, hash);
  Slot& entry = index()[slot];
  if (entry != 0) {
    Record& held = record(position_of(entry) - 1);
    if (!order_.greater(update, view(held))) return false;
    store_text(held, update);
    held.receive_time = update.receive_time;
    held.origin = update.origin;
    return true;
  }
  store_text(add_record(update), update);
  entry = Slot{hash} << 32 | static_cast<std::uint32_t>(record_count_);
  if (record_count_ * 4 > index_slots_ * 3) grow_index();
  return true;
}

Table::Record& Table::add_record(const RecordView& update) {
  if (record_count_ == record_chunks_.size() * records_per_chunk) {
    record_chunks_.push_back(reserve_.take());
  }
  Record* added = &record(record_count_++);
  return *new (added) Record{nullptr, update.receive_time, 0, 0, 0, 0, update.origin};
}

void Table::grow_index() {
  // Zero-filled: every slot empty.
  MappedBlock grown(index_slots_ * 2 * sizeof(Slot), MappedBlock::Pages::huge);
  const Slot* old = index();
  const std::size_t old_slots = index_slots_;
  Slot* slots = static_cast<Slot*>(grown.data());
  const std::size_t mask = old_slots * 2 - 1;
  for (std::size_t i = 0; i < old_slots; ++i) {
    const Slot entry = old[i];
    if (entry == 0) continue;
    std::size_t slot = hash_of(entry) & mask;
    while (slots[slot] != 0) slot = (slot + 1) & mask;
    slots[slot] = entry;
  }
  index_ = std::move(grown);
  index_slots_ = old_slots * 2;
}

}  // namespace herd
