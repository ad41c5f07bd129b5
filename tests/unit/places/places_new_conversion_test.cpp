// The one-pass conversion of Places API (New) bodies, checked against a plain
// document-based conversion over thousands of generated bodies: odd types,
// repeated keys, escapes and numbers of every kind.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "herd/places/places.hpp"
#include "herd/places/places_backends.hpp"
#include "herd/places/places_new_conversion.hpp"

namespace herd {
namespace {

using nlohmann::json;

// --- the reference: parse into a document, convert, print ---

const json* field(const json& object, const char* name) {
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

const json* string_field(const json& object, const char* name) {
  const json* value = field(object, name);
  return value != nullptr && value->is_string() ? value : nullptr;
}

std::optional<json> reference_result(const json& place) {
  if (!place.is_object()) return std::nullopt;
  const json* id = string_field(place, "id");
  const json* display_name = field(place, "displayName");
  const json* name = display_name != nullptr && display_name->is_object()
                         ? string_field(*display_name, "text")
                         : nullptr;
  const json* location = field(place, "location");
  if (id == nullptr || name == nullptr || location == nullptr || !location->is_object()) {
    return std::nullopt;
  }
  const json* latitude = field(*location, "latitude");
  const json* longitude = field(*location, "longitude");
  if (latitude == nullptr || !latitude->is_number() || longitude == nullptr ||
      !longitude->is_number()) {
    return std::nullopt;
  }
  json result = {{"place_id", *id},
                 {"name", *name},
                 {"geometry", {{"location", {{"lat", *latitude}, {"lng", *longitude}}}}},
                 {"types", json::array()}};
  if (const json* types = field(place, "types"); types != nullptr && types->is_array()) {
    for (const auto& type : *types) {
      if (type.is_string()) result["types"].push_back(type);
    }
  }
  const json* vicinity = string_field(place, "shortFormattedAddress");
  if (vicinity == nullptr) vicinity = string_field(place, "formattedAddress");
  if (vicinity != nullptr) result["vicinity"] = *vicinity;
  if (const json* rating = field(place, "rating"); rating != nullptr && rating->is_number()) {
    result["rating"] = *rating;
  }
  if (const json* count = field(place, "userRatingCount");
      count != nullptr && count->is_number_integer()) {
    result["user_ratings_total"] = *count;
  }
  if (const json* status = string_field(place, "businessStatus")) {
    result["business_status"] = *status;
  }
  return result;
}

struct Reference {
  json answer;
  std::size_t places = 0;
  std::size_t skipped = 0;
};

Reference reference(const std::string& text, int bound) {
  const json body = json::parse(text);
  if (!body.is_object()) return {places_unparsable("the body is not a JSON object")};
  const json* places = field(body, "places");
  if (places == nullptr) return {places_zero_results()};
  if (!places->is_array()) return {places_unparsable("\"places\" is not an array")};
  Reference expected;
  expected.places = places->size();
  json results = json::array();
  for (const auto& place : *places) {
    if (results.size() == static_cast<std::size_t>(bound)) break;
    if (auto result = reference_result(place)) {
      results.push_back(std::move(*result));
    } else {
      ++expected.skipped;
    }
  }
  if (!results.empty()) {
    expected.answer = {
        {"html_attributions", json::array()}, {"results", results}, {"status", "OK"}};
  } else if (places->empty()) {
    expected.answer = places_zero_results();
  } else {
    expected.answer = places_unparsable(
        fmt::format("none of the {} places has an id, name and location", places->size()));
  }
  return expected;
}

void expect_as_reference(const std::string& body, int bound) {
  const Reference expected = reference(body, bound);
  const NewPlacesConversion converted = convert_new_places(body, bound);
  ASSERT_EQ(converted.answer.body, format_places_json(expected.answer)) << body;
  EXPECT_EQ(converted.answer.status, expected.answer["status"]) << body;
  EXPECT_EQ(converted.answer.results, expected.answer["results"].size()) << body;
  if (converted.answer.status == "OK") {
    EXPECT_EQ(converted.places, expected.places) << body;
    EXPECT_EQ(converted.skipped, expected.skipped) << body;
  }
}

// --- generated bodies, written as text so that keys can repeat ---

class BodyMaker {
 public:
  explicit BodyMaker(unsigned seed) : random_(seed) {}

  std::string body() {
    switch (pick(12)) {
      case 0: return scalar();
      case 1: return "[" + place() + "]";
      default: break;
    }
    std::vector<std::pair<std::string, std::string>> members;
    if (pick(8) != 0) members.emplace_back("places", places());
    if (pick(4) == 0) members.emplace_back("nextPageToken", scalar());
    if (pick(10) == 0) members.emplace_back("places", places());  // repeated: the last counts
    if (pick(10) == 0) members.emplace_back("other", "{\"places\": [" + place() + "]}");
    return object(members);
  }

 private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
  }

  static std::string object(const std::vector<std::pair<std::string, std::string>>& members) {
    std::string text = "{";
    for (const auto& [key, value] : members) {
      if (text.size() > 1) text += ", ";
      text += json(key).dump() + ": " + value;
    }
    return text + "}";
  }

  // An array of up to `most - 1` elements, each made by `element`.
  template <typename Element>
  std::string array(std::size_t most, Element element) {
    std::string text = "[";
    const std::size_t count = pick(most);
    for (std::size_t i = 0; i < count; ++i) {
      if (i != 0) text += ",";
      text += element();
    }
    return text + "]";
  }

  std::string places() {
    if (pick(15) == 0) return scalar();
    return array(7, [&] { return pick(10) == 0 ? scalar() : place(); });
  }

  std::string place() {
    std::vector<std::pair<std::string, std::string>> members;
    const auto maybe = [&](const char* key, std::string value) {
      if (pick(6) != 0) members.emplace_back(key, std::move(value));
    };
    maybe("id", pick(8) == 0 ? scalar() : string());
    maybe("displayName", pick(8) == 0 ? scalar()
                                      : object({{"text", pick(8) == 0 ? scalar() : string()},
                                                {"languageCode", string()}}));
    maybe("location", pick(8) == 0 ? scalar() : location());
    maybe("types", pick(6) == 0 ? scalar() : array_of_mixed());
    maybe("shortFormattedAddress", pick(4) == 0 ? scalar() : string());
    maybe("formattedAddress", pick(4) == 0 ? scalar() : string());
    maybe("rating", scalar());
    maybe("userRatingCount", scalar());
    maybe("businessStatus", pick(4) == 0 ? scalar() : string());
    if (pick(3) == 0) members.emplace_back("photos", array_of_mixed());
    // Repeat a few keys: a later value replaces an earlier one, whatever it was.
    for (std::size_t repeats = pick(3); repeats > 0 && !members.empty(); --repeats) {
      auto repeated = members[pick(members.size())];
      repeated.second = pick(2) == 0 ? scalar() : repeated.second;
      members.insert(members.begin() + static_cast<std::ptrdiff_t>(pick(members.size() + 1)),
                     repeated);
    }
    return object(members);
  }

  std::string location() {
    std::vector<std::pair<std::string, std::string>> members;
    if (pick(8) != 0) members.emplace_back("latitude", number());
    if (pick(8) != 0) members.emplace_back("longitude", pick(8) == 0 ? scalar() : number());
    if (pick(8) == 0) members.emplace_back("latitude", scalar());
    return object(members);
  }

  std::string array_of_mixed() {
    return array(5, [&] { return pick(3) == 0 ? scalar() : string(); });
  }

  std::string string() {
    static const char* const texts[] = {"",
                                        "Café Ñandú 東京",
                                        "quote \" inside",
                                        "back\\slash",
                                        "tab\there",
                                        "line\nbreak",
                                        "\x01\x1f controls \b\f\r",
                                        "delete \x7f",
                                        "emoji 😀",
                                        "/slash/",
                                        "ChIJN1t_tDeuEmsRUsoyG83frY4",
                                        "restaurant",
                                        "OPERATIONAL"};
    return json(texts[pick(std::size(texts))]).dump();
  }

  std::string number() {
    switch (pick(8)) {
      case 0: return "34.06893";
      case 1: return "-118.445127";
      case 2: return "4.0";
      case 3: return "12";
      case 4: return "-7";
      case 5: return "18446744073709551615";
      case 6: return "1.5e-7";
      default: return json(std::uniform_real_distribution<double>(-1e6, 1e6)(random_)).dump();
    }
  }

  std::string scalar() {
    switch (pick(7)) {
      case 0: return "null";
      case 1: return "true";
      case 2: return string();
      case 3: return "{}";
      case 4: return "[]";
      case 5: return "{\"text\": \"nested\", \"latitude\": 1}";
      default: return number();
    }
  }

  std::mt19937 random_;
};

TEST(PlacesNewConversion, MatchesTheDocumentConversionOnGeneratedBodies) {
  BodyMaker maker(20261126);
  for (int i = 0; i < 3000; ++i) {
    const int bound = static_cast<int>(i % 6) + 1;
    expect_as_reference(maker.body(), bound);
    if (testing::Test::HasFatalFailure()) return;
  }
}

TEST(PlacesNewConversion, RepeatedKeysKeepTheLastValue) {
  const std::string place =
      R"({"id": 5, "displayName": {"text": "A"}, "location": {"latitude": 1, "longitude": 2},)"
      R"( "id": "x", "rating": 4, "rating": "high", "types": ["a"], "types": 3})";
  const auto converted = convert_new_places(R"({"places": [)" + place + "]}", 5);
  const auto body = json::parse(converted.answer.body);
  ASSERT_EQ(converted.answer.status, "OK") << converted.answer.body;
  EXPECT_EQ(body["results"][0]["place_id"], "x");
  EXPECT_FALSE(body["results"][0].contains("rating"));
  EXPECT_EQ(body["results"][0]["types"], json::array());

  EXPECT_EQ(convert_new_places(R"({"places": [)" + place + R"(], "places": []})", 5).answer.status,
            "ZERO_RESULTS");
}

TEST(PlacesNewConversion, CountsEveryPlaceButLooksOnlyUpToTheBound) {
  const std::string good =
      R"({"id": "g", "displayName": {"text": "G"}, "location": {"latitude": 1, "longitude": 2}})";
  const auto converted =
      convert_new_places(R"({"places": [1, )" + good + "," + good + R"(, "x", 2]})", 1);
  EXPECT_EQ(converted.answer.results, 1u);
  EXPECT_EQ(converted.places, 5u);
  EXPECT_EQ(converted.skipped, 1u);  // the 1 before the first good place
}

TEST(PlacesNewConversion, BadTextSaysWhereAndWhy) {
  const struct {
    std::string body;
    std::string_view message;
  } cases[] = {
      {R"({"places": [)", "not JSON at byte 13"},
      {"{\"places\": [{\"id\": \"caf\xE9\"}]}", "invalid UTF-8 at byte"},
      {R"({"places": [{"rating": 1e400}]})", "number out of range at byte 24"},
      {R"({"places": []} trailing)", "not JSON at byte"},
      {std::string(65, '[') + std::string(65, ']'), "nested deeper than 64 levels"},
  };
  for (const auto& bad : cases) {
    const auto converted = convert_new_places(bad.body, 5);
    EXPECT_EQ(converted.answer.status, "UNKNOWN_ERROR") << bad.body;
    EXPECT_NE(converted.answer.body.find(bad.message), std::string::npos) << converted.answer.body;
  }
}

}  // namespace
}  // namespace herd
