// Scenario 1: throughput and latency of IAMAT over persistent pipelined connections.
#include "measured_window.hpp"
#include "scenarios.hpp"

namespace herd::bench {

Report run_iamat_persistent(const Options& options) {
  EventLoop loop;
  IamatWorkload workload(options.id_base);
  PipelinedLoad load(loop, workload,
                     {options.host, options.port, options.connections, options.pipeline, 0});
  Report report = make_report("iamat-persistent", options.label);
  const double seconds = run_measured_window(options, loop, load, report);
  add_reply_counts(report, load);
  report["duration_s"] = rounded(seconds, 2);
  return report;
}

}  // namespace herd::bench
