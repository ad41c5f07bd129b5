// The gazetteer's distance, ranking and spatial index, checked against a plain
// scan of every place over random points and radii (as the Places conversion
// is checked against a document-based one), and at the edges: the
// antimeridian, the poles, radius 0 and 50.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "geonames_rows.hpp"
#include "herd/gazetteer/gazetteer.hpp"
#include "herd/gazetteer/geonames_types.hpp"

namespace herd {
namespace {

using ::testing::ElementsAre;

struct TestPlace {
  std::uint32_t id;
  std::int32_t latitude_e7;
  std::int32_t longitude_e7;
  std::uint64_t population;
};

std::int32_t e7(double degrees) { return static_cast<std::int32_t>(std::lround(degrees * 1e7)); }

Gazetteer build(const std::vector<TestPlace>& places, const GeonamesAreaNames& names = {}) {
  GazetteerBuilder builder(names, places.size());
  for (const auto& place : places) {
    GeonamesRow row;
    row.id = place.id;
    const std::string name = "place " + std::to_string(place.id);
    row.name = name;
    row.latitude_e7 = place.latitude_e7;
    row.longitude_e7 = place.longitude_e7;
    row.feature_class = "P";
    row.feature_code = "PPL";
    row.country_code = "FJ";
    row.population = place.population;
    builder.add(row);
  }
  return std::move(builder).finish();
}

// The reference: every place's distance, the ones within the radius, sorted
// by the rule, cut to the bound.
std::vector<GazetteerHit> scan_all(const std::vector<TestPlace>& places, double latitude,
                                   double longitude, double radius_km, std::size_t bound) {
  std::vector<GazetteerHit> hits;
  for (const auto& place : places) {
    const double distance =
        great_circle_km(latitude, longitude, place.latitude_e7 / 1e7, place.longitude_e7 / 1e7);
    if (distance <= radius_km) hits.push_back({place.population, distance, place.id, 0});
  }
  std::sort(hits.begin(), hits.end(), ranks_before);
  if (hits.size() > bound) hits.resize(bound);
  return hits;
}

// (id, distance) of each hit: what must agree between the index and the scan.
std::vector<std::pair<std::uint32_t, double>> found(const std::vector<GazetteerHit>& hits) {
  std::vector<std::pair<std::uint32_t, double>> pairs;
  for (const auto& hit : hits) pairs.emplace_back(hit.id, hit.distance_km);
  return pairs;
}

std::vector<std::uint32_t> ids(const Gazetteer& gazetteer, double latitude, double longitude,
                               double radius_km, std::size_t bound = 20) {
  std::vector<GazetteerHit> hits;
  gazetteer.nearby(latitude, longitude, radius_km, bound, hits);
  std::vector<std::uint32_t> result;
  for (const auto& hit : hits) {
    EXPECT_EQ(gazetteer.id(hit.place), hit.id);
    result.push_back(hit.id);
  }
  return result;
}

TEST(GreatCircle, KnownDistancesOnTheMeanSphere) {
  const double degree_km = earth_radius_km * std::numbers::pi / 180;  // 111.195 km
  EXPECT_NEAR(great_circle_km(0, 0, 1, 0), degree_km, 1e-9);
  EXPECT_NEAR(great_circle_km(0, 0, 0, 1), degree_km, 1e-9);
  EXPECT_NEAR(great_circle_km(60, 10, 60, 11), 55.597011, 1e-6);  // half as long at 60°
  EXPECT_NEAR(great_circle_km(0, 0, 0, 180), earth_radius_km * std::numbers::pi, 1e-6);
  EXPECT_NEAR(great_circle_km(90, 0, -90, 0), earth_radius_km * std::numbers::pi, 1e-6);
  // Across the antimeridian the short way, and at a pole longitude means nothing.
  EXPECT_NEAR(great_circle_km(-17, 179.95, -17, -179.95), 10.633638, 1e-6);
  EXPECT_NEAR(great_circle_km(90, 0, 90, 123), 0, 1e-9);
  EXPECT_EQ(great_circle_km(34.06893, -118.445127, 34.06893, -118.445127), 0);
  // Nashville to Los Angeles, Rosetta Code's haversine example (2887.2599506
  // km on a sphere of 6372.8 km), scaled to this sphere.
  EXPECT_NEAR(great_circle_km(36.12, -86.67, 33.94, -118.40),
              2887.2599506071106 * earth_radius_km / 6372.8, 1e-9);
}

TEST(Gazetteer, RanksByPopulationThenDistanceThenId) {
  const auto gazetteer = build({
      {1, e7(34.0), e7(-118.0), 100},
      {2, e7(34.01), e7(-118.0), 5000},
      {3, e7(34.02), e7(-118.0), 100},
      {4, e7(34.001), e7(-118.0), 100},
      {5, e7(34.02), e7(-118.0), 100},       // as far as 3, a larger id
      {6, e7(36.0), e7(-118.0), 1'000'000},  // too far
  });
  EXPECT_THAT(ids(gazetteer, 34.0, -118.0, 10), ElementsAre(2, 1, 4, 3, 5));
  EXPECT_THAT(ids(gazetteer, 34.0, -118.0, 10, 3), ElementsAre(2, 1, 4));
  EXPECT_THAT(ids(gazetteer, 34.0, -118.0, 10, 0), ElementsAre());
}

TEST(Gazetteer, RadiusZeroFindsOnlyPlacesAtThePointItself) {
  const auto gazetteer =
      build({{1, e7(34.06893), e7(-118.445127), 10}, {2, e7(34.06894), e7(-118.445127), 10}});
  EXPECT_THAT(ids(gazetteer, 34.06893, -118.445127, 0), ElementsAre(1));
  EXPECT_THAT(ids(gazetteer, 34.068935, -118.445127, 0), ElementsAre());
}

TEST(Gazetteer, RadiusIsInclusiveAtFiftyKilometres) {
  // Places at 49.99 and 50.01 km due north; 50 km is 0.449661° on this sphere.
  const double km = 180 / (earth_radius_km * std::numbers::pi);
  const auto gazetteer =
      build({{1, e7(10 + 49.99 * km), e7(20), 1}, {2, e7(10 + 50.01 * km), e7(20), 1}});
  EXPECT_THAT(ids(gazetteer, 10, 20, 50), ElementsAre(1));
  EXPECT_THAT(ids(gazetteer, 10, 20, 50.02), ElementsAre(1, 2));
}

TEST(Gazetteer, FindsPlacesAcrossTheAntimeridian) {
  // Fiji straddles 180°: Rabi island east of it, Taveuni west.
  const auto gazetteer = build({
      {1, e7(-16.5), e7(179.98), 10},
      {2, e7(-16.5), e7(-179.98), 20},
      {3, e7(-16.5), e7(180), 30},
      {4, e7(-16.5), e7(-180), 40},
      {5, e7(-16.5), e7(179.0), 50},  // 107 km west
  });
  EXPECT_THAT(ids(gazetteer, -16.5, 179.99, 10), ElementsAre(4, 3, 2, 1));
  EXPECT_THAT(ids(gazetteer, -16.5, -179.99, 10), ElementsAre(4, 3, 2, 1));
  EXPECT_THAT(ids(gazetteer, -16.5, 180, 5), ElementsAre(4, 3, 2, 1));
}

TEST(Gazetteer, FindsPlacesAcrossTheAntimeridianInChukotka) {
  // At 66°N a degree of longitude is 45 km: a 50 km circle spans 2.2°.
  const auto gazetteer = build({
      {1, e7(66.0), e7(179.5), 1},   // 22.6 km west of 180
      {2, e7(66.0), e7(-179.5), 2},  // 22.6 km east
      {3, e7(66.0), e7(-178.9), 3},  // 49.8 km east of 180, 95 km from 1
  });
  EXPECT_THAT(ids(gazetteer, 66.0, 179.5, 50), ElementsAre(2, 1));
  EXPECT_THAT(ids(gazetteer, 66.0, 180, 50), ElementsAre(3, 2, 1));
}

TEST(Gazetteer, FindsPlacesAroundThePoles) {
  const auto gazetteer = build({
      {1, e7(90), e7(0), 1},
      {2, e7(89.9), e7(0), 2},
      {3, e7(89.9), e7(180), 3},  // 22 km from 2, across the pole
      {4, e7(89.9), e7(-90), 4},
      {5, e7(89.6), e7(45), 5},  // 44.5 km from the pole
      {6, e7(89.5), e7(45), 6},  // 55.6 km
      {7, e7(-90), e7(0), 7},
      {8, e7(-89.99), e7(-170), 8},  // near the South Pole station
  });
  EXPECT_THAT(ids(gazetteer, 90, 0, 50), ElementsAre(5, 4, 3, 2, 1));
  EXPECT_THAT(ids(gazetteer, 89.9, 0, 25), ElementsAre(4, 3, 2, 1));
  EXPECT_THAT(ids(gazetteer, 89.95, 0, 20), ElementsAre(4, 3, 2, 1)) << "3 is across the pole";
  EXPECT_THAT(ids(gazetteer, 89.95, 90, 10), ElementsAre(1));
  EXPECT_THAT(ids(gazetteer, -90, 123, 2), ElementsAre(8, 7));
  EXPECT_THAT(ids(gazetteer, -89.995, 10, 2), ElementsAre(8, 7));
  EXPECT_THAT(ids(gazetteer, -89.995, 10, 1), ElementsAre(7));
}

TEST(Gazetteer, EmptyGazetteerAndEmptyCircleFindNothing) {
  EXPECT_THAT(ids(build({}), 0, 0, 50), ElementsAre());
  EXPECT_THAT(ids(build({{1, 0, 0, 1}}), 45, 45, 50), ElementsAre());
}

// Places scattered over the globe, half of them in clusters (cities and their
// neighbourhoods), some on the poles and the antimeridian, some sharing
// coordinates and populations, against queries anywhere, at places, and at
// the edges, with radii from 0 to 50 km.
TEST(Gazetteer, AgreesWithAScanOfEveryPlace) {
  std::mt19937_64 random(20240517);
  std::uniform_real_distribution<double> unit(0, 1);
  const auto latitude = [&] { return std::asin(2 * unit(random) - 1) * 180 / std::numbers::pi; };
  const auto longitude = [&] { return unit(random) * 360 - 180; };
  std::vector<std::pair<double, double>> centres;
  for (int i = 0; i < 40; ++i) centres.emplace_back(latitude(), longitude());
  centres.insert(centres.end(), {{89.9, 0}, {-89.9, 40}, {-17, 179.99}, {65, -179.9}, {0, 180}});

  std::vector<TestPlace> places;
  const auto clamp_e7 = [](double degrees, double limit) {
    return e7(std::clamp(degrees, -limit, limit));
  };
  const auto wrap = [](double degrees) {
    return degrees > 180 ? degrees - 360 : degrees < -180 ? degrees + 360 : degrees;
  };
  std::uint32_t next_id = 1;
  for (int i = 0; i < 30'000; ++i) {
    double lat = latitude(), lon = longitude();
    if (i % 2 == 0) {
      const auto& [centre_lat, centre_lon] =
          centres[static_cast<std::size_t>(i / 2) % centres.size()];
      lat = centre_lat + (unit(random) - 0.5) * 1.2;
      lon = wrap(centre_lon + (unit(random) - 0.5) * 1.2 /
                                  std::max(0.05, std::cos(centre_lat * std::numbers::pi / 180)));
    }
    // Few distinct populations, so ties are decided by distance and id.
    const std::uint64_t population = static_cast<std::uint64_t>(unit(random) * 8) * 1000;
    places.push_back({next_id++, clamp_e7(lat, 90), clamp_e7(lon, 180), population});
    if (i % 97 == 0)
      places.push_back(
          {next_id++, places.back().latitude_e7, places.back().longitude_e7, population});
  }
  for (const auto& [lat, lon] : std::vector<std::pair<double, double>>{
           {90, 0}, {-90, 0}, {0, 180}, {0, -180}, {89.99, 180}}) {
    places.push_back({next_id++, e7(lat), e7(lon), 500});
  }
  const Gazetteer gazetteer = build(places);
  ASSERT_EQ(gazetteer.size(), places.size());

  std::vector<GazetteerHit> hits;
  std::size_t found_some = 0;
  for (int i = 0; i < 6000; ++i) {
    double lat, lon;
    switch (i % 4) {
      case 0:
        lat = latitude();
        lon = longitude();
        break;
      case 1: {  // at or near a place
        const auto& place = places[static_cast<std::size_t>(unit(random) * places.size())];
        lat = place.latitude_e7 / 1e7;
        lon = place.longitude_e7 / 1e7;
        if (i % 8 == 1) {
          lat = std::clamp(lat + (unit(random) - 0.5) * 0.5, -90.0, 90.0);
          lon = wrap(lon + (unit(random) - 0.5) * 0.5);
        }
        break;
      }
      case 2: {
        const auto& [centre_lat, centre_lon] =
            centres[static_cast<std::size_t>(unit(random) * centres.size())];
        lat = std::clamp(centre_lat + (unit(random) - 0.5), -90.0, 90.0);
        lon = wrap(centre_lon + (unit(random) - 0.5));
        break;
      }
      default:  // the edges
        lat = (unit(random) < 0.5 ? 1 : -1) * (89.5 + unit(random) * 0.5);
        lon = unit(random) < 0.5 ? 180 - unit(random) * 0.5 : -180 + unit(random) * 0.5;
        if (i % 16 == 3) lat = (unit(random) - 0.5) * 120;
    }
    const double radius = i % 10 == 0 ? 0 : i % 10 == 1 ? 50 : unit(random) * 50;
    const std::size_t bound = 1 + static_cast<std::size_t>(unit(random) * 20);
    gazetteer.nearby(lat, lon, radius, bound, hits);
    const auto expected = scan_all(places, lat, lon, radius, bound);
    ASSERT_EQ(found(hits), found(expected))
        << "at " << lat << "," << lon << " radius " << radius << " bound " << bound;
    found_some += !hits.empty();
  }
  EXPECT_GT(found_some, 3000u) << "the queries must mostly find something to compare";
}

TEST(Gazetteer, KeepsEachPlacesFields) {
  GeonamesAreaNames names;
  names.countries = {{"US", "United States"}};
  names.admin1 = {{"US.CA", "California"}};
  GazetteerBuilder builder(names, 2);
  builder.add(test::westwood_row());
  const Gazetteer gazetteer = std::move(builder).finish();
  ASSERT_EQ(gazetteer.size(), 1u);
  EXPECT_EQ(gazetteer.id(0), 5409061u);
  EXPECT_EQ(gazetteer.name(0), "Westwood");
  EXPECT_EQ(gazetteer.latitude_e7(0), 340561000);
  EXPECT_EQ(gazetteer.longitude_e7(0), -1184306300);
  EXPECT_EQ(gazetteer.population(0), 2019u);
  EXPECT_THAT(gazetteer.types(0), ElementsAre("neighborhood", "political"));
  EXPECT_EQ(gazetteer.vicinity(0), "California, United States");
}

TEST(GeonamesVicinity, AdminAreaAndCountryByNameOrCode) {
  GeonamesAreaNames names;
  names.countries = {{"US", "United States"}, {"NO", "Norway"}};
  names.admin1 = {{"US.CA", "California"}};
  EXPECT_EQ(geonames_vicinity(names, "US", "CA"), "California, United States");
  EXPECT_EQ(geonames_vicinity(names, "NO", "30"), "Norway")
      << "an admin code missing from the table";
  EXPECT_EQ(geonames_vicinity(names, "US", "00"), "United States") << "00 is GeoNames' none";
  EXPECT_EQ(geonames_vicinity(names, "US", ""), "United States");
  EXPECT_EQ(geonames_vicinity(names, "XK", ""), "XK") << "a country missing from the table";
  EXPECT_EQ(geonames_vicinity(names, "", ""), "");
  EXPECT_EQ(geonames_vicinity({}, "US", "CA"), "CA, US") << "no names at all: the codes";
  EXPECT_EQ(geonames_vicinity({}, "US", "00"), "US");
}

TEST(GeonamesTypes, GoogleTypesByFeature) {
  EXPECT_THAT(geonames_types("P", "PPL"), ElementsAre("locality", "political"));
  EXPECT_THAT(geonames_types("P", "PPLC"), ElementsAre("locality", "political"));
  EXPECT_THAT(geonames_types("P", "PPLA2"), ElementsAre("locality", "political"));
  EXPECT_THAT(geonames_types("P", ""), ElementsAre("locality", "political"));
  EXPECT_THAT(geonames_types("P", "PPLX"), ElementsAre("neighborhood", "political"));
  EXPECT_THAT(geonames_types("S", "AIRP"), ElementsAre("airport", "point_of_interest"));
  EXPECT_THAT(geonames_types("S", "SCH"), ElementsAre("school", "point_of_interest"));
  EXPECT_THAT(geonames_types("S", "UNIV"), ElementsAre("university", "point_of_interest"));
  EXPECT_THAT(geonames_types("S", "CH"),
              ElementsAre("church", "place_of_worship", "point_of_interest"));
  EXPECT_THAT(geonames_types("A", "ADM1"), ElementsAre("administrative_area_level_1", "political"));
  EXPECT_THAT(geonames_types("A", "PCLI"), ElementsAre("country", "political"));
  EXPECT_THAT(geonames_types("T", "MT"), ElementsAre("natural_feature", "point_of_interest"));
  EXPECT_THAT(geonames_types("H", "LK"), ElementsAre("natural_feature", "point_of_interest"));
  EXPECT_THAT(geonames_types("L", "PRK"), ElementsAre("park", "point_of_interest"));
  EXPECT_THAT(geonames_types("S", "BLDG"), ElementsAre("point_of_interest"));
  EXPECT_THAT(geonames_types("", ""), ElementsAre("point_of_interest"));
}

TEST(GeonamesTypes, EveryListEndsInPoliticalOrPointOfInterest) {
  for (const char* feature_class : {"A", "H", "L", "P", "R", "S", "T", "U", "V", "", "Z"}) {
    for (const char* code :
         {"",      "PPL",  "PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH", "PCL",  "PCLI", "PCLD", "PCLF",
          "PCLIX", "PCLS", "ADM1", "ADM2", "ADM3", "ADM4", "ADM5",  "ADMD", "AIRP", "AIRF", "AIRB",
          "SCH",   "SCHC", "UNIV", "HSP",  "HSPC", "HSPD", "CH",    "CTRR", "MSQE", "SYG",  "TMPL",
          "SHRN",  "MUS",  "LIBR", "RSTN", "RSTP", "MTRO", "BUSTN", "HTL",  "HSTS", "REST", "BANK",
          "PO",    "PP",   "FIRE", "STDM", "ZOO",  "AMUS", "CMTY",  "MALL", "CSNO", "DIP",  "ADMF",
          "CTHSE", "PKLT", "GASF", "PRK",  "MT",   "STM",  "RD",    "XYZ"}) {
      const auto types = geonames_types(feature_class, code);
      ASSERT_FALSE(types.empty()) << feature_class << "." << code;
      EXPECT_TRUE(types.back() == "political" || types.back() == "point_of_interest")
          << feature_class << "." << code << " ends in " << types.back();
    }
  }
}

}  // namespace
}  // namespace herd
