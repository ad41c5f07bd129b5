#include "herd/gazetteer/geonames_row.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>

#include "herd/common/utf8.hpp"

namespace herd {

namespace {

enum Column : std::size_t {
  id_column = 0,
  name_column = 1,
  latitude_column = 4,
  longitude_column = 5,
  class_column = 6,
  code_column = 7,
  country_column = 8,
  admin1_column = 10,
  population_column = 14,
};

constexpr std::size_t max_feature_code = 10;
constexpr std::size_t max_admin_code = 20;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_alnum(char c) { return is_digit(c) || is_upper(c) || (c >= 'a' && c <= 'z'); }

bool all_of(std::string_view text, bool (*test)(char)) {
  return std::all_of(text.begin(), text.end(), test);
}

// Splits on tabs; false when the count is not exactly `columns.size()`.
bool split_columns(std::string_view line, std::array<std::string_view, geonames_columns>& columns) {
  std::size_t count = 0;
  const char* at = line.data();
  const char* const end = at + line.size();
  for (;;) {
    const auto* tab =
        static_cast<const char*>(std::memchr(at, '\t', static_cast<std::size_t>(end - at)));
    const char* column_end = tab == nullptr ? end : tab;
    if (count == columns.size()) return false;
    columns[count++] = std::string_view(at, static_cast<std::size_t>(column_end - at));
    if (tab == nullptr) break;
    at = tab + 1;
  }
  return count == columns.size();
}

template <typename Integer>
std::optional<Integer> parse_unsigned(std::string_view text) {
  if (text.empty() || !all_of(text, is_digit)) return std::nullopt;
  Integer value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int32_t> parse_degrees_e7(std::string_view text, int limit_degrees) {
  constexpr int decimals = 7;
  bool negative = false;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 3 || !all_of(whole, is_digit) ||
      !all_of(fraction, is_digit)) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  for (const char digit : whole) value = value * 10 + (digit - '0');
  for (int i = 0; i < decimals; ++i) {
    value = value * 10 + (static_cast<std::size_t>(i) < fraction.size() ? fraction[i] - '0' : 0);
  }
  if (fraction.size() > decimals && fraction[decimals] >= '5') ++value;
  if (value > std::int64_t{limit_degrees} * 10'000'000) return std::nullopt;
  return static_cast<std::int32_t>(negative ? -value : value);
}

std::optional<GeonamesRow> parse_geonames_row(std::string_view line, std::string_view& why) {
  std::array<std::string_view, geonames_columns> columns;
  if (!split_columns(line, columns)) {
    why = "not 19 tab-separated columns";
    return std::nullopt;
  }
  GeonamesRow row;
  const auto id = parse_unsigned<std::uint32_t>(columns[id_column]);
  if (!id || *id == 0) {
    why = "geonameid is not a whole number from 1 to 4294967295";
    return std::nullopt;
  }
  row.id = *id;
  row.name = columns[name_column];
  if (row.name.empty() || row.name.size() > geonames_max_name_bytes) {
    why = "name is empty or longer than 1024 bytes";
    return std::nullopt;
  }
  if (!printable_utf8(row.name)) {
    why = "name is not printable UTF-8";
    return std::nullopt;
  }
  const auto latitude = parse_degrees_e7(columns[latitude_column], 90);
  if (!latitude) {
    why = "latitude is not a number of degrees from -90 to 90";
    return std::nullopt;
  }
  const auto longitude = parse_degrees_e7(columns[longitude_column], 180);
  if (!longitude) {
    why = "longitude is not a number of degrees from -180 to 180";
    return std::nullopt;
  }
  row.latitude_e7 = *latitude;
  row.longitude_e7 = *longitude;
  row.feature_class = columns[class_column];
  row.feature_code = columns[code_column];
  if (row.feature_class.size() > 1 || !all_of(row.feature_class, is_upper) ||
      row.feature_code.size() > max_feature_code || !all_of(row.feature_code, is_alnum)) {
    why = "feature class or code is malformed";
    return std::nullopt;
  }
  row.country_code = columns[country_column];
  if (!(row.country_code.empty() ||
        (row.country_code.size() == 2 && all_of(row.country_code, is_upper)))) {
    why = "country code is not two capital letters";
    return std::nullopt;
  }
  row.admin1_code = columns[admin1_column];
  if (row.admin1_code.size() > max_admin_code || !all_of(row.admin1_code, is_alnum)) {
    why = "admin1 code is malformed";
    return std::nullopt;
  }
  if (!columns[population_column].empty()) {
    const auto population = parse_unsigned<std::uint64_t>(columns[population_column]);
    if (!population) {
      why = "population is not a whole number";
      return std::nullopt;
    }
    row.population = *population;
  }
  return row;
}

}  // namespace herd
