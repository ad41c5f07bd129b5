// The herd's topology and every tunable, with their defaults (protocol.md §1, §9).
// Filled from the compiled-in defaults and a JSON file; command_line.hpp applies argv.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herd/protocol/protocol.hpp"

namespace herd {

using std::chrono::milliseconds;

// Limits that keep every valid client line within what links and records
// carry (protocol.md §2, §5). Member names travel in every ECHO, so their length
// bounds a link's lines (Config::peer_max_line_bytes).
inline constexpr std::size_t max_member_name_bytes = 64;
// A record holds its texts' sizes in 16 bits (Table::max_text_bytes): the
// longest line a link carries at this limit still fits one.
inline constexpr std::size_t max_line_bytes_limit = 65'000;
// max_clock_skew's range. At least a second: an ECHO is checked against the
// receiving member's clock, which may lag the origin's a little. At most a
// day: a client can pin its record that far ahead of the true time.
inline constexpr milliseconds min_clock_skew{1'000};
inline constexpr milliseconds max_clock_skew_limit{86'400'000};

struct MemberAddress {
  std::string name;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
};

// Which Places backend answers WHATSAT (protocol.md §7).
enum class PlacesBackendKind {
  automatic,  // google when a key is available, else geonames when its file is there, else no_key
  no_key,     // answers REQUEST_DENIED: no API key configured
  google,     // Places API (New), POST places:searchNearby
  google_legacy,  // legacy Nearby Search, GET nearbysearch/json
  geonames,       // offline, from a GeoNames gazetteer file
};

// Levels of the member's log, lowest first; `off` logs nothing.
enum class LogLevel { debug, info, warn, error, off };

struct PlacesConfig {
  PlacesBackendKind backend = PlacesBackendKind::automatic;
  std::string google_base_url = "https://places.googleapis.com";
  std::string legacy_base_url = "https://maps.googleapis.com";
  std::string ca_file;         // extra trust anchors beside the system store
  std::string key_file;        // read when GOOGLE_PLACES_API_KEY is not set
  milliseconds timeout{5000};  // whole request: connect, handshake, write, read
  // Connections per backend host, each carrying one request at a time; more
  // concurrent WHATSATs than this wait for one to come free.
  std::size_t pool_size = 256;
  // The gazetteer of the geonames backend (standard GeoNames TSV), relative to
  // the working directory; scripts/install-deps.sh installs cities500 here.
  std::string geonames_file = "data/geonames/cities500.txt";
};

// Whether links between members use mutual TLS (protocol.md §10).
enum class PeerTlsMode {
  off,       // plaintext links; a HELLO is taken only from the neighbour's configured host
  required,  // TLS 1.3 with the herd CA both ways; a plaintext HELLO is refused
};

// The files of a member's link identity. "{member}" in a path stands for the
// member's name, so one config serves the whole herd. Read and checked at
// start-up and on SIGHUP (peer_tls.hpp), not when the config is parsed.
struct PeerTlsConfig {
  PeerTlsMode mode = PeerTlsMode::off;
  std::string ca_file;    // the herd CA (PEM): the only trust anchor for links
  std::string cert_file;  // the member's certificate (PEM), then any intermediates
  std::string key_file;   // its private key (PEM, unencrypted)
};

struct Config {
  std::vector<MemberAddress> members;  // in a stable order; index = member id
  std::vector<std::pair<std::string, std::string>> links;

  std::filesystem::path log_dir = "logs";
  // The log's bounds and levels (protocol.md §8). Past log_max_file_bytes the file is
  // renamed <member>.log.1 (.1 to .2, and so on) and a new one begun; the
  // log_rotated_files newest of those are kept.
  std::uint64_t log_max_file_bytes = 100u << 20;
  std::size_t log_rotated_files = 5;
  LogLevel log_level = LogLevel::info;
  // Every protocol line in and out is logged at this level, so it is dropped
  // when below log_level. It is most of the log and costs a loaded member
  // 20-31% of its CPU (C=50 P=16, docs/performance.md).
  LogLevel log_traffic_level = LogLevel::info;
  milliseconds client_idle_timeout{60'000};
  std::size_t max_line_bytes = 8192;

  // Peer links (protocol.md §5).
  milliseconds peer_backoff_initial{50};
  milliseconds peer_backoff_cap{1000};
  milliseconds peer_hello_timeout{2000};
  std::size_t peer_queue_limit_bytes = 64u << 20;
  // Flow control (flow_control.hpp) stops waiting for a link whose writes
  // have not completed for this long: a hung neighbour must not stall clients.
  milliseconds peer_stall_limit{1000};

  // SIGINT/SIGTERM: how long in-flight replies may take before we exit anyway.
  milliseconds shutdown_grace{3000};

  // The record table's bounds (protocol.md §5; TableLimits says who is admitted at
  // them). Every member holds every record, so each of the five members of a
  // herd on one machine needs, at these defaults: records 16,000,000 x 24
  // bytes = 366 MiB; the index at most 2^25 slots (3/4 full at most) x 8 bytes
  // = 256 MiB, and 128 MiB more while it doubles; texts 1 GiB, plus the 2 MiB
  // block in use and one prepared. About 1.8 GiB each, 8.7 GiB for five: a
  // 24 GiB machine keeps over half free for link queues (64 MiB each),
  // sessions, logs and the system. A typical record (~60 bytes of text, ~100
  // bytes in all) reaches max_records first, at ~0.9 GiB of text.
  std::size_t max_records = 16'000'000;
  std::size_t max_record_text_bytes = std::size_t{1} << 30;

  PlacesConfig places;

  // How far ahead of this member's clock the time of an IAMAT or an ECHO may
  // lie (protocol.md §3, §5); a later one is refused (IAMAT) or skipped (ECHO).
  milliseconds max_clock_skew{600'000};
  // A link's line limit: the ECHO of any valid IAMAT fits.
  std::size_t peer_max_line_bytes() const {
    return echo_line_limit(max_line_bytes, max_member_name_bytes);
  }

  PeerTlsConfig peer_tls;

  // Index of a member by exact name, or nullopt.
  std::optional<std::size_t> member_index(std::string_view name) const;
  // The members' names, in member order.
  std::vector<std::string> member_names() const;
  // Indices of the neighbours of member `index`, in member order.
  std::vector<std::size_t> neighbours(std::size_t index) const;
};

// The topology of protocol.md §1 on 127.0.0.1:12000–12004, every tunable at its default.
Config default_config();

// Reads a JSON config file over the defaults. On failure returns nullopt and sets
// `error` to a message naming the file and the field.
std::optional<Config> load_config_file(const std::filesystem::path& path, std::string& error);
// The same from JSON text (`origin` names it in messages).
std::optional<Config> parse_config_json(std::string_view text, std::string_view origin,
                                        std::string& error);

// Shared by the config file and the command line.

// A string in double quotes with JSON escapes, so control bytes and stray UTF-8 in a
// user's input cannot garble an error message.
std::string in_quotes(std::string_view text);
// "Goloman, Hands, ...": the configured member names, for messages.
std::string member_list(const Config& config);
// The backend called `name` ("auto", "none", "google", "google-legacy", "geonames"); otherwise
// nullopt and `problem` says which names there are.
std::optional<PlacesBackendKind> places_backend_named(std::string_view name, std::string& problem);
// The mode called `name` ("off", "required"); otherwise nullopt and `problem` says
// which names there are.
std::optional<PeerTlsMode> peer_tls_mode_named(std::string_view name, std::string& problem);
// peer_tls.mode required needs all three files; `problem` names the first missing field.
bool check_peer_tls_files_given(const PeerTlsConfig& peer_tls, std::string& problem);
// Base URLs must be https:// because the Places client always verifies TLS (protocol.md §7).
// Checked by the client's own parser (parse_https_url), so a URL passed here cannot
// fail when the client starts; otherwise `problem` is the quoted URL and the reason.
bool check_https_url(std::string_view url, std::string& problem);

}  // namespace herd
