#include "herd/link_socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace herd {

namespace asio = boost::asio;

void prepare_link_to_dial(asio::ip::tcp::socket& socket) {
  // Asio has no option type for TCP_MAXSEG. Both settings are best effort: a
  // kernel that refuses them still carries the link, only with more latency.
  const int segment = link_segment_bytes;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_MAXSEG, &segment, sizeof segment);
  size_link_buffers(socket);
}

void size_link_buffers(asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::send_buffer_size(link_buffer_bytes), ignored);
  socket.set_option(asio::socket_base::receive_buffer_size(link_buffer_bytes), ignored);
}

}  // namespace herd
