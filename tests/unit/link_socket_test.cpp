// The kernel settings of member links (link_socket.hpp): what the dialer sets
// before connecting must bound the segments of both directions.
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

  explicit LinkPair(bool prepare) {
    dialer.open(tcp::v4());
    if (prepare) prepare_link_to_dial(dialer);
    dialer.connect(acceptor.local_endpoint());
    acceptor.accept(accepted);
    if (prepare) size_link_buffers(accepted);
  }
};

TEST(LinkSocket, SegmentsAreCappedBothWays) {
  LinkPair link(true);
  // The kernel takes header options off the cap, so "at most", not "equal".
  EXPECT_LE(socket_option(link.dialer, IPPROTO_TCP, TCP_MAXSEG), link_segment_bytes);
  EXPECT_LE(socket_option(link.accepted, IPPROTO_TCP, TCP_MAXSEG), link_segment_bytes);
  EXPECT_GT(socket_option(link.accepted, IPPROTO_TCP, TCP_MAXSEG), link_segment_bytes / 2);
}

TEST(LinkSocket, LoopbackSegmentsAreLargerThanTheLinkBuffersWithoutTheCap) {
  // Why the cap exists: without it, one loopback segment outgrows a link buffer.
  LinkPair plain(false);
  EXPECT_GT(socket_option(plain.accepted, IPPROTO_TCP, TCP_MAXSEG), link_buffer_bytes);
}

TEST(LinkSocket, BuffersAreSmallOnBothEnds) {
  LinkPair link(true);
  for (tcp::socket* end : {&link.dialer, &link.accepted}) {
    // Linux reports twice what was asked (it adds room for its bookkeeping).
    for (int option : {SO_SNDBUF, SO_RCVBUF}) {
      const int size = socket_option(*end, SOL_SOCKET, option);
      EXPECT_GE(size, link_buffer_bytes);
      EXPECT_LE(size, 2 * link_buffer_bytes);
    }
  }
}

}  // namespace
}  // namespace herd
