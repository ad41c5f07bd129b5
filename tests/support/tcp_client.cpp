#include "tcp_client.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "herd/common/host_port.hpp"

namespace herd::test {

namespace {

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

sockaddr_storage loopback_address(const std::string& host, std::uint16_t port, socklen_t& length) {
  sockaddr_storage storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    throw std::runtime_error("not an IP address: " + host);
  }
  return storage;
}

}  // namespace

TcpClient::TcpClient(const std::string& host, std::uint16_t port,
                     std::chrono::milliseconds timeout) {
  socklen_t length = 0;
  const sockaddr_storage address = loopback_address(host, port, length);
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    fd_ = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), length) == 0) return;
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (Clock::now() >= deadline) {
      throw std::runtime_error("connect to " + host_port(host, port) + ": " + std::strerror(error));
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

TcpClient::~TcpClient() {
  if (fd_ >= 0) ::close(fd_);
}

TcpClient::TcpClient(TcpClient&& other) noexcept
    : fd_(other.fd_), buffer_(std::move(other.buffer_)), eof_(other.eof_) {
  other.fd_ = -1;
}

void TcpClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

std::size_t TcpClient::send_until_stalled(std::string_view bytes, std::chrono::milliseconds stall) {
  std::size_t total = 0;
  while (total < bytes.size()) {
    const ssize_t sent =
        ::send(fd_, bytes.data() + total, bytes.size() - total, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent >= 0) {
      total += static_cast<std::size_t>(sent);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    pollfd writable{fd_, POLLOUT, 0};
    const int ready = ::poll(&writable, 1, static_cast<int>(stall.count()));
    if (ready == 0) break;  // stalled
    if (ready < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
  }
  return total;
}

void TcpClient::limit_receive_buffer(int bytes) {
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) {
    throw std::runtime_error(std::string("setsockopt SO_RCVBUF: ") + std::strerror(errno));
  }
}

void TcpClient::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

bool TcpClient::fill(Clock::time_point deadline) {
  if (eof_) return false;
  pollfd waiting{fd_, POLLIN, 0};
  const int ready = ::poll(&waiting, 1, remaining_ms(deadline));
  if (ready <= 0) return false;
  char chunk[65536];
  const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
  if (got <= 0) {
    eof_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(got));
  return true;
}

std::optional<std::string> TcpClient::read_until(std::string_view terminator,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto at = buffer_.find(terminator); at != std::string::npos) {
      std::string result = buffer_.substr(0, at + terminator.size());
      buffer_.erase(0, at + terminator.size());
      return result;
    }
    if (!fill(deadline) && (eof_ || Clock::now() >= deadline)) return std::nullopt;
  }
}

std::optional<std::string> TcpClient::read_to_eof(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_) {
    if (!fill(deadline) && !eof_ && Clock::now() >= deadline) return std::nullopt;
  }
  return std::exchange(buffer_, {});
}

bool TcpClient::closed_by_peer(std::chrono::milliseconds timeout) {
  return read_to_eof(timeout).has_value();
}

std::optional<std::string> TcpClient::read_once(std::chrono::milliseconds timeout) {
  if (!buffer_.empty()) return std::exchange(buffer_, {});
  if (!fill(Clock::now() + timeout)) return std::nullopt;
  return std::exchange(buffer_, {});
}

std::string exchange(const std::string& host, std::uint16_t port, std::string_view request,
                     std::chrono::milliseconds timeout) {
  TcpClient client(host, port, timeout);
  client.send(request);
  client.shutdown_write();
  auto reply = client.read_to_eof(timeout);
  if (!reply) throw std::runtime_error("no EOF from " + host_port(host, port));
  return *reply;
}

namespace {

// A port the kernel just called free (bind to port 0 picks one at random).
std::uint16_t unbound_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

// Whether this process now holds `port` for its tests. Between a test choosing
// a port and its member binding it, a test in another process (ctest runs two
// at once) could be handed the same port; a lock file per port, held until
// this process exits, rules that out (and a port twice in one process too).
bool claim(std::uint16_t port) {
  const auto directory = std::filesystem::temp_directory_path() / "herd-test-ports";
  std::error_code ignored;
  std::filesystem::create_directories(directory, ignored);
  const auto path = directory / (std::to_string(port) + ".lock");
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) return true;  // no lock to be had: take the kernel's word alone
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // the descriptor stays open, and with it the lock
}

}  // namespace

std::uint16_t free_port() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::uint16_t port = unbound_port();
    if (claim(port)) return port;
  }
  throw std::runtime_error("cannot find a free port that no other test holds");
}

TcpListener::TcpListener(const std::string& host, std::uint16_t port) {
  socklen_t length = 0;
  const sockaddr_storage address = loopback_address(host, port, length);
  fd_ = ::socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int on = 1;
  if (fd_ < 0 || ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
      ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      ::listen(fd_, 64) != 0) {
    const int error = errno;
    if (fd_ >= 0) ::close(fd_);
    throw std::runtime_error("listen on " + host_port(host, port) + ": " + std::strerror(error));
  }
}

TcpListener::~TcpListener() { ::close(fd_); }

std::optional<TcpClient> TcpListener::accept(std::chrono::milliseconds timeout) {
  pollfd waiting{fd_, POLLIN, 0};
  const int wait_ms = static_cast<int>(std::max<std::int64_t>(timeout.count(), 0));
  if (::poll(&waiting, 1, wait_ms) <= 0) return std::nullopt;
  const int connection = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  if (connection < 0) return std::nullopt;
  return TcpClient(connection);
}

std::size_t connections_waiting_for_accept(std::uint16_t port) {
  // For a listening socket (state 0A) the kernel shows its accept queue as rx_queue.
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    const auto colon = local.find(':');
    if (state != "0A" || colon == std::string::npos ||
        std::stoul(local.substr(colon + 1), nullptr, 16) != port) {
      continue;
    }
    return std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);
  }
  return 0;
}

}  // namespace herd::test
