#include "event_loop.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <system_error>

namespace herd::bench {

namespace {

// Wake at least this often so `done()` and the deadline are checked even when
// nothing arrives (e.g. a stalled server).
constexpr auto max_wait = std::chrono::milliseconds(10);

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

}  // namespace

EventLoop::EventLoop() : epoll_fd_(epoll_create1(EPOLL_CLOEXEC)) {
  if (epoll_fd_ < 0) fail("epoll_create1");
}

EventLoop::~EventLoop() { close(epoll_fd_); }

void EventLoop::add(int fd, std::uint32_t events, Watcher& watcher) {
  epoll_event event{events, {.ptr = &watcher}};
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) fail("epoll_ctl add");
}

void EventLoop::modify(int fd, std::uint32_t events, Watcher& watcher) {
  epoll_event event{events, {.ptr = &watcher}};
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &event) != 0) fail("epoll_ctl mod");
}

void EventLoop::remove(int fd) { epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

void EventLoop::poll(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  const auto wait = std::clamp(left, std::chrono::milliseconds(0), max_wait);
  std::array<epoll_event, 256> events;
  const int ready = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(wait.count()));
  if (ready < 0 && errno != EINTR) fail("epoll_wait");
  for (int i = 0; i < ready; ++i) {
    static_cast<Watcher*>(events[i].data.ptr)->on_ready(events[i].events);
  }
}

}  // namespace herd::bench
