// Loopback TCP plumbing shared by the scenarios.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "event_loop.hpp"

namespace herd::bench {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = other.release();
    }
    return *this;
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset();

 private:
  int fd_ = -1;
};

// A blocking connect with TCP_NODELAY (requests are small and latency counts).
// Throws std::system_error if the server does not accept.
Fd connect_tcp(const std::string& host, std::uint16_t port);

void set_nonblocking(int fd);

// Lifts the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
std::uint64_t raise_fd_limit();

// A blocking line-oriented client for the low-rate parts (seeding, probing),
// every read bounded by a deadline.
class LineClient {
 public:
  LineClient(const std::string& host, std::uint16_t port);

  void send(std::string_view bytes);
  // Everything up to and including the next `terminator`, or nullopt at the
  // deadline or end of stream.
  std::optional<std::string> read_until(std::string_view terminator, Clock::time_point deadline);

 private:
  Fd fd_;
  std::string buffer_;
};

}  // namespace herd::bench
