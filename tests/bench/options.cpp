#include "options.hpp"

#include <charconv>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <string_view>

namespace herd::bench {

namespace {

// Parses `text` into `value`, which must lie in [low, high].
template <typename Number>
bool parse_number(std::string_view text, Number& value, Number low, Number high) {
  Number parsed{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (error != std::errc{} || end != text.data() + text.size() || parsed < low || parsed > high) {
    return false;
  }
  value = parsed;
  return true;
}

std::uint64_t random_id_base() {
  // Room for a billion requests before the ids reach 13 digits.
  std::uniform_int_distribution<std::uint64_t> pick(100'000'000'000, 899'000'000'000);
  std::random_device seed;
  return pick(seed);
}

using Setter = std::function<bool(Options&, std::string_view)>;

template <typename Number>
Setter number(Number Options::*field, Number low, Number high) {
  return [=](Options& options, std::string_view text) {
    return parse_number(text, options.*field, low, high);
  };
}

Setter text(std::string Options::*field) {
  return [=](Options& options, std::string_view value) {
    options.*field = std::string(value);
    return !value.empty();
  };
}

const std::map<std::string_view, Setter>& setters() {
  constexpr int many = 1'000'000;
  static const std::map<std::string_view, Setter> table{
      {"--label", text(&Options::label)},
      {"--host", text(&Options::host)},
      {"--port", number<std::uint16_t>(&Options::port, 1, 65535)},
      {"--connections", number(&Options::connections, 1, many)},
      {"--pipeline", number(&Options::pipeline, 1, 4096)},
      {"--duration", number(&Options::duration_s, 0.1, 3600.0)},
      {"--warmup", number(&Options::warmup_s, 0.0, 600.0)},
      {"--id-base", number<std::uint64_t>(&Options::id_base, 100'000'000'000, 899'000'000'000)},
      {"--target-port", number<std::uint16_t>(&Options::target_port, 1, 65535)},
      {"--samples", number(&Options::samples, 1, many)},
      {"--poll-interval-us", number(&Options::poll_interval_us, 0, many)},
      {"--sample-gap-ms", number(&Options::sample_gap_ms, 0, 60'000)},
      {"--sample-timeout-ms", number(&Options::sample_timeout_ms, 1, 600'000)},
      {"--load-port", number<std::uint16_t>(&Options::load_port, 1, 65535)},
      {"--load-connections", number(&Options::load_connections, 1, many)},
      {"--load-pipeline", number(&Options::load_pipeline, 1, 4096)},
      {"--radius", number(&Options::radius_km, 0.0, 50.0)},
      {"--bound", number(&Options::bound, 0, 20)},
      {"--backend-delay-ms", number(&Options::backend_delay_ms, 0.0, 60'000.0)},
      {"--member-log", text(&Options::member_log)},
      {"--pid", number<pid_t>(&Options::pid, 1, std::numeric_limits<pid_t>::max())},
      {"--ids", number<std::uint64_t>(&Options::ids, 1, 10'000'000)},
      {"--index-bits", number(&Options::index_bits, 1, 32)},
      {"--baseline-pid",
       number<pid_t>(&Options::baseline_pid, 1, std::numeric_limits<pid_t>::max())},
      {"--records", number<std::uint64_t>(&Options::records, 0, 100'000'000)},
      {"--warmup-records", number<std::uint64_t>(&Options::warmup_records, 0, 100'000'000)},
      {"--idle-connections", number(&Options::idle_connections, 0, many)},
  };
  return table;
}

}  // namespace

std::optional<Options> parse_options(int argc, const char* const* argv, std::string& error) {
  if (argc < 2) {
    error = "no scenario given";
    return std::nullopt;
  }
  Options options;
  options.scenario = argv[1];
  for (int i = 2; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    const auto setter = setters().find(flag);
    if (setter == setters().end()) {
      error = "unknown option " + std::string(flag);
      return std::nullopt;
    }
    if (i + 1 >= argc) {
      error = std::string(flag) + " needs a value";
      return std::nullopt;
    }
    if (!setter->second(options, argv[i + 1])) {
      error = "bad value for " + std::string(flag) + ": \"" + argv[i + 1] + "\"";
      return std::nullopt;
    }
  }
  if (options.id_base == 0) options.id_base = random_id_base();
  return options;
}

std::string usage_text() {
  return R"(usage: herd_bench SCENARIO [--option value]...

Load generator for herd (and any server speaking its line protocol). Prints one
human-readable line and one JSON line per run.

Scenarios:
  iamat-persistent  C connections, each keeping P IAMATs (distinct clients) in flight
  iamat-oneshot     C workers, each: connect, one IAMAT, half-close, read to EOF, close
  propagation       IAMAT at --port, poll --target-port with WHATSAT <client> 1 0 until
                    the record appears; optional background IAMAT load on --load-port
  whatsat           C connections, P WHATSATs in flight each, for one seeded client
  iamat-crafted     --ids IAMATs for random ids, then as many for ids crafted to share the
                    low bits of an unkeyed std::hash (one run of an index that uses it):
                    the server's CPU per request for each, and their ratio (after an
                    unmeasured warm-up of --ids / 4 random ids)
  memory            RSS of --pid before/after --records distinct clients, and with
                    --idle-connections idle connections open
  places-ready      a member just started with a gazetteer: ms from its start until it
                    listens and until a WHATSAT gets places; RSS above --baseline-pid

Common:       --host 127.0.0.1  --port 12000  --connections 50  --pipeline 1
              --duration 5  --warmup 1  --label herd  --id-base N (default random)
iamat-*:      --pid PID (the server's: adds its CPU microseconds per request)
iamat-crafted: --pid PID (required)  --ids 20000  --index-bits B (default: the index
              size of a fresh herd member after the warm-up and 2 x ids records)
propagation:  --target-port N  --samples 500  --poll-interval-us 50  --sample-gap-ms 2
              --sample-timeout-ms 2000  --load-port N  --load-connections 50
              --load-pipeline 16
whatsat:      --radius 10  --bound 5  --backend-delay-ms MS (to report latency above it)
              --member-log PATH (the member's log, to count its TLS handshakes)
              --pid PID (the member's: adds its CPU microseconds per request)
places-ready: --pid PID  --baseline-pid PID  --radius 10  --bound 5
memory:       --pid PID  --records 1000000  --warmup-records 50000
              --idle-connections 10000 (the server needs RLIMIT_NOFILE above that too)
)";
}

}  // namespace herd::bench
