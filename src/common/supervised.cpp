#include "herd/common/supervised.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/multiple_exceptions.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>

#include <spdlog/logger.h>

#include "herd/common/escaped.hpp"

namespace herd {

namespace asio = boost::asio;

struct Supervisor::Supervised {
  std::string name;
  Task task;
  OnFailure policy;
  Ended ended;
  std::chrono::steady_clock::time_point started{};
  std::chrono::milliseconds pause{0};  // before the latest restart; 0: not restarted yet
  std::size_t restarts = 0;
  std::optional<asio::steady_timer> restart_timer{};
};

std::chrono::milliseconds restart_pause(std::chrono::milliseconds previous,
                                        std::chrono::steady_clock::duration ran,
                                        const RestartBackoff& backoff) {
  if (previous.count() == 0 || ran >= backoff.cap) return backoff.initial;
  return std::min(previous * 2, backoff.cap);
}

std::string describe_failure(const std::exception_ptr& failure) {
  try {
    std::rethrow_exception(failure);
  } catch (const asio::multiple_exceptions& several) {
    // Both sides of an operator&& failed, the second as a rule because the
    // first one's failure cancelled it: the first says what happened.
    return describe_failure(several.first_exception());
  } catch (const std::exception& error) {
    return error.what();
  } catch (...) {
    return "unknown exception";
  }
}

Supervisor::Supervisor(asio::io_context& io, spdlog::logger& log, RestartBackoff backoff)
    : io_(io), log_(log), backoff_(backoff) {}

void Supervisor::spawn(std::string name, Task task, OnFailure policy, Ended ended) {
  start(std::make_shared<Supervised>(
      Supervised{std::move(name), std::move(task), policy, std::move(ended)}));
}

void Supervisor::start(std::shared_ptr<Supervised> task) {
  task->started = std::chrono::steady_clock::now();
  std::optional<asio::awaitable<void>> coroutine;
  try {
    coroutine.emplace(task->task());
  } catch (...) {
    failed(std::move(task), std::current_exception());
    return;
  }
  asio::co_spawn(io_, std::move(*coroutine),
                 [this, task = std::move(task)](const std::exception_ptr& failure) mutable {
                   if (failure) {
                     failed(std::move(task), failure);
                   } else if (task->ended) {
                     task->ended(std::nullopt);
                   }
                 });
}

void Supervisor::failed(std::shared_ptr<Supervised> task, const std::exception_ptr& failure) {
  const std::string what = describe_failure(failure);
  switch (task->policy) {
    case OnFailure::log:
      log_.error("{} failed ({})", task->name, Escaped{what});
      if (task->ended) task->ended(what);
      return;
    case OnFailure::restart: {
      task->pause =
          restart_pause(task->pause, std::chrono::steady_clock::now() - task->started, backoff_);
      ++task->restarts;
      log_.error("{} failed ({}); restarting it in {} ms (restart {})", task->name, Escaped{what},
                 task->pause.count(), task->restarts);
      if (!task->restart_timer) task->restart_timer.emplace(io_);
      asio::steady_timer& timer = *task->restart_timer;
      timer.expires_after(task->pause);
      timer.async_wait([this, task = std::move(task)](const boost::system::error_code& error) {
        if (!error) start(task);
      });
      return;
    }
    case OnFailure::stop_member:
      log_.critical("{} failed ({}); the member cannot go on without it: stopping", task->name,
                    Escaped{what});
      member_failed_ = true;
      io_.stop();
      return;
  }
}

}  // namespace herd
