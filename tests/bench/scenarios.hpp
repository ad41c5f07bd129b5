// One function per scenario; each runs against a server someone else started
// and returns its report.
#pragma once

#include "options.hpp"
#include "report.hpp"

namespace herd::bench {

Report run_iamat_persistent(const Options& options);
Report run_iamat_oneshot(const Options& options);
Report run_iamat_crafted(const Options& options);
Report run_propagation(const Options& options);
Report run_whatsat(const Options& options);
Report run_memory(const Options& options);
Report run_places_ready(const Options& options);

}  // namespace herd::bench
