// HashDoS: what client ids chosen to collide cost the server. N IAMATs for
// random ids, then N for ids whose unkeyed std::hash (what herd's index used
// to hash with, and what anyone can compute) agrees in the low bits that an
// index of the size the run reaches looks at: with such a hash every crafted
// id lands in one run of slots, and each insert walks all of it. Same count,
// same id shape, so the server's CPU per request should be the same for both
// when the index's hash is keyed. A warm-up of N/4 random ids comes first, so
// that neither measured phase pays the member's first costs (a fresh log
// file, the first record chunks and index arrays).
#include <algorithm>
#include <atomic>
#include <charconv>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "pipelined_load.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"

namespace herd::bench {

namespace {

constexpr auto phase_timeout = std::chrono::minutes(10);

// herd's ClientIndex: 1024 slots at first, doubled whenever it is over 3/4 full.
int index_bits_after(std::uint64_t records) {
  int bits = 10;
  while (records * 4 > (std::uint64_t{3} << bits)) ++bits;
  return bits;
}

// "client:" and 12 digits, like the other scenarios' ids (n below 10^12).
void write_id(std::string& id, std::uint64_t n) {
  constexpr std::size_t digits = 12;
  id.assign("client:000000000000");
  char text[digits];
  const auto end = std::to_chars(text, text + digits, n).ptr;
  std::copy(text, end, id.end() - (end - text));
}

std::vector<std::string> random_ids(std::uint64_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::uint64_t> pick(100'000'000'000, 999'999'999'999);
  std::vector<std::string> ids(count);
  for (auto& id : ids) write_id(id, pick(random));
  return ids;
}

// Ids from `first` on whose std::hash has `bits` low zero bits: a search of
// 2^bits candidates per id, shared by all cores.
std::vector<std::string> crafted_ids(std::uint64_t count, int bits, std::uint64_t first) {
  const std::size_t mask = (std::size_t{1} << bits) - 1;
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::uint64_t> found{0};
  std::vector<std::vector<std::string>> found_by(workers);
  std::vector<std::thread> threads;
  for (unsigned worker = 0; worker < workers; ++worker) {
    threads.emplace_back([&, worker] {
      std::string id;
      for (std::uint64_t n = first + worker; found.load(std::memory_order_relaxed) < count;
           n += workers) {
        write_id(id, n);
        if ((std::hash<std::string_view>{}(id)&mask) == 0) {
          found_by[worker].push_back(id);
          found.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::string> ids;
  for (auto& some : found_by) ids.insert(ids.end(), some.begin(), some.end());
  ids.resize(count);
  return ids;
}

// Sends one IAMAT for each of `ids` and adds the phase's figures under `prefix`.
void run_phase(const Options& options, std::vector<std::string> ids, const std::string& prefix,
               Report& report) {
  const std::uint64_t count = ids.size();
  ListedIamatWorkload workload(std::move(ids));
  EventLoop loop;
  const auto cpu_before = scheduled_cpu_time(options.pid);
  PipelinedLoad load(loop, workload,
                     {options.host, options.port, options.connections, options.pipeline, count});
  load.begin_window();
  loop.run_until(Clock::now() + phase_timeout, [&] { return load.finished(); });
  const auto cpu = scheduled_cpu_time(options.pid) - cpu_before;
  if (load.total_replies() < count) {
    throw std::runtime_error("iamat-crafted: only " + std::to_string(load.total_replies()) +
                             " of " + std::to_string(count) + " " + prefix + "IAMATs answered");
  }
  const double cpu_us = std::chrono::duration<double, std::micro>(cpu).count();
  report[prefix + "cpu_us_per_request"] = rounded(cpu_us / static_cast<double>(count), 3);
  report[prefix + "requests_per_s"] = rounded(static_cast<double>(count) / load.window_seconds());
  add_latency(report, load.latency(), prefix);
  report[prefix + "failed"] = load.failed_replies();
}

}  // namespace

Report run_iamat_crafted(const Options& options) {
  if (options.pid == 0) throw std::invalid_argument("iamat-crafted needs --pid of the server");
  const std::uint64_t warmup_ids = options.ids / 4;
  const int bits =
      options.index_bits != 0 ? options.index_bits : index_bits_after(warmup_ids + 2 * options.ids);
  const auto crafting_start = Clock::now();
  std::vector<std::string> crafted = crafted_ids(options.ids, bits, options.id_base);
  const double crafting_s = std::chrono::duration<double>(Clock::now() - crafting_start).count();

  Report report = make_report("iamat-crafted", options.label);
  report["connections"] = options.connections;
  report["pipeline"] = options.pipeline;
  report["ids"] = options.ids;
  report["index_bits"] = bits;
  report["crafting_s"] = rounded(crafting_s, 1);
  // Random first: the crafted ids then meet the index at the size they were made for.
  std::vector<std::string> random = random_ids(warmup_ids + options.ids, options.id_base);
  Report warmup;
  run_phase(options, {random.begin(), random.begin() + static_cast<std::ptrdiff_t>(warmup_ids)}, "",
            warmup);
  run_phase(options, {random.begin() + static_cast<std::ptrdiff_t>(warmup_ids), random.end()},
            "random_", report);
  run_phase(options, std::move(crafted), "crafted_", report);
  report["crafted_over_random_cpu"] = rounded(report["crafted_cpu_us_per_request"].get<double>() /
                                                  report["random_cpu_us_per_request"].get<double>(),
                                              2);
  return report;
}

}  // namespace herd::bench
