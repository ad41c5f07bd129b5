#include "herd/table/table.hpp"

#include <algorithm>
#include <cstring>
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

Table::Table(const std::vector<std::string>& member_names, TableLimits limits, const SipKey& key)
    : order_(member_names),
      limits_(limits),
      admission_limit_(limits.max_record_text_bytes - limits.max_record_text_bytes / 16),
      key_(key) {}

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

std::optional<std::uint32_t> Table::position_of(std::string_view client, std::uint32_t hash) const {
  return index_.find(hash, [&](std::uint32_t position) {
    const Record& held = record(position);
    return std::string_view(held.text, held.client_size) == client;
  });
}

std::optional<RecordView> Table::find(std::string_view client, std::uint32_t hash) const {
  const auto position = position_of(client, hash);
  if (!position) return std::nullopt;
  return view(record(*position));
}

namespace {

static_assert(Table::max_text_bytes <= TextArena::largest_slice);

// Room a record that outgrows its slice gets beyond its new text.
constexpr std::size_t growth_room = 16;

std::size_t text_size(const RecordView& update) {
  return update.client.size() + update.location.size() + update.time.size();
}

void write_text(char* out, const RecordView& update) {
  out = std::copy(update.client.begin(), update.client.end(), out);
  out = std::copy(update.location.begin(), update.location.end(), out);
  std::copy(update.time.begin(), update.time.end(), out);
}

}  // namespace

Applied Table::apply(const RecordView& update, std::uint32_t hash) {
  // The protocol's line limit keeps a record below this (max_line_bytes_limit),
  // but a record is only as good as its sizes: refuse rather than truncate.
  if (text_size(update) > max_text_bytes) return Applied::no_room;
  if (const auto position = position_of(update.client, hash)) {
    return replace(record(*position), update);
  }
  return add(update, hash);
}

Applied Table::replace(Record& held, const RecordView& update) {
  if (!order_.greater(update, view(held))) return Applied::not_newer;
  const std::size_t size = text_size(update);
  if (size > TextArena::capacity(held.size_class)) {
    const auto grown = TextArena::class_for(std::min(size + growth_room, TextArena::largest_slice));
    char* text = texts_.allocate(grown, limits_.max_record_text_bytes);
    if (text == nullptr) return Applied::no_room;
    texts_.release(held.text, held.size_class);
    held.text = text;
    held.size_class = grown;
  }
  write_text(held.text, update);
  held.client_size = static_cast<std::uint16_t>(update.client.size());
  held.location_size = static_cast<std::uint16_t>(update.location.size());
  held.time_size = static_cast<std::uint16_t>(update.time.size());
  held.receive_time = update.receive_time;
  held.origin = update.origin;
  return Applied::stored;
}

Applied Table::add(const RecordView& update, std::uint32_t hash) {
  if (record_count_ >= limits_.max_records) return Applied::no_room;
  // A first text gets no room to grow: most clients never need it.
  const auto size_class = TextArena::class_for(text_size(update));
  char* text = texts_.allocate(size_class, admission_limit_);
  if (text == nullptr) return Applied::no_room;
  write_text(text, update);
  add_record(update, text, size_class);
  index_.insert(hash, static_cast<std::uint32_t>(record_count_ - 1));
  return Applied::stored;
}

std::string describe_fill(const Table& table) {
  return std::to_string(table.size()) + " of " + std::to_string(table.limits().max_records) +
         " records, " + std::to_string(table.text_bytes()) + " of " +
         std::to_string(table.limits().max_record_text_bytes) + " text bytes";
}

Table::Record& Table::add_record(const RecordView& update, char* text,
                                 TextArena::SizeClass size_class) {
  if (record_count_ == record_chunks_.size() * records_per_chunk) {
    record_chunks_.push_back(reserve_.take(chunk_bytes));
    reserve_.prepare(chunk_bytes);
  }
  Record* added = &record(record_count_++);
  return *new (added) Record{text,
                             update.receive_time,
                             static_cast<std::uint16_t>(update.client.size()),
                             static_cast<std::uint16_t>(update.location.size()),
                             static_cast<std::uint16_t>(update.time.size()),
                             size_class,
                             update.origin};
}

}  // namespace herd
