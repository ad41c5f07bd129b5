#include "herd/common/host_port.hpp"

namespace herd {

std::string bracketed_host(std::string_view host) {
  // A host name or IPv4 address has no colon; every IPv6 literal has one.
  if (host.find(':') == std::string_view::npos) return std::string(host);
  std::string text;
  text.reserve(host.size() + 2);
  text += '[';
  text += host;
  text += ']';
  return text;
}

std::string host_port(std::string_view host, std::string_view port) {
  std::string text = bracketed_host(host);
  text += ':';
  text += port;
  return text;
}

std::string host_port(std::string_view host, std::uint16_t port) {
  return host_port(host, std::to_string(port));
}

}  // namespace herd
