#include "herd/log/log_line_formatter.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace herd {

void LogLineFormatter::format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) {
  using namespace std::chrono;
  const auto since_epoch = message.time.time_since_epoch();
  const auto second = floor<seconds>(since_epoch);
  if (second.count() != cached_second_) {
    cached_second_ = second.count();
    const std::time_t t = static_cast<std::time_t>(cached_second_);
    std::tm utc{};
    gmtime_r(&t, &utc);
    fmt::format_to_n(cached_prefix_, sizeof cached_prefix_, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.",
                     utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                     utc.tm_sec);
  }
  auto micros = duration_cast<microseconds>(since_epoch - second).count();
  char fraction[8] = {'0', '0', '0', '0', '0', '0', 'Z', ' '};
  for (int digit = 5; digit >= 0; --digit, micros /= 10) {
    fraction[digit] = static_cast<char>('0' + micros % 10);
  }
  dest.append(cached_prefix_, cached_prefix_ + sizeof cached_prefix_);
  dest.append(fraction, fraction + sizeof fraction);
  const auto level = spdlog::level::to_string_view(message.level);
  dest.append(level.data(), level.data() + level.size());
  dest.push_back(' ');
  dest.append(message.payload.data(), message.payload.data() + message.payload.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> LogLineFormatter::clone() const {
  return std::make_unique<LogLineFormatter>();
}

}  // namespace herd
