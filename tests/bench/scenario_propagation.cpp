// Scenario 3: how long an IAMAT at one member takes to become visible at
// another (protocol.md §5 flooding), optionally while another member is under load.
#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>

#include "pipelined_load.hpp"
#include "scenarios.hpp"
#include "sockets.hpp"
#include "workloads.hpp"

namespace herd::bench {

namespace {

// Pipelined IAMAT load on its own thread (and so its own core, when free)
// for as long as the probes run.
class BackgroundLoad {
 public:
  BackgroundLoad(const Options& options, std::uint64_t id_base)
      : thread_([this, options, id_base] { run(options, id_base); }) {}
  ~BackgroundLoad() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
    }
  }

  // Stops the load; returns its throughput in requests per second.
  double stop() {
    stop_ = true;
    thread_.join();
    if (failure_) std::rethrow_exception(failure_);
    return requests_per_s_;
  }

 private:
  void run(const Options& options, std::uint64_t id_base) {
    try {
      EventLoop loop;
      IamatWorkload workload(id_base);
      PipelinedLoad load(
          loop, workload,
          {options.host, options.load_port, options.load_connections, options.load_pipeline, 0});
      load.begin_window();
      loop.run_until(Clock::time_point::max(), [this] { return stop_.load(); });
      requests_per_s_ = static_cast<double>(load.replies()) / load.window_seconds();
    } catch (...) {
      failure_ = std::current_exception();
    }
  }

  std::atomic<bool> stop_ = false;
  double requests_per_s_ = 0;
  std::exception_ptr failure_;
  std::thread thread_;  // last: it starts once everything it uses exists
};

// Polls `target` with "WHATSAT <client> 1 0" until it knows the client: an
// unknown client gets one "? ..." line, a known one its AT line and JSON
// ending in "\n\n". Counts the polls; false at the deadline.
bool wait_until_known(LineClient& target, const std::string& client, Clock::time_point deadline,
                      std::chrono::microseconds poll_interval, std::uint64_t& polls) {
  const std::string poll = "WHATSAT " + client + " 1 0\n";
  while (Clock::now() < deadline) {
    target.send(poll);
    ++polls;
    const auto line = target.read_until("\n", deadline);
    if (!line) return false;
    if (line->starts_with("AT ")) return target.read_until("\n\n", deadline).has_value();
    std::this_thread::sleep_for(poll_interval);
  }
  return false;
}

}  // namespace

Report run_propagation(const Options& options) {
  if (options.target_port == 0) throw std::invalid_argument("propagation needs --target-port");
  std::optional<BackgroundLoad> load;
  if (options.load_port != 0) load.emplace(options, options.id_base);
  // Let the background load reach its steady state before the first probe.
  if (load) std::this_thread::sleep_for(std::chrono::duration<double>(options.warmup_s));

  LineClient origin(options.host, options.port);
  LineClient target(options.host, options.target_port);
  auto latency = std::make_unique<LatencyHistogram>();
  std::uint64_t timeouts = 0;
  std::uint64_t polls = 0;
  const auto sample_timeout = std::chrono::milliseconds(options.sample_timeout_ms);
  const auto end = seconds_from_now(options.duration_s);
  for (int sample = 0; sample < options.samples && Clock::now() < end; ++sample) {
    // Not "client:<id>" as the background load uses: these ids never collide.
    const std::string client = "propagation:" + std::to_string(options.id_base + sample);
    const auto started = Clock::now();
    origin.send(iamat_line(client));
    if (wait_until_known(target, client, started + sample_timeout,
                         std::chrono::microseconds(options.poll_interval_us), polls)) {
      latency->record(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started).count());
    } else {
      ++timeouts;
      // A late reply would be taken for the next sample's: start afresh.
      target = LineClient(options.host, options.target_port);
    }
    if (!origin.read_until("\n", Clock::now() + sample_timeout)) {
      throw std::runtime_error("no reply to IAMAT from port " + std::to_string(options.port));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(options.sample_gap_ms));
  }

  Report report = make_report("propagation", options.label);
  report["background_load"] = load.has_value();
  report["samples"] = latency->count();
  add_latency(report, *latency);
  report["timeouts"] = timeouts;
  const auto attempts = std::max<std::uint64_t>(1, latency->count() + timeouts);
  report["polls_per_sample"] =
      rounded(static_cast<double>(polls) / static_cast<double>(attempts), 1);
  if (load) {
    report["load_connections"] = options.load_connections;
    report["load_pipeline"] = options.load_pipeline;
    report["load_requests_per_s"] = rounded(load->stop());
  }
  return report;
}

}  // namespace herd::bench
