#include "herd/links/link_socket.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace herd {

namespace asio = boost::asio;

void prepare_link_to_dial(asio::ip::tcp::socket& socket) {
  // Asio has no option type for TCP_MAXSEG. Best effort: if the kernel refuses
  // it, the link gets the larger buffers of an uncapped one.
  const int segment = link_segment_bytes;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_MAXSEG, &segment, sizeof segment);
}

int link_buffer_bytes_for(std::chrono::microseconds round_trip, int segment_bytes) {
  if (round_trip > short_link_round_trip) return 0;
  return segment_bytes <= link_segment_bytes ? link_buffer_bytes : uncapped_link_buffer_bytes;
}

LinkBuffers size_link_buffers(asio::ip::tcp::socket& socket) {
  // The handshake gave both sides a first round-trip sample (tcpi_rtt, in µs).
  tcp_info info{};
  socklen_t info_size = sizeof info;
  int segment = 0;
  socklen_t segment_size = sizeof segment;
  const int fd = socket.native_handle();
  if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &info_size) != 0 ||
      ::getsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &segment, &segment_size) != 0) {
    return {};
  }
  const std::chrono::microseconds round_trip(info.tcpi_rtt);
  const LinkBuffers chosen{round_trip, segment, link_buffer_bytes_for(round_trip, segment)};
  if (chosen.buffer_bytes == 0) return chosen;
  boost::system::error_code ignored;
  socket.set_option(asio::socket_base::send_buffer_size(chosen.buffer_bytes), ignored);
  socket.set_option(asio::socket_base::receive_buffer_size(chosen.buffer_bytes), ignored);
  return chosen;
}

void enable_link_keepalive(asio::ip::tcp::socket& socket) {
  // Best effort, as for the segment cap: without it a vanished host is only
  // noticed when a write to it times out.
  const int fd = socket.native_handle();
  const int on = 1;
  const int idle = static_cast<int>(link_keepalive_idle.count());
  const int interval = static_cast<int>(link_keepalive_interval.count());
  const int probes = link_keepalive_probes;
  ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

bool link_still_open(asio::ip::tcp::socket& socket) {
  if (!socket.is_open()) return false;
  // A FIN moves the connection to CLOSE_WAIT, a reset or keepalive's verdict
  // to CLOSE, whatever is still queued for reading.
  tcp_info info{};
  socklen_t info_size = sizeof info;
  if (::getsockopt(socket.native_handle(), IPPROTO_TCP, TCP_INFO, &info, &info_size) != 0) {
    return false;
  }
  return info.tcpi_state == TCP_ESTABLISHED;
}

}  // namespace herd
