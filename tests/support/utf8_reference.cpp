#include "utf8_reference.hpp"

namespace herd::test {

// Decodes the code point from the lead byte's pattern, then rules out overlong
// forms, surrogates and code points past U+10FFFF by value (rather than by byte
// ranges, as the code under test does).
std::size_t utf8_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  if (text.empty()) return 0;
  if (byte(0) < 0x80) return 1;
  std::size_t length = 0;
  char32_t point = 0;
  if ((byte(0) & 0xe0) == 0xc0) {
    length = 2;
    point = byte(0) & 0x1f;
  } else if ((byte(0) & 0xf0) == 0xe0) {
    length = 3;
    point = byte(0) & 0x0f;
  } else if ((byte(0) & 0xf8) == 0xf0) {
    length = 4;
    point = byte(0) & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    point = (point << 6) | (byte(i) & 0x3f);
  }
  const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (point < smallest[length] || point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) {
    return 0;
  }
  return length;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_length(text.substr(i));
    if (length == 0) return false;
    i += length;
  }
  return true;
}

}  // namespace herd::test
