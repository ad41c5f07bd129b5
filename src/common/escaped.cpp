#include "herd/common/escaped.hpp"

#include <cstdint>
#include <cstring>

#include "herd/common/utf8.hpp"

namespace herd {

namespace {

bool plain_ascii(unsigned char byte) { return byte >= 0x20 && byte < 0x7f && byte != '\\'; }

}  // namespace

std::size_t next_to_escape(std::string_view text, std::size_t from) {
  // Bit tricks on 64-bit words: a word has a zero byte when (w - 0x01..)
  // borrows into a byte's top bit that w itself lacks, and a byte below 0x20
  // when (w - 0x20..) does. XOR turns "equals 0x7f" into "is zero". A byte's
  // own top bit means it is not ASCII, and UTF-8 is checked byte by byte.
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t tops = 0x8080808080808080;
  const auto below = [&](std::uint64_t word, std::uint64_t limit) {
    return ((word - ones * limit) & ~word & tops) != 0;
  };
  std::size_t i = from;
  while (i < text.size()) {
    for (; i + 8 <= text.size(); i += 8) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & tops) != 0 || below(word, 0x20) || below(word ^ (ones * 0x7f), 1) ||
          below(word ^ (ones * '\\'), 1)) {
        break;
      }
    }
    while (i < text.size() && plain_ascii(static_cast<unsigned char>(text[i]))) ++i;
    if (i == text.size()) break;
    if (static_cast<unsigned char>(text[i]) < 0x80) return i;  // control, DEL or backslash
    const auto* byte = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t length = utf8_sequence(byte + i, byte + text.size());
    if (length == 0) return i;
    i += length;
  }
  return text.size();
}

}  // namespace herd
