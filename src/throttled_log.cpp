#include "herd/throttled_log.hpp"

#include <utility>

namespace herd {

ThrottledLog::ThrottledLog(boost::asio::any_io_executor executor, spdlog::logger& log,
                           std::string events, Clock::duration interval)
    : log_(log), events_(std::move(events)), interval_(interval), summary_timer_(executor) {}

bool ThrottledLog::count(Clock::time_point now) {
  ++total_;
  if (!logged_any_ || (unlogged_ == 0 && now - last_line_ >= interval_)) {
    logged_any_ = true;
    last_line_ = now;
    return true;
  }
  if (unlogged_++ == 0) {
    summary_timer_.expires_at(last_line_ + interval_);
    summary_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) summarize();
    });
  }
  return false;
}

void ThrottledLog::summarize() {
  const auto now = Clock::now();
  const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_line_);
  log_.warn("{}: {} more in the last {} ms ({} in all)", events_, unlogged_, since.count(),
            total_);
  unlogged_ = 0;
  last_line_ = now;
}

}  // namespace herd
