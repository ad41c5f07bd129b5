#include "herd/places/json_scan.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "herd/common/utf8.hpp"

namespace herd {

namespace {

using Kind = JsonScanError::Kind;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

void append_utf8(std::string& out, std::uint32_t code_point) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

class Scanner {
 public:
  Scanner(std::string_view text, JsonEvents& events, int max_depth)
      : begin_(text.data()),
        at_(text.data()),
        end_(text.data() + text.size()),
        events_(events),
        max_depth_(static_cast<std::size_t>(max_depth)) {}

  std::optional<JsonScanError> run() {
    // A byte order mark may open the text, as nlohmann allows.
    if (end_ - at_ >= 3 && std::string_view(at_, 3) == "\xEF\xBB\xBF") at_ += 3;
    if (!value()) return error_;
    while (!open_.empty()) {
      skip_whitespace();
      const bool in_object = open_.back() == '{';
      if (at_ < end_ && *at_ == ',') {
        ++at_;
        if ((in_object && !key()) || !value()) return error_;
      } else if (at_ < end_ && *at_ == (in_object ? '}' : ']')) {
        ++at_;
        close();
      } else {
        unexpected_token();
        return error_;
      }
    }
    skip_whitespace();
    if (at_ != end_) unexpected_token();
    return error_;
  }

 private:
  void skip_whitespace() {
    while (at_ < end_ && (*at_ == ' ' || *at_ == '\n' || *at_ == '\r' || *at_ == '\t')) ++at_;
  }

  bool fail(Kind kind) {
    error_ = JsonScanError{kind, static_cast<std::size_t>(at_ - begin_) + 1};
    return false;
  }

  // At a token the grammar does not allow here. nlohmann reads a token
  // whole before it looks at the grammar, so there a string with bad UTF-8
  // is bad UTF-8 first; so it is here.
  bool unexpected_token() {
    const char* token = at_;
    std::string_view ignored;
    if (at_ < end_ && *at_ == '"' && !string(ignored) && error_->kind == Kind::invalid_utf8) {
      return false;
    }
    at_ = token;
    return fail(Kind::not_json);
  }

  // One value; an array or object is only opened here (and its first member
  // read), the loop in run() reads the rest.
  bool value() {
    skip_whitespace();
    if (at_ == end_) return fail(Kind::not_json);
    switch (*at_) {
      case '{':
      case '[': {
        if (open_.size() == max_depth_) return fail(Kind::too_deep);
        const char opening = *at_++;
        open_.push_back(opening);
        const char closing = opening == '{' ? '}' : ']';
        opening == '{' ? events_.start_object() : events_.start_array();
        skip_whitespace();
        if (at_ < end_ && *at_ == closing) {
          ++at_;
          close();
          return true;
        }
        if (opening == '{' && !key()) return false;
        return value();
      }
      case '"': {
        std::string_view text;
        if (!string(text)) return false;
        events_.string(text);
        return true;
      }
      case 't': return literal("true", [&] { events_.boolean(true); });
      case 'f': return literal("false", [&] { events_.boolean(false); });
      case 'n': return literal("null", [&] { events_.null(); });
      default: return number();
    }
  }

  void close() {
    open_.back() == '{' ? events_.end_object() : events_.end_array();
    open_.pop_back();
  }

  // A member's key and its colon.
  bool key() {
    skip_whitespace();
    std::string_view text;
    if (at_ == end_ || *at_ != '"') return fail(Kind::not_json);
    if (!string(text)) return false;
    events_.key(text);
    skip_whitespace();
    if (at_ == end_ || *at_ != ':') return unexpected_token();
    ++at_;
    return true;
  }

  template <typename Event>
  bool literal(std::string_view word, Event event) {
    for (const char c : word) {
      if (at_ == end_ || *at_ != c) return fail(Kind::not_json);
      ++at_;
    }
    event();
    return true;
  }

  // At the opening quote. A string without escapes is viewed in place.
  bool string(std::string_view& text) {
    const char* start = ++at_;
    bool decoded = false;
    while (true) {
      if (at_ == end_) return fail(Kind::not_json);
      const auto byte = static_cast<unsigned char>(*at_);
      if (byte == '"') break;
      if (byte < 0x20) return fail(Kind::not_json);  // control characters must be escaped
      if (byte >= 0x80) {
        const std::size_t length = utf8_sequence(reinterpret_cast<const unsigned char*>(at_),
                                                 reinterpret_cast<const unsigned char*>(end_));
        if (length == 0) return fail(Kind::invalid_utf8);
        if (decoded) scratch_.append(at_, length);
        at_ += length;
        continue;
      }
      if (byte == '\\') {
        if (!decoded) {
          scratch_.assign(start, at_);
          decoded = true;
        }
        if (!escape()) return false;
        continue;
      }
      if (decoded) scratch_.push_back(*at_);
      ++at_;
    }
    text = decoded ? std::string_view(scratch_) : std::string_view(start, at_ - start);
    ++at_;  // the closing quote
    return true;
  }

  // At a backslash: appends what it stands for to scratch_.
  bool escape() {
    ++at_;
    if (at_ == end_) return fail(Kind::not_json);
    const char c = *at_++;
    switch (c) {
      case '"': scratch_.push_back('"'); return true;
      case '\\': scratch_.push_back('\\'); return true;
      case '/': scratch_.push_back('/'); return true;
      case 'b': scratch_.push_back('\b'); return true;
      case 'f': scratch_.push_back('\f'); return true;
      case 'n': scratch_.push_back('\n'); return true;
      case 'r': scratch_.push_back('\r'); return true;
      case 't': scratch_.push_back('\t'); return true;
      case 'u': break;
      default: --at_; return fail(Kind::not_json);
    }
    std::uint32_t code_point = 0;
    if (!hex4(code_point)) return false;
    if (code_point >= 0xDC00 && code_point <= 0xDFFF) return fail(Kind::not_json);
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      // A high surrogate counts only with the low one after it.
      std::uint32_t low = 0;
      if (end_ - at_ < 2 || at_[0] != '\\' || at_[1] != 'u') return fail(Kind::not_json);
      at_ += 2;
      if (!hex4(low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return fail(Kind::not_json);
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(scratch_, code_point);
    return true;
  }

  bool hex4(std::uint32_t& value) {
    for (int i = 0; i < 4; ++i, ++at_) {
      if (at_ == end_) return fail(Kind::not_json);
      const char c = *at_;
      const int digit = is_digit(c)              ? c - '0'
                        : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                        : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                 : -1;
      if (digit < 0) return fail(Kind::not_json);
      value = value * 16 + static_cast<std::uint32_t>(digit);
    }
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number() {
    const char* start = at_;
    const bool negative = at_ < end_ && *at_ == '-';
    if (negative) ++at_;
    if (at_ == end_ || !is_digit(*at_)) return fail(Kind::not_json);
    if (*at_++ != '0') {
      while (at_ < end_ && is_digit(*at_)) ++at_;
    }
    bool integer = true;
    if (at_ < end_ && *at_ == '.') {
      integer = false;
      if (++at_ == end_ || !is_digit(*at_)) return fail(Kind::not_json);
      while (at_ < end_ && is_digit(*at_)) ++at_;
    }
    if (at_ < end_ && (*at_ == 'e' || *at_ == 'E')) {
      integer = false;
      if (++at_ < end_ && (*at_ == '+' || *at_ == '-')) ++at_;
      if (at_ == end_ || !is_digit(*at_)) return fail(Kind::not_json);
      while (at_ < end_ && is_digit(*at_)) ++at_;
    }
    // Integers that fit stay integers, as nlohmann keeps them.
    if (integer && negative) {
      std::int64_t value = 0;
      if (std::from_chars(start, at_, value).ec == std::errc()) {
        events_.number_integer(value);
        return true;
      }
    } else if (integer) {
      std::uint64_t value = 0;
      if (std::from_chars(start, at_, value).ec == std::errc()) {
        events_.number_unsigned(value);
        return true;
      }
    }
    // strtod needs the terminating NUL. (The member never sets a locale, so
    // its decimal point is '.'.)
    number_text_.assign(start, at_);
    const double value = std::strtod(number_text_.c_str(), nullptr);
    if (!std::isfinite(value)) {
      at_ = start;
      return fail(Kind::number_out_of_range);
    }
    events_.number_float(value);
    return true;
  }

  const char* const begin_;
  const char* at_;
  const char* const end_;
  JsonEvents& events_;
  const std::size_t max_depth_;
  std::vector<char> open_;  // '{' or '[' for each array and object being read
  std::string scratch_;     // a string with escapes, decoded
  std::string number_text_;
  std::optional<JsonScanError> error_;
};

}  // namespace

std::optional<JsonScanError> scan_json(std::string_view text, JsonEvents& events, int max_depth) {
  return Scanner(text, events, max_depth).run();
}

}  // namespace herd
