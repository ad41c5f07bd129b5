// libFuzzer target: parse_command on arbitrary bytes must never crash, and what it
// accepts must satisfy protocol.md §2–6 and survive a format → parse round trip.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "herd/protocol/protocol.hpp"
#include "protocol_text.hpp"

namespace {

using namespace herd;
using fuzz::check;
using fuzz::is_view_into;
using test::diff_text;
using test::time_text;

bool is_field(std::string_view field, std::string_view line) {
  if (field.empty()) return false;
  for (const char c : field) {
    if (is_field_space(c)) return false;
  }
  // Fields are views into the line, never copies.
  return is_view_into(field, line);
}

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The shape of append_diff / append_posix_time: [sign] D+ '.' DDDDDDDDD.
void check_seconds_shape(std::string_view text, bool sign_required) {
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    text.remove_prefix(1);
  } else {
    check(!sign_required, "diff has a sign");
  }
  const std::size_t dot = text.find('.');
  check(dot != std::string_view::npos, "seconds have a dot");
  check(is_digits(text.substr(0, dot)), "whole seconds are digits");
  check(text.size() - dot - 1 == 9, "exactly nine fraction digits");
  check(is_digits(text.substr(dot + 1)), "fraction is digits");
}

void check_location(std::string_view location, const Coordinates& coordinates) {
  check(coordinates.latitude >= -90 && coordinates.latitude <= 90, "latitude in range");
  check(coordinates.longitude >= -180 && coordinates.longitude <= 180, "longitude in range");
  const auto reparsed = parse_location(location);
  check(reparsed.has_value(), "accepted location parses alone");
  check(reparsed->latitude == coordinates.latitude && reparsed->longitude == coordinates.longitude,
        "location parses the same alone");
}

void check_time(std::string_view text, nanoseconds_t time) {
  check(time >= 0, "times are non-negative");
  check(parse_posix_time(text) == time, "time parses the same alone");
  // Re-formatting keeps the value (digits past the ninth were truncated).
  check(parse_posix_time(time_text(time)) == time, "posix time round-trips");
}

void check_iamat(const Iamat& iamat, std::string_view line) {
  check(is_field(iamat.client, line), "IAMAT client is a field");
  check(is_field(iamat.location, line), "IAMAT location is a field");
  check(is_field(iamat.time, line), "IAMAT time is a field");
  check_location(iamat.location, iamat.coordinates);
  check_time(iamat.time, iamat.client_time);

  std::string at_line;
  const nanoseconds_t diff = 1'000'000'000 - iamat.client_time;
  append_at_line(at_line, "Goloman", diff, iamat.client, iamat.location, iamat.time);
  const std::string expected = "AT Goloman " + diff_text(diff) + " " + std::string(iamat.client) +
                               " " + std::string(iamat.location) + " " + std::string(iamat.time);
  check(at_line == expected, "AT line is its fields joined by single spaces");
}

void check_whatsat(const Whatsat& whatsat, std::string_view line) {
  check(is_field(whatsat.client, line), "WHATSAT client is a field");
  check(whatsat.radius_km >= 0 && whatsat.radius_km <= max_radius_km, "radius in range");
  check(whatsat.bound >= 0 && whatsat.bound <= max_bound, "bound in range");
}

void check_echo(const Echo& echo, std::string_view line) {
  check(is_field(echo.client, line), "ECHO client is a field");
  check(is_field(echo.location, line), "ECHO location is a field");
  check(is_field(echo.time, line), "ECHO time is a field");
  check(is_field(echo.origin, line), "ECHO origin is a field");
  check(parse_location(echo.location).has_value(), "ECHO location is valid");
  check_time(echo.time, echo.client_time);
  check(echo.receive_time >= 0, "ECHO receive time is non-negative");

  // What a member relays must parse back to the same update.
  std::string relayed;
  append_echo_line(relayed, echo.client, echo.location, echo.time, echo.receive_time, echo.origin);
  const Command command = parse_command(relayed);
  const auto* again = std::get_if<Echo>(&command);
  check(again != nullptr, "relayed ECHO parses");
  check(again->client == echo.client && again->location == echo.location &&
            again->time == echo.time && again->client_time == echo.client_time &&
            again->receive_time == echo.receive_time && again->origin == echo.origin,
        "relayed ECHO is the same update");
}

void check_command(std::string_view line) {
  const Command command = parse_command(line);
  if (std::holds_alternative<Blank>(command)) {
    for (const char c : line) check(is_field_space(c), "Blank line is all whitespace");
  } else if (const auto* iamat = std::get_if<Iamat>(&command)) {
    check_iamat(*iamat, line);
  } else if (const auto* whatsat = std::get_if<Whatsat>(&command)) {
    check_whatsat(*whatsat, line);
  } else if (const auto* echo = std::get_if<Echo>(&command)) {
    check_echo(*echo, line);
  } else if (const auto* hello = std::get_if<Hello>(&command)) {
    check(is_field(hello->member, line), "HELLO member is a field");
  } else {
    check(!std::get<Invalid>(command).reason.empty(), "Invalid has a reason");
  }
}

// Reads the first eight bytes as a time, so the fuzzer also explores the formatters'
// full range, INT64_MIN included.
void check_formatters(const std::uint8_t* data, std::size_t size) {
  if (size < sizeof(nanoseconds_t)) return;
  nanoseconds_t value = 0;
  std::memcpy(&value, data, sizeof value);

  const std::string diff = diff_text(value);
  check_seconds_shape(diff, true);
  check(diff[0] == (value < 0 ? '-' : '+'), "diff sign matches value");
  const auto magnitude = parse_posix_time(std::string_view(diff).substr(1));
  if (value == std::numeric_limits<nanoseconds_t>::min()) {
    check(!magnitude.has_value(), "|INT64_MIN| does not fit");
  } else {
    check(magnitude == (value < 0 ? -value : value), "diff round-trips");
  }

  const std::string time = time_text(value);
  check_seconds_shape(time, false);
  check((time[0] == '-') == (value < 0), "posix time signed only when negative");
  if (value >= 0) check(parse_posix_time(time) == value, "posix time round-trips");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_command(std::string_view(reinterpret_cast<const char*>(data), size));
  check_formatters(data, size);
  return 0;
}
