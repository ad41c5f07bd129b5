#include "proc_stats.hpp"

#include <filesystem>
#include <limits>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "event_loop.hpp"

namespace herd::bench {

std::uint64_t rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      std::uint64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  throw std::runtime_error("no VmRSS for pid " + std::to_string(pid) + " (is it running?)");
}

std::size_t open_fd_count(pid_t pid) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    ++count;
  }
  return count;
}

std::uint64_t settled_rss_kib(pid_t pid, std::chrono::milliseconds gap,
                              std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::uint64_t last = rss_kib(pid);
  for (;;) {
    std::this_thread::sleep_for(gap);
    const std::uint64_t now = rss_kib(pid);
    if (now == last || Clock::now() >= deadline) return now;
    last = now;
  }
}

}  // namespace herd::bench
