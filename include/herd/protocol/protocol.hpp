// The line protocol of protocol.md §2–6: parsing commands and formatting replies.
// Pure functions, no I/O: everything here is tested without a socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace herd {

// Time is kept as a signed 64-bit count of nanoseconds since the POSIX epoch.
using nanoseconds_t = std::int64_t;

struct Coordinates {
  double latitude = 0;
  double longitude = 0;
};

// IAMAT <client> <location> <time>. The views point into the parsed line.
struct Iamat {
  std::string_view client;
  std::string_view location;
  std::string_view time;  // byte for byte as sent
  Coordinates coordinates;
  nanoseconds_t client_time = 0;  // fraction digits past the ninth truncated
};

// WHATSAT <client> <radius_km> <bound>
struct Whatsat {
  std::string_view client;
  double radius_km = 0;
  int bound = 0;
};

// ECHO <client> <location> <client_time> <receive_time> <origin>
// (member to member only; a client sending it gets "? ...").
struct Echo {
  std::string_view client;
  std::string_view location;
  std::string_view time;  // the client's time, byte for byte
  nanoseconds_t client_time = 0;
  nanoseconds_t receive_time = 0;
  std::string_view origin;
};

// HELLO <member>: the first line of a link between members.
struct Hello {
  std::string_view member;
};

// Anything else. `reason` says why, for the log; the client only sees "? <line>".
struct Invalid {
  std::string_view reason;
};

// A line with nothing but whitespace: ignored, never answered.
struct Blank {};

using Command = std::variant<Blank, Iamat, Whatsat, Echo, Hello, Invalid>;

// Limits of protocol.md §3–4.
inline constexpr double max_radius_km = 50;
inline constexpr int max_bound = 20;

// Parses one line, without its terminator (a trailing '\r' is whitespace).
Command parse_command(std::string_view line);

// protocol.md §3, §5: a time more than `max_skew` ahead of `now`, the receiving
// member's clock, would pin its client's record against every later real
// update. Times in the past always pass. Checked apart from parse_command,
// which stays a function of the line alone.
constexpr bool too_far_ahead(nanoseconds_t time, nanoseconds_t now, nanoseconds_t max_skew) {
  // In unsigned arithmetic the difference cannot overflow, whatever the clock says.
  return time > now && static_cast<std::uint64_t>(time) - static_cast<std::uint64_t>(now) >
                           static_cast<std::uint64_t>(max_skew);
}
// Why the command is invalid for a time too far ahead (its "? " reason, or
// why a link skips it), or an empty view when its times are fine.
std::string_view future_time_problem(const Iamat& iamat, nanoseconds_t now, nanoseconds_t max_skew);
std::string_view future_time_problem(const Echo& echo, nanoseconds_t now, nanoseconds_t max_skew);

// The longest ECHO line that carries a valid IAMAT of at most `max_line_bytes`
// from an origin whose name has at most `max_origin_bytes`: the IAMAT's
// client, location and time (its line less "IAMAT" and three separators), then
// "ECHO", five separators, a receive time (at most 20 characters: INT64_MAX
// nanoseconds) and the origin.
constexpr std::size_t echo_line_limit(std::size_t max_line_bytes, std::size_t max_origin_bytes) {
  constexpr std::size_t iamat_fixed_bytes = 5 + 3;
  constexpr std::size_t echo_fixed_bytes = 4 + 5;
  constexpr std::size_t max_receive_time_chars = 20;
  return max_line_bytes - iamat_fixed_bytes + echo_fixed_bytes + max_receive_time_chars +
         max_origin_bytes;
}

// ISO 6709 "+34.068930-118.445127": sign mandatory on both, ranges checked.
std::optional<Coordinates> parse_location(std::string_view text);

// POSIX time "D+[.D+]" to nanoseconds; nullopt when malformed or beyond int64.
std::optional<nanoseconds_t> parse_posix_time(std::string_view text);

// Appends an AT line's diff, "+0.263873386" or "-2.000000000": sign always, nine
// fraction digits, no exponent.
void append_diff(std::string& out, nanoseconds_t diff);

// Appends a time as an ECHO carries it, "1520023934.918963997": nine fraction
// digits, a sign only when negative.
void append_posix_time(std::string& out, nanoseconds_t time);

// Appends "AT <server> <diff> <client> <location> <time>" (no newline) to `out`.
void append_at_line(std::string& out, std::string_view server, nanoseconds_t diff,
                    std::string_view client, std::string_view location, std::string_view time);

// Appends "ECHO <client> <location> <time> <receive_time> <origin>" (no newline).
void append_echo_line(std::string& out, std::string_view client, std::string_view location,
                      std::string_view time, nanoseconds_t receive_time, std::string_view origin);

// True for the whitespace bytes of protocol.md §2: space, tab, CR, LF, FF, VT.
constexpr bool is_field_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

}  // namespace herd
