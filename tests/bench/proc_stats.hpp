// What the scenarios read about the server process from /proc.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "report.hpp"

namespace herd::bench {

// VmRSS of `pid` in KiB; throws if the process is gone.
std::uint64_t rss_kib(pid_t pid);

// CPU time (user + system, all threads) `pid` has used so far; throws if it is gone.
std::chrono::microseconds cpu_time(pid_t pid);

// The same to the nanosecond, from the scheduler's count for each of its
// threads (/proc/<pid>/task/*/schedstat), for loads too short for clock ticks;
// threads that ended are not counted. Throws if the process is gone.
std::chrono::nanoseconds scheduled_cpu_time(pid_t pid);

// How long ago `pid` started, to the kernel's clock tick (10 ms where
// USER_HZ is 100); throws if it is gone.
std::chrono::microseconds process_age(pid_t pid);

// Microseconds of the server's CPU time per reply, which on a shared, noisy
// machine compares two servers more steadily than their throughput does.
class ServerCpu {
 public:
  // Starts counting now; pid 0 (no --pid given) counts nothing.
  explicit ServerCpu(pid_t pid);
  // Adds server_cpu_us_per_request for the CPU used since the start.
  void add_to(Report& report, std::uint64_t replies) const;

 private:
  pid_t pid_;
  std::chrono::microseconds start_;
};

// Number of open file descriptors of `pid` (entries of /proc/<pid>/fd).
std::size_t open_fd_count(pid_t pid);

// RSS once it has stopped moving (two equal readings `gap` apart), or the last
// reading at `timeout`: the server may still be draining its log queue or
// touching pages when our last reply arrives.
std::uint64_t settled_rss_kib(pid_t pid,
                              std::chrono::milliseconds gap = std::chrono::milliseconds(200),
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace herd::bench
