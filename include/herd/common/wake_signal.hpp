// A condition variable for coroutines on one thread: a coroutine waits until
// another part of the member says that what it waits for may have changed,
// then checks for itself whether it can go on. As in Asio's chat_server, a
// notification cancels a timer the waiter waits on; here each waiter's timer
// lives in its own coroutine frame, so a signal that nobody waits on costs two
// pointers (an idle connection holds no timer), and a waiter whose coroutine is
// cancelled or destroyed leaves the signal by itself.
//
// A notification when nobody waits is not kept: check the condition, then
// wait, in a loop. Nothing else runs in between on the one thread, so no
// notification can fall into that gap. The signal, its waiters and whoever
// notifies all run on the one thread of the member's io_context.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>

namespace herd {

class WakeSignal {
 public:
  WakeSignal() = default;
  WakeSignal(const WakeSignal&) = delete;
  WakeSignal& operator=(const WakeSignal&) = delete;
  // Waiters still waiting stay suspended until their frames are destroyed
  // (an owner goes only once its event loop has stopped).
  ~WakeSignal();

  // Returns at the next notify_all(), or notify_one() that picks this waiter,
  // or when the awaiting operation is cancelled.
  boost::asio::awaitable<void> wait();
  // The same, or at `deadline`; returns whether it was notified.
  boost::asio::awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline);

  // Wakes the waiter that has waited longest. One that is being cancelled as
  // it is picked passes the wake-up on to the next.
  void notify_one();
  void notify_all();

  bool has_waiters() const { return first_ != nullptr; }

 private:
  struct Waiter;
  enum class Woken;

  void remove(Waiter& waiter);
  void wake(Waiter& waiter, Woken how);

  Waiter* first_ = nullptr;  // the waiters in the order they came
  Waiter* last_ = nullptr;
};

}  // namespace herd
