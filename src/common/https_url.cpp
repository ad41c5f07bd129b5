#include "herd/common/https_url.hpp"

#include <algorithm>
#include <charconv>

namespace herd {

std::optional<HttpsEndpoint> parse_https_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "https://";
  const auto fail = [&](std::string_view why) {
    error = why;
    return std::nullopt;
  };
  if (!url.starts_with(scheme)) return fail("is not an https:// URL");
  // They would end up in the Host header and the request line.
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; })) {
    return fail("must not contain whitespace or control characters");
  }
  const std::string_view rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return fail("must not carry credentials");
  if (path.find_first_of("?#") != std::string_view::npos) {
    return fail("must not carry a query or fragment");
  }
  while (path.ends_with('/')) path.remove_suffix(1);

  std::string_view host = authority;
  std::string_view port = "443";
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("has an unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (!after.starts_with(':')) return fail("has junk after the IPv6 address");
      port = after.substr(1);
    }
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    // "https://::1:9000": which colon starts the port is anyone's guess.
    if (port.find(':') != std::string_view::npos) {
      return fail("has an IPv6 address without brackets");
    }
  }
  if (host.empty()) return fail("has no host");
  unsigned number = 0;
  const auto [end, parse_error] = std::from_chars(port.data(), port.data() + port.size(), number);
  if (port.empty() || parse_error != std::errc{} || end != port.data() + port.size() ||
      number == 0 || number > 65535) {
    return fail("has an invalid port");
  }
  return HttpsEndpoint{std::string(host), std::string(port), std::string(path)};
}

}  // namespace herd
