// A strict JSON reader (RFC 8259, UTF-8 checked as nlohmann checks it) that
// hands each value to a handler as it reads it, with no document built.
// It exists for the one body read on every WHATSAT: nlohmann's reader takes
// each character through an input adapter and copies every string, and cost
// a member about 15% of its CPU per WHATSAT. This one reads strings without
// escapes in place, and numbers as nlohmann does (integers that fit stay
// integers, the rest go through strtod), so values come out the same. One
// difference: nlohmann takes a NUL byte outside strings for the end of the
// text; here it is an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace herd {

class JsonEvents {
 public:
  virtual ~JsonEvents() = default;
  virtual void null() = 0;
  virtual void boolean(bool value) = 0;
  virtual void number_integer(std::int64_t value) = 0;    // negative integers that fit
  virtual void number_unsigned(std::uint64_t value) = 0;  // other integers that fit
  virtual void number_float(double value) = 0;            // the rest
  // A string's or key's text, escapes decoded; valid only during the call.
  virtual void string(std::string_view text) = 0;
  virtual void key(std::string_view text) = 0;
  virtual void start_object() = 0;
  virtual void end_object() = 0;
  virtual void start_array() = 0;
  virtual void end_array() = 0;
};

struct JsonScanError {
  enum class Kind : std::uint8_t { not_json, invalid_utf8, number_out_of_range, too_deep };
  Kind kind;
  // 1-based position of the first byte that cannot be read on, or the text's
  // size + 1 when the text stops too soon.
  std::size_t byte;
};

// Reads `text` as one JSON value, calling `events` along the way; stops at
// the first error (events already called stay called). Arrays and objects
// may nest `max_depth` deep.
std::optional<JsonScanError> scan_json(std::string_view text, JsonEvents& events, int max_depth);

}  // namespace herd
