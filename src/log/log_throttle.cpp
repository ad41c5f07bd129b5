#include "herd/log/log_throttle.hpp"

#include <boost/asio/steady_timer.hpp>
#include <utility>

namespace herd {

struct LogThrottle::State {
  State(boost::asio::any_io_executor executor, spdlog::logger& log, std::string events,
        Clock::duration interval)
      : log(log), events(std::move(events)), interval(interval), summary_timer(executor) {}

  void summarize() {
    const auto now = Clock::now();
    const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_line);
    log.warn("{}: {} more in the last {} ms ({} in all)", events, unlogged, since.count(), total);
    unlogged = 0;
    last_line = now;
  }

  spdlog::logger& log;
  std::string events;
  Clock::duration interval;
  boost::asio::steady_timer summary_timer;
  Clock::time_point last_line;  // of the last line logged, in full or as a summary
  bool logged_any = false;
  std::uint64_t unlogged = 0;  // events since the last line, waiting for the summary
  std::uint64_t total = 0;
};

LogThrottle::LogThrottle(boost::asio::any_io_executor executor, spdlog::logger& log,
                         std::string events, Clock::duration interval)
    : state_(std::make_shared<State>(std::move(executor), log, std::move(events), interval)) {}

LogThrottle::~LogThrottle() {
  if (state_) flush();  // else moved from
}

void LogThrottle::flush() {
  if (state_->unlogged > 0) state_->summarize();
  state_->summary_timer.cancel();
}

std::uint64_t LogThrottle::total() const { return state_->total; }

bool LogThrottle::count(Clock::time_point now) {
  State& state = *state_;
  ++state.total;
  // Held events go out in their summary first, so the log keeps their order.
  if (!state.logged_any || (state.unlogged == 0 && now - state.last_line >= state.interval)) {
    state.logged_any = true;
    state.last_line = now;
    return true;
  }
  if (state.unlogged++ == 0) {
    state.summary_timer.expires_at(state.last_line + state.interval);
    state.summary_timer.async_wait(
        [weak = std::weak_ptr<State>(state_)](const boost::system::error_code& error) {
          const auto alive = weak.lock();
          if (!error && alive && alive->unlogged > 0) alive->summarize();
        });
  }
  return false;
}

void LogThrottle::log_in_full(const std::string& line) { state_->log.warn("{}", line); }

}  // namespace herd
