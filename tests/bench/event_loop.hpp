// A minimal single-threaded epoll loop for the load generator.
// Plain epoll rather than Asio: the generator shares two cores with the server
// it measures, so each request must cost as few instructions and syscalls as
// possible (no handler allocation, no completion queue, one read per wake-up).
#pragma once

#include <chrono>
#include <cstdint>

namespace herd::bench {

using Clock = std::chrono::steady_clock;

inline Clock::time_point seconds_from_now(double seconds) {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// Something with a file descriptor in the loop.
class Watcher {
 public:
  virtual void on_ready(std::uint32_t events) = 0;

 protected:
  ~Watcher() = default;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Level-triggered: a watcher is called again while its condition holds.
  void add(int fd, std::uint32_t events, Watcher& watcher);
  void modify(int fd, std::uint32_t events, Watcher& watcher);
  void remove(int fd);

  // Dispatches ready watchers until `deadline` or until `done()` holds
  // (checked after every batch of events).
  template <typename Done>
  void run_until(Clock::time_point deadline, Done done) {
    while (!done() && Clock::now() < deadline) poll(deadline);
  }
  void run_until(Clock::time_point deadline) {
    run_until(deadline, [] { return false; });
  }

 private:
  void poll(Clock::time_point deadline);

  int epoll_fd_ = -1;
};

}  // namespace herd::bench
