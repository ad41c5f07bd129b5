// What the memory scenario reads about the server process from /proc.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

namespace herd::bench {

// VmRSS of `pid` in KiB; throws if the process is gone.
std::uint64_t rss_kib(pid_t pid);

// Number of open file descriptors of `pid` (entries of /proc/<pid>/fd).
std::size_t open_fd_count(pid_t pid);

// RSS once it has stopped moving (two equal readings `gap` apart), or the last
// reading at `timeout`: the server may still be draining its log queue or
// touching pages when our last reply arrives.
std::uint64_t settled_rss_kib(pid_t pid, std::chrono::milliseconds gap = std::chrono::milliseconds(200),
                              std::chrono::milliseconds timeout = std::chrono::seconds(5));

}  // namespace herd::bench
