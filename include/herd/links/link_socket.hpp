// Kernel-level settings of the TCP links between members.
//
// Every byte the kernel holds for a link is latency for the next update and
// invisible to flow control (flow_control.hpp), so links between nearby
// members get small buffers. Small buffers need small segments: loopback's
// default segment is ~64 KiB, and a receiver does not announce free window
// smaller than one segment (silly window avoidance), so a sender facing a
// 16 KiB buffer would sit out TCP's ~200 ms persist timer. Capping segments on
// the dialer's side before it connects covers both directions: each side's
// segments are bounded by the size the other announced in its SYN.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>

namespace herd {

// Largest segment a link carries, either way.
inline constexpr int link_segment_bytes = 8 * 1024;
// Kernel send and receive buffer of each end of a short link.
inline constexpr int link_buffer_bytes = 16 * 1024;
// The same for a short link whose segments are not capped (its dialer is not
// a herd_server, or the kernel refused the cap): two loopback segments.
inline constexpr int uncapped_link_buffer_bytes = 128 * 1024;
// A buffer must hold a round trip's worth of data, or the link slows to a
// buffer per round trip: 16 KiB per millisecond is still ~250,000 records a
// second, but across a WAN it would crawl. Longer links keep the kernel's
// auto-tuned buffers.
inline constexpr std::chrono::microseconds short_link_round_trip{1000};

// For the dialer: call between opening the socket and connecting it.
void prepare_link_to_dial(boost::asio::ip::tcp::socket& socket);

// The buffer size for a link whose handshake took `round_trip` and whose
// segments are `segment_bytes`; 0 leaves the kernel's auto-tuning.
int link_buffer_bytes_for(std::chrono::microseconds round_trip, int segment_bytes);

// What size_link_buffers found and chose, for the log.
struct LinkBuffers {
  std::chrono::microseconds round_trip{0};
  int segment_bytes = 0;
  int buffer_bytes = 0;  // 0: the kernel's auto-tuned buffers
};
// For either side once connected: sizes both buffers by link_buffer_bytes_for.
LinkBuffers size_link_buffers(boost::asio::ip::tcp::socket& socket);

// A neighbour whose host vanishes without closing its links (a crash, a cut
// cable) is noticed by TCP keepalive: once a link has been quiet this long,
// the kernel probes it this often and gives it up after this many probes go
// unanswered (within about 8 s). A host that comes back answers the first
// probe with a reset, so its restarted member finds the old link dead.
inline constexpr std::chrono::seconds link_keepalive_idle{5};
inline constexpr std::chrono::seconds link_keepalive_interval{1};
inline constexpr int link_keepalive_probes = 3;

// For either side once connected.
void enable_link_keepalive(boost::asio::ip::tcp::socket& socket);

// Whether the kernel still holds the link open both ways. False once the
// neighbour closed or reset it, or keepalive gave up on it, even while data
// it sent before is still unread: a read reports the end only after that
// data, but a second process claiming the neighbour's name must know at once
// whether the old link is dead (Peers::adopt).
bool link_still_open(boost::asio::ip::tcp::socket& socket);

}  // namespace herd
