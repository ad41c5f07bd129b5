// Scenario 5: what a record and an idle client connection cost the server in
// resident memory, read from /proc/<pid>/status around the load.
#include <stdexcept>
#include <thread>
#include <vector>

#include "pipelined_load.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "sockets.hpp"

namespace herd::bench {

namespace {

// Bounds a fill that stalls (e.g. a server that stopped answering).
constexpr auto fill_timeout = std::chrono::minutes(10);
constexpr auto accept_timeout = std::chrono::seconds(30);

struct FillResult {
  std::uint64_t failed = 0;
  double requests_per_s = 0;
};

// Sends `count` IAMATs for distinct clients as fast as the pipeline allows.
FillResult fill(const Options& options, IamatWorkload& workload, std::uint64_t count) {
  EventLoop loop;
  PipelinedLoad load(loop, workload,
                     {options.host, options.port, options.connections, options.pipeline, count});
  loop.run_until(Clock::now() + fill_timeout, [&] { return load.finished(); });
  if (load.replies() < count) {
    throw std::runtime_error("memory: only " + std::to_string(load.replies()) + " of " +
                             std::to_string(count) + " IAMATs answered");
  }
  return {load.failed_replies(), static_cast<double>(load.replies()) / load.window_seconds()};
}

double bytes_per(std::uint64_t before_kib, std::uint64_t after_kib, std::uint64_t count) {
  return (static_cast<double>(after_kib) - static_cast<double>(before_kib)) * 1024.0 /
         static_cast<double>(count);
}

void measure_records(const Options& options, Report& report) {
  IamatWorkload workload(options.id_base);
  report["rss_start_kib"] = rss_kib(options.pid);
  // Fixed costs that the first requests pay (log queue slots, buffers, the
  // first index sizes) are not per record; a warm-up pays them first.
  if (options.warmup_records > 0) fill(options, workload, options.warmup_records);
  const std::uint64_t before = settled_rss_kib(options.pid);
  const FillResult result = fill(options, workload, options.records);
  const std::uint64_t after = settled_rss_kib(options.pid);
  report["records"] = options.records;
  report["warmup_records"] = options.warmup_records;
  report["rss_before_kib"] = before;
  report["rss_after_kib"] = after;
  report["bytes_per_record"] = rounded(bytes_per(before, after, options.records), 1);
  report["fill_requests_per_s"] = rounded(result.requests_per_s);
  report["failed"] = result.failed;
}

void measure_idle_connections(const Options& options, Report& report) {
  const auto count = static_cast<std::size_t>(options.idle_connections);
  const std::size_t fds_before = open_fd_count(options.pid);
  const std::uint64_t before = settled_rss_kib(options.pid);
  std::vector<Fd> idle;
  idle.reserve(count);
  for (std::size_t i = 0; i < count; ++i) idle.push_back(connect_tcp(options.host, options.port));
  // Connected is not accepted: wait until the server holds a descriptor for each.
  const auto deadline = Clock::now() + accept_timeout;
  while (open_fd_count(options.pid) < fds_before + count) {
    if (Clock::now() >= deadline) {
      throw std::runtime_error(
          "memory: the server accepted " + std::to_string(open_fd_count(options.pid) - fds_before) +
          " of " + std::to_string(count) + " idle connections (is its RLIMIT_NOFILE high enough?)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::uint64_t after = settled_rss_kib(options.pid);
  report["idle_connections"] = options.idle_connections;
  report["rss_before_idle_kib"] = before;
  report["rss_idle_kib"] = after;
  report["bytes_per_connection"] = rounded(bytes_per(before, after, count), 1);
}

}  // namespace

Report run_memory(const Options& options) {
  if (options.pid == 0) throw std::invalid_argument("memory needs --pid of the server");
  const std::uint64_t fd_limit = raise_fd_limit();
  if (fd_limit < static_cast<std::uint64_t>(options.idle_connections) + 64) {
    throw std::runtime_error("memory: RLIMIT_NOFILE is " + std::to_string(fd_limit) +
                             ", too low for " + std::to_string(options.idle_connections) +
                             " idle connections");
  }
  Report report = make_report("memory", options.label);
  if (options.records > 0) measure_records(options, report);
  if (options.idle_connections > 0) measure_idle_connections(options, report);
  return report;
}

}  // namespace herd::bench
