#include "herd/table.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
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
    : order_(member_names), index_(1024, 0) {}

Table::~Table() = default;

RecordView Table::view(const Record& record) const {
  const char* text = record.text.get();
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

RecordView Table::at(std::size_t position) const { return view(records_[position]); }

std::size_t Table::slot_of(std::string_view client, std::size_t hash) const {
  const std::size_t mask = index_.size() - 1;
  for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const std::uint32_t entry = index_[slot];
    if (entry == 0) return slot;
    const Record& record = records_[entry - 1];
    if (std::string_view(record.text.get(), record.client_size) == client) return slot;
  }
}

std::optional<RecordView> Table::find(std::string_view client) const {
  const std::uint32_t entry = index_[slot_of(client, std::hash<std::string_view>{}(client))];
  if (entry == 0) return std::nullopt;
  return view(records_[entry - 1]);
}

namespace {

std::unique_ptr<char[]> record_text(const RecordView& update) {
  auto text = std::make_unique_for_overwrite<char[]>(update.client.size() +
                                                     update.location.size() + update.time.size());
  char* out = text.get();
  out = std::copy(update.client.begin(), update.client.end(), out);
  out = std::copy(update.location.begin(), update.location.end(), out);
  std::copy(update.time.begin(), update.time.end(), out);
  return text;
}

}  // namespace

bool Table::apply(const RecordView& update) {
  // The protocol's line limit keeps every field far below 64 KiB, but a record is
  // only as good as its sizes: refuse rather than truncate.
  constexpr std::size_t field_limit = UINT16_MAX;
  if (update.client.size() > field_limit || update.location.size() > field_limit ||
      update.time.size() > field_limit) {
    return false;
  }
  const std::size_t hash = std::hash<std::string_view>{}(update.client);
  std::size_t slot = slot_of(update.client, hash);
  if (index_[slot] != 0) {
    Record& held = records_[index_[slot] - 1];
    if (!order_.greater(update, view(held))) return false;
    held.text = record_text(update);
    held.location_size = static_cast<std::uint16_t>(update.location.size());
    held.time_size = static_cast<std::uint16_t>(update.time.size());
    held.receive_time = update.receive_time;
    held.origin = update.origin;
    return true;
  }
  records_.push_back(Record{record_text(update), update.receive_time,
                            static_cast<std::uint16_t>(update.client.size()),
                            static_cast<std::uint16_t>(update.location.size()),
                            static_cast<std::uint16_t>(update.time.size()), update.origin});
  index_[slot] = static_cast<std::uint32_t>(records_.size());
  if (records_.size() * 4 > index_.size() * 3) grow_index();
  return true;
}

void Table::grow_index() {
  std::vector<std::uint32_t> old(index_.size() * 2, 0);
  old.swap(index_);
  for (std::uint32_t entry : old) {
    if (entry == 0) continue;
    const Record& record = records_[entry - 1];
    const std::string_view client(record.text.get(), record.client_size);
    index_[slot_of(client, std::hash<std::string_view>{}(client))] = entry;
  }
}

}  // namespace herd
