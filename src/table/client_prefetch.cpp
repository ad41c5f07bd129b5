#include "herd/table/client_prefetch.hpp"

#include <algorithm>
#include <functional>

#include "herd/protocol/protocol.hpp"

namespace herd {

ClientPrefetch::ClientPrefetch(const Table& table, std::string_view lines) : table_(table) {
  const auto is_space = [](char c) { return is_field_space(c); };
  while (!lines.empty()) {
    const std::string_view line = lines.substr(0, lines.find('\n'));
    const auto fields_end = line.end();
    const auto verb_end = std::find_if(line.begin(), fields_end, is_space);
    const auto client_begin = std::find_if_not(verb_end, fields_end, is_space);
    const std::string_view client{client_begin, std::find_if(client_begin, fields_end, is_space)};
    const std::uint32_t hash = table.client_hash(client);
    table.prefetch(hash);
    hashed_.push_back({client.data(), static_cast<std::uint32_t>(client.size()), hash});
    lines.remove_prefix(std::min(lines.size(), line.size() + 1));
  }
}

std::uint32_t ClientPrefetch::hash_of(std::string_view client) {
  // Lines are handled in the order they were hashed: skip the entries of
  // lines that named no client or were refused before their lookup.
  const std::less<const char*> before;
  while (next_ < hashed_.size() && before(hashed_[next_].id, client.data())) ++next_;
  if (next_ < hashed_.size() && hashed_[next_].id == client.data() &&
      hashed_[next_].size == client.size()) {
    return hashed_[next_++].hash;
  }
  return table_.client_hash(client);
}

}  // namespace herd
