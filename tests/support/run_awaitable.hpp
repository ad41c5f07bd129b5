// Runs a coroutine to completion on a test's own io_context, or the
// io_context until a condition holds, bounded by a deadline, so a test reads
// like straight-line code and never hangs.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>

namespace herd::test {

template <typename T>
T run_awaitable(boost::asio::io_context& io, boost::asio::awaitable<T> task,
                std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, std::move(task), [&](std::exception_ptr error, T value) {
    failure = error;
    if (!error) result = std::move(value);
  });
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!result && !failure && std::chrono::steady_clock::now() < deadline) {
    io.run_one_until(deadline);
  }
  if (failure) std::rethrow_exception(failure);
  if (!result) throw std::runtime_error("run_awaitable: the task did not finish in time");
  return std::move(*result);
}

// Runs `io` until `condition` holds, `limit` passes or the io_context is
// stopped; returns whether the condition holds.
template <typename Condition>
bool run_until(boost::asio::io_context& io, Condition condition,
               std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition() && !io.stopped() && std::chrono::steady_clock::now() < deadline) {
    io.run_one_until(deadline);
  }
  return condition();
}

}  // namespace herd::test
