// libFuzzer target: LineBuffer, fed a stream in arbitrary pieces, must give the
// lines of protocol.md §2 that splitting the whole stream at once gives: each line
// without "\n" or "\r\n", an over-long line reported once by its first
// max_line_bytes bytes and skipped, the unterminated rest as a last line.
//
// Input: one byte for the line limit (1 to 64 bytes, so that over-long lines are
// common), then pieces as they arrive, each a length byte and up to that many
// bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.hpp"
#include "herd/protocol/line_buffer.hpp"

namespace {

using herd::fuzz::check;

struct Event {
  bool overflow = false;  // the line was longer than the limit; `text` is its prefix
  std::string text;
  bool operator==(const Event&) const = default;
};

Event line_event(std::string_view line, std::size_t max_line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.size() > max_line) return {true, std::string(line.substr(0, max_line))};
  return {false, std::string(line)};
}

// The whole stream split at once.
std::vector<Event> expected_events(std::string_view stream, std::size_t max_line) {
  std::vector<Event> events;
  for (auto newline = stream.find('\n'); newline != std::string_view::npos;
       newline = stream.find('\n')) {
    events.push_back(line_event(stream.substr(0, newline), max_line));
    stream.remove_prefix(newline + 1);
  }
  if (!stream.empty()) events.push_back(line_event(stream, max_line));
  return events;
}

// Takes every line the buffer has, as a session does.
void drain(herd::LineBuffer& lines, std::vector<Event>& events) {
  for (;;) {
    if (const auto line = lines.next_line()) {
      check(line->find('\n') == std::string_view::npos, "a line holds no newline");
      events.push_back({false, std::string(*line)});
    } else if (lines.overflowed()) {
      events.push_back({true, std::string(lines.overflow_prefix())});
      lines.skip_line();
    } else {
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t max_line = 1 + data[0] % 64;
  herd::LineBuffer lines(max_line);
  std::string stream;
  std::vector<Event> events;
  for (std::size_t at = 1; at < size;) {
    const std::size_t wanted = data[at++];
    const std::size_t length = std::min(wanted, size - at);
    std::size_t given = 0;
    do {
      const auto area = lines.write_area();
      check(!area.empty(), "room to read unless a line overflowed");
      const std::size_t n = std::min(area.size(), length - given);
      std::memcpy(area.data(), data + at + given, n);
      lines.commit(n);
      given += n;
      drain(lines, events);
      if (lines.empty()) lines.release_if_empty();
    } while (given < length);
    stream.append(reinterpret_cast<const char*>(data + at), length);
    at += length;
  }
  if (const auto rest = lines.take_rest()) events.push_back({false, std::string(*rest)});
  check(lines.empty(), "nothing is left after the rest");
  check(events == expected_events(stream, max_line), "the lines are the stream's lines");
  return 0;
}
