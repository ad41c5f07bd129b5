// Scenario: a member started just now with a gazetteer (the geonames backend):
// how soon after its process started it listens, how soon it answers a
// WHATSAT with places, and how much resident memory that adds to a member
// without a gazetteer (--baseline-pid).
#include <unistd.h>

#include <stdexcept>
#include <system_error>
#include <thread>

#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "sockets.hpp"
#include "workloads.hpp"

namespace herd::bench {

namespace {

constexpr auto start_timeout = std::chrono::seconds(30);

double age_ms(pid_t pid) { return static_cast<double>(process_age(pid).count()) / 1000; }

// Connects as soon as the member listens; returns the member's age then.
double wait_until_listening(const Options& options) {
  const auto deadline = Clock::now() + start_timeout;
  for (;;) {
    try {
      connect_tcp(options.host, options.port);
      return age_ms(options.pid);
    } catch (const std::system_error&) {
      if (Clock::now() >= deadline)
        throw std::runtime_error("places-ready: the member never listened");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

}  // namespace

Report run_places_ready(const Options& options) {
  if (options.pid == 0)
    throw std::invalid_argument("places-ready needs --pid of a member just started");
  Report report = make_report("places-ready", options.label);
  report["listening_ms"] = rounded(wait_until_listening(options), 1);

  // A WHATSAT that arrives before the gazetteer waits for it inside the
  // member, so its answer comes when the gazetteer is ready.
  const std::string client = "ready:" + std::to_string(options.id_base);
  LineClient line(options.host, options.port);
  line.send(iamat_line(client));
  if (!line.read_until("\n", Clock::now() + start_timeout)) {
    throw std::runtime_error("places-ready: no answer to the IAMAT");
  }
  WhatsatWorkload whatsat(client, options.radius_km, options.bound);
  const auto deadline = Clock::now() + start_timeout;
  for (;;) {
    std::string request;
    whatsat.append_requests(request, 1);
    line.send(request);
    const auto reply = line.read_until("\n\n", deadline);
    if (!reply) throw std::runtime_error("places-ready: no answer to the WHATSAT");
    if (whatsat.reply_ok(*reply)) break;
    if (reply->find("still loading") == std::string::npos || Clock::now() >= deadline) {
      throw std::runtime_error("places-ready: WHATSAT answered " + reply->substr(0, 300));
    }
  }
  report["ready_ms"] = rounded(age_ms(options.pid), 1);
  report["clock_tick_ms"] = 1000.0 / static_cast<double>(::sysconf(_SC_CLK_TCK));
  const std::uint64_t rss = settled_rss_kib(options.pid);
  report["rss_kib"] = rss;
  if (options.baseline_pid != 0) {
    const std::uint64_t baseline = settled_rss_kib(options.baseline_pid);
    report["baseline_rss_kib"] = baseline;
    report["rss_added_kib"] = static_cast<std::int64_t>(rss) - static_cast<std::int64_t>(baseline);
  }
  return report;
}

}  // namespace herd::bench
