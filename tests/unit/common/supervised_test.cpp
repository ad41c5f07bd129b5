// The supervisor of a member's coroutines (protocol.md §9): every failure logged with
// the task's name, restarts paced by a capped back-off, and a failure the
// member cannot survive stopping it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/multiple_exceptions.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>

#include "captured_log.hpp"
#include "herd/common/supervised.hpp"
#include "run_awaitable.hpp"

namespace herd {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// Fails after a turn of the event loop, as a task in the middle of its work would.
asio::awaitable<void> fail_with(std::string message) {
  co_await asio::post(asio::use_awaitable);
  throw std::runtime_error(message);
}

asio::awaitable<void> throw_an_int() {
  co_await asio::post(asio::use_awaitable);
  throw 42;
}

asio::awaitable<void> finish() { co_await asio::post(asio::use_awaitable); }

asio::awaitable<void> wait_forever() {
  asio::steady_timer timer(co_await asio::this_coro::executor,
                           asio::steady_timer::time_point::max());
  co_await timer.async_wait(asio::use_awaitable);
}

TEST(RestartPause, DoublesFromTheInitialPauseUpToTheCap) {
  const RestartBackoff backoff{100ms, 1000ms};
  EXPECT_EQ(restart_pause(0ms, 0ms, backoff), 100ms);  // the first restart
  EXPECT_EQ(restart_pause(100ms, 1ms, backoff), 200ms);
  EXPECT_EQ(restart_pause(200ms, 1ms, backoff), 400ms);
  EXPECT_EQ(restart_pause(400ms, 1ms, backoff), 800ms);
  EXPECT_EQ(restart_pause(800ms, 1ms, backoff), 1000ms);
  EXPECT_EQ(restart_pause(1000ms, 1ms, backoff), 1000ms);
}

TEST(RestartPause, StartsOverOnceTheTaskStayedUpForTheCap) {
  const RestartBackoff backoff{100ms, 1000ms};
  EXPECT_EQ(restart_pause(1000ms, 999ms, backoff), 1000ms);
  EXPECT_EQ(restart_pause(1000ms, 1000ms, backoff), 100ms);
  EXPECT_EQ(restart_pause(400ms, 1h, backoff), 100ms);
}

TEST(DescribeFailure, GivesWhatOrSaysTheExceptionIsUnknown) {
  EXPECT_EQ(describe_failure(std::make_exception_ptr(std::runtime_error("boom"))), "boom");
  EXPECT_EQ(describe_failure(std::make_exception_ptr(std::bad_alloc())), "std::bad_alloc");
  EXPECT_EQ(describe_failure(std::make_exception_ptr(42)), "unknown exception");
  // As operator&& throws when the failure of one side made the other fail too.
  EXPECT_EQ(describe_failure(std::make_exception_ptr(
                asio::multiple_exceptions(std::make_exception_ptr(std::bad_alloc())))),
            "std::bad_alloc");
}

class SupervisorTest : public ::testing::Test {
 protected:
  asio::io_context io_;
  test::CapturedLog log_;
  // The cap stays far above how long a failing run takes, even under ASan on a
  // busy machine: a run that lasted the cap counts as having stayed up, and the
  // pauses would start over from the first (restart_pause).
  Supervisor supervisor_{io_, log_.logger(), RestartBackoff{10ms, 40ms}};
};

TEST_F(SupervisorTest, LogsAFailureWithTheTasksNameAndTellsItsOwner) {
  std::optional<std::string> failure;
  supervisor_.spawn(
      "link Hands", [] { return fail_with("connection\nexploded"); }, OnFailure::log,
      [&](std::optional<std::string_view> what) { failure = std::string(what.value_or("")); });
  ASSERT_TRUE(test::run_until(io_, [&] { return failure.has_value(); }));
  EXPECT_EQ(*failure, "connection\nexploded");
  // One line, as every log event is.
  EXPECT_THAT(log_.text(), HasSubstr("link Hands failed (connection\\nexploded)\n"));
  EXPECT_FALSE(supervisor_.member_failed());
}

TEST_F(SupervisorTest, AnExceptionThatIsNotAStdExceptionIsLoggedToo) {
  bool ended = false;
  supervisor_.spawn(
      "idle sweep", [] { return throw_an_int(); }, OnFailure::log,
      [&](std::optional<std::string_view>) { ended = true; });
  ASSERT_TRUE(test::run_until(io_, [&] { return ended; }));
  EXPECT_THAT(log_.text(), HasSubstr("idle sweep failed (unknown exception)"));
}

TEST_F(SupervisorTest, ATaskThatReturnsIsNotLoggedAndItsOwnerIsTold) {
  std::optional<std::optional<std::string_view>> ended;
  supervisor_.spawn(
      "shutdown", [] { return finish(); }, OnFailure::stop_member,
      [&](std::optional<std::string_view> failure) { ended = failure; });
  ASSERT_TRUE(test::run_until(io_, [&] { return ended.has_value(); }));
  EXPECT_FALSE(ended->has_value());
  EXPECT_EQ(log_.text(), "");
  EXPECT_FALSE(supervisor_.member_failed());
}

TEST_F(SupervisorTest, RestartsAFailedTaskWithPausesThatDoubleUpToTheCap) {
  int starts = 0;
  bool ended = false;
  const auto began = std::chrono::steady_clock::now();
  supervisor_.spawn(
      "accept loop",
      [&]() -> asio::awaitable<void> {
        ++starts;
        return starts <= 5 ? fail_with("failure " + std::to_string(starts)) : finish();
      },
      OnFailure::restart, [&](std::optional<std::string_view>) { ended = true; });
  ASSERT_TRUE(test::run_until(io_, [&] { return ended; }));
  EXPECT_EQ(starts, 6);
  const std::string text = log_.text();
  EXPECT_THAT(text,
              HasSubstr("accept loop failed (failure 1); restarting it in 10 ms (restart 1)"));
  EXPECT_THAT(text,
              HasSubstr("accept loop failed (failure 2); restarting it in 20 ms (restart 2)"));
  EXPECT_THAT(text,
              HasSubstr("accept loop failed (failure 3); restarting it in 40 ms (restart 3)"));
  EXPECT_THAT(text,
              HasSubstr("accept loop failed (failure 4); restarting it in 40 ms (restart 4)"));
  EXPECT_THAT(text,
              HasSubstr("accept loop failed (failure 5); restarting it in 40 ms (restart 5)"));
  // It did pause (timers never fire early): 10 + 20 + 40 + 40 + 40 ms at least.
  EXPECT_GE(std::chrono::steady_clock::now() - began, 150ms);
}

TEST_F(SupervisorTest, RestartsATaskThatCouldNotEvenBeStarted) {
  int attempts = 0;
  bool ended = false;
  supervisor_.spawn(
      "link Wilkes: dialer",
      [&]() -> asio::awaitable<void> {
        if (++attempts == 1) throw std::bad_alloc();  // no memory for the coroutine's frame
        return finish();
      },
      OnFailure::restart, [&](std::optional<std::string_view>) { ended = true; });
  ASSERT_TRUE(test::run_until(io_, [&] { return ended; }));
  EXPECT_EQ(attempts, 2);
  EXPECT_THAT(log_.text(),
              HasSubstr("link Wilkes: dialer failed (std::bad_alloc); restarting it in 10 ms"));
}

TEST_F(SupervisorTest, AFailureTheMemberCannotSurviveStopsTheIoContext) {
  bool other_ended = false;
  supervisor_.spawn(
      "client 127.0.0.1:4242: session", [] { return wait_forever(); }, OnFailure::log,
      [&](std::optional<std::string_view>) { other_ended = true; });
  supervisor_.spawn(
      "shutdown", [] { return fail_with("boom"); }, OnFailure::stop_member);
  // Still work to do (the session waits forever), so only stop() ends run().
  ASSERT_TRUE(test::run_until(io_, [&] { return io_.stopped(); }));
  EXPECT_TRUE(supervisor_.member_failed());
  EXPECT_FALSE(other_ended);
  EXPECT_THAT(log_.text(), HasSubstr("[critical] shutdown failed (boom); the member cannot go on "
                                     "without it: stopping"));
  EXPECT_THAT(log_.text(), Not(HasSubstr("restarting")));
}

}  // namespace
}  // namespace herd
