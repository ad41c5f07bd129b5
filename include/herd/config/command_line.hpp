// herd_server's command line (protocol.md §9): the member to run, --config, and flags
// that override the config wherever they appear.
#pragma once

#include <optional>
#include <string>

#include "herd/config/config.hpp"

namespace herd {

// The command line of protocol.md §9.
struct CommandLine {
  std::string member;  // canonical name ("Golomon" becomes "Goloman")
  Config config;
  bool show_help = false;
  bool show_version = false;
};

// Parses argv, loading --config if given and applying the other flags over it.
// On failure returns nullopt and sets `error` to a message naming the problem.
std::optional<CommandLine> parse_command_line(int argc, const char* const* argv,
                                              std::string& error);

std::string usage_text();

}  // namespace herd
