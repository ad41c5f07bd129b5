// Latency distribution with fixed memory and O(1) recording, so the load
// generator can record every request without allocating or sorting.
// Log-linear buckets (as HdrHistogram): 128 sub-buckets per power of two keep
// every reported percentile within 0.8% of the true value.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace herd::bench {

class LatencyHistogram {
 public:
  void record(std::int64_t nanoseconds) {
    const auto value = static_cast<std::uint64_t>(std::max<std::int64_t>(nanoseconds, 0));
    ++counts_[index_of(value)];
    ++count_;
    max_ = std::max(max_, value);
  }

  void reset() { *this = LatencyHistogram{}; }

  std::uint64_t count() const { return count_; }
  double max_us() const { return static_cast<double>(max_) / 1e3; }

  // The value at percentile `percent` (0–100), in microseconds.
  double percentile_us(double percent) const {
    if (count_ == 0) return 0.0;
    const auto rank = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return static_cast<double>(std::min(value_of(i), max_)) / 1e3;
    }
    return max_us();
  }

 private:
  static constexpr unsigned sub_bits = 7;
  static constexpr std::uint64_t sub_count = 1u << sub_bits;
  // Values below 2*sub_count map one to one; above, each power of two gets
  // sub_count buckets. 64-bit values need (64 - sub_bits) + 1 groups.
  static constexpr std::size_t bucket_count = (64 - sub_bits + 1) * sub_count;

  static std::size_t index_of(std::uint64_t value) {
    if (value < 2 * sub_count) return static_cast<std::size_t>(value);
    const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - 1 - sub_bits;
    const std::uint64_t sub = (value >> shift) - sub_count;  // in [0, sub_count)
    return static_cast<std::size_t>((shift + 1) * sub_count + sub);
  }

  // The middle of bucket `index`.
  static std::uint64_t value_of(std::size_t index) {
    if (index < 2 * sub_count) return index;
    const std::uint64_t shift = index / sub_count - 1;
    const std::uint64_t sub = index % sub_count + sub_count;
    return (sub << shift) + ((std::uint64_t{1} << shift) >> 1);
  }

  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace herd::bench
