// Every run ends in one human-readable line and one JSON line with the same
// fields, so people read the first and scripts collect the second.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "latency_histogram.hpp"

namespace herd::bench {

using Report = nlohmann::ordered_json;

// {"scenario": scenario, "target": label}, to which each scenario adds its fields.
Report make_report(std::string_view scenario, std::string_view label);

// Adds <prefix>p50_us, p99_us, p999_us and max_us.
void add_latency(Report& report, const LatencyHistogram& latency, std::string_view prefix = "");

// Rounds to `decimals` places, so the JSON does not carry noise digits.
double rounded(double value, int decimals = 0);

void print_report(const Report& report);

}  // namespace herd::bench
