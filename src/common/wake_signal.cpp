#include "herd/common/wake_signal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace herd {

namespace asio = boost::asio;

enum class WakeSignal::Woken { no, by_notify_one, by_notify_all };

// In the waiting coroutine's frame, and in the signal's list while it waits.
struct WakeSignal::Waiter {
  Waiter(WakeSignal& signal, const asio::any_io_executor& executor,
         std::chrono::steady_clock::time_point deadline)
      : signal(&signal), previous(signal.last_), timer(executor, deadline) {
    (previous ? previous->next : signal.first_) = this;
    signal.last_ = this;
  }
  Waiter(const Waiter&) = delete;
  Waiter& operator=(const Waiter&) = delete;
  ~Waiter() {
    if (signal) signal->remove(*this);
  }

  WakeSignal* signal;  // null once out of the list: woken, or the signal is gone
  Waiter* previous;
  Waiter* next = nullptr;
  asio::steady_timer timer;  // cancelled to wake the waiter
  Woken woken = Woken::no;
};

WakeSignal::~WakeSignal() {
  for (Waiter* waiter = first_; waiter; waiter = waiter->next) waiter->signal = nullptr;
}

asio::awaitable<void> WakeSignal::wait() {
  co_await wait_until(std::chrono::steady_clock::time_point::max());
}

asio::awaitable<bool> WakeSignal::wait_until(std::chrono::steady_clock::time_point deadline) {
  Waiter waiter(*this, co_await asio::this_coro::executor, deadline);
  co_await waiter.timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (waiter.woken == Woken::by_notify_one) {
    // Picked while its cancellation was on the way: nobody acts on this
    // wake-up here, so it goes to the next in line, who may be waiting for
    // the very thing it announces (a free connection, say).
    const asio::cancellation_state cancellation = co_await asio::this_coro::cancellation_state;
    if (cancellation.cancelled() != asio::cancellation_type::none) {
      notify_one();
      co_return false;
    }
  }
  co_return waiter.woken != Woken::no;
}

void WakeSignal::notify_one() {
  if (first_) wake(*first_, Woken::by_notify_one);
}

void WakeSignal::notify_all() {
  while (first_) wake(*first_, Woken::by_notify_all);
}

void WakeSignal::wake(Waiter& waiter, Woken how) {
  remove(waiter);
  waiter.woken = how;
  waiter.timer.cancel();
}

void WakeSignal::remove(Waiter& waiter) {
  (waiter.previous ? waiter.previous->next : first_) = waiter.next;
  (waiter.next ? waiter.next->previous : last_) = waiter.previous;
  waiter.signal = nullptr;
  waiter.previous = waiter.next = nullptr;
}

}  // namespace herd
