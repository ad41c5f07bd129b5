// Scenario 4: WHATSAT throughput against a member whose Places backend is the
// test fake with a fixed delay, and how many TLS handshakes the member made.
#include <stdexcept>

#include "measured_window.hpp"
#include "places_handshakes.hpp"
#include "scenarios.hpp"
#include "sockets.hpp"
#include "workloads.hpp"

namespace herd::bench {

namespace {

constexpr auto seed_timeout = std::chrono::seconds(5);

// WHATSAT needs a known client (protocol.md §4): one IAMAT first.
void seed_client(const Options& options, const std::string& client) {
  LineClient seeder(options.host, options.port);
  seeder.send(iamat_line(client));
  const auto reply = seeder.read_until("\n", Clock::now() + seed_timeout);
  if (!reply || !reply->starts_with("AT ")) {
    throw std::runtime_error("whatsat: seeding IAMAT got " + reply.value_or("no reply"));
  }
}

}  // namespace

Report run_whatsat(const Options& options) {
  const std::string client = "whatsat:" + std::to_string(options.id_base);
  seed_client(options, client);
  const auto handshakes_before = new_tls_connections(options.member_log);

  EventLoop loop;
  WhatsatWorkload workload(client, options.radius_km, options.bound);
  PipelinedLoad load(loop, workload,
                     {options.host, options.port, options.connections, options.pipeline, 0});
  Report report = make_report("whatsat", options.label);
  const double seconds = run_measured_window(options, loop, load, report);
  const auto handshakes_after = new_tls_connections(options.member_log);
  if (options.backend_delay_ms > 0) {
    // Closed loop: at most connections × pipeline requests per backend delay.
    const double ceiling = options.connections * options.pipeline * 1e3 / options.backend_delay_ms;
    report["backend_delay_ms"] = options.backend_delay_ms;
    report["of_ceiling"] = rounded(static_cast<double>(load.replies()) / seconds / ceiling, 3);
    report["p50_above_backend_us"] =
        rounded(load.latency().percentile_us(50) - options.backend_delay_ms * 1e3, 1);
    report["p99_above_backend_us"] =
        rounded(load.latency().percentile_us(99) - options.backend_delay_ms * 1e3, 1);
  }
  add_reply_counts(report, load);
  if (handshakes_before && handshakes_after) {
    // Over the whole run, warm-up included: a pool's handshakes happen early.
    const auto handshakes = *handshakes_after - *handshakes_before;
    report["tls_handshakes"] = handshakes;
    report["handshakes_per_request"] =
        rounded(static_cast<double>(handshakes) / static_cast<double>(load.total_replies()), 5);
  } else {
    report["tls_handshakes"] = "n/a";
  }
  report["duration_s"] = rounded(seconds, 2);
  return report;
}

}  // namespace herd::bench
