// libFuzzer target: the UTF-8 checks of utf8.hpp (byte ranges, RFC 3629) must
// agree with the plain decoder of tests/support/utf8_reference.hpp (code
// point values), on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "herd/common/utf8.hpp"
#include "utf8_reference.hpp"

using herd::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = herd::valid_utf8(text);
  check(valid == herd::test::valid_utf8(text), "valid_utf8 agrees with the reference");

  bool control = false;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    control = control || byte < 0x20 || byte == 0x7f;
  }
  check(herd::printable_utf8(text) == (valid && !control),
        "printable_utf8 is valid_utf8 without C0 and DEL");

  if (size > 0 && data[0] >= 0x80) {
    check(herd::utf8_sequence(data, data + size) == herd::test::utf8_length(text),
          "utf8_sequence agrees with the reference");
  }
  return 0;
}
