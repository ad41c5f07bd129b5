// libFuzzer target: parse_config_json on arbitrary text must never crash or
// throw; a rejected config says so with a message that starts with its origin,
// and an accepted one holds the limits that the member relies on without
// checking again (config.hpp, the format comment in src/config/config.cpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "herd/config/config.hpp"

namespace {

using namespace herd;
using fuzz::check;

void check_config(const Config& config) {
  check(!config.members.empty(), "at least one member");
  for (std::size_t i = 0; i < config.members.size(); ++i) {
    const MemberAddress& member = config.members[i];
    check(!member.name.empty() && member.name.size() <= max_member_name_bytes,
          "member name length");
    check(config.member_index(member.name) == i, "member names are unique");
    for (const std::size_t neighbour : config.neighbours(i)) {
      check(neighbour < config.members.size() && neighbour != i, "neighbours are other members");
    }
  }
  for (const auto& [from, to] : config.links) {
    check(config.member_index(from).has_value() && config.member_index(to).has_value(),
          "links name configured members");
    check(from != to, "no member links to itself");
  }
  check(config.max_line_bytes >= 64 && config.max_line_bytes <= max_line_bytes_limit,
        "max_line_bytes in range");
  check(config.peer_queue_limit_bytes >= config.max_line_bytes + 86, "the peer queue holds a line");
  check(config.peer_backoff_cap >= config.peer_backoff_initial, "backoff cap above its start");
  check(config.max_clock_skew >= min_clock_skew && config.max_clock_skew <= max_clock_skew_limit,
        "max_clock_skew in range");
  check(config.places.pool_size >= 1 && config.places.pool_size <= 1024, "pool_size in range");
  check(!config.places.geonames_file.empty(), "geonames_file named");
  std::string problem;
  check(check_https_url(config.places.google_base_url, problem) &&
            check_https_url(config.places.legacy_base_url, problem),
        "base URLs are https");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string error;
  if (const auto config = parse_config_json(text, "fuzz.json", error)) {
    check_config(*config);
  } else {
    check(error.starts_with("fuzz.json: ") && error.size() > 11, "a rejected config says why");
  }
  return 0;
}
