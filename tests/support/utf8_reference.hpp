// UTF-8 validity checked the plain way, as a reference for the log's escaping
// (protocol.md §8) and to check that a log file is valid UTF-8.
#pragma once

#include <cstddef>
#include <string_view>

namespace herd::test {

// The length of the well-formed UTF-8 sequence `text` starts with (1 for
// ASCII), or 0 if there is none.
std::size_t utf8_length(std::string_view text);

bool valid_utf8(std::string_view text);

}  // namespace herd::test
