#include "pipelined_load.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace herd::bench {

namespace {

constexpr std::size_t initial_read_buffer = 64 * 1024;
constexpr std::size_t failure_sample_bytes = 200;

}  // namespace

class PipelinedLoad::Connection final : public Watcher {
 public:
  Connection(PipelinedLoad& load, Fd fd)
      : load_(load), fd_(std::move(fd)), sent_at_(static_cast<std::size_t>(load.shape_.pipeline)) {
    set_nonblocking(fd_.get());
    input_.resize(initial_read_buffer);
    load_.loop_.add(fd_.get(), EPOLLIN, *this);
    send_requests(load_.take_budget(sent_at_.size()));
  }

  void on_ready(std::uint32_t events) override {
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) read_replies();
    if (fd_.get() >= 0 && (events & EPOLLOUT)) flush();
  }

  bool alive() const { return fd_.get() >= 0; }

 private:
  void read_replies() {
    if (held_ == input_.size())
      input_.resize(input_.size() * 2);  // one reply larger than the buffer
    const ssize_t got = ::recv(fd_.get(), input_.data() + held_, input_.size() - held_, 0);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (got <= 0) {
      lose();
      return;
    }
    held_ += static_cast<std::size_t>(got);
    const auto now = Clock::now();
    std::size_t used = 0;
    std::size_t answered = 0;
    for (;;) {
      const std::string_view rest(input_.data() + used, held_ - used);
      const std::size_t length = load_.workload_.reply_length(rest);
      if (length == 0) break;
      const std::string_view reply = rest.substr(0, length);
      if (outstanding_ == 0) {
        // More replies than requests: the framing is broken; count and drop.
        load_.count_reply(reply, false, {});
      } else {
        load_.count_reply(reply, load_.workload_.reply_ok(reply), now - sent_at_[oldest_]);
        oldest_ = (oldest_ + 1) % sent_at_.size();
        --outstanding_;
      }
      used += length;
      ++answered;
    }
    if (used > 0) {
      std::memmove(input_.data(), input_.data() + used, held_ - used);
      held_ -= used;
    }
    load_.answered_total_ += answered;
    send_requests(load_.take_budget(answered));
  }

  void send_requests(std::size_t count) {
    if (count == 0) return;
    load_.workload_.append_requests(output_, count);
    const auto now = Clock::now();
    for (std::size_t i = 0; i < count; ++i) {
      sent_at_[(oldest_ + outstanding_) % sent_at_.size()] = now;
      ++outstanding_;
    }
    flush();
  }

  void flush() {
    while (written_ < output_.size()) {
      const ssize_t sent =
          ::send(fd_.get(), output_.data() + written_, output_.size() - written_, MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0 && errno == EAGAIN) {
        if (!waiting_to_write_) load_.loop_.modify(fd_.get(), EPOLLIN | EPOLLOUT, *this);
        waiting_to_write_ = true;
        return;
      }
      if (sent < 0) {
        lose();
        return;
      }
      written_ += static_cast<std::size_t>(sent);
    }
    output_.clear();
    written_ = 0;
    if (waiting_to_write_) load_.loop_.modify(fd_.get(), EPOLLIN, *this);
    waiting_to_write_ = false;
  }

  void lose() {
    load_.loop_.remove(fd_.get());
    fd_.reset();
    ++load_.lost_;
    outstanding_ = 0;
  }

  PipelinedLoad& load_;
  Fd fd_;
  std::vector<char> input_;
  std::size_t held_ = 0;
  std::string output_;
  std::size_t written_ = 0;
  bool waiting_to_write_ = false;
  // Send times of the outstanding requests, a ring of capacity P.
  std::vector<Clock::time_point> sent_at_;
  std::size_t oldest_ = 0;
  std::size_t outstanding_ = 0;
};

PipelinedLoad::PipelinedLoad(EventLoop& loop, Workload& workload, const LoadShape& shape)
    : loop_(loop),
      workload_(workload),
      shape_(shape),
      latency_(std::make_unique<LatencyHistogram>()) {
  connections_.reserve(static_cast<std::size_t>(shape.connections));
  for (int i = 0; i < shape.connections; ++i) {
    connections_.push_back(
        std::make_unique<Connection>(*this, connect_tcp(shape.host, shape.port)));
  }
  window_start_ = Clock::now();
}

PipelinedLoad::~PipelinedLoad() = default;

void PipelinedLoad::begin_window() {
  latency_->reset();
  replies_ = failed_ = 0;
  window_start_ = Clock::now();
}

double PipelinedLoad::window_seconds() const {
  return std::chrono::duration<double>(Clock::now() - window_start_).count();
}

bool PipelinedLoad::finished() const {
  if (shape_.request_limit != 0 && answered_total_ >= shape_.request_limit) return true;
  return std::none_of(connections_.begin(), connections_.end(),
                      [](const auto& connection) { return connection->alive(); });
}

std::size_t PipelinedLoad::take_budget(std::size_t wanted) {
  if (shape_.request_limit != 0) {
    wanted =
        static_cast<std::size_t>(std::min<std::uint64_t>(wanted, shape_.request_limit - issued_));
  }
  issued_ += wanted;
  return wanted;
}

void PipelinedLoad::count_reply(std::string_view reply, bool ok, Clock::duration latency) {
  ++replies_;
  if (!ok) {
    ++failed_;
    if (first_failure_.empty()) first_failure_ = reply.substr(0, failure_sample_bytes);
    return;
  }
  latency_->record(std::chrono::duration_cast<std::chrono::nanoseconds>(latency).count());
}

}  // namespace herd::bench
