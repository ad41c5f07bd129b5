// A link that fails (protocol.md §9): logged with its neighbour's name, closed and
// forgotten, so that flooding and shutdown stop counting on it, and its
// dialer, restarted, dials the neighbour again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

#include "herd/links/peers.hpp"
#include "herd/protocol/line_buffer.hpp"
#include "in_process_member.hpp"
#include "run_awaitable.hpp"

namespace herd {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::string_view_literals;
using ::testing::HasSubstr;

// The next connection to `acceptor`, or a closed socket if none comes in time.
tcp::socket accept_one(asio::io_context& io, tcp::acceptor& acceptor) {
  tcp::socket socket(io);
  bool done = false;
  acceptor.async_accept(socket, [&](const boost::system::error_code&) { done = true; });
  if (!test::run_until(io, [&] { return done; })) {
    acceptor.cancel();
    test::run_until(io, [&] { return done; });
  }
  return socket;
}

TEST(LinkFailure, AFailedAcceptedLinkIsLoggedClosedAndForgotten) {
  asio::io_context io;
  test::InProcessMember hands(io, "Hands");
  auto [goloman, accepted] = test::connected_pair(io);
  // Goloman dials Hands: its HELLO has been read, and the link is Hands' to run.
  hands.state.peers().adopt(LinkStream(std::move(accepted)), "Goloman",
                            LineBuffer(hands.state.config().peer_max_line_bytes()), "127.0.0.1");
  ASSERT_THAT(test::read_from(io, goloman, "HELLO Hands\n").text, HasSubstr("HELLO Hands\n"));
  EXPECT_EQ(hands.state.peers().connection_count(), 1u);

  hands.log->fail_on("kaboom");
  asio::write(goloman, asio::buffer("ECHO kaboom\n"sv));
  EXPECT_TRUE(test::read_from(io, goloman, "").closed);
  EXPECT_TRUE(test::run_until(io, [&] { return hands.state.peers().connection_count() == 0; }));
  EXPECT_THAT(hands.log->text(), HasSubstr("link Goloman failed (std::bad_alloc)"));
  hands.state.peers().stop();
}

TEST(LinkFailure, ADialerWhoseLinkFailedIsRestartedAndDialsAgain) {
  asio::io_context io;
  tcp::acceptor wilkes(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  Config config = default_config();
  config.members[*config.member_index("Wilkes")].port = wilkes.local_endpoint().port();
  test::InProcessMember hands(io, "Hands", config);
  hands.state.peers().start();  // Hands dials Wilkes (and Goloman dials Hands)

  tcp::socket first = accept_one(io, wilkes);
  ASSERT_TRUE(first.is_open());
  ASSERT_THAT(test::read_from(io, first, "HELLO Hands\n").text, HasSubstr("HELLO Hands\n"));
  hands.log->fail_on("kaboom");
  asio::write(first, asio::buffer("HELLO Wilkes\nECHO kaboom\n"sv));
  EXPECT_TRUE(test::read_from(io, first, "").closed);

  // The dialer failed with its link; restarted after its pause, it dials again.
  tcp::socket second = accept_one(io, wilkes);
  EXPECT_TRUE(second.is_open());
  EXPECT_THAT(hands.log->text(), HasSubstr("link Wilkes: dialer failed (std::bad_alloc); "
                                           "restarting it in 100 ms (restart 1)"));
  hands.state.peers().stop();
}

}  // namespace
}  // namespace herd
