// Flow control (protocol.md §5): whether a client takes its next command while the
// links to the neighbours are backlogged. Flooding cannot go faster than the
// neighbours take lines: while a link's backlog is past a high-water mark, a
// client with a window of updates unwritten in it (a pipelined batch) takes no
// more commands until the oldest of the window is written. The clients wait
// instead of every queue along the herd filling up (latency) or overflowing (a
// dropped link and a full catch-up). Clients that send now and then never
// wait: they are not what fills the queue (it may be relaying another member's
// load), and holding their update back would only delay it. Only past a
// second, larger mark does every client wait, so that many such clients
// together cannot fill it until the link drops. A link whose writes have
// stalled (a hung neighbour) is not waited for; its queue limit drops it
// instead.
//
// A pure function of the links' state, so that it is tested step by step; the
// member's links feed it (Peers::held_back_until).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <ranges>

namespace herd {

using SteadyTime = std::chrono::steady_clock::time_point;

struct FlowLimits {
  // Past this much unsent, a link holds back a client whose window it holds.
  std::size_t window_bytes = 0;
  // Past this much unsent, a link holds back every client.
  std::size_t everyone_bytes = 0;
  // A link that has written nothing for this long holds back nobody.
  std::chrono::steady_clock::duration stall_limit{};
};

// One link that is up, as flow control sees it for one client.
struct LinkBacklog {
  std::size_t bytes = 0;      // flood lines queued or being written
  bool holds_window = false;  // the oldest of the client's window is unwritten in it
  SteadyTime last_progress;   // when a write last completed (or the link came up)
};

// Until when `link` holds the client back, unless it writes or closes first:
// nullopt if it does not hold it back at all.
std::optional<SteadyTime> held_back_by(const LinkBacklog& link, const FlowLimits& limits);

// The same over every link that is up: the latest of their times. The client
// waits while that time is still to come; only a link's write or close can
// end the wait sooner.
template <std::ranges::input_range Links>
std::optional<SteadyTime> held_back_until(Links&& links, const FlowLimits& limits) {
  std::optional<SteadyTime> until;
  // nullopt compares less than any time: a link that holds nobody back changes nothing.
  for (const LinkBacklog& link : links) until = std::max(until, held_back_by(link, limits));
  return until;
}

}  // namespace herd
