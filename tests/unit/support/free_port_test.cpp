// The test suite's own port picking: ctest runs two test processes at once,
// and each herd test needs five ports that nobody else is handed meanwhile.
#include <gtest/gtest.h>

#include <set>

#include "tcp_client.hpp"

namespace herd {
namespace {

TEST(FreePort, NeverHandsOutAPortTwice) {
  // The kernel picks from ~14,000 ports at random: 300 picks alone would
  // almost surely repeat one.
  std::set<std::uint16_t> seen;
  for (int i = 0; i < 300; ++i) {
    const auto port = test::free_port();
    EXPECT_TRUE(seen.insert(port).second) << port;
  }
}

}  // namespace
}  // namespace herd
