// Kernel-level settings of the TCP links between members.
//
// Every byte the kernel holds for a link is latency for the next update and
// invisible to flow control (Peers::backlogged), so link buffers are small.
// Small buffers need small segments: loopback's default segment is ~64 KiB, and
// a receiver does not announce free window smaller than one segment (silly
// window avoidance), so a sender facing a 16 KiB buffer would sit out TCP's
// ~200 ms persist timer. Capping segments on the dialer's side before it
// connects covers both directions: each side's segments are bounded by the
// size the other announced in its SYN.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace herd {

// Largest segment a link carries, either way.
inline constexpr int link_segment_bytes = 8 * 1024;
// Kernel send and receive buffer of each end of a link.
inline constexpr int link_buffer_bytes = 16 * 1024;

// For the dialer: call between opening the socket and connecting it.
void prepare_link_to_dial(boost::asio::ip::tcp::socket& socket);
// For either side once connected (the dialer's side has them already).
void size_link_buffers(boost::asio::ip::tcp::socket& socket);

}  // namespace herd
