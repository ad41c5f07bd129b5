// One row of a GeoNames gazetteer dump (geonames.org, CC BY 4.0): the
// "geoname" table as tab-separated text, 19 columns a row (geonameid, name,
// asciiname, alternatenames, latitude, longitude, feature class, feature
// code, country code, cc2, admin1..4 codes, population, elevation, dem,
// timezone, modification date). cities500.txt and allCountries.txt share it.
// Only what a WHATSAT answer uses is read; the other columns are counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace herd {

constexpr std::size_t geonames_columns = 19;
// GeoNames allows 200 characters, up to 800 bytes of UTF-8; past this a name
// is garbage, not a place.
constexpr std::size_t geonames_max_name_bytes = 1024;

struct GeonamesRow {
  std::uint32_t id = 0;            // geonameid, at least 1
  std::string_view name;           // UTF-8, no control characters
  std::int32_t latitude_e7 = 0;    // degrees × 10^7, in [-90°, 90°]
  std::int32_t longitude_e7 = 0;   // degrees × 10^7, in [-180°, 180°]
  std::string_view feature_class;  // one letter (A, H, L, P, R, S, T, U, V), or empty
  std::string_view feature_code;   // e.g. PPL, PPLX, AIRP; or empty
  std::string_view country_code;   // ISO 3166-1 alpha-2, or empty
  std::string_view admin1_code;    // letters and digits, or empty
  std::uint64_t population = 0;    // an empty column counts as 0
};

// Parses one line, without its "\n" (a "\r" before it ends the last column,
// which is not read). A row that cannot be used gives nullopt, and `why` says
// which column is wrong.
std::optional<GeonamesRow> parse_geonames_row(std::string_view line, std::string_view& why);

// "[+-]D+[.D*]" degrees as an integer of 10^-7 degrees, rounded half away from
// zero past the seventh decimal; nullopt when malformed or beyond ±limit.
std::optional<std::int32_t> parse_degrees_e7(std::string_view text, int limit_degrees);

}  // namespace herd
