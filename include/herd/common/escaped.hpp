// How a protocol line is written in the log (protocol.md §8) and in other messages
// that quote what a client or neighbour sent: one line of valid UTF-8 whatever
// the bytes were.
#pragma once

#include <cstddef>
#include <string_view>

#include <fmt/format.h>

namespace herd {

// Formats a protocol line for the log so that it stays one line of valid UTF-8
// (protocol.md §8): "\n" → "\\n", "\r" → "\\r", "\t" → "\\t", the backslash → "\\\\", other
// control bytes and every byte that is not part of a well-formed UTF-8 sequence
// (overlong, surrogate, truncated, past U+10FFFF) → "\\xNN"; well-formed multi-byte
// sequences pass unchanged. Written straight into spdlog's buffer: no allocation
// per logged line.
struct Escaped {
  std::string_view text;
};

// The position of the first byte at or after `from` that Escaped escapes, or
// text.size(); `from` is taken as the start of a character. Logged lines are
// mostly long runs of printable ASCII, looked at here eight bytes at a time.
std::size_t next_to_escape(std::string_view text, std::size_t from);

// Calls put(piece) with the pieces of `text` as Escaped writes it: runs of
// bytes that need no escape (a line is mostly one run) and escapes.
template <typename Put>
void for_each_escaped_piece(std::string_view text, Put&& put) {
  std::size_t run = 0;
  for (std::size_t i = next_to_escape(text, 0); i < text.size(); i = next_to_escape(text, i + 1)) {
    const auto byte = static_cast<unsigned char>(text[i]);
    put(text.substr(run, i - run));
    run = i + 1;
    switch (byte) {
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      case '\\': put("\\\\"); break;
      default: {
        constexpr std::string_view hex = "0123456789abcdef";
        const char escape[] = {'\\', 'x', hex[byte >> 4], hex[byte & 0xf]};
        put(std::string_view(escape, sizeof escape));
      }
    }
  }
  put(text.substr(run));
}

}  // namespace herd

// Built on the string_view formatter, whose output of a whole run is one append.
template <>
struct fmt::formatter<herd::Escaped> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const herd::Escaped& value, FormatContext& ctx) const {
    herd::for_each_escaped_piece(value.text, [&](std::string_view piece) {
      ctx.advance_to(fmt::formatter<std::string_view>::format(piece, ctx));
    });
    return ctx.out();
  }
};
