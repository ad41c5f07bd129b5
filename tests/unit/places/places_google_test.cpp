// The Places API (New) backend against the fake over real HTTPS: the request it
// sends, the legacy answer it makes, and every failure's legacy status (protocol.md §7).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "fake_places.hpp"
#include "fake_places_data.hpp"
#include "google_backend_test.hpp"
#include "herd/places/places.hpp"
#include "herd/places/places_backends.hpp"
#include "test_certificates.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::FakeMode;

constexpr std::string_view key = "google-test-key-123";
constexpr PlacesQuery ucla = test::ucla_query;

class PlacesGoogle : public test::GoogleBackendTest {
 protected:
  PlacesGoogle() : GoogleBackendTest(make_google_places, key) {}
};

TEST_F(PlacesGoogle, PostsSearchNearbyWithKeyFieldMaskAndRadiusInMetres) {
  const auto answer = ask({34.068930, -118.445127, 10, 5});
  EXPECT_EQ(answer["status"], "OK");
  const auto request = fake_.last_request();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->target, "/v1/places:searchNearby");
  EXPECT_EQ(request->header("Host"), fmt::format("localhost:{}", fake_.port()));
  EXPECT_EQ(request->header("Content-Type"), "application/json");
  EXPECT_EQ(request->header("X-Goog-Api-Key"), key);
  EXPECT_EQ(request->header("X-Goog-FieldMask"),
            "places.id,places.displayName,places.location,places.types,"
            "places.shortFormattedAddress,places.formattedAddress,places.rating,"
            "places.userRatingCount,places.businessStatus");
  const auto body = json::parse(request->body);
  const auto& circle = body["locationRestriction"]["circle"];
  EXPECT_EQ(circle["radius"], 10000);
  EXPECT_EQ(circle["center"]["latitude"], 34.068930);
  EXPECT_EQ(circle["center"]["longitude"], -118.445127);
  EXPECT_EQ(body["maxResultCount"], 5);
  EXPECT_EQ(body.size(), 2u);
}

TEST_F(PlacesGoogle, ConvertsPlacesToLegacyResults) {
  const auto answer = ask({34.068930, -118.445127, 1.5, 20});
  EXPECT_EQ(answer["status"], "OK");
  EXPECT_EQ(answer["html_attributions"], json::array());
  ASSERT_EQ(answer["results"].size(), test::canned_place_count);
  const auto& place = test::canned_new_places()[1];
  EXPECT_EQ(
      answer["results"][1],
      json({{"place_id", place["id"]},
            {"name", place["displayName"]["text"]},
            {"geometry",
             {{"location",
               {{"lat", place["location"]["latitude"]}, {"lng", place["location"]["longitude"]}}}}},
            {"types", place["types"]},
            {"vicinity", place["shortFormattedAddress"]},
            {"rating", place["rating"]},
            {"user_ratings_total", place["userRatingCount"]},
            {"business_status", "OPERATIONAL"}}));
  // The last canned place has no rating: the result leaves it out too.
  const auto& last = answer["results"].back();
  EXPECT_FALSE(last.contains("rating"));
  EXPECT_FALSE(last.contains("user_ratings_total"));
  EXPECT_EQ(json::parse(fake_.last_request()->body)["locationRestriction"]["circle"]["radius"],
            1500);
}

TEST_F(PlacesGoogle, NonAsciiNamesStayIntact) {
  const auto text = format_places_json(ask());
  EXPECT_NE(text.find("\"Café Ñandú 東京\""), std::string::npos) << text;
  EXPECT_NE(text.find("Трапезная «Москва»"), std::string::npos) << text;
}

TEST_F(PlacesGoogle, CutsResultsToTheBound) {
  fake_.respond_with(200, json{{"places", test::canned_new_places()}}.dump());
  const auto answer = ask({34.068930, -118.445127, 10, 5});
  EXPECT_EQ(answer["status"], "OK");
  ASSERT_EQ(answer["results"].size(), 5u);
  EXPECT_EQ(answer["results"][4]["place_id"], test::canned_new_places()[4]["id"]);
}

TEST_F(PlacesGoogle, VicinityFallsBackToTheFullAddress) {
  auto place = test::canned_new_places()[0];
  place.erase("shortFormattedAddress");
  fake_.respond_with(200, json{{"places", {place}}}.dump());
  EXPECT_EQ(ask()["results"][0]["vicinity"], place["formattedAddress"]);
}

TEST_F(PlacesGoogle, MissingPlacesIsZeroResults) {
  fake_.respond_with(200, "{}");
  EXPECT_EQ(ask(), places_zero_results());
}

TEST_F(PlacesGoogle, ZeroRadiusIsZeroResultsWithoutAsking) {
  EXPECT_EQ(ask({34.068930, -118.445127, 0, 5}), places_zero_results());
  EXPECT_EQ(fake_.requests(), 0u);
}

struct ErrorCase {
  FakeMode mode;
  std::string_view status;
  std::string_view message_part;
};

TEST_F(PlacesGoogle, EachFailureHasItsLegacyStatusAndSaysWhat) {
  const ErrorCase cases[] = {
      {FakeMode::bad_request, "INVALID_REQUEST",
       "HTTP 400 Bad Request: Request contains an invalid argument."},
      {FakeMode::key_invalid, "REQUEST_DENIED", "HTTP 400 Bad Request: API key not valid"},
      {FakeMode::forbidden, "REQUEST_DENIED", "HTTP 403 Forbidden: Places API (New)"},
      {FakeMode::quota, "OVER_QUERY_LIMIT", "HTTP 429 Too Many Requests: Quota exceeded"},
      {FakeMode::server_error, "UNKNOWN_ERROR", "HTTP 500 Internal Server Error"},
      {FakeMode::bad_json, "UNKNOWN_ERROR", "unparsable response"},
      {FakeMode::invalid_utf8, "UNKNOWN_ERROR", "invalid UTF-8"},
      {FakeMode::close_mid_response, "UNKNOWN_ERROR", "reading the response from localhost"},
  };
  for (const auto& expected : cases) {
    fake_.set_mode(expected.mode);
    const auto answer = ask();
    EXPECT_EQ(answer["status"], expected.status) << answer.dump();
    EXPECT_EQ(answer["results"], json::array());
    const std::string message = answer.value("error_message", "");
    EXPECT_NE(message.find(expected.message_part), std::string::npos) << message;
  }
}

TEST_F(PlacesGoogle, OtherClientErrorsAreInvalidRequest) {
  fake_.respond_with(404, R"({"error":{"code":404,"message":"no such method"}})");
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "INVALID_REQUEST");
  EXPECT_EQ(answer["error_message"], "Places backend answered HTTP 404 Not Found: no such method");
}

TEST_F(PlacesGoogle, WrongKeyIsRequestDeniedAndTheKeyIsNeverShown) {
  fake_.set_required_key("the-right-key");
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "REQUEST_DENIED");
  EXPECT_EQ(answer["error_message"].get<std::string>().find(key), std::string::npos);
  EXPECT_EQ(log_.text().find(key), std::string::npos) << log_.text();
}

TEST_F(PlacesGoogle, KeyEchoedInAnErrorIsRedacted) {
  fake_.respond_with(400, json{{"error", {{"message", fmt::format("bad key {}", key)}}}}.dump());
  const auto answer = ask();
  EXPECT_EQ(answer["error_message"], "Places backend answered HTTP 400 Bad Request: bad key <key>");
}

TEST_F(PlacesGoogle, LogsEachRequestWithStatusLatencyAndConnection) {
  ask();
  ask();
  const auto text = log_.text();
  EXPECT_NE(text.find("places google: POST /v1/places:searchNearby -> 200 in "), std::string::npos)
      << text;
  EXPECT_NE(text.find("(new TLS connection #1)"), std::string::npos) << text;
  EXPECT_NE(text.find("(reused connection #1)"), std::string::npos) << text;
  EXPECT_EQ(text.find(key), std::string::npos) << text;
}

TEST_F(PlacesGoogle, OddJsonIsRejectedOrSkippedNeverThrown) {
  const struct {
    std::string body;
    std::string_view message_part;
  } rejected[] = {
      {"[1, 2]", "the body is not a JSON object"},
      {R"({"places": {"id": "x"}})", "\"places\" is not an array"},
      {R"({"places": [1, "two", {"id": 3}]})", "none of the 3 places"},
      {std::string(100000, '[') + std::string(100000, ']'), "nested deeper than"},
  };
  for (const auto& odd : rejected) {
    fake_.respond_with(200, odd.body);
    const auto answer = ask();
    EXPECT_EQ(answer["status"], "UNKNOWN_ERROR");
    EXPECT_NE(answer["error_message"].get<std::string>().find(odd.message_part), std::string::npos)
        << answer.dump();
  }

  auto good = test::canned_new_places()[0];
  auto strings_for_numbers = good;
  strings_for_numbers["location"]["latitude"] = "34.1";
  auto odd_optionals = good;
  odd_optionals["rating"] = "4.5";
  odd_optionals["userRatingCount"] = 1.5;
  odd_optionals["types"] = {"cafe", 7};
  odd_optionals["shortFormattedAddress"] = nullptr;
  fake_.respond_with(200, json{{"places", {strings_for_numbers, good, odd_optionals}}}.dump());
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "OK");
  ASSERT_EQ(answer["results"].size(), 2u);
  const auto& kept = answer["results"][1];
  EXPECT_FALSE(kept.contains("rating"));
  EXPECT_FALSE(kept.contains("user_ratings_total"));
  EXPECT_EQ(kept["types"], json({"cafe"}));
  EXPECT_EQ(kept["vicinity"], good["formattedAddress"]);
  EXPECT_NE(log_.text().find("skipped 1 of 3 places"), std::string::npos) << log_.text();
}

TEST_F(PlacesGoogle, NestingIsLimitedToSixtyFourLevelsCountedOutsideStrings) {
  const auto nested = [](int levels) {
    return std::string(levels, '[') + std::string(levels, ']');
  };
  auto place = test::canned_new_places()[0];
  // Brackets and escaped quotes inside strings are text, not nesting.
  const std::string name = std::string(100, '[') + "\"{{{" + std::string(100, '{');
  place["displayName"]["text"] = name;
  std::string open_place = place.dump();
  open_place.pop_back();  // the closing brace: "extra" goes in before it
  const auto body = [&](int extra_levels) {
    return R"({"places":[)" + open_place + R"(,"extra":)" + nested(extra_levels) + "}]}";
  };
  // The body object, "places", the place and 61 levels: 64 in all, the most allowed.
  fake_.respond_with(200, body(61));
  auto answer = ask();
  EXPECT_EQ(answer["status"], "OK") << answer.dump();
  EXPECT_EQ(answer["results"][0]["name"], name);

  fake_.respond_with(200, body(62));
  answer = ask();
  EXPECT_EQ(answer["status"], "UNKNOWN_ERROR");
  EXPECT_NE(answer["error_message"].get<std::string>().find("nested deeper than 64 levels"),
            std::string::npos)
      << answer.dump();
}

TEST_F(PlacesGoogle, TimeoutIsUnknownError) {
  use_client(300ms);
  fake_.set_delay(2000ms);
  const auto started = std::chrono::steady_clock::now();
  const auto answer = ask();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_EQ(answer["status"], "UNKNOWN_ERROR");
  EXPECT_NE(answer["error_message"].get<std::string>().find("timed out after 300 ms"),
            std::string::npos)
      << answer.dump();
}

TEST_F(PlacesGoogle, UntrustedCertificateIsUnknownErrorNamingTheTlsFailure) {
  test::TestCertificateAuthority other;
  use_client(5000ms, other.ca_file().string());
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "UNKNOWN_ERROR");
  const std::string message = answer["error_message"];
  EXPECT_NE(message.find("TLS handshake with localhost"), std::string::npos) << message;
  EXPECT_NE(message.find("certificate verify failed"), std::string::npos) << message;
  EXPECT_EQ(fake_.requests(), 0u);
}

TEST_F(PlacesGoogle, CertificateForAnotherHostIsUnknownError) {
  fake_.set_wrong_host_certificate(true);
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "UNKNOWN_ERROR");
  const std::string message = answer["error_message"];
  EXPECT_NE(message.find("hostname mismatch"), std::string::npos) << message;
  EXPECT_EQ(fake_.requests(), 0u);
}

}  // namespace
}  // namespace herd
