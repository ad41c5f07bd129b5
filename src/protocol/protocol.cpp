#include "herd/protocol/protocol.hpp"

#include <array>
#include <charconv>
#include <cstddef>
#include <limits>
#include <system_error>

namespace herd {

namespace {

constexpr std::uint64_t nanoseconds_per_second = 1'000'000'000;
constexpr std::size_t fraction_digits = 9;

// --- Splitting --------------------------------------------------------------

// The longest command (ECHO) has 6 fields; one slot more tells "too many" apart
// from "exactly right" without scanning the rest of a long line.
constexpr std::size_t max_fields = 6;

struct Fields {
  std::array<std::string_view, max_fields + 1> field;
  std::size_t count = 0;  // saturates at max_fields + 1
};

Fields split_fields(std::string_view line) {
  Fields fields;
  const char* p = line.data();
  const char* const end = p + line.size();
  while (fields.count < fields.field.size()) {
    while (p != end && is_field_space(*p)) ++p;
    if (p == end) break;
    const char* const start = p;
    while (p != end && !is_field_space(*p)) ++p;
    fields.field[fields.count++] = std::string_view(start, static_cast<std::size_t>(p - start));
  }
  return fields;
}

// --- Decimal numbers --------------------------------------------------------

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// "D+[.D+]" split into its digit runs; `valid` is false for anything else.
struct Decimal {
  std::string_view whole;
  std::string_view fraction;  // empty when there is no dot
  bool valid = false;
};

std::size_t count_digits(std::string_view text, std::size_t from) {
  std::size_t at = from;
  while (at < text.size() && is_digit(text[at])) ++at;
  return at - from;
}

// Reads "D+[.D+]" at the start of `text`; `consumed` tells where it stopped so a
// location can continue with the longitude.
Decimal read_decimal(std::string_view text, std::size_t& consumed) {
  Decimal decimal;
  const std::size_t whole = count_digits(text, 0);
  if (whole == 0) return decimal;
  decimal.whole = text.substr(0, whole);
  consumed = whole;
  if (consumed < text.size() && text[consumed] == '.') {
    const std::size_t fraction = count_digits(text, consumed + 1);
    if (fraction == 0) return decimal;
    decimal.fraction = text.substr(consumed + 1, fraction);
    consumed += 1 + fraction;
  }
  decimal.valid = true;
  return decimal;
}

Decimal whole_decimal(std::string_view text) {
  std::size_t consumed = 0;
  Decimal decimal = read_decimal(text, consumed);
  if (consumed != text.size()) decimal.valid = false;
  return decimal;
}

std::string_view without_leading_zeros(std::string_view digits) {
  const std::size_t first = digits.find_first_not_of('0');
  return first == std::string_view::npos ? std::string_view{} : digits.substr(first);
}

// Compares the exact decimal value with an integer limit, so "+90.0000000000000001"
// is rejected even though it rounds to 90.0 as a double.
bool decimal_at_most(const Decimal& decimal, unsigned limit) {
  const std::string_view whole = without_leading_zeros(decimal.whole);
  if (whole.size() > 3) return false;  // limits here are below 1000
  unsigned value = 0;
  for (const char c : whole) value = value * 10 + static_cast<unsigned>(c - '0');
  if (value != limit) return value < limit;
  return decimal.fraction.find_first_not_of('0') == std::string_view::npos;
}

// Only called on text already checked against the grammar, so from_chars never
// sees '+', an exponent, "inf" or a hex form (and from_chars ignores the locale).
double to_double(std::string_view text) {
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::fixed);
  return value;
}

// --- Fields -----------------------------------------------------------------

enum class FieldError { none, malformed, out_of_range, latitude_range, longitude_range };

struct Angle {
  double value = 0;
  FieldError error = FieldError::malformed;
};

// "[+-]D+[.D+]" at the start of `text`, advancing `consumed` past it.
Angle read_angle(std::string_view text, std::size_t& consumed, unsigned limit) {
  Angle angle;
  if (text.empty() || (text[0] != '+' && text[0] != '-')) return angle;
  std::size_t digits = 0;
  const Decimal decimal = read_decimal(text.substr(1), digits);
  if (!decimal.valid) return angle;
  consumed = 1 + digits;
  angle.error = decimal_at_most(decimal, limit) ? FieldError::none : FieldError::out_of_range;
  // from_chars takes '-' but not '+'.
  const std::size_t number_start = text[0] == '-' ? 0 : 1;
  angle.value = to_double(text.substr(number_start, consumed - number_start));
  return angle;
}

struct Location {
  Coordinates coordinates;
  FieldError error = FieldError::malformed;
};

Location read_location(std::string_view text) {
  Location location;
  std::size_t latitude_size = 0;
  const Angle latitude = read_angle(text, latitude_size, 90);
  if (latitude.error == FieldError::malformed) return location;
  const std::string_view rest = text.substr(latitude_size);
  std::size_t longitude_size = 0;
  const Angle longitude = read_angle(rest, longitude_size, 180);
  if (longitude.error == FieldError::malformed || longitude_size != rest.size()) {
    return location;
  }
  if (latitude.error != FieldError::none) {
    location.error = FieldError::latitude_range;
  } else if (longitude.error != FieldError::none) {
    location.error = FieldError::longitude_range;
  } else {
    location.error = FieldError::none;
    location.coordinates = {latitude.value, longitude.value};
  }
  return location;
}

struct Time {
  nanoseconds_t value = 0;
  FieldError error = FieldError::malformed;
};

// The first nine fraction digits as nanoseconds; later digits are truncated.
std::uint64_t fraction_nanoseconds(std::string_view fraction) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < fraction_digits; ++i) {
    value = value * 10 + (i < fraction.size() ? static_cast<std::uint64_t>(fraction[i] - '0') : 0);
  }
  return value;
}

Time read_time(std::string_view text) {
  Time time;
  const Decimal decimal = whole_decimal(text);
  if (!decimal.valid) return time;
  time.error = FieldError::out_of_range;
  std::uint64_t seconds = 0;
  const auto parsed =
      std::from_chars(decimal.whole.data(), decimal.whole.data() + decimal.whole.size(), seconds);
  if (parsed.ec != std::errc{}) return time;  // more seconds than 64 bits hold
  constexpr auto max_nanoseconds =
      static_cast<std::uint64_t>(std::numeric_limits<nanoseconds_t>::max());
  if (seconds > max_nanoseconds / nanoseconds_per_second) return time;
  // Cannot wrap: seconds * 1e9 <= INT64_MAX, plus under 1e9, stays below UINT64_MAX.
  const std::uint64_t total =
      seconds * nanoseconds_per_second + fraction_nanoseconds(decimal.fraction);
  if (total > max_nanoseconds) return time;
  time.value = static_cast<nanoseconds_t>(total);
  time.error = FieldError::none;
  return time;
}

struct Radius {
  double value = 0;
  FieldError error = FieldError::malformed;
};

Radius read_radius(std::string_view text) {
  Radius radius;
  const Decimal decimal = whole_decimal(text);
  if (!decimal.valid) return radius;
  if (!decimal_at_most(decimal, static_cast<unsigned>(max_radius_km))) {
    radius.error = FieldError::out_of_range;
    return radius;
  }
  radius.value = to_double(text);
  radius.error = FieldError::none;
  return radius;
}

struct Bound {
  int value = 0;
  FieldError error = FieldError::malformed;
};

Bound read_bound(std::string_view text) {
  Bound bound;
  if (text.empty() || count_digits(text, 0) != text.size()) return bound;
  // from_chars reports a huge digit string as out of range instead of wrapping.
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), bound.value);
  bound.error = (parsed.ec == std::errc{} && bound.value <= max_bound) ? FieldError::none
                                                                       : FieldError::out_of_range;
  return bound;
}

// --- Commands ---------------------------------------------------------------

// Reasons for the log, per command, so each names where the line went wrong.
struct LocationTimeReasons {
  std::string_view bad_location;
  std::string_view latitude_range;
  std::string_view longitude_range;
  std::string_view bad_time;
  std::string_view time_range;
};

constexpr LocationTimeReasons iamat_reasons{
    "IAMAT: malformed location", "IAMAT: latitude out of range", "IAMAT: longitude out of range",
    "IAMAT: malformed time", "IAMAT: time out of range"};

constexpr LocationTimeReasons echo_reasons{
    "ECHO: malformed location", "ECHO: latitude out of range", "ECHO: longitude out of range",
    "ECHO: malformed client time", "ECHO: client time out of range"};

// The reason a location is rejected, or an empty view if it is fine.
std::string_view location_problem(const Location& location, const LocationTimeReasons& reasons) {
  switch (location.error) {
    case FieldError::none: return {};
    case FieldError::latitude_range: return reasons.latitude_range;
    case FieldError::longitude_range: return reasons.longitude_range;
    default: return reasons.bad_location;
  }
}

std::string_view time_problem(const Time& time, std::string_view malformed,
                              std::string_view out_of_range) {
  switch (time.error) {
    case FieldError::none: return {};
    case FieldError::malformed: return malformed;
    default: return out_of_range;
  }
}

Command parse_iamat(const Fields& fields) {
  if (fields.count != 4) return Invalid{"IAMAT takes 3 arguments"};
  const Location location = read_location(fields.field[2]);
  if (const auto reason = location_problem(location, iamat_reasons); !reason.empty()) {
    return Invalid{reason};
  }
  const Time time = read_time(fields.field[3]);
  if (const auto reason = time_problem(time, iamat_reasons.bad_time, iamat_reasons.time_range);
      !reason.empty()) {
    return Invalid{reason};
  }
  return Iamat{fields.field[1], fields.field[2], fields.field[3], location.coordinates, time.value};
}

Command parse_whatsat(const Fields& fields) {
  if (fields.count != 4) return Invalid{"WHATSAT takes 3 arguments"};
  const Radius radius = read_radius(fields.field[2]);
  if (radius.error == FieldError::malformed) return Invalid{"WHATSAT: malformed radius"};
  if (radius.error != FieldError::none) return Invalid{"WHATSAT: radius above 50 km"};
  const Bound bound = read_bound(fields.field[3]);
  if (bound.error == FieldError::malformed) return Invalid{"WHATSAT: malformed bound"};
  if (bound.error != FieldError::none) return Invalid{"WHATSAT: bound above 20"};
  return Whatsat{fields.field[1], radius.value, bound.value};
}

Command parse_echo(const Fields& fields) {
  if (fields.count != 6) return Invalid{"ECHO takes 5 arguments"};
  const Location location = read_location(fields.field[2]);
  if (const auto reason = location_problem(location, echo_reasons); !reason.empty()) {
    return Invalid{reason};
  }
  const Time client_time = read_time(fields.field[3]);
  if (const auto reason = time_problem(client_time, echo_reasons.bad_time, echo_reasons.time_range);
      !reason.empty()) {
    return Invalid{reason};
  }
  const Time receive_time = read_time(fields.field[4]);
  if (const auto reason = time_problem(receive_time, "ECHO: malformed receive time",
                                       "ECHO: receive time out of range");
      !reason.empty()) {
    return Invalid{reason};
  }
  return Echo{fields.field[1],   fields.field[2],    fields.field[3],
              client_time.value, receive_time.value, fields.field[5]};
}

Command parse_hello(const Fields& fields) {
  if (fields.count != 2) return Invalid{"HELLO takes 1 argument"};
  return Hello{fields.field[1]};
}

// --- Formatting -------------------------------------------------------------

// Sign, up to 20 digits of seconds, a dot and nine digits.
constexpr std::size_t max_nanoseconds_chars = 1 + 20 + 1 + fraction_digits;

enum class Sign { always, negative_only };

// Writes `value` as seconds with exactly nine fraction digits and returns the end.
// Works on the unsigned magnitude so INT64_MIN needs no special case.
char* write_seconds(char* out, nanoseconds_t value, Sign sign) {
  const bool negative = value < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
  if (negative) {
    *out++ = '-';
  } else if (sign == Sign::always) {
    *out++ = '+';
  }
  out = std::to_chars(out, out + 20, magnitude / nanoseconds_per_second).ptr;
  *out++ = '.';
  std::uint64_t fraction = magnitude % nanoseconds_per_second;
  for (std::size_t i = fraction_digits; i-- > 0;) {
    out[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  return out + fraction_digits;
}

void append_seconds(std::string& out, nanoseconds_t value, Sign sign) {
  std::array<char, max_nanoseconds_chars> buffer;
  out.append(buffer.data(), write_seconds(buffer.data(), value, sign));
}

}  // namespace

Command parse_command(std::string_view line) {
  const Fields fields = split_fields(line);
  if (fields.count == 0) return Blank{};
  const std::string_view word = fields.field[0];
  if (word == "IAMAT") return parse_iamat(fields);
  if (word == "WHATSAT") return parse_whatsat(fields);
  if (word == "ECHO") return parse_echo(fields);
  if (word == "HELLO") return parse_hello(fields);
  return Invalid{"unknown command"};
}

std::string_view future_time_problem(const Iamat& iamat, nanoseconds_t now,
                                     nanoseconds_t max_skew) {
  if (too_far_ahead(iamat.client_time, now, max_skew)) {
    return "IAMAT: time too far ahead of this member's clock";
  }
  return {};
}

std::string_view future_time_problem(const Echo& echo, nanoseconds_t now, nanoseconds_t max_skew) {
  if (too_far_ahead(echo.client_time, now, max_skew)) {
    return "ECHO: client time too far ahead of this member's clock";
  }
  if (too_far_ahead(echo.receive_time, now, max_skew)) {
    return "ECHO: receive time too far ahead of this member's clock";
  }
  return {};
}

std::optional<Coordinates> parse_location(std::string_view text) {
  const Location location = read_location(text);
  if (location.error != FieldError::none) return std::nullopt;
  return location.coordinates;
}

std::optional<nanoseconds_t> parse_posix_time(std::string_view text) {
  const Time time = read_time(text);
  if (time.error != FieldError::none) return std::nullopt;
  return time.value;
}

void append_diff(std::string& out, nanoseconds_t diff) { append_seconds(out, diff, Sign::always); }

void append_posix_time(std::string& out, nanoseconds_t time) {
  append_seconds(out, time, Sign::negative_only);
}

void append_at_line(std::string& out, std::string_view server, nanoseconds_t diff,
                    std::string_view client, std::string_view location, std::string_view time) {
  constexpr std::string_view word = "AT ";
  out.reserve(out.size() + word.size() + server.size() + max_nanoseconds_chars + client.size() +
              location.size() + time.size() + 4);
  out.append(word);
  out.append(server);
  out.push_back(' ');
  append_diff(out, diff);
  out.push_back(' ');
  out.append(client);
  out.push_back(' ');
  out.append(location);
  out.push_back(' ');
  out.append(time);
}

void append_echo_line(std::string& out, std::string_view client, std::string_view location,
                      std::string_view time, nanoseconds_t receive_time, std::string_view origin) {
  constexpr std::string_view word = "ECHO ";
  out.reserve(out.size() + word.size() + client.size() + location.size() + time.size() +
              max_nanoseconds_chars + origin.size() + 4);
  out.append(word);
  out.append(client);
  out.push_back(' ');
  out.append(location);
  out.push_back(' ');
  out.append(time);
  out.push_back(' ');
  append_posix_time(out, receive_time);
  out.push_back(' ');
  out.append(origin);
}

}  // namespace herd
