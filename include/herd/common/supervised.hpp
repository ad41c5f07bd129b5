// Every coroutine a member starts runs under supervision (protocol.md §9): when one
// fails, the log says which task it was and what it failed with, and what
// happens next depends on whether the member can do without it. Nothing ends
// silently, as it would with asio::detached.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace herd {

enum class OnFailure {
  // Work for one connection (a client session, a link, one WHATSAT answer):
  // logged, and the rest of the member carries on.
  log,
  // A task the member must keep (a dialer, the accept loop, the idle sweep):
  // logged, and a fresh one started after a pause (restart_pause).
  restart,
  // A task whose failure leaves the member unable to go on (shutdown): logged,
  // the io_context stopped, and the member exits with a non-zero status.
  stop_member,
};

// Pauses before restarting a task that keeps failing: a task that fails at
// once every time waits twice as long each time, up to `cap`, rather than
// spinning, and so logs at most one line per `cap` once there.
struct RestartBackoff {
  std::chrono::milliseconds initial{100};
  std::chrono::milliseconds cap{10'000};
};

// The pause before the next restart of a task that failed `ran` after its
// last start, `previous` being the pause before that start (zero: none yet).
// A task that stayed up for `cap` or longer starts over from `initial`.
std::chrono::milliseconds restart_pause(std::chrono::milliseconds previous,
                                        std::chrono::steady_clock::duration ran,
                                        const RestartBackoff& backoff);

// What a task failed with, for the log: its what() (the first one's, for
// asio::multiple_exceptions), or "unknown exception".
std::string describe_failure(const std::exception_ptr& failure);

class Supervisor {
 public:
  // Makes a fresh coroutine of the task; called again for each restart.
  using Task = std::function<boost::asio::awaitable<void>()>;
  // Told that a task is over: nullopt when it returned, else what it failed
  // with (already logged). Not called for a failure that is restarted, nor
  // for one that stops the member.
  using Ended = std::function<void(std::optional<std::string_view> failure)>;

  Supervisor(boost::asio::io_context& io, spdlog::logger& log, RestartBackoff backoff = {});
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Runs task() on the io_context. `name` says in the log what it was doing,
  // as in "link Hands: dialer failed (std::bad_alloc)".
  void spawn(std::string name, Task task, OnFailure policy, Ended ended = {});

  // Whether a stop_member task failed: the member then exits non-zero.
  bool member_failed() const { return member_failed_; }

 private:
  struct Supervised;
  void start(std::shared_ptr<Supervised> task);
  void failed(std::shared_ptr<Supervised> task, const std::exception_ptr& failure);

  boost::asio::io_context& io_;
  spdlog::logger& log_;
  RestartBackoff backoff_;
  bool member_failed_ = false;
};

}  // namespace herd
