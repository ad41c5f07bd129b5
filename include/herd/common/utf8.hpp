// Checking UTF-8 as RFC 3629 defines it (and as nlohmann's parser checks it).
#pragma once

#include <cstddef>
#include <string_view>

namespace herd {

// The length of the well-formed UTF-8 sequence at `p` (whose first byte is
// 0x80 or more), or 0. The ranges are RFC 3629's: no overlong forms, no
// surrogates, nothing past U+10FFFF.
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end);

// Whether all of `text` is well-formed UTF-8.
bool valid_utf8(std::string_view text);

// Well-formed UTF-8 without control characters (C0 and DEL): text that may
// go into a reply or a log line as it is.
bool printable_utf8(std::string_view text);

}  // namespace herd
