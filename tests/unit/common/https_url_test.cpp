// Base URLs of the Places backends: what the client can use, and why the rest
// is refused (the config file and the command line use the same parser).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "herd/common/https_url.hpp"

namespace herd {
namespace {

TEST(HttpsUrl, ParsesHostPortAndPrefix) {
  const struct {
    std::string_view url;
    std::string_view host;
    std::string_view port;
    std::string_view prefix;
  } cases[] = {
      {"https://places.googleapis.com", "places.googleapis.com", "443", ""},
      {"https://localhost:8443/fake/places/", "localhost", "8443", "/fake/places"},
      {"https://[::1]:9000", "::1", "9000", ""},
      {"https://[2001:db8::7]/v1", "2001:db8::7", "443", "/v1"},
  };
  for (const auto& expected : cases) {
    std::string error;
    const auto endpoint = parse_https_url(expected.url, error);
    ASSERT_TRUE(endpoint) << expected.url << ": " << error;
    EXPECT_EQ(endpoint->host, expected.host) << expected.url;
    EXPECT_EQ(endpoint->port, expected.port) << expected.url;
    EXPECT_EQ(endpoint->prefix, expected.prefix) << expected.url;
  }
}

TEST(HttpsUrl, PortsAtTheLimitsAndPastThem) {
  std::string error;
  EXPECT_TRUE(parse_https_url("https://host:1", error)) << error;
  EXPECT_TRUE(parse_https_url("https://host:65535", error)) << error;
  EXPECT_FALSE(parse_https_url("https://host:0", error));
  EXPECT_FALSE(parse_https_url("https://host:65536", error));
  EXPECT_FALSE(parse_https_url("https://host:4294967297", error)) << "wraps to 1 in 32 bits";
}

TEST(HttpsUrl, SaysWhyAUrlIsRefused) {
  const struct {
    std::string_view url;
    std::string_view why;
  } cases[] = {
      {"http://places.googleapis.com", "is not an https:// URL"},
      {"HTTPS://places.googleapis.com", "is not an https:// URL"},
      {"", "is not an https:// URL"},
      {"https://", "has no host"},
      {"https://:443", "has no host"},
      {"https://[]:443", "has no host"},
      {"https://host:0", "has an invalid port"},
      {"https://host:65536", "has an invalid port"},
      {"https://host:https", "has an invalid port"},
      {"https://host:+443", "has an invalid port"},
      {"https://host:", "has an invalid port"},
      {"https://user:secret@host", "must not carry credentials"},
      {"https://host/path?query=1", "must not carry a query or fragment"},
      {"https://host/path#part", "must not carry a query or fragment"},
      {"https://[::1", "has an unterminated IPv6 address"},
      {"https://[::1]x", "has junk after the IPv6 address"},
      {"https://::1", "has an IPv6 address without brackets"},
      {"https://::1:9000", "has an IPv6 address without brackets"},
      {"https://host name", "must not contain whitespace or control characters"},
      {"https://host/a b", "must not contain whitespace or control characters"},
      {"https://host\r\nX-Injected: 1", "must not contain whitespace or control characters"},
      {std::string_view("https://ho\0st", 13), "must not contain whitespace or control characters"},
      {"https://host\x7f", "must not contain whitespace or control characters"},
  };
  for (const auto& [url, why] : cases) {
    std::string error;
    EXPECT_FALSE(parse_https_url(url, error)) << url;
    EXPECT_EQ(error, why) << url;
  }
}

}  // namespace
}  // namespace herd
