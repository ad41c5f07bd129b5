// How many TLS handshakes a member made with its Places backend, which shows
// whether it reuses connections or pays a handshake per WHATSAT. Read from the
// member's log: each Places request is logged with "(new TLS connection #N)"
// or "(reused connection #N)" (src/places/places_http.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace herd::bench {

// The number of "new TLS connection" lines once the log has stopped growing
// (the member flushes it every second); nullopt when there is no such log.
std::optional<std::uint64_t> new_tls_connections(const std::filesystem::path& member_log);

}  // namespace herd::bench
