// The member's log (SPEC §8): one file per member, UTC timestamps with
// microseconds, one event per line, written by a background thread so the event
// loop never waits on the disk.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <spdlog/logger.h>

#include "herd/config.hpp"

namespace herd {

// Opens (appending) `<config.log_dir>/<member>.log`, creating the directory, with
// the config's rotation and log_level. Throws spdlog::spdlog_ex naming the path
// when it cannot.
std::shared_ptr<spdlog::logger> make_member_logger(const Config& config,
                                                   const std::string& member);

// Has the log's writer thread close its file and open it anew at its path
// (SIGHUP, after logrotate renamed it).
void reopen_log_files(spdlog::logger& log);

// The spdlog level a config level names (LogLevel::off is spdlog's off).
spdlog::level::level_enum spdlog_level(LogLevel level);

// Formats a protocol line for the log so that it stays one line of valid UTF-8
// (SPEC §8): "\n" → "\\n", "\r" → "\\r", "\t" → "\\t", the backslash → "\\\\", other
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

// Logs "<kind> <who> <arrow> <line, escaped>" at `level` (the config's
// log_traffic_level), stamped `time`, as in "client 127.0.0.1:4242 < IAMAT ...":
// the protocol traffic, several lines per request. Returns before any work when
// `level` is off or below the logger's. Assembled directly rather than through a
// format string, and stamped with a time the caller already read (when its read
// completed) instead of a clock read per line.
void log_traffic(spdlog::logger& log, LogLevel level, spdlog::log_clock::time_point time,
                 std::string_view kind, std::string_view who, std::string_view arrow,
                 std::string_view line);

// Flushes and joins the logger's background thread; safe to call twice.
void shutdown_logging();

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
