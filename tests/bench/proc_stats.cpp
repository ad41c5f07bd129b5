#include "proc_stats.hpp"

#include <time.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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

namespace {

// Fields `first` to `last` (1-based, as proc(5) numbers them) of /proc/<pid>/stat.
std::vector<std::uint64_t> stat_fields(pid_t pid, int first, int last) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!std::getline(file, stat)) {
    throw std::runtime_error("no /proc/" + std::to_string(pid) + "/stat (is it running?)");
  }
  // After "pid (comm) " comes field 3, the state. The command name may hold
  // spaces and parentheses, so count from its last ')'.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int skipped = 3; skipped < first; ++skipped) fields >> field;
  std::vector<std::uint64_t> values(static_cast<std::size_t>(last - first + 1));
  for (auto& value : values) fields >> value;
  return values;
}

std::uint64_t ticks_per_second() { return static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK)); }

}  // namespace

std::chrono::microseconds cpu_time(pid_t pid) {
  const auto ticks = stat_fields(pid, 14, 15);  // utime, stime
  return std::chrono::microseconds((ticks[0] + ticks[1]) * 1'000'000 / ticks_per_second());
}

std::chrono::microseconds process_age(pid_t pid) {
  const auto started_ticks = stat_fields(pid, 22, 22)[0];  // starttime, since boot
  timespec now{};
  ::clock_gettime(CLOCK_BOOTTIME, &now);
  const std::int64_t now_us = std::int64_t{now.tv_sec} * 1'000'000 + now.tv_nsec / 1000;
  return std::chrono::microseconds(
      now_us - static_cast<std::int64_t>(started_ticks * 1'000'000 / ticks_per_second()));
}

std::chrono::nanoseconds scheduled_cpu_time(pid_t pid) {
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  std::filesystem::directory_iterator threads(tasks, error);
  if (error) throw std::runtime_error("no " + tasks.string() + " (is it running?)");
  std::uint64_t total_ns = 0;
  for (const auto& thread : threads) {
    std::ifstream schedstat(thread.path() / "schedstat");
    std::uint64_t on_cpu_ns = 0;
    if (schedstat >> on_cpu_ns) total_ns += on_cpu_ns;  // a thread that just ended has none
  }
  return std::chrono::nanoseconds(total_ns);
}

ServerCpu::ServerCpu(pid_t pid)
    : pid_(pid), start_(pid > 0 ? cpu_time(pid) : std::chrono::microseconds{}) {}

void ServerCpu::add_to(Report& report, std::uint64_t replies) const {
  if (pid_ <= 0 || replies == 0) return;
  const auto used = cpu_time(pid_) - start_;
  report["server_cpu_us_per_request"] =
      rounded(static_cast<double>(used.count()) / static_cast<double>(replies), 3);
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
