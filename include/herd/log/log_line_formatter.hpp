// The member log's line layout (protocol.md §8):
//   2026-11-26T04:17:37.103333Z info client 127.0.0.1:42730 < IAMAT ...
// the same text as spdlog's pattern "%Y-%m-%dT%H:%M:%S.%fZ %l %v", written
// without the pattern's per-flag dispatch, which cost a loaded member several
// percent of its CPU. The date and time up to the second are formatted once a
// second; each line adds only its microseconds, level and message.
#pragma once

#include <spdlog/formatter.h>

#include <cstdint>
#include <memory>

namespace herd {

class LogLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::int64_t cached_second_ = INT64_MIN;
  char cached_prefix_[20] = {};  // "YYYY-MM-DDTHH:MM:SS." of cached_second_ (UTC)
};

}  // namespace herd
