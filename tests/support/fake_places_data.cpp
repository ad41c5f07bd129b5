#include "fake_places_data.hpp"

#include <fmt/format.h>
#include <array>
#include <string>

namespace herd::test {

namespace {

using nlohmann::json;

struct CannedPlace {
  const char* name;
  const char* type;
  const char* street;
};

// First the non-ASCII names, so a bound of 1 or 3 still shows them.
constexpr std::array<CannedPlace, canned_place_count> canned_places = {{
    {"Café Ñandú 東京", "cafe", "1100 Glendon Ave"},
    {"Müller's Bäckerei", "bakery", "1001 Westwood Blvd"},
    {"Трапезная «Москва»", "restaurant", "10889 Wellworth Ave"},
    {"Pauley Pavilion", "stadium", "301 Westwood Plaza"},
    {"Royce Hall", "university", "340 Royce Dr"},
    {"Powell Library", "library", "10740 Dickson Ct"},
    {"Ackerman Union", "store", "308 Westwood Plaza"},
    {"Fowler Museum", "museum", "308 Charles E Young Dr N"},
    {"Mathias Botanical Garden", "park", "707 Tiverton Dr"},
    {"Bruin Bear Statue", "tourist_attraction", "Bruin Walk"},
    {"Diddy Riese", "bakery", "926 Broxton Ave"},
    {"Regency Village Theatre", "movie_theater", "961 Broxton Ave"},
    {"Hammer Museum", "museum", "10899 Wilshire Blvd"},
    {"Westwood Village Memorial Park", "cemetery", "1218 Glendon Ave"},
    {"In-N-Out Burger", "restaurant", "922 Gayley Ave"},
    {"Janss Steps", "tourist_attraction", "Janss Steps"},
    {"Kerckhoff Hall", "point_of_interest", "308 Westwood Plaza"},
    {"Murphy Sculpture Garden", "park", "245 Charles E Young Dr E"},
    {"Sunset Canyon Recreation Center", "gym", "111 Bellagio Dr"},
    {"Drake Stadium", "stadium", "Charles E Young Dr W"},
}};

constexpr double center_latitude = 34.068930;
constexpr double center_longitude = -118.445127;

json make_new_places() {
  json places = json::array();
  for (std::size_t i = 0; i < canned_places.size(); ++i) {
    const auto& canned = canned_places[i];
    json place = {
        {"id", fmt::format("ChIJfake{:02}", i)},
        {"displayName", {{"text", canned.name}, {"languageCode", "en"}}},
        {"location",
         {{"latitude", center_latitude + 0.001 * static_cast<double>(i)},
          {"longitude", center_longitude - 0.001 * static_cast<double>(i)}}},
        {"types", {canned.type, "point_of_interest", "establishment"}},
        {"formattedAddress", fmt::format("{}, Los Angeles, CA 90024, USA", canned.street)},
        {"shortFormattedAddress", fmt::format("{}, Los Angeles", canned.street)},
        {"businessStatus", "OPERATIONAL"}};
    if (i + 1 < canned_places.size()) {
      place["rating"] = 3.5 + 0.1 * static_cast<double>(i % 15);
      place["userRatingCount"] = 100 + 7 * i;
    }
    places.push_back(std::move(place));
  }
  return places;
}

json make_legacy_results() {
  json results = json::array();
  for (const auto& place : canned_new_places()) {
    json result = {
        {"place_id", place["id"]},
        {"name", place["displayName"]["text"]},
        {"geometry",
         {{"location",
           {{"lat", place["location"]["latitude"]}, {"lng", place["location"]["longitude"]}}}}},
        {"types", place["types"]},
        {"vicinity", place["shortFormattedAddress"]},
        {"business_status", place["businessStatus"]},
        {"reference", place["id"]}};
    if (place.contains("rating")) {
      result["rating"] = place["rating"];
      result["user_ratings_total"] = place["userRatingCount"];
    }
    results.push_back(std::move(result));
  }
  return results;
}

}  // namespace

const json& canned_new_places() {
  static const json places = make_new_places();
  return places;
}

const json& canned_legacy_results() {
  static const json results = make_legacy_results();
  return results;
}

}  // namespace herd::test
