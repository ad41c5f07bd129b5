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

Table::Table(const std::vector<std::string>& member_names) : order_(member_names) {}

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

}  // namespace

std::optional<std::uint32_t> Table::position_of(std::string_view client,
                                                std::uint32_t hash) const {
  return index_.find(hash, [&](std::uint32_t position) {
    const Record& held = record(position);
    return std::string_view(held.text, held.client_size) == client;
  });
}

void Table::prefetch(std::string_view client) const { index_.prefetch(client_hash(client)); }

std::optional<RecordView> Table::find(std::string_view client) const {
  const auto position = position_of(client, client_hash(client));
  if (!position) return std::nullopt;
  return view(record(*position));
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
  // The protocol's line limit keeps a record below this (max_line_bytes_limit),
  // but a record is only as good as its sizes: refuse rather than truncate.
  if (update.client.size() + update.location.size() + update.time.size() > max_text_bytes) {
    return false;
  }
  const std::uint32_t hash = client_hash(update.client);
  if (const auto position = position_of(update.client, hash)) {
    Record& held = record(*position);
    if (!order_.greater(update, view(held))) return false;
    store_text(held, update);
    held.receive_time = update.receive_time;
    held.origin = update.origin;
    return true;
  }
  store_text(add_record(update), update);
  index_.insert(hash, static_cast<std::uint32_t>(record_count_ - 1));
  return true;
}

void prefetch_clients(std::string_view lines, const Table& table) {
  const auto is_space = [](char c) { return is_field_space(c); };
  while (!lines.empty()) {
    const std::string_view line = lines.substr(0, lines.find('\n'));
    const auto fields_end = line.end();
    const auto verb_end = std::find_if(line.begin(), fields_end, is_space);
    const auto client = std::find_if_not(verb_end, fields_end, is_space);
    table.prefetch({client, std::find_if(client, fields_end, is_space)});
    lines.remove_prefix(std::min(lines.size(), line.size() + 1));
  }
}

Table::Record& Table::add_record(const RecordView& update) {
  if (record_count_ == record_chunks_.size() * records_per_chunk) {
    record_chunks_.push_back(reserve_.take(chunk_bytes));
    reserve_.prepare(chunk_bytes);
  }
  Record* added = &record(record_count_++);
  return *new (added) Record{nullptr, update.receive_time, 0, 0, 0, 0, update.origin};
}

}  // namespace herd
