// The kernel settings of member links (link_socket.hpp): what the dialer sets
// before connecting must bound the segments of both directions, and buffers
// shrink that far only where that holds.
#include "herd/link_socket.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>

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
