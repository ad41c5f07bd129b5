#include "herd/config/command_line.hpp"

#include <algorithm>
#include <charconv>
#include <iterator>
#include <string_view>
#include <vector>

namespace herd {

namespace {

// What argv said, before any of it is checked against the config.
struct Arguments {
  std::vector<std::string> positionals;
  std::optional<std::string> config_file;
  std::optional<std::string> log_dir;
  std::optional<std::string> port;
  std::optional<std::string> places_backend;
  std::optional<std::string> places_url;
  std::optional<std::string> ca_file;
  std::optional<std::string> geonames_file;
  std::optional<std::string> peer_tls;
  std::optional<std::string> peer_ca;
  std::optional<std::string> peer_cert;
  std::optional<std::string> peer_key;
  bool help = false;
  bool version = false;
};

struct ValueOption {
  std::string_view flag;
  std::optional<std::string> Arguments::*slot;
};

constexpr ValueOption value_options[] = {
    {"--config", &Arguments::config_file},
    {"--log-dir", &Arguments::log_dir},
    {"--port", &Arguments::port},
    {"--places-backend", &Arguments::places_backend},
    {"--places-url", &Arguments::places_url},
    {"--ca-file", &Arguments::ca_file},
    {"--geonames-file", &Arguments::geonames_file},
    {"--peer-tls", &Arguments::peer_tls},
    {"--peer-ca", &Arguments::peer_ca},
    {"--peer-cert", &Arguments::peer_cert},
    {"--peer-key", &Arguments::peer_key},
};

bool* switch_slot(std::string_view flag, Arguments& arguments) {
  if (flag == "--help" || flag == "-h") return &arguments.help;
  if (flag == "--version") return &arguments.version;
  return nullptr;
}

// Reads one option at argv[i] (both "--flag value" and "--flag=value"), advancing i past
// a separate value.
bool read_option(int argc, const char* const* argv, int& i, Arguments& arguments,
                 std::string& error) {
  const std::string_view argument = argv[i];
  const auto equals = argument.find('=');
  const std::string_view flag = argument.substr(0, equals);
  if (bool* on = switch_slot(flag, arguments)) {
    if (equals != std::string_view::npos) {
      error = std::string(flag) + " takes no value";
      return false;
    }
    *on = true;
    return true;
  }
  const auto option = std::find_if(std::begin(value_options), std::end(value_options),
                                   [&](const ValueOption& known) { return known.flag == flag; });
  if (option == std::end(value_options)) {
    error = "unknown option " + std::string(flag);
    return false;
  }
  std::string value;
  if (equals != std::string_view::npos) {
    value = argument.substr(equals + 1);
  } else if (i + 1 < argc && !std::string_view(argv[i + 1]).starts_with("--")) {
    value = argv[++i];
  }
  if (value.empty()) {
    error = std::string(flag) + " needs a value";
    return false;
  }
  arguments.*(option->slot) = std::move(value);
  return true;
}

bool split_arguments(int argc, const char* const* argv, Arguments& arguments, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    if (argument.starts_with("-") && argument != "-") {
      if (!read_option(argc, argv, i, arguments, error)) return false;
    } else {
      arguments.positionals.emplace_back(argument);
    }
  }
  return true;
}

// A flag, if given, that names one of a few choices (a backend, a mode):
// `named` gives the choice its value stands for, or says why there is none.
template <typename Choice, typename Named>
bool apply_named(const std::optional<std::string>& value, std::string_view flag, Named named,
                 Choice& out, std::string& error) {
  if (!value) return true;
  std::string problem;
  const std::optional<Choice> choice = named(*value, problem);
  if (!choice) {
    error.assign(flag).append(": ").append(problem);
    return false;
  }
  out = *choice;
  return true;
}

bool apply_peer_tls_overrides(const Arguments& arguments, PeerTlsConfig& peer_tls,
                              std::string& error) {
  if (!apply_named(arguments.peer_tls, "--peer-tls", peer_tls_mode_named, peer_tls.mode, error)) {
    return false;
  }
  if (arguments.peer_ca) peer_tls.ca_file = *arguments.peer_ca;
  if (arguments.peer_cert) peer_tls.cert_file = *arguments.peer_cert;
  if (arguments.peer_key) peer_tls.key_file = *arguments.peer_key;
  if (std::string problem; !check_peer_tls_files_given(peer_tls, problem)) {
    error = problem + " (in the config, or --peer-ca, --peer-cert, --peer-key)";
    return false;
  }
  return true;
}

// The flags that change the config, applied over the file whatever their position.
bool apply_overrides(const Arguments& arguments, Config& config, std::string& error) {
  if (arguments.log_dir) config.log_dir = *arguments.log_dir;
  if (arguments.ca_file) config.places.ca_file = *arguments.ca_file;
  if (arguments.geonames_file) config.places.geonames_file = *arguments.geonames_file;
  if (!apply_named(arguments.places_backend, "--places-backend", places_backend_named,
                   config.places.backend, error)) {
    return false;
  }
  if (arguments.places_url) {
    if (std::string problem; !check_https_url(*arguments.places_url, problem)) {
      error = "--places-url: " + problem;
      return false;
    }
    // Whichever backend ends up answering (auto decides at start-up) uses this URL.
    config.places.google_base_url = *arguments.places_url;
    config.places.legacy_base_url = *arguments.places_url;
  }
  return apply_peer_tls_overrides(arguments, config.peer_tls, error);
}

// The index of the member named on the command line. "Golomon", the prototype's
// misspelling (protocol.md §1), still finds Goloman unless a config really has a Golomon.
std::optional<std::size_t> choose_member(const std::vector<std::string>& positionals,
                                         const Config& config, std::string& error) {
  if (positionals.empty()) {
    error = "missing member name; the members are " + member_list(config);
    return std::nullopt;
  }
  if (positionals.size() > 1) {
    error =
        "unexpected argument " + in_quotes(positionals[1]) + " (only one member name is allowed)";
    return std::nullopt;
  }
  const std::string& name = positionals.front();
  if (const auto index = config.member_index(name)) return index;
  if (name == "Golomon") {
    if (const auto index = config.member_index("Goloman")) return index;
  }
  error = "unknown member " + in_quotes(name) + "; the members are " + member_list(config);
  return std::nullopt;
}

bool apply_port(const std::string& text, MemberAddress& member, std::string& error) {
  unsigned port = 0;
  const auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (status != std::errc() || end != text.data() + text.size() || port < 1 || port > 65535) {
    error = "--port: " + in_quotes(text) + " is not a port number (1-65535)";
    return false;
  }
  member.port = static_cast<std::uint16_t>(port);
  return true;
}

}  // namespace

std::optional<CommandLine> parse_command_line(int argc, const char* const* argv,
                                              std::string& error) {
  Arguments arguments;
  if (!split_arguments(argc, argv, arguments, error)) return std::nullopt;

  CommandLine command_line;
  command_line.show_help = arguments.help;
  command_line.show_version = arguments.version;
  // Asking for help must work even when the rest of the command line would not.
  if (command_line.show_help || command_line.show_version) {
    command_line.config = default_config();
    return command_line;
  }

  auto config = arguments.config_file ? load_config_file(*arguments.config_file, error)
                                      : std::optional<Config>(default_config());
  if (!config || !apply_overrides(arguments, *config, error)) return std::nullopt;
  const auto member = choose_member(arguments.positionals, *config, error);
  if (!member) return std::nullopt;
  if (arguments.port && !apply_port(*arguments.port, config->members[*member], error)) {
    return std::nullopt;
  }
  command_line.member = config->members[*member].name;
  command_line.config = std::move(*config);
  return command_line;
}

std::string usage_text() {
  return R"(Usage: herd_server <member> [options]

Runs one member of the herd: a TCP server that answers IAMAT and WHATSAT and
floods client locations to its neighbouring members.

  <member>                 the member to run, by exact name: Goloman, Hands, Holiday,
                           Welsh or Wilkes, or a member of the --config file
                           (Golomon is accepted for Goloman)

Options (each as --flag VALUE or --flag=VALUE):
  --config FILE            JSON config replacing the compiled-in herd and defaults
                           (see config/herd.json); read first, the flags below
                           override it wherever they appear
  --log-dir DIR            append to DIR/<member>.log (default: logs)
  --port N                 listen on port N (1-65535) instead of the configured one
  --places-backend NAME    auto (default: google when a key is available, else
                           geonames when its file exists, else none), none,
                           google (Places API New), google-legacy (Nearby Search)
                           or geonames (offline, from a GeoNames gazetteer file)
  --places-url URL         https:// base URL of the Places backend, e.g. a local fake
  --ca-file FILE           extra trusted CA certificates (PEM) for the Places backend
  --peer-tls MODE          links between members: off (plaintext, taken only from a
                           neighbour's configured host) or required (mutual TLS 1.3
                           with the herd CA); sets peer_tls.mode
  --peer-ca FILE           the herd CA certificate (PEM): peer_tls.ca_file
  --peer-cert FILE         this member's certificate (PEM): peer_tls.cert_file
  --peer-key FILE          its private key (PEM): peer_tls.key_file; in these three,
                           {member} stands for the member's name
  --geonames-file FILE     the geonames backend's gazetteer, GeoNames TSV (default:
                           data/geonames/cities500.txt, from scripts/install-deps.sh)
  -h, --help               print this help and exit
  --version                print the version and exit

Signals:
  SIGINT, SIGTERM          finish the replies owed, then exit
  SIGHUP                   read the peer TLS files again, for links made from then on

Environment:
  GOOGLE_PLACES_API_KEY    the Places API key (otherwise read from places.key_file);
                           it is never logged
)";
}

}  // namespace herd
