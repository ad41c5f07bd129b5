// libFuzzer target: parse_geonames_row on arbitrary bytes must never crash, and
// every row it accepts must hold what geonames_row.hpp promises, since the
// gazetteer stores it and WHATSAT answers print it unchecked.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "herd/common/utf8.hpp"
#include "herd/gazetteer/geonames_row.hpp"

namespace {

using namespace herd;
using fuzz::check;
using fuzz::is_view_into;

bool all_of(std::string_view text, bool (*test)(char)) {
  for (const char c : text) {
    if (!test(c)) return false;
  }
  return true;
}
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_upper(c) || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

void check_row(const GeonamesRow& row, std::string_view line) {
  check(row.id >= 1, "geonameid is at least 1");
  check(is_view_into(row.name, line), "name is a view into the line");
  check(!row.name.empty() && row.name.size() <= geonames_max_name_bytes, "name length");
  check(printable_utf8(row.name), "name is printable UTF-8");
  check(std::abs(static_cast<std::int64_t>(row.latitude_e7)) <= 900'000'000, "latitude range");
  check(std::abs(static_cast<std::int64_t>(row.longitude_e7)) <= 1'800'000'000, "longitude range");
  check(row.feature_class.size() <= 1 && all_of(row.feature_class, is_upper), "feature class");
  check(all_of(row.feature_code, is_alnum), "feature code");
  check(row.country_code.empty() ||
            (row.country_code.size() == 2 && all_of(row.country_code, is_upper)),
        "country code");
  check(all_of(row.admin1_code, is_alnum), "admin1 code");
}

// parse_degrees_e7 against strtod: equal up to the rounding of the last digit.
void check_degrees(std::string_view text) {
  const auto value = parse_degrees_e7(text, 180);
  if (!value) return;
  check(std::abs(static_cast<std::int64_t>(*value)) <= 1'800'000'000, "degrees within the limit");
  const std::string copy(text);
  const double expected = std::strtod(copy.c_str(), nullptr) * 1e7;
  check(std::abs(expected - static_cast<double>(*value)) <= 1.0,
        "degrees read as strtod reads them");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  std::string_view why;
  if (const auto row = parse_geonames_row(line, why)) {
    check_row(*row, line);
  } else {
    check(!why.empty(), "a rejected row says why");
  }
  check_degrees(line);
  return 0;
}
