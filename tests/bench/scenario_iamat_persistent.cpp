// Scenario 1: throughput and latency of IAMAT over persistent pipelined connections.
#include "pipelined_load.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"

namespace herd::bench {

Report run_iamat_persistent(const Options& options) {
  EventLoop loop;
  IamatWorkload workload(options.id_base);
  PipelinedLoad load(loop, workload,
                     {options.host, options.port, options.connections, options.pipeline, 0});
  loop.run_until(seconds_from_now(options.warmup_s));
  load.begin_window();
  const ServerCpu server_cpu(options.pid);
  loop.run_until(seconds_from_now(options.duration_s));
  const double seconds = load.window_seconds();

  Report report = make_report("iamat-persistent", options.label);
  report["connections"] = options.connections;
  report["pipeline"] = options.pipeline;
  report["requests_per_s"] = rounded(static_cast<double>(load.replies()) / seconds);
  add_latency(report, load.latency());
  server_cpu.add_to(report, load.replies());
  report["replies"] = load.replies();
  report["failed"] = load.failed_replies();
  report["lost_connections"] = load.lost_connections();
  if (!load.first_failure().empty()) report["first_failure"] = load.first_failure();
  report["duration_s"] = rounded(seconds, 2);
  return report;
}

}  // namespace herd::bench
