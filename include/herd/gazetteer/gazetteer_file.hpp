// Reading a GeoNames dump (geonames_row.hpp) from disk into a Gazetteer, with
// the names of countries and admin areas from GeoNames' own files beside it:
// admin1CodesASCII.txt ("US.CA<TAB>California<TAB>...") and countryInfo.txt
// ("#" comments, then ISO code in column 1 and the name in column 5). Either
// may be missing; vicinities then show codes (geonames_vicinity).
#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "herd/gazetteer/gazetteer.hpp"

namespace herd {

constexpr std::string_view geonames_admin1_file = "admin1CodesASCII.txt";
constexpr std::string_view geonames_country_file = "countryInfo.txt";

struct GazetteerLoad {
  std::optional<Gazetteer> gazetteer;  // nullopt when the file could not be used
  std::string error;                   // then: why, naming the file
  std::size_t rows = 0;                // lines that were not empty
  std::size_t skipped = 0;             // rows that did not parse
  std::size_t first_skipped_line = 0;  // 1-based
  std::string_view first_skipped_why;
  std::size_t admin1_names = 0;
  std::size_t country_names = 0;
};

// Reads every row of `file`; rows that do not parse are counted and skipped.
// A file with no usable row is an error. Gives up, with an error, soon after
// `stop` is set. The file is mapped while it is read and unmapped after.
GazetteerLoad load_gazetteer(const std::filesystem::path& file, const std::atomic<bool>& stop);

// The names in the two files in `directory` (absent files give empty tables).
GeonamesAreaNames read_area_names(const std::filesystem::path& directory);

// Quickly, for start-up: `file` can be opened and its first line is a GeoNames
// row. Otherwise false, and `error` says why, naming the file.
bool check_gazetteer_file(const std::filesystem::path& file, std::string& error);

}  // namespace herd
