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

namespace herd {

// Opens (appending) `<log_dir>/<member>.log`, creating the directory.
// Throws spdlog::spdlog_ex naming the path when it cannot.
std::shared_ptr<spdlog::logger> make_member_logger(const std::filesystem::path& log_dir,
                                                   const std::string& member);

// Formats a protocol line for the log so that it stays one line: "\n" → "\\n",
// "\r" → "\\r", "\t" → "\\t", the backslash → "\\\\", other control bytes → "\\xNN".
// Written straight into spdlog's buffer: no allocation per logged line.
struct Escaped {
  std::string_view text;
};

// Flushes and joins the logger's background thread; safe to call twice.
void shutdown_logging();

}  // namespace herd

template <>
struct fmt::formatter<herd::Escaped> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }

  template <typename FormatContext>
  auto format(const herd::Escaped& value, FormatContext& ctx) const {
    auto out = ctx.out();
    for (const char c : value.text) {
      const auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte != 0x7f && c != '\\') {
        *out++ = c;
        continue;
      }
      *out++ = '\\';
      switch (c) {
        case '\n': *out++ = 'n'; break;
        case '\r': *out++ = 'r'; break;
        case '\t': *out++ = 't'; break;
        case '\\': *out++ = '\\'; break;
        default: {
          constexpr std::string_view hex = "0123456789abcdef";
          *out++ = 'x';
          *out++ = hex[byte >> 4];
          *out++ = hex[byte & 0xf];
        }
      }
    }
    return out;
  }
};
