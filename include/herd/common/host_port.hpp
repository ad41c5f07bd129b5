// A host and port as text, as URLs, Host headers and the log write them: an
// IPv6 literal goes in brackets, so its colons are not taken for the port's.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace herd {

// "127.0.0.1", "localhost" as they are; "::1" as "[::1]".
std::string bracketed_host(std::string_view host);

// "127.0.0.1:12000", "localhost:443", "[::1]:12000".
std::string host_port(std::string_view host, std::string_view port);
std::string host_port(std::string_view host, std::uint16_t port);

}  // namespace herd
