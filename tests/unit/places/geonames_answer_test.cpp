// The legacy JSON of a GeoNames answer (protocol.md §4): its shape, its printing, and
// coordinates written as the gazetteer holds them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "geonames_rows.hpp"
#include "herd/places/geonames_answer.hpp"
#include "places_answer_json.hpp"

namespace herd {
namespace {

using nlohmann::json;

std::string degrees(std::int32_t value_e7) {
  std::string text;
  append_degrees_e7(text, value_e7);
  return text;
}

Gazetteer westwood_and_tokyo() {
  GeonamesAreaNames names;
  names.countries = {{"US", "United States"}, {"JP", "Japan"}};
  names.admin1 = {{"US.CA", "California"}, {"JP.40", "Tokyo"}};
  GazetteerBuilder builder(names, 2);
  const GeonamesRow westwood = test::westwood_row();  // coordinates nlohmann prints as they are
  builder.add(westwood);
  GeonamesRow tokyo = westwood;
  tokyo.id = 1850147;
  tokyo.name = "\xE6\x9D\xB1\xE4\xBA\xAC \"Tokyo\"";
  tokyo.latitude_e7 = 356895000;
  tokyo.longitude_e7 = 1396917100;
  tokyo.feature_code = "PPLC";
  tokyo.country_code = "JP";
  tokyo.admin1_code = "40";
  builder.add(tokyo);
  return std::move(builder).finish();
}

TEST(GeonamesAnswer, ResultsInTheLegacyShapeWithTheCredit) {
  const Gazetteer gazetteer = westwood_and_tokyo();
  // Westwood, then Tokyo.
  std::vector<GazetteerHit> hits;
  for (std::uint32_t place = 0; place < gazetteer.size(); ++place) {
    hits.push_back({gazetteer.population(place), 0, gazetteer.id(place), place});
  }
  std::sort(hits.begin(), hits.end(), [](const auto& a, const auto& b) { return a.id > b.id; });
  const PlacesAnswer answer = geonames_answer(gazetteer, hits);
  // Exactly what format_places_json prints for the same document.
  const json body = test::places_answer_json(answer);
  EXPECT_EQ(body, json::parse(R"({
    "html_attributions": ["Place data from <a href=\"https://www.geonames.org/\">GeoNames</a>, <a href=\"https://creativecommons.org/licenses/by/4.0/\">CC BY 4.0</a>"],
    "results": [
      {"geometry": {"location": {"lat": 34.0561, "lng": -118.43063}},
       "name": "Westwood", "place_id": "geonames:5409061",
       "types": ["neighborhood", "political"], "vicinity": "California, United States"},
      {"geometry": {"location": {"lat": 35.6895, "lng": 139.69171}},
       "name": "\u6771\u4eac \"Tokyo\"", "place_id": "geonames:1850147",
       "types": ["locality", "political"], "vicinity": "Tokyo, Japan"}
    ],
    "status": "OK"})"));
  EXPECT_EQ(answer.status, "OK");
  EXPECT_EQ(answer.results, 2u);
  EXPECT_THAT(answer.body,
              ::testing::HasSubstr("\"name\": \"\xE6\x9D\xB1\xE4\xBA\xAC \\\"Tokyo\\\"\""))
      << "UTF-8 as it is, quotes escaped";
}

TEST(GeonamesAnswer, NoHitsIsZeroResults) {
  const PlacesAnswer answer = geonames_answer(westwood_and_tokyo(), {});
  const json body = test::places_answer_json(answer);
  EXPECT_EQ(body.at("status"), "ZERO_RESULTS");
  EXPECT_EQ(body.at("results"), json::array());
  EXPECT_EQ(body.at("html_attributions"), json::array({geonames_attribution}));
  EXPECT_EQ(answer.status, "ZERO_RESULTS");
  EXPECT_EQ(answer.results, 0u);
}

TEST(GeonamesAnswer, DegreesPrintAsTheShortestDecimal) {
  EXPECT_EQ(degrees(340561000), "34.0561");
  EXPECT_EQ(degrees(-1184451270), "-118.445127");
  EXPECT_EQ(degrees(0), "0.0");
  EXPECT_EQ(degrees(900000000), "90.0");
  EXPECT_EQ(degrees(-900000000), "-90.0");
  EXPECT_EQ(degrees(1800000000), "180.0");
  EXPECT_EQ(degrees(-1800000000), "-180.0");
  EXPECT_EQ(degrees(1), "0.0000001");
  EXPECT_EQ(degrees(-1), "-0.0000001");
  EXPECT_EQ(degrees(460265898), "46.0265898") << "nlohmann prints 46.026589800000004";
  EXPECT_EQ(degrees(100000), "0.01");
}

TEST(GeonamesAnswer, DegreesReadBackAsTheSameNumber) {
  std::mt19937 random(7);
  std::uniform_int_distribution<std::int32_t> any(-1'800'000'000, 1'800'000'000);
  for (int i = 0; i < 100'000; ++i) {
    const std::int32_t value = any(random);
    const std::string text = degrees(value);
    EXPECT_EQ(json::parse(text).get<double>(), value / 1e7) << text;
  }
}

}  // namespace
}  // namespace herd
