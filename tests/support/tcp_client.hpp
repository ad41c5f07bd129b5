// A blocking loopback TCP client for tests, every call bounded by a deadline:
// tests wait for what they expect (a line, EOF), never for a fixed time.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace herd::test {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

class TcpClient {
 public:
  // Connects to host:port, retrying refused connections until `timeout`.
  // Throws std::runtime_error if it cannot.
  TcpClient(const std::string& host, std::uint16_t port,
            std::chrono::milliseconds timeout = 5000ms);
  // Takes over a connected socket (TcpListener::accept).
  explicit TcpClient(int connected_fd) : fd_(connected_fd) {}
  ~TcpClient();
  TcpClient(TcpClient&& other) noexcept;
  TcpClient& operator=(TcpClient&&) = delete;
  TcpClient(const TcpClient&) = delete;

  void send(std::string_view bytes);
  void shutdown_write();  // half-close: the server sees end of stream
  // Sends as much of `bytes` as the peer takes until it takes nothing for
  // `stall`; returns how many bytes went.
  std::size_t send_until_stalled(std::string_view bytes, std::chrono::milliseconds stall);
  // Caps the kernel's receive buffer (SO_RCVBUF), so a peer that is not read
  // from soon finds its sends blocked.
  void limit_receive_buffer(int bytes);
  int native_handle() const { return fd_; }  // e.g. for TLS over it (LinkClient)

  // Reads until `bytes_read` ends with `terminator` (or holds it somewhere after
  // what was already consumed); returns everything up to and including it, or
  // nullopt at the deadline or EOF.
  std::optional<std::string> read_until(std::string_view terminator,
                                        std::chrono::milliseconds timeout = 5000ms);
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 5000ms) {
    return read_until("\n", timeout);
  }
  // Reads until the server closes; nullopt if it does not by the deadline.
  std::optional<std::string> read_to_eof(std::chrono::milliseconds timeout = 5000ms);
  // True if the server closed the connection (EOF or reset) within `timeout`.
  bool closed_by_peer(std::chrono::milliseconds timeout = 5000ms);
  // Waits for one read() to return something and gives back exactly that.
  std::optional<std::string> read_once(std::chrono::milliseconds timeout = 5000ms);

 private:
  // Reads what is available into buffer_; false at EOF/error or the deadline.
  bool fill(Clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// Sends `request`, half-closes, reads to EOF: what netcat -N does.
std::string exchange(const std::string& host, std::uint16_t port, std::string_view request,
                     std::chrono::milliseconds timeout = 5000ms);

// A loopback TCP port nobody listens on right now, and that no other test
// process has been handed.
std::uint16_t free_port();

// A listening socket on host:port, for a test that plays a member refusing
// or dropping links. Closed when destroyed.
class TcpListener {
 public:
  TcpListener(const std::string& host, std::uint16_t port);
  ~TcpListener();
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // The next connection, or nullopt if none comes by the deadline.
  std::optional<TcpClient> accept(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

// Connections the kernel has completed on the IPv4 listening `port` that its
// process has not accepted yet (e.g. because it is stopped).
std::size_t connections_waiting_for_accept(std::uint16_t port);

inline constexpr auto poll_interval = 5ms;

// Polls `condition` until it holds or `timeout` passes; returns its last value.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 5000ms) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll_interval);
  }
}

}  // namespace herd::test
