#include "measured_window.hpp"

#include "proc_stats.hpp"

namespace herd::bench {

double run_measured_window(const Options& options, EventLoop& loop, PipelinedLoad& load,
                           Report& report) {
  loop.run_until(seconds_from_now(options.warmup_s));
  load.begin_window();
  const ServerCpu server_cpu(options.pid);
  loop.run_until(seconds_from_now(options.duration_s));
  const double seconds = load.window_seconds();
  report["connections"] = options.connections;
  report["pipeline"] = options.pipeline;
  report["requests_per_s"] = rounded(static_cast<double>(load.replies()) / seconds);
  add_latency(report, load.latency());
  server_cpu.add_to(report, load.replies());
  return seconds;
}

void add_reply_counts(Report& report, const PipelinedLoad& load) {
  report["replies"] = load.replies();
  report["failed"] = load.failed_replies();
  report["lost_connections"] = load.lost_connections();
  if (!load.first_failure().empty()) report["first_failure"] = load.first_failure();
}

}  // namespace herd::bench
