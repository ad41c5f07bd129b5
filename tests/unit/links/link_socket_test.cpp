// The kernel settings of member links (link_socket.hpp): what the dialer sets
// before connecting must bound the segments of both directions, and buffers
// shrink that far only where that holds; a link the neighbour has closed is
// known dead before its last bytes are read.
#include "herd/links/link_socket.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>

#include <string>
#include <thread>

namespace herd {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

int socket_option(tcp::socket& socket, int level, int name) {
  int value = 0;
  socklen_t size = sizeof value;
  EXPECT_EQ(::getsockopt(socket.native_handle(), level, name, &value, &size), 0);
  return value;
}

struct LinkPair {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  tcp::socket dialer{io};
  tcp::socket accepted{io};

  explicit LinkPair(bool cap_segments) {
    dialer.open(tcp::v4());
    if (cap_segments) prepare_link_to_dial(dialer);
    dialer.connect(acceptor.local_endpoint());
    acceptor.accept(accepted);
  }
};

TEST(LinkSocket, SegmentsAreCappedBothWays) {
  LinkPair link(true);
  // The kernel takes header options off the cap, so "at most", not "equal".
  EXPECT_LE(socket_option(link.dialer, IPPROTO_TCP, TCP_MAXSEG), link_segment_bytes);
  EXPECT_LE(socket_option(link.accepted, IPPROTO_TCP, TCP_MAXSEG), link_segment_bytes);
  EXPECT_GT(socket_option(link.accepted, IPPROTO_TCP, TCP_MAXSEG), link_segment_bytes / 2);
}

TEST(LinkSocket, ALoopbackLinkGetsSmallBuffersOnBothEnds) {
  LinkPair link(true);
  for (tcp::socket* end : {&link.dialer, &link.accepted}) {
    EXPECT_EQ(size_link_buffers(*end).buffer_bytes, link_buffer_bytes);
    // Linux reports twice what was asked (it adds room for its bookkeeping).
    for (int option : {SO_SNDBUF, SO_RCVBUF}) {
      const int size = socket_option(*end, SOL_SOCKET, option);
      EXPECT_GE(size, link_buffer_bytes);
      EXPECT_LE(size, 2 * link_buffer_bytes);
    }
  }
}

TEST(LinkSocket, AnUncappedLoopbackLinkGetsBuffersOfTwoSegments) {
  // Loopback's own segments outgrow a small buffer; shrinking it that far
  // would stall the link on TCP's persist timer.
  LinkPair link(false);
  EXPECT_GT(socket_option(link.accepted, IPPROTO_TCP, TCP_MAXSEG), link_buffer_bytes);
  EXPECT_EQ(size_link_buffers(link.accepted).buffer_bytes, uncapped_link_buffer_bytes);
  EXPECT_GE(socket_option(link.accepted, SOL_SOCKET, SO_RCVBUF), uncapped_link_buffer_bytes);
}

TEST(LinkSocket, KeepaliveProbesAQuietLinkWithinSeconds) {
  LinkPair link(true);
  enable_link_keepalive(link.accepted);
  EXPECT_EQ(socket_option(link.accepted, SOL_SOCKET, SO_KEEPALIVE), 1);
  EXPECT_EQ(socket_option(link.accepted, IPPROTO_TCP, TCP_KEEPIDLE), link_keepalive_idle.count());
  EXPECT_EQ(socket_option(link.accepted, IPPROTO_TCP, TCP_KEEPINTVL),
            link_keepalive_interval.count());
  EXPECT_EQ(socket_option(link.accepted, IPPROTO_TCP, TCP_KEEPCNT), link_keepalive_probes);
}

// Polls briefly for the kernel to take in the other end's FIN or reset (it
// crosses loopback at once, but not synchronously with close()).
bool becomes_closed(tcp::socket& socket) {
  for (int i = 0; i < 1000 && link_still_open(socket); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return !link_still_open(socket);
}

TEST(LinkSocket, ALinkIsOpenWhileBothSidesHoldIt) {
  LinkPair link(true);
  asio::write(link.dialer, asio::buffer(std::string("HELLO Goloman\n")));
  EXPECT_TRUE(link_still_open(link.accepted));
  EXPECT_TRUE(link_still_open(link.dialer));
}

TEST(LinkSocket, ALinkClosedByTheNeighbourIsDeadBeforeItsLastBytesAreRead) {
  LinkPair link(true);
  // Lines the neighbour sent just before its process went: a read would
  // return them first and report the end only after.
  asio::write(link.dialer, asio::buffer(std::string("ECHO a +1+1 1 1.000000000 Goloman\n")));
  link.dialer.close();
  EXPECT_TRUE(becomes_closed(link.accepted));
}

TEST(LinkSocket, ALinkResetByTheNeighbourIsDead) {
  LinkPair link(true);
  // Closing with unread bytes resets the connection, as a killed process does.
  asio::write(link.accepted, asio::buffer(std::string("HELLO Hands\n")));
  asio::write(link.dialer, asio::buffer(std::string("ECHO a +1+1 1 1.000000000 Goloman\n")));
  link.dialer.set_option(asio::socket_base::linger(true, 0));
  link.dialer.close();
  EXPECT_TRUE(becomes_closed(link.accepted));
}

TEST(LinkSocket, AClosedSocketIsNoOpenLink) {
  LinkPair link(true);
  link.accepted.close();
  EXPECT_FALSE(link_still_open(link.accepted));
}

TEST(LinkSocket, OnlyShortLinksGetFixedBuffers) {
  using std::chrono::microseconds;
  EXPECT_EQ(link_buffer_bytes_for(microseconds(40), link_segment_bytes - 12), link_buffer_bytes);
  EXPECT_EQ(link_buffer_bytes_for(short_link_round_trip, link_segment_bytes), link_buffer_bytes);
  EXPECT_EQ(link_buffer_bytes_for(microseconds(40), 65483), uncapped_link_buffer_bytes);
  // Across a WAN, a fixed buffer per round trip would starve the link.
  EXPECT_EQ(link_buffer_bytes_for(short_link_round_trip + microseconds(1), 1448), 0);
  EXPECT_EQ(link_buffer_bytes_for(microseconds(30'000), 1448), 0);
}

}  // namespace
}  // namespace herd
