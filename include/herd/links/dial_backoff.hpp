// When a dialer tries its neighbour again, and which failed attempts it logs
// (protocol.md §5): pure decisions from how each attempt ended, so that the reconnect
// loop (Peers::run_dialer) cannot spin on a neighbour that accepts TCP and
// then refuses us (configs that disagree, a second process claiming our name).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace herd {

// How one attempt to bring a link up ended.
enum class DialOutcome {
  unreachable,  // no TCP connection: resolving or connecting failed or timed out
  refused,      // connected, but closed before HELLO went both ways
  dropped,      // the link came up (HELLO both ways) and ended later
};

// The wait before each attempt, before jitter (Peers::jittered). It doubles
// from `initial` up to `cap` while the neighbour is unreachable, and a
// neighbour that refuses us is tried again only every `cap`. Only a link that
// came up and stayed up for at least `cap` earns a fresh start at `initial`:
// with any shorter requirement, a link that came up and was dropped at once
// would be retried as fast as a fresh start allows, for ever; with this one,
// a flapping link costs at most one attempt per `cap` plus one `initial`.
class DialBackoff {
 public:
  using duration = std::chrono::milliseconds;

  DialBackoff(duration initial, duration cap);

  // After an attempt that ended as `outcome`; `up_for`: how long a dropped
  // link was up (ignored otherwise).
  duration after(DialOutcome outcome, std::chrono::steady_clock::duration up_for = {});

 private:
  duration initial_;
  duration cap_;
  duration next_;  // the wait after the next failure
};

// Which failed attempts a dialer logs: the first since its link was last up,
// one that failed otherwise than the last one logged, and a reminder every
// `reminder`; never more than one line a second, so that a neighbour tried
// again every second still fills no log.
class DialFailureLog {
 public:
  using clock = std::chrono::steady_clock;

  explicit DialFailureLog(clock::duration reminder = std::chrono::seconds(60));

  // Counts a failed attempt at `now` whose `reason` says how it failed;
  // true if it is to be logged.
  bool admit(std::string_view reason, clock::time_point now);
  // Attempts failed since the link was last up.
  std::size_t failures() const { return failures_; }
  // The link came up: returns failures() and starts counting afresh.
  std::size_t link_up();

 private:
  clock::duration reminder_;
  std::size_t failures_ = 0;
  std::string logged_reason_;  // of the last line; "" after the link was up
  clock::time_point reminder_due_ = clock::time_point::min();
  clock::time_point quiet_until_ = clock::time_point::min();
};

}  // namespace herd
