// The legacy Nearby Search backend against the fake over real HTTPS: its query,
// the pass-through cut to the bound, and odd answers (protocol.md §7).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "fake_places.hpp"
#include "fake_places_data.hpp"
#include "google_backend_test.hpp"
#include "herd/places/places.hpp"
#include "herd/places/places_backends.hpp"

namespace herd {
namespace {

using nlohmann::json;
using test::FakeMode;

// Characters that must be escaped in a query string, so the test sees encoding work.
constexpr std::string_view key = "legacy+key/=&123";

class PlacesLegacy : public test::GoogleBackendTest {
 protected:
  PlacesLegacy() : GoogleBackendTest(make_legacy_places, key) {
    fake_.set_required_key(std::string(key));
  }
};

TEST_F(PlacesLegacy, GetsNearbySearchWithLocationMetresAndEncodedKey) {
  const auto answer = ask({34.068930, -118.445127, 10, 5});
  EXPECT_EQ(answer["status"], "OK");
  const auto request = fake_.last_request();
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "GET");
  EXPECT_EQ(request->target,
            "/maps/api/place/nearbysearch/json?location=34.06893,-118.445127&radius=10000"
            "&key=legacy%2Bkey%2F%3D%26123");
}

TEST_F(PlacesLegacy, PassesThroughCutToTheBound) {
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "OK");
  EXPECT_EQ(answer["html_attributions"], json::array());
  ASSERT_EQ(answer["results"].size(), 5u);
  EXPECT_EQ(answer["results"][0], test::canned_legacy_results()[0]);
  EXPECT_EQ(answer["results"][4], test::canned_legacy_results()[4]);
}

TEST_F(PlacesLegacy, NonAsciiNamesStayIntact) {
  const auto text = format_places_json(ask());
  EXPECT_NE(text.find("\"Café Ñandú 東京\""), std::string::npos) << text;
}

TEST_F(PlacesLegacy, ItsOwnStatusAndMessagePassThrough) {
  fake_.set_required_key("another-key");
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "REQUEST_DENIED");
  EXPECT_EQ(answer["error_message"], "The provided API key is invalid.");
}

TEST_F(PlacesLegacy, HttpFailuresMapLikeTheNewApi) {
  const struct {
    FakeMode mode;
    std::string_view status;
  } cases[] = {{FakeMode::forbidden, "REQUEST_DENIED"},
               {FakeMode::quota, "OVER_QUERY_LIMIT"},
               {FakeMode::bad_request, "INVALID_REQUEST"},
               {FakeMode::server_error, "UNKNOWN_ERROR"},
               {FakeMode::bad_json, "UNKNOWN_ERROR"}};
  for (const auto& expected : cases) {
    fake_.set_mode(expected.mode);
    const auto answer = ask();
    EXPECT_EQ(answer["status"], expected.status) << answer.dump();
    EXPECT_TRUE(answer["error_message"].is_string());
  }
}

TEST_F(PlacesLegacy, InvalidUtf8IsRejectedAndTheOutputStaysValidJson) {
  fake_.set_mode(FakeMode::invalid_utf8);
  const auto answer = ask();
  EXPECT_EQ(answer["status"], "UNKNOWN_ERROR");
  EXPECT_NE(answer["error_message"].get<std::string>().find("invalid UTF-8"), std::string::npos);
  EXPECT_TRUE(json::accept(format_places_json(answer)));
}

TEST_F(PlacesLegacy, OddJsonIsRejectedNeverThrown) {
  const std::string_view bodies[] = {R"("OK")", R"({"results": []})",
                                     R"({"status": "OK", "results": {"a": 1}})"};
  for (const auto body : bodies) {
    fake_.respond_with(200, std::string(body));
    const auto answer = ask();
    EXPECT_EQ(answer["status"], "UNKNOWN_ERROR") << body;
    EXPECT_NE(answer["error_message"].get<std::string>().find("unparsable response"),
              std::string::npos);
  }
  fake_.respond_with(200, R"({"status": "ZERO_RESULTS", "error_message": 7})");
  EXPECT_EQ(ask(), places_zero_results());
}

TEST_F(PlacesLegacy, TheKeyIsNeverLogged) {
  ask();
  fake_.set_mode(FakeMode::server_error);
  ask();
  const auto text = log_.text();
  EXPECT_NE(text.find("places google-legacy: GET /maps/api/place/nearbysearch/json?location="
                      "34.06893,-118.445127&radius=10000&key=<redacted> -> 200"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("legacy%2B"), std::string::npos) << text;
  EXPECT_EQ(text.find(key), std::string::npos) << text;
}

}  // namespace
}  // namespace herd
