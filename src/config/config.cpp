// The herd's configuration: compiled-in defaults and the JSON file over them (the
// command line, command_line.hpp, overrides both).
//
// Config file format (config/herd.json is default_config() written out). Every key is
// optional and a missing one keeps its default; an unknown key is an error, so a typo
// never silently leaves a default in place.
//
//   {
//     "members": [ {"name": "Goloman", "host": "127.0.0.1", "port": 12000}, ... ],
//                                                  // names of at most 64 bytes
//     "links": [ ["Goloman", "Hands"], ... ],      // bidirectional; required with "members"
//     "log_dir": "logs",                           // <log_dir>/<member>.log
//     "log_max_file_bytes": 104857600,             // 4096 ..; then rotated to <member>.log.1
//     "log_rotated_files": 5,                      // 1 .. 1000: <member>.log.1 .. .5 are kept
//     "log_level": "info",                         // debug | info | warn | error | off
//     "log_traffic_level": "info",                 // every protocol line in and out; see below
//     "client_idle_timeout_ms": 60000,
//     "max_line_bytes": 8192,                      // 64 .. 65000
//     "peer_backoff_initial_ms": 50,
//     "peer_backoff_cap_ms": 1000,                 // at least peer_backoff_initial_ms
//     "peer_hello_timeout_ms": 2000,
//     "peer_queue_limit_bytes": 67108864,          // at least max_line_bytes + 86
//     "peer_stall_limit_ms": 1000,
//     "shutdown_grace_ms": 3000,
//     "max_records": 16000000,                     // 1 .. 4000000000; new clients past it get "?"
//     "max_record_text_bytes": 1073741824,         // 1024 .. 2^40; new clients are admitted
//                                                  // up to 15/16 of it, the rest is kept
//                                                  // for known clients' records that grow
//     "max_clock_skew_ms": 600000,                 // 1000 .. 86400000: how far ahead of the
//                                                  // member's clock a client's time may lie
//     "places": {
//       "backend": "auto",                         // auto | none | google | google-legacy |
//       geonames "google_base_url": "https://places.googleapis.com", "legacy_base_url":
//       "https://maps.googleapis.com", "ca_file": "",                             // extra trust
//       anchors (PEM), "" = none "key_file": "",                            // read when
//       GOOGLE_PLACES_API_KEY is unset "timeout_ms": 5000, "pool_size": 256, // 1 .. 1024
//       "geonames_file": "data/geonames/cities500.txt"  // GeoNames TSV; not empty
//     },
//     "peer_tls": {                                // links between members (protocol.md §10)
//       "mode": "off",                             // off | required (TLS 1.3, mutual)
//       "ca_file": "",                             // the herd CA (PEM)
//       "cert_file": "",                           // "{member}" stands for the member's name,
//       "key_file": ""                             // e.g. "certs/{member}.pem"
//     }
//   }
//
// "members" replaces the whole member list (host defaults to 127.0.0.1, name and port are
// required); "links" replaces the whole link list and may name only configured members.
// Durations are whole milliseconds, at least 1. Base URLs must be https://host[:port][/prefix]
// (an IPv6 host in brackets; no credentials, query or fragment) because the Places client
// always verifies TLS (protocol.md §7). peer_tls.mode "required" needs all three
// files, which are read and checked when the member starts (peer_tls.hpp).
//
// The traffic log (one line per protocol line received or sent, several per request) is
// written at log_traffic_level and dropped when that is below log_level or "off". It is
// most of the log's volume (a full-herd load wrote 1.2 GB in 15 s) and of its cost: 20-31%
// of a member's CPU at 50 connections with 16 requests in flight each. Under logrotate,
// send SIGHUP after rotating (the member then reopens its log) and set log_max_file_bytes
// above logrotate's size.
//
// At the table's bounds (max_records, max_record_text_bytes; protocol.md §5) an IAMAT for a new
// client is answered "? <line>", an ECHO for one is dropped, both counted and logged at
// most once a second; known clients still update. The defaults fit five members on one
// 24 GiB machine (the arithmetic is at Config::max_records).
#include "herd/config/config.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>

#include "herd/common/host_port.hpp"
#include "herd/common/https_url.hpp"

namespace herd {

namespace {

using json = nlohmann::json;

// Names travel inside protocol lines (HELLO, ECHO, AT) whose fields are split on these.
constexpr std::string_view protocol_whitespace = " \t\r\n\f\v";

// Long enough for any sane timer, short enough that now() + duration cannot overflow.
constexpr std::int64_t max_duration_ms = std::numeric_limits<std::int32_t>::max();

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

constexpr std::pair<std::string_view, LogLevel> log_level_names[] = {
    {"debug", LogLevel::debug}, {"info", LogLevel::info}, {"warn", LogLevel::warn},
    {"error", LogLevel::error}, {"off", LogLevel::off},
};

constexpr std::pair<std::string_view, PlacesBackendKind> backend_names[] = {
    {"auto", PlacesBackendKind::automatic},    {"none", PlacesBackendKind::no_key},
    {"google", PlacesBackendKind::google},     {"google-legacy", PlacesBackendKind::google_legacy},
    {"geonames", PlacesBackendKind::geonames},
};

constexpr std::pair<std::string_view, PeerTlsMode> peer_tls_mode_names[] = {
    {"off", PeerTlsMode::off},
    {"required", PeerTlsMode::required},
};

// ---------------------------------------------------------------------------------------
// Reading JSON values. Each reader returns false after putting "field: what is wrong" in
// `problem`; the caller puts the file name in front.

bool fail(std::string& problem, std::string_view field, std::string_view what) {
  problem = std::string(field) + ": " + std::string(what);
  return false;
}

// JSON integers arrive as signed or unsigned depending on how they were made.
std::optional<std::uint64_t> as_unsigned(const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  }
  return std::nullopt;
}

template <typename Integer>
bool read_integer(const json& value, std::string_view field, std::uint64_t min, std::uint64_t max,
                  Integer& out, std::string& problem) {
  const auto number = as_unsigned(value);
  if (!number || *number < min || *number > max) {
    return fail(problem, field,
                "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  out = static_cast<Integer>(*number);
  return true;
}

bool read_duration(const json& value, std::string_view field, milliseconds& out,
                   std::string& problem, milliseconds min = milliseconds(1),
                   milliseconds max = milliseconds(max_duration_ms)) {
  std::int64_t count = 0;
  if (!read_integer(value, field, static_cast<std::uint64_t>(min.count()),
                    static_cast<std::uint64_t>(max.count()), count, problem)) {
    problem += " (milliseconds)";
    return false;
  }
  out = milliseconds(count);
  return true;
}

bool read_string(const json& value, std::string_view field, std::string& out,
                 std::string& problem) {
  if (!value.is_string()) return fail(problem, field, "must be a string");
  out = value.get<std::string>();
  return true;
}

// A member name or host: one protocol field, printable.
bool read_word(const json& value, std::string_view field, std::string& out, std::string& problem) {
  if (!read_string(value, field, out, problem)) return false;
  if (out.empty()) return fail(problem, field, "must not be empty");
  const bool printable = std::none_of(out.begin(), out.end(), [](char c) {
    return protocol_whitespace.find(c) != std::string_view::npos ||
           static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
  if (!printable) {
    return fail(problem, field,
                "must not contain whitespace or control characters (got " + in_quotes(out) + ")");
  }
  return true;
}

bool read_https_url(const json& value, std::string_view field, std::string& out,
                    std::string& problem) {
  if (!read_string(value, field, out, problem)) return false;
  std::string why;
  return check_https_url(out, why) || fail(problem, field, why);
}

bool read_member(const json& value, const std::string& field, MemberAddress& member,
                 std::string& problem) {
  if (!value.is_object()) {
    return fail(problem, field,
                R"(must be an object like {"name": "Hands", "host": "127.0.0.1", "port": 12001})");
  }
  for (const char* required : {"name", "port"}) {
    if (!value.contains(required)) return fail(problem, field + "." + required, "required");
  }
  for (const auto& [key, item] : value.items()) {
    const std::string item_field = field + "." + key;
    bool ok = false;
    if (key == "name") {
      ok = read_word(item, item_field, member.name, problem) &&
           (member.name.size() <= max_member_name_bytes ||
            fail(problem, item_field,
                 "must be at most " + std::to_string(max_member_name_bytes) + " bytes (got " +
                     std::to_string(member.name.size()) + ")"));
    } else if (key == "host") {
      ok = read_word(item, item_field, member.host, problem);
    } else if (key == "port") {
      ok = read_integer(item, item_field, 1, 65535, member.port, problem);
    } else {
      ok = fail(problem, item_field, "unknown key");
    }
    if (!ok) return false;
  }
  return true;
}

// Two members with one name could not tell their HELLOs apart, and two on one address
// could not both listen.
bool check_member_is_new(const std::vector<MemberAddress>& earlier, const MemberAddress& member,
                         const std::string& field, std::string& problem) {
  for (const auto& other : earlier) {
    if (other.name == member.name) {
      return fail(problem, field + ".name", "duplicate member name " + in_quotes(member.name));
    }
    if (other.host == member.host && other.port == member.port) {
      return fail(problem, field + ".port",
                  host_port(member.host, member.port) + " is already used by " + other.name);
    }
  }
  return true;
}

bool read_members(const json& value, std::vector<MemberAddress>& members, std::string& problem) {
  if (!value.is_array() || value.empty()) {
    return fail(problem, "members", "must be a non-empty array of member objects");
  }
  members.clear();
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string field = "members[" + std::to_string(i) + "]";
    MemberAddress member;
    if (!read_member(value[i], field, member, problem)) return false;
    if (!check_member_is_new(members, member, field, problem)) return false;
    members.push_back(std::move(member));
  }
  return true;
}

bool same_link(const std::pair<std::string, std::string>& a,
               const std::pair<std::string, std::string>& b) {
  return a == b || (a.first == b.second && a.second == b.first);
}

bool read_link(const json& value, const std::string& field, const Config& config,
               std::pair<std::string, std::string>& link, std::string& problem) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_string() || !value[1].is_string()) {
    return fail(problem, field, R"(must be a pair of member names, like ["Goloman", "Hands"])");
  }
  link = {value[0].get<std::string>(), value[1].get<std::string>()};
  for (const auto& name : {link.first, link.second}) {
    if (!config.member_index(name)) {
      return fail(problem, field, "unknown member " + in_quotes(name));
    }
  }
  if (link.first == link.second) {
    return fail(problem, field, "a member cannot link to itself (" + in_quotes(link.first) + ")");
  }
  return true;
}

bool read_links(const json& value, Config& config, std::string& problem) {
  if (!value.is_array()) {
    return fail(problem, "links",
                R"(must be an array of member name pairs, like [["Goloman", "Hands"]])");
  }
  std::vector<std::pair<std::string, std::string>> links;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string field = "links[" + std::to_string(i) + "]";
    std::pair<std::string, std::string> link;
    if (!read_link(value[i], field, config, link, problem)) return false;
    const auto earlier = std::find_if(links.begin(), links.end(),
                                      [&](const auto& other) { return same_link(other, link); });
    if (earlier != links.end()) {
      return fail(problem, field,
                  in_quotes(link.first) + " and " + in_quotes(link.second) +
                      " are already linked by links[" + std::to_string(earlier - links.begin()) +
                      "]");
    }
    links.push_back(std::move(link));
  }
  config.links = std::move(links);
  return true;
}

// Members before links, whatever their order in the file: links are checked against
// the member list.
bool read_topology(const json& document, Config& config, std::string& problem) {
  const auto members = document.find("members");
  const auto links = document.find("links");
  if (members != document.end()) {
    if (links == document.end()) return fail(problem, "links", "required when members is given");
    if (!read_members(*members, config.members, problem)) return false;
  }
  return links == document.end() || read_links(*links, config, problem);
}

bool read_log_level(const json& value, std::string_view field, LogLevel& out,
                    std::string& problem) {
  std::string name;
  if (!read_string(value, field, name, problem)) return false;
  for (const auto& [known, level] : log_level_names) {
    if (name == known) {
      out = level;
      return true;
    }
  }
  std::vector<std::string> names;
  for (const auto& entry : log_level_names) names.emplace_back(entry.first);
  return fail(problem, field,
              "unknown level " + in_quotes(name) + " (one of " + joined(names) + ")");
}

// A field that names one of a few choices (a backend, a mode): `named` gives
// the choice a name stands for, or says why there is none.
template <typename Choice, typename Named>
bool read_named(const json& value, std::string_view field, Named named, Choice& out,
                std::string& problem) {
  std::string name;
  if (!read_string(value, field, name, problem)) return false;
  std::string why;
  const std::optional<Choice> choice = named(name, why);
  if (!choice) return fail(problem, field, why);
  out = *choice;
  return true;
}

// An object of settings, `section`: each key is read by `read_key(key, item,
// field)`, which sets `problem` and returns false for a bad value or an
// unknown key.
template <typename ReadKey>
bool read_section(const json& value, std::string_view section, std::string& problem,
                  ReadKey read_key) {
  if (!value.is_object()) return fail(problem, section, "must be an object");
  for (const auto& [key, item] : value.items()) {
    if (!read_key(key, item, std::string(section) + "." + key)) return false;
  }
  return true;
}

bool read_places(const json& value, PlacesConfig& places, std::string& problem) {
  return read_section(
      value, "places", problem,
      [&](const std::string& key, const json& item, const std::string& field) {
        if (key == "backend") {
          return read_named(item, field, places_backend_named, places.backend, problem);
        }
        if (key == "google_base_url") {
          return read_https_url(item, field, places.google_base_url, problem);
        }
        if (key == "legacy_base_url") {
          return read_https_url(item, field, places.legacy_base_url, problem);
        }
        if (key == "ca_file") return read_string(item, field, places.ca_file, problem);
        if (key == "key_file") return read_string(item, field, places.key_file, problem);
        if (key == "timeout_ms") return read_duration(item, field, places.timeout, problem);
        if (key == "pool_size")
          return read_integer(item, field, 1, 1024, places.pool_size, problem);
        if (key == "geonames_file") {
          return read_string(item, field, places.geonames_file, problem) &&
                 (!places.geonames_file.empty() || fail(problem, field, "must not be empty"));
        }
        return fail(problem, field, "unknown key");
      });
}

bool read_peer_tls(const json& value, PeerTlsConfig& peer_tls, std::string& problem) {
  return read_section(value, "peer_tls", problem,
                      [&](const std::string& key, const json& item, const std::string& field) {
                        if (key == "mode")
                          return read_named(item, field, peer_tls_mode_named, peer_tls.mode,
                                            problem);
                        if (key == "ca_file")
                          return read_string(item, field, peer_tls.ca_file, problem);
                        if (key == "cert_file")
                          return read_string(item, field, peer_tls.cert_file, problem);
                        if (key == "key_file")
                          return read_string(item, field, peer_tls.key_file, problem);
                        return fail(problem, field, "unknown key");
                      });
}

// One top-level key other than the topology.
bool read_setting(const std::string& key, const json& value, Config& config, std::string& problem) {
  if (key == "log_dir") {
    std::string dir;
    if (!read_string(value, key, dir, problem)) return false;
    if (dir.empty()) return fail(problem, key, "must not be empty");
    config.log_dir = dir;
    return true;
  }
  // Below 4 KiB a file would hold only a few dozen lines.
  if (key == "log_max_file_bytes") {
    return read_integer(value, key, 4096, std::numeric_limits<std::int64_t>::max(),
                        config.log_max_file_bytes, problem);
  }
  if (key == "log_rotated_files") {
    return read_integer(value, key, 1, 1000, config.log_rotated_files, problem);
  }
  if (key == "log_level") return read_log_level(value, key, config.log_level, problem);
  if (key == "log_traffic_level") {
    return read_log_level(value, key, config.log_traffic_level, problem);
  }
  if (key == "max_line_bytes") {
    return read_integer(value, key, 64, max_line_bytes_limit, config.max_line_bytes, problem);
  }
  if (key == "peer_queue_limit_bytes") {
    return read_integer(value, key, 1, std::numeric_limits<std::int64_t>::max(),
                        config.peer_queue_limit_bytes, problem);
  }
  if (key == "max_records") {
    // Record positions are 32-bit in the client index.
    return read_integer(value, key, 1, 4'000'000'000, config.max_records, problem);
  }
  if (key == "max_record_text_bytes") {
    return read_integer(value, key, 1024, std::uint64_t{1} << 40, config.max_record_text_bytes,
                        problem);
  }
  const std::pair<std::string_view, milliseconds*> durations[] = {
      {"client_idle_timeout_ms", &config.client_idle_timeout},
      {"peer_backoff_initial_ms", &config.peer_backoff_initial},
      {"peer_backoff_cap_ms", &config.peer_backoff_cap},
      {"peer_hello_timeout_ms", &config.peer_hello_timeout},
      {"peer_stall_limit_ms", &config.peer_stall_limit},
      {"shutdown_grace_ms", &config.shutdown_grace},
  };
  for (const auto& [name, duration] : durations) {
    if (key == name) return read_duration(value, key, *duration, problem);
  }
  if (key == "max_clock_skew_ms") {
    return read_duration(value, key, config.max_clock_skew, problem, min_clock_skew,
                         max_clock_skew_limit);
  }
  if (key == "places") return read_places(value, config.places, problem);
  if (key == "peer_tls") return read_peer_tls(value, config.peer_tls, problem);
  return fail(problem, key, "unknown key");
}

// Limits that only make sense together.
bool check_consistency(const Config& config, std::string& problem) {
  if (config.peer_backoff_cap < config.peer_backoff_initial) {
    return fail(problem, "peer_backoff_cap_ms",
                "must be at least peer_backoff_initial_ms (" +
                    std::to_string(config.peer_backoff_initial.count()) + ")");
  }
  // A queue that cannot hold one line would drop every link at its first update.
  const std::size_t longest_link_line = config.peer_max_line_bytes() + 1;  // with its "\n"
  if (config.peer_queue_limit_bytes < longest_link_line) {
    return fail(problem, "peer_queue_limit_bytes",
                "must be at least " + std::to_string(longest_link_line) + " (max_line_bytes + " +
                    std::to_string(longest_link_line - config.max_line_bytes) +
                    "), the longest line a link carries with its newline");
  }
  return check_peer_tls_files_given(config.peer_tls, problem);
}

bool read_config(const json& document, Config& config, std::string& problem) {
  if (!document.is_object()) {
    problem = "the top level must be a JSON object";
    return false;
  }
  for (const auto& [key, value] : document.items()) {
    if (key == "members" || key == "links") continue;  // read_topology, below
    if (!read_setting(key, value, config, problem)) return false;
  }
  return read_topology(document, config, problem) && check_consistency(config, problem);
}

}  // namespace

std::string in_quotes(std::string_view text) {
  return json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string member_list(const Config& config) { return joined(config.member_names()); }

std::optional<PlacesBackendKind> places_backend_named(std::string_view name, std::string& problem) {
  for (const auto& [known, kind] : backend_names) {
    if (name == known) return kind;
  }
  std::vector<std::string> names;
  for (const auto& entry : backend_names) names.emplace_back(entry.first);
  problem = "unknown backend " + in_quotes(name) + " (one of " + joined(names) + ")";
  return std::nullopt;
}

std::optional<PeerTlsMode> peer_tls_mode_named(std::string_view name, std::string& problem) {
  for (const auto& [known, mode] : peer_tls_mode_names) {
    if (name == known) return mode;
  }
  problem = "unknown mode " + in_quotes(name) + " (off or required)";
  return std::nullopt;
}

bool check_peer_tls_files_given(const PeerTlsConfig& peer_tls, std::string& problem) {
  if (peer_tls.mode == PeerTlsMode::off) return true;
  const std::pair<std::string_view, const std::string*> files[] = {
      {"peer_tls.ca_file", &peer_tls.ca_file},
      {"peer_tls.cert_file", &peer_tls.cert_file},
      {"peer_tls.key_file", &peer_tls.key_file},
  };
  for (const auto& [field, path] : files) {
    if (path->empty()) return fail(problem, field, "required when peer_tls.mode is required");
  }
  return true;
}

bool check_https_url(std::string_view url, std::string& problem) {
  std::string why;
  if (parse_https_url(url, why)) return true;
  problem = in_quotes(url) + " " + why;
  return false;
}

std::optional<std::size_t> Config::member_index(std::string_view name) const {
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> Config::member_names() const {
  std::vector<std::string> names;
  names.reserve(members.size());
  for (const auto& member : members) names.push_back(member.name);
  return names;
}

std::vector<std::size_t> Config::neighbours(std::size_t index) const {
  std::vector<bool> linked(members.size(), false);
  for (const auto& [a, b] : links) {
    const auto first = member_index(a);
    const auto second = member_index(b);
    if (first == index && second) linked[*second] = true;
    if (second == index && first) linked[*first] = true;
  }
  std::vector<std::size_t> result;
  for (std::size_t i = 0; i < linked.size(); ++i) {
    if (linked[i]) result.push_back(i);
  }
  return result;
}

Config default_config() {
  Config config;
  config.members = {
      {"Goloman", "127.0.0.1", 12000}, {"Hands", "127.0.0.1", 12001},
      {"Holiday", "127.0.0.1", 12002}, {"Welsh", "127.0.0.1", 12003},
      {"Wilkes", "127.0.0.1", 12004},
  };
  config.links = {
      {"Goloman", "Hands"}, {"Goloman", "Holiday"}, {"Goloman", "Wilkes"},
      {"Hands", "Wilkes"},  {"Holiday", "Welsh"},   {"Holiday", "Wilkes"},
  };
  return config;
}

std::optional<Config> parse_config_json(std::string_view text, std::string_view origin,
                                        std::string& error) {
  // what() starts with "[json.exception.parse_error.NNN] ", which tells an operator nothing.
  const auto message_of = [](const json::exception& exception) {
    std::string_view message = exception.what();
    if (const auto tag_end = message.find("] "); tag_end != std::string_view::npos) {
      message.remove_prefix(tag_end + 2);
    }
    return std::string(message);
  };
  json document;
  try {
    document = json::parse(text);
  } catch (const json::parse_error& parse_error) {
    error = std::string(origin) + ": malformed JSON at byte " + std::to_string(parse_error.byte) +
            ": " + message_of(parse_error);
    return std::nullopt;
  } catch (const json::exception& other) {
    // A number past a double's range (1e999) is well-formed JSON that nlohmann
    // cannot hold: out_of_range, not parse_error.
    error = std::string(origin) + ": malformed JSON: " + message_of(other);
    return std::nullopt;
  }
  Config config = default_config();
  std::string problem;
  if (!read_config(document, config, problem)) {
    error = std::string(origin) + ": " + problem;
    return std::nullopt;
  }
  return config;
}

std::optional<Config> load_config_file(const std::filesystem::path& path, std::string& error) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    error = path.string() + ": is a directory, not a config file";
    return std::nullopt;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = path.string() + ": cannot open: " + std::strerror(errno);
    return std::nullopt;
  }
  const std::string text{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  if (file.bad()) {
    error = path.string() + ": cannot read: " + std::strerror(errno);
    return std::nullopt;
  }
  return parse_config_json(text, path.string(), error);
}

}  // namespace herd
