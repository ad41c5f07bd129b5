// The legacy-shaped answers every backend returns and how they are printed (protocol.md §4).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "herd/places/places.hpp"
#include "herd/places/places_backends.hpp"

namespace herd {
namespace {

using nlohmann::json;

TEST(PlacesFormat, ErrorHasEmptyResultsStatusAndMessage) {
  EXPECT_EQ(places_error("OVER_QUERY_LIMIT", "slow down"),
            json::parse(R"({"html_attributions":[],"results":[],"status":"OVER_QUERY_LIMIT",
                            "error_message":"slow down"})"));
}

TEST(PlacesFormat, ZeroResults) {
  EXPECT_EQ(places_zero_results(),
            json::parse(R"({"html_attributions":[],"results":[],"status":"ZERO_RESULTS"})"));
}

TEST(PlacesFormat, ThreeSpaceIndentNoBlankLineNoTrailingNewline) {
  const std::string text = format_places_json(places_zero_results());
  EXPECT_EQ(text,
            "{\n"
            "   \"html_attributions\": [],\n"
            "   \"results\": [],\n"
            "   \"status\": \"ZERO_RESULTS\"\n"
            "}");
}

TEST(PlacesFormat, NonAsciiStaysReadable) {
  const std::string text = format_places_json({{"name", "Café Ñandú 東京"}});
  EXPECT_NE(text.find("Café Ñandú 東京"), std::string::npos) << text;
  EXPECT_EQ(text.find("\\u"), std::string::npos) << text;
}

TEST(PlacesFormat, InvalidUtf8IsReplacedNotThrown) {
  const std::string text = format_places_json({{"name", "Caf\xE9 \xFF"}});
  EXPECT_NE(text.find("Caf\xEF\xBF\xBD"), std::string::npos) << text;  // U+FFFD
  EXPECT_TRUE(json::accept(text)) << text;
}

TEST(PlacesFormat, KeyIsMaskedEverywhereEvenInsideTheMask) {
  EXPECT_EQ(without_key("kayak k", "k"), "<key>aya<key> <key>");
  EXPECT_EQ(without_key("no secret here", "s3cr3t"), "no secret here");
  EXPECT_EQ(without_key("anything", ""), "anything");
}

TEST(PlacesFormat, KeyIsRemovedFromAnAnswersMessageAndAMessageThatIsNoStringGoes) {
  json answer = places_error("REQUEST_DENIED", "key s3cr3t is not valid");
  remove_key_from_message(answer, "s3cr3t");
  EXPECT_EQ(answer["error_message"], "key <key> is not valid");
  EXPECT_EQ(answer["status"], "REQUEST_DENIED");

  json odd = places_zero_results();
  odd["error_message"] = {{"quoted", "s3cr3t"}};
  remove_key_from_message(odd, "s3cr3t");
  EXPECT_EQ(odd, places_zero_results());

  json quiet = places_zero_results();
  remove_key_from_message(quiet, "s3cr3t");
  EXPECT_EQ(quiet, places_zero_results());
}

}  // namespace
}  // namespace herd
