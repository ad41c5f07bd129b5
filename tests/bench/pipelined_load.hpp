// Closed-loop pipelined load: C persistent connections, each keeping P
// requests outstanding (a new one leaves for every reply). Replies come back
// in request order (protocol.md §2), so each reply's latency is measured against the
// oldest outstanding send time of its connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "event_loop.hpp"
#include "latency_histogram.hpp"
#include "sockets.hpp"
#include "workloads.hpp"

namespace herd::bench {

struct LoadShape {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  int connections = 1;
  int pipeline = 1;
  std::uint64_t request_limit = 0;  // 0: unlimited
};

class PipelinedLoad {
 public:
  // Connects every connection (blocking) and sends the first P requests on each.
  PipelinedLoad(EventLoop& loop, Workload& workload, const LoadShape& shape);
  ~PipelinedLoad();

  // Starts a measurement window: counts and latencies from now on.
  void begin_window();
  double window_seconds() const;

  std::uint64_t replies() const { return replies_; }               // in the window
  std::uint64_t total_replies() const { return answered_total_; }  // since connecting
  std::uint64_t failed_replies() const { return failed_; }
  std::uint64_t lost_connections() const { return lost_; }
  const std::string& first_failure() const { return first_failure_; }
  const LatencyHistogram& latency() const { return *latency_; }

  // Every request of the limit answered, or no connection left.
  bool finished() const;

 private:
  class Connection;
  friend class Connection;

  // How many more requests may go out, at most `wanted`.
  std::size_t take_budget(std::size_t wanted);
  void count_reply(std::string_view reply, bool ok, Clock::duration latency);

  EventLoop& loop_;
  Workload& workload_;
  LoadShape shape_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::unique_ptr<LatencyHistogram> latency_;  // large: keep it off the stack
  std::uint64_t issued_ = 0;
  std::uint64_t answered_total_ = 0;
  std::uint64_t replies_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t lost_ = 0;
  std::string first_failure_;
  Clock::time_point window_start_;
};

}  // namespace herd::bench
