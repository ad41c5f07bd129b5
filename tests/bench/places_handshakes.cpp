#include "places_handshakes.hpp"

#include <fstream>
#include <string>
#include <system_error>
#include <thread>

#include "event_loop.hpp"

namespace herd::bench {

namespace {

// Longer than the member's log flush interval (1 s), so an unchanged size means
// everything logged so far is on disk.
constexpr auto quiet_period = std::chrono::milliseconds(1500);
constexpr auto settle_timeout = std::chrono::seconds(15);

void wait_until_log_settles(const std::filesystem::path& log) {
  const auto deadline = Clock::now() + settle_timeout;
  std::error_code error;
  auto size = std::filesystem::file_size(log, error);
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(quiet_period);
    const auto now = std::filesystem::file_size(log, error);
    if (now == size) return;
    size = now;
  }
}

}  // namespace

std::optional<std::uint64_t> new_tls_connections(const std::filesystem::path& member_log) {
  if (member_log.empty() || !std::filesystem::exists(member_log)) return std::nullopt;
  wait_until_log_settles(member_log);
  std::ifstream log(member_log);
  std::uint64_t count = 0;
  std::string line;
  while (std::getline(log, line)) {
    if (line.find("(new TLS connection #") != std::string::npos) ++count;
  }
  return count;
}

}  // namespace herd::bench
