// A Places backend's base URL, "https://host[:port][/prefix]" (protocol.md §7). One
// parser for the config file, the command line and the HTTPS client, so a URL
// the config accepts is one the client can use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace herd {

// Where a backend lives.
struct HttpsEndpoint {
  std::string host;    // without brackets for an IPv6 literal
  std::string port;    // "443" unless given
  std::string prefix;  // "" or "/something", never ending in '/'
};

// Parses a base URL; only https is accepted. On failure returns nullopt and sets
// `error` to what is wrong with it, worded to follow the URL ("is not an https://
// URL"); the URL itself is left to the caller, which knows how to quote it.
std::optional<HttpsEndpoint> parse_https_url(std::string_view url, std::string& error);

}  // namespace herd
