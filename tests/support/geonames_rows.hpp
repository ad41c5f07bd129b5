// GeoNames rows for tests, written as the dumps write them (19 columns).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "herd/gazetteer/geonames_row.hpp"

namespace herd::test {

struct GeonamesRowText {
  std::string id = "5409061";
  std::string name = "Westwood";
  std::string ascii_name = "Westwood";
  std::string alternate_names = "Vestvud,Westwood Village";
  std::string latitude = "34.0561";
  std::string longitude = "-118.43063";
  std::string feature_class = "P";
  std::string feature_code = "PPLX";
  std::string country = "US";
  std::string cc2;
  std::string admin1 = "CA";
  std::string admin2 = "037";
  std::string admin3;
  std::string admin4;
  std::string population = "2019";
  std::string elevation = "107";
  std::string dem = "108";
  std::string timezone = "America/Los_Angeles";
  std::string modified = "2020-03-17";

  // The row's line, without "\n".
  std::string line() const {
    std::string text;
    for (const std::string* column :
         {&id, &name, &ascii_name, &alternate_names, &latitude, &longitude, &feature_class,
          &feature_code, &country, &cc2, &admin1, &admin2, &admin3, &admin4, &population,
          &elevation, &dem, &timezone, &modified}) {
      if (!text.empty() || column != &id) text += '\t';
      text += *column;
    }
    return text;
  }
};

// The row GeonamesRowText writes by default, as parse_geonames_row reads it.
inline GeonamesRow westwood_row() {
  GeonamesRow row;
  row.id = 5409061;
  row.name = "Westwood";
  row.latitude_e7 = 340561000;
  row.longitude_e7 = -1184306300;
  row.feature_class = "P";
  row.feature_code = "PPLX";
  row.country_code = "US";
  row.admin1_code = "CA";
  row.population = 2019;
  return row;
}

// A populated place (class P, code PPL) at the given coordinates.
inline GeonamesRowText geonames_place(std::uint32_t id, std::string_view name,
                                      std::string_view latitude, std::string_view longitude,
                                      std::uint64_t population) {
  GeonamesRowText row;
  row.id = std::to_string(id);
  row.name = row.ascii_name = name;
  row.alternate_names.clear();
  row.latitude = latitude;
  row.longitude = longitude;
  row.feature_code = "PPL";
  row.population = std::to_string(population);
  return row;
}

}  // namespace herd::test
