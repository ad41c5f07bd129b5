// Host and port as text: IPv6 literals in brackets, everything else as it is.
#include <gtest/gtest.h>

#include "herd/common/host_port.hpp"

namespace herd {
namespace {

TEST(HostPort, Ipv4AddressAsItIs) {
  EXPECT_EQ(bracketed_host("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(host_port("127.0.0.1", std::uint16_t{12000}), "127.0.0.1:12000");
  EXPECT_EQ(host_port("127.0.0.1", "443"), "127.0.0.1:443");
}

TEST(HostPort, Ipv6AddressInBrackets) {
  EXPECT_EQ(bracketed_host("::1"), "[::1]");
  EXPECT_EQ(host_port("::1", std::uint16_t{12000}), "[::1]:12000");
  EXPECT_EQ(host_port("2001:db8::7", "8443"), "[2001:db8::7]:8443");
  EXPECT_EQ(host_port("::ffff:127.0.0.1", std::uint16_t{1}), "[::ffff:127.0.0.1]:1");
  EXPECT_EQ(host_port("fe80::1%eth0", std::uint16_t{65535}), "[fe80::1%eth0]:65535");
}

TEST(HostPort, HostNameAsItIs) {
  EXPECT_EQ(bracketed_host("localhost"), "localhost");
  EXPECT_EQ(host_port("localhost", std::uint16_t{443}), "localhost:443");
  EXPECT_EQ(host_port("places.googleapis.com", "443"), "places.googleapis.com:443");
}

}  // namespace
}  // namespace herd
