// The wake-up helper (wake_signal.hpp): who is woken by which notification,
// that nothing is woken early or twice, and that a waiter that is cancelled,
// times out or whose coroutine is destroyed leaves the signal without
// swallowing a wake-up meant for another.
#include "herd/common/wake_signal.hpp"

#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <vector>

#include "run_awaitable.hpp"

namespace herd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// One coroutine waiting on a signal, and how its wait ended.
struct Waiting {
  bool done = false;
  std::optional<bool> notified;  // what wait_until returned
};

// Starts a waiter on `io` (it waits once the io_context runs), until
// `deadline`, and cancelled when `cancel` (if given) emits.
void start_waiter(asio::io_context& io, WakeSignal& signal, Waiting& waiting,
                  Clock::time_point deadline = Clock::time_point::max(),
                  asio::cancellation_signal* cancel = nullptr) {
  auto task = [](WakeSignal& signal, Waiting& waiting,
                 Clock::time_point deadline) -> asio::awaitable<void> {
    waiting.notified = co_await signal.wait_until(deadline);
  };
  auto done = [&waiting](std::exception_ptr) { waiting.done = true; };
  if (cancel) {
    asio::co_spawn(io, task(signal, waiting, deadline),
                   asio::bind_cancellation_slot(cancel->slot(), done));
  } else {
    asio::co_spawn(io, task(signal, waiting, deadline), done);
  }
}

// Runs every handler that is ready, and none that waits.
void run_ready(asio::io_context& io) {
  io.restart();
  io.poll();
}

TEST(WakeSignal, NotifyAllWakesEveryWaiterOnce) {
  asio::io_context io;
  WakeSignal signal;
  std::vector<Waiting> waiting(3);
  for (Waiting& one : waiting) start_waiter(io, signal, one);
  run_ready(io);
  for (const Waiting& one : waiting) EXPECT_FALSE(one.done);
  EXPECT_TRUE(signal.has_waiters());

  signal.notify_all();
  EXPECT_FALSE(signal.has_waiters());
  run_ready(io);
  for (const Waiting& one : waiting) {
    EXPECT_TRUE(one.done);
    EXPECT_EQ(one.notified, true);
  }
  signal.notify_all();  // nobody left: nothing happens
  run_ready(io);
}

TEST(WakeSignal, NotifyOneWakesTheLongestWaitingFirstAndOneAtATime) {
  asio::io_context io;
  WakeSignal signal;
  std::vector<Waiting> waiting(3);
  for (Waiting& one : waiting) {
    start_waiter(io, signal, one);
    run_ready(io);  // in this order
  }
  for (std::size_t woken = 1; woken <= waiting.size(); ++woken) {
    signal.notify_one();
    run_ready(io);
    for (std::size_t i = 0; i < waiting.size(); ++i) {
      EXPECT_EQ(waiting[i].done, i < woken) << "after " << woken << " notify_one, waiter " << i;
    }
  }
  EXPECT_FALSE(signal.has_waiters());

  // One past: with nobody waiting it is not kept for the next waiter.
  signal.notify_one();
  Waiting late;
  start_waiter(io, signal, late);
  run_ready(io);
  EXPECT_FALSE(late.done);
  signal.notify_one();
  run_ready(io);
  EXPECT_EQ(late.notified, true);
}

TEST(WakeSignal, ANotificationBeforeTheWaitIsNotKept) {
  asio::io_context io;
  WakeSignal signal;
  signal.notify_all();
  signal.notify_one();
  Waiting waiting;
  start_waiter(io, signal, waiting);
  run_ready(io);
  EXPECT_FALSE(waiting.done);
  EXPECT_TRUE(signal.has_waiters());
  signal.notify_all();
  run_ready(io);
  EXPECT_EQ(waiting.notified, true);
}

TEST(WakeSignal, AWaitEndsAtItsDeadlineUnnotifiedAndLeaves) {
  // A deadline still to come, and one already past.
  for (const Clock::duration ahead : {Clock::duration(1ms), Clock::duration(-1s)}) {
    asio::io_context io;
    WakeSignal signal;
    Waiting waiting;
    start_waiter(io, signal, waiting, Clock::now() + ahead);
    ASSERT_TRUE(test::run_until(io, [&] { return waiting.done; }));
    EXPECT_EQ(waiting.notified, false);
    EXPECT_FALSE(signal.has_waiters());
  }
}

TEST(WakeSignal, NotifyOneSkipsAWaiterThatTimedOut) {
  asio::io_context io;
  WakeSignal signal;
  Waiting timed_out;
  Waiting patient;
  start_waiter(io, signal, timed_out, Clock::now() + 1ms);
  start_waiter(io, signal, patient);
  ASSERT_TRUE(test::run_until(io, [&] { return timed_out.done; }));
  signal.notify_one();
  run_ready(io);
  EXPECT_EQ(timed_out.notified, false);
  EXPECT_EQ(patient.notified, true);
}

// Two waiters: the first in line to be cancelled, a patient one behind it.
class WakeSignalCancelled : public ::testing::Test {
 protected:
  WakeSignalCancelled() {
    start_waiter(io, signal, cancelled, Clock::time_point::max(), &cancel);
    start_waiter(io, signal, patient);
    run_ready(io);
  }

  asio::io_context io;
  WakeSignal signal;
  asio::cancellation_signal cancel;
  Waiting cancelled;
  Waiting patient;
};

TEST_F(WakeSignalCancelled, AWaiterLeavesAndTheNextIsWoken) {
  cancel.emit(asio::cancellation_type::terminal);
  run_ready(io);
  EXPECT_TRUE(cancelled.done);
  EXPECT_EQ(cancelled.notified, false);
  EXPECT_FALSE(patient.done);

  signal.notify_one();
  run_ready(io);
  EXPECT_EQ(patient.notified, true);
}

TEST_F(WakeSignalCancelled, AWaiterPickedAsItIsCancelledPassesTheWakeUpOn) {
  // Both before the cancelled waiter runs again: notify_one picks it, still first in line.
  cancel.emit(asio::cancellation_type::terminal);
  signal.notify_one();
  run_ready(io);
  EXPECT_TRUE(cancelled.done);
  EXPECT_EQ(cancelled.notified, false);
  EXPECT_EQ(patient.notified, true);
}

TEST(WakeSignal, AWaitThatLosesARaceLeavesTheSignal) {
  using namespace asio::experimental::awaitable_operators;
  asio::io_context io;
  WakeSignal signal;
  WakeSignal other;
  bool done = false;
  asio::co_spawn(
      io, [&]() -> asio::awaitable<void> { co_await (signal.wait() || other.wait()); },
      [&](std::exception_ptr) { done = true; });
  run_ready(io);
  EXPECT_TRUE(signal.has_waiters());
  EXPECT_TRUE(other.has_waiters());
  other.notify_all();
  ASSERT_TRUE(test::run_until(io, [&] { return done; }));
  EXPECT_FALSE(signal.has_waiters());
}

TEST(WakeSignal, AWaiterWhoseCoroutineIsDestroyedLeaves) {
  WakeSignal signal;
  Waiting waiting;
  {
    asio::io_context io;
    start_waiter(io, signal, waiting);
    run_ready(io);
    EXPECT_TRUE(signal.has_waiters());
  }  // destroys the suspended coroutine
  EXPECT_FALSE(signal.has_waiters());
  EXPECT_FALSE(waiting.done);
  signal.notify_all();
  signal.notify_one();
}

TEST(WakeSignal, ASignalDestroyedFirstLeavesItsWaitersToTheirFrames) {
  asio::io_context io;
  Waiting waiting;
  {
    WakeSignal signal;
    start_waiter(io, signal, waiting);
    run_ready(io);
  }
  run_ready(io);
  EXPECT_FALSE(waiting.done);
  // The io_context destroys the waiter's frame last; nothing may touch the signal then.
}

}  // namespace
}  // namespace herd
