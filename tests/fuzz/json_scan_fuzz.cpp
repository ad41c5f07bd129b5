// libFuzzer target: scan_json on arbitrary bytes must never crash and must
// agree with nlohmann's parser (verdict and values), and the Places
// conversion built on it must always answer with JSON printed as
// format_places_json prints it.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "fuzz_check.hpp"
#include "herd/places/json_scan.hpp"
#include "herd/places/places.hpp"
#include "herd/places/places_new_conversion.hpp"
#include "json_document_builder.hpp"

using herd::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // Deeper than any input can nest, so the verdicts compare with nlohmann's.
  herd::test::JsonDocumentBuilder builder;
  const auto error = herd::scan_json(text, builder, static_cast<int>(size) + 1);
  try {
    const auto parsed = nlohmann::json::parse(text);
    if (text.find('\0') != std::string_view::npos) {
      // nlohmann stops at a NUL outside strings, as at the end of the text;
      // scan_json refuses it. Compare what nlohmann did read.
      check(error.has_value(), "scan_json accepts a NUL outside strings");
      herd::test::JsonDocumentBuilder before_nul;
      const auto prefix = text.substr(0, text.find('\0'));
      check(!herd::scan_json(prefix, before_nul, static_cast<int>(size) + 1),
            "nlohmann accepts what scan_json rejects before a NUL");
      check(before_nul.root.dump() == parsed.dump(), "scan_json reads other values");
      return 0;
    }
    check(!error, "nlohmann accepts what scan_json rejects");
    check(builder.root.dump() == parsed.dump(), "scan_json reads other values");
  } catch (const nlohmann::json::exception&) {
    check(error.has_value(), "scan_json accepts what nlohmann rejects");
  }

  const auto converted = herd::convert_new_places(text, 5);
  const auto answer = nlohmann::json::parse(converted.answer.body);
  check(converted.answer.body == herd::format_places_json(answer),
        "the answer is not printed as usual");
  check(converted.answer.status == answer.value("status", ""),
        "the status differs from the answer's");
  return 0;
}
