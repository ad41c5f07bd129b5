// herd_bench's command line: the scenario name, then --knob value pairs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

namespace herd::bench {

struct Options {
  std::string scenario;
  std::string label = "herd";  // what is measured ("herd", "null"); goes into the JSON
  std::string host = "127.0.0.1";
  std::uint16_t port = 12000;
  int connections = 50;
  int pipeline = 1;
  double duration_s = 5;
  double warmup_s = 1;  // run, but do not count, before the measured window
  // First client id. Ids have 12 digits ("client:123456789012") and differ
  // between runs against the same member: random unless given.
  std::uint64_t id_base = 0;

  // propagation
  std::uint16_t target_port = 0;
  int samples = 500;
  int poll_interval_us = 50;  // pause between WHATSAT polls of the target
  int sample_gap_ms = 2;      // pause between samples, so they do not overlap
  int sample_timeout_ms = 2000;
  std::uint16_t load_port = 0;  // 0: no background load
  int load_connections = 50;
  int load_pipeline = 16;

  // whatsat
  double radius_km = 10;
  int bound = 5;
  double backend_delay_ms = 0;  // the fake's delay, to report latency above it
  std::string member_log;       // to count the member's TLS handshakes with Places

  // iamat-crafted
  std::uint64_t ids = 20'000;  // per phase: random ids, then as many crafted ones
  int index_bits = 0;          // low hash bits the crafted ids share; 0: what the run needs

  // memory, places-ready
  pid_t pid = 0;
  pid_t baseline_pid = 0;  // places-ready: a member without a gazetteer
  std::uint64_t records = 1'000'000;
  std::uint64_t warmup_records = 50'000;
  int idle_connections = 10'000;
};

// Parses argv; on error returns nullopt and sets `error`.
std::optional<Options> parse_options(int argc, const char* const* argv, std::string& error);

std::string usage_text();

}  // namespace herd::bench
