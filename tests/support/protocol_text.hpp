// An AT line's diff and an ECHO's time as strings, written by the protocol's own
// writers, for tests to compare and to build lines with.
#pragma once

#include <string>

#include "herd/protocol/protocol.hpp"

namespace herd::test {

inline std::string diff_text(nanoseconds_t diff) {
  std::string text;
  append_diff(text, diff);
  return text;
}

inline std::string time_text(nanoseconds_t time) {
  std::string text;
  append_posix_time(text, time);
  return text;
}

}  // namespace herd::test
