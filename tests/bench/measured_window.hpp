// The measured part of a closed-loop scenario (iamat-persistent, whatsat): the
// load runs options.warmup_s unmeasured, then options.duration_s measured, with
// the server's CPU counted over the window.
#pragma once

#include "event_loop.hpp"
#include "options.hpp"
#include "pipelined_load.hpp"
#include "report.hpp"

namespace herd::bench {

// Runs `load` through the warm-up and the window; adds connections, pipeline,
// requests_per_s, the latency and the server's CPU to `report`. Returns the
// window's length in seconds.
double run_measured_window(const Options& options, EventLoop& loop, PipelinedLoad& load,
                           Report& report);

// Adds replies, failed and lost_connections, and first_failure if there was one.
void add_reply_counts(Report& report, const PipelinedLoad& load);

}  // namespace herd::bench
