// Scenario 2: a new connection per command, as classroom test clients do:
// connect, send one IAMAT, half-close, read to EOF, close.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "latency_histogram.hpp"
#include "proc_stats.hpp"
#include "scenarios.hpp"
#include "sockets.hpp"
#include "workloads.hpp"

namespace herd::bench {

namespace {

struct OneshotTally {
  LatencyHistogram latency;
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;
  std::string first_failure;

  void fail(std::string what) {
    ++failed;
    if (first_failure.empty()) first_failure = std::move(what);
  }
};

// One client doing exchanges back to back; latency runs from connect() to EOF.
class OneshotWorker final : public Watcher {
 public:
  OneshotWorker(EventLoop& loop, const sockaddr_in& server, IamatWorkload& workload,
                OneshotTally& tally)
      : loop_(loop), server_(server), workload_(workload), tally_(tally) {}

  // Never calls itself again, so a server that refuses at once cannot make
  // this recurse or spin: the worker retires instead.
  void start() {
    started_ = Clock::now();
    reply_.clear();
    fd_ = Fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (fd_.get() < 0) throw std::system_error(errno, std::generic_category(), "socket");
    const int one = 1;
    setsockopt(fd_.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Loopback connects usually complete at once; otherwise wait for writability.
    if (connect(fd_.get(), reinterpret_cast<const sockaddr*>(&server_), sizeof server_) == 0) {
      if (send_command()) {
        loop_.add(fd_.get(), EPOLLIN, *this);
        return;
      }
    } else if (errno == EINPROGRESS) {
      connecting_ = true;
      loop_.add(fd_.get(), EPOLLOUT, *this);
      return;
    } else {
      tally_.fail(std::string("connect: ") + std::strerror(errno));
    }
    fd_.reset();
  }

  void on_ready(std::uint32_t) override {
    if (connecting_) {
      connecting_ = false;
      int error = 0;
      socklen_t size = sizeof error;
      getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &error, &size);
      if (error != 0) {
        restart_after_failure(std::string("connect: ") + std::strerror(error));
        return;
      }
      if (send_command()) {
        loop_.modify(fd_.get(), EPOLLIN, *this);
      } else {
        fd_.reset();
        start();
      }
      return;
    }
    char chunk[4096];
    const ssize_t got = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (got < 0) {
      restart_after_failure(std::string("recv: ") + std::strerror(errno));
      return;
    }
    if (got > 0) {
      reply_.append(chunk, static_cast<std::size_t>(got));
      return;
    }
    // End of stream: the exchange is complete.
    if (workload_.reply_ok(reply_) && workload_.reply_length(reply_) == reply_.size()) {
      ++tally_.completed;
      tally_.latency.record(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started_).count());
    } else {
      tally_.fail("reply: " + reply_.substr(0, 200));
    }
    fd_.reset();  // closing also takes it out of the epoll set
    start();
  }

 private:
  bool send_command() {
    request_.clear();
    workload_.append_requests(request_, 1);
    // One small line fits any socket buffer: a single send takes it all or fails.
    if (::send(fd_.get(), request_.data(), request_.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request_.size())) {
      tally_.fail(std::string("send: ") + std::strerror(errno));
      return false;
    }
    shutdown(fd_.get(), SHUT_WR);
    return true;
  }

  void restart_after_failure(std::string what) {
    tally_.fail(std::move(what));
    fd_.reset();
    start();
  }

  EventLoop& loop_;
  sockaddr_in server_;
  IamatWorkload& workload_;
  OneshotTally& tally_;
  Fd fd_;
  bool connecting_ = false;
  Clock::time_point started_;
  std::string request_;
  std::string reply_;
};

}  // namespace

Report run_iamat_oneshot(const Options& options) {
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(options.port);
  if (inet_pton(AF_INET, options.host.c_str(), &server.sin_addr) != 1) {
    throw std::invalid_argument("not an IPv4 address: " + options.host);
  }
  EventLoop loop;
  IamatWorkload workload(options.id_base);
  auto tally = std::make_unique<OneshotTally>();
  std::vector<std::unique_ptr<OneshotWorker>> workers;
  for (int i = 0; i < options.connections; ++i) {
    workers.push_back(std::make_unique<OneshotWorker>(loop, server, workload, *tally));
    workers.back()->start();
  }
  loop.run_until(seconds_from_now(options.warmup_s));
  tally->latency.reset();
  tally->completed = tally->failed = 0;
  const auto window_start = Clock::now();
  const ServerCpu server_cpu(options.pid);
  loop.run_until(seconds_from_now(options.duration_s));
  const double seconds = std::chrono::duration<double>(Clock::now() - window_start).count();

  Report report = make_report("iamat-oneshot", options.label);
  report["connections"] = options.connections;
  report["requests_per_s"] = rounded(static_cast<double>(tally->completed) / seconds);
  add_latency(report, tally->latency);
  server_cpu.add_to(report, tally->completed);
  report["replies"] = tally->completed;
  report["failed"] = tally->failed;
  if (!tally->first_failure.empty()) report["first_failure"] = tally->first_failure;
  report["duration_s"] = rounded(seconds, 2);
  return report;
}

}  // namespace herd::bench
