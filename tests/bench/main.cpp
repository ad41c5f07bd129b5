// herd_bench SCENARIO [--option value]...: load generator for herd's benchmarks.
// Prints numbers; never judges them.
#include <csignal>
#include <exception>
#include <functional>
#include <iostream>
#include <map>

#include "options.hpp"
#include "scenarios.hpp"

int main(int argc, char** argv) {
  using namespace herd::bench;
  std::string error;
  if (argc >= 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    std::cout << usage_text();
    return 0;
  }
  const auto options = parse_options(argc, argv, error);
  if (!options) {
    std::cerr << "herd_bench: " << error << "\n" << usage_text();
    return 2;
  }
  const std::map<std::string, std::function<Report(const Options&)>> scenarios{
      {"iamat-persistent", run_iamat_persistent},
      {"iamat-oneshot", run_iamat_oneshot},
      {"iamat-crafted", run_iamat_crafted},
      {"propagation", run_propagation},
      {"whatsat", run_whatsat},
      {"memory", run_memory},
      {"places-ready", run_places_ready},
  };
  const auto scenario = scenarios.find(options->scenario);
  if (scenario == scenarios.end()) {
    std::cerr << "herd_bench: unknown scenario " << options->scenario << "\n" << usage_text();
    return 2;
  }
  // A server that closes on us must show up as a lost connection, not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    print_report(scenario->second(*options));
  } catch (const std::exception& failure) {
    std::cerr << "herd_bench " << options->scenario << ": " << failure.what() << "\n";
    return 1;
  }
  return 0;
}
