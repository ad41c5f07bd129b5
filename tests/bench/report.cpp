#include "report.hpp"

#include <cmath>
#include <iostream>
#include <string>

namespace herd::bench {

Report make_report(std::string_view scenario, std::string_view label) {
  Report report;
  report["scenario"] = scenario;
  report["target"] = label;
  return report;
}

void add_latency(Report& report, const LatencyHistogram& latency, std::string_view prefix) {
  const std::string p(prefix);
  report[p + "p50_us"] = rounded(latency.percentile_us(50), 1);
  report[p + "p99_us"] = rounded(latency.percentile_us(99), 1);
  report[p + "p999_us"] = rounded(latency.percentile_us(99.9), 1);
  report[p + "max_us"] = rounded(latency.max_us(), 1);
}

double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

void print_report(const Report& report) {
  std::string line = report.value("scenario", "?") + " [" + report.value("target", "?") + "]";
  for (const auto& [key, value] : report.items()) {
    if (key == "scenario" || key == "target") continue;
    line += "  " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  std::cout << line << "\n" << report.dump() << std::endl;
}

}  // namespace herd::bench
