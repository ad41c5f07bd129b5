// The JSON reader against nlohmann's: the same texts accepted, the same values
// read (types included), over tens of thousands of mutated texts; and the
// edge cases by name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "herd/places/json_scan.hpp"
#include "json_document_builder.hpp"

namespace herd {
namespace {

using nlohmann::json;

struct Read {
  std::optional<JsonScanError> error;
  json value;
};

Read read(std::string_view text, int max_depth = 64) {
  test::JsonDocumentBuilder builder;
  Read result;
  result.error = scan_json(text, builder, max_depth);
  result.value = std::move(builder.root);
  return result;
}

void expect_same_as_nlohmann(const std::string& text) {
  const Read ours = read(text, 1000);
  try {
    const json theirs = json::parse(text);
    ASSERT_FALSE(ours.error) << "rejected at byte " << ours.error->byte << ": " << text;
    ASSERT_EQ(ours.value.dump(), theirs.dump()) << text;
  } catch (const json::parse_error& error) {
    ASSERT_TRUE(ours.error) << "accepted: " << text;
    const bool their_utf8 = std::string_view(error.what()).find("UTF-8") != std::string_view::npos;
    ASSERT_EQ(ours.error->kind == JsonScanError::Kind::invalid_utf8, their_utf8)
        << error.what() << ": " << text;
  } catch (const json::out_of_range&) {
    ASSERT_TRUE(ours.error) << "accepted: " << text;
    ASSERT_EQ(ours.error->kind, JsonScanError::Kind::number_out_of_range) << text;
  }
}

TEST(JsonScan, AgreesWithNlohmannOnMutatedTexts) {
  const std::vector<std::string> seeds = {
      R"({"places": [{"id": "ChIJ", "displayName": {"text": "Café Ñandú 東京"},)"
      R"( "location": {"latitude": 34.06893, "longitude": -118.445127},)"
      R"( "types": ["cafe", "point_of_interest"], "rating": 4.5, "userRatingCount": 120}]})",
      R"([1, -0, 0.5, -1.25e-3, 1E+2, 18446744073709551615, 18446744073709551616,)"
      R"( -9223372036854775808, -9223372036854775809, true, false, null])",
      R"({"escapes": "\"\\\/\b\f\n\r\t \u00e9 \u6771 \ud83d\ude00 \u0000", "": {}})",
      "{\"raw\": \"\xF0\x9F\x98\x80 \xE6\x9D\xB1 \xC3\xA9 \x7F\"}",
      "\xEF\xBB\xBF [ ]",
      " \t\r\n{\"a\" : [ [ ] , { } ] } \n",
  };
  // Bytes that matter to a JSON reader, and some that never may appear.
  const std::string alphabet =
      "{}[]:,\"\\/ubfnrt0123456789-+.eE \t\n\rx"
      "\x01\x7f\x80\xBF\xC0\xC3\xE0\xED\xEF\xF0\xF4\xF5\xFF";
  std::mt19937 random(20261126);
  const auto pick = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(random);
  };
  for (const auto& seed : seeds) expect_same_as_nlohmann(seed);
  for (int i = 0; i < 30000; ++i) {
    std::string text = seeds[pick(seeds.size())];
    for (std::size_t edits = 1 + pick(3); edits > 0 && !text.empty(); --edits) {
      const std::size_t at = pick(text.size());
      switch (pick(4)) {
        case 0: text[at] = alphabet[pick(alphabet.size())]; break;
        case 1: text.insert(at, 1, alphabet[pick(alphabet.size())]); break;
        case 2: text.erase(at, 1); break;
        default: text.resize(at);
      }
    }
    expect_same_as_nlohmann(text);
    if (testing::Test::HasFatalFailure()) return;
  }
}

TEST(JsonScan, StringsWithoutEscapesAreViewedInPlace) {
  struct Viewer final : JsonEvents {
    const char* seen = nullptr;
    void null() override {}
    void boolean(bool) override {}
    void number_integer(std::int64_t) override {}
    void number_unsigned(std::uint64_t) override {}
    void number_float(double) override {}
    void string(std::string_view text) override { seen = text.data(); }
    void key(std::string_view) override {}
    void start_object() override {}
    void end_object() override {}
    void start_array() override {}
    void end_array() override {}
  } viewer;
  const std::string text = R"(["plain"])";
  ASSERT_FALSE(scan_json(text, viewer, 64));
  EXPECT_EQ(viewer.seen, text.data() + 2);
}

TEST(JsonScan, NumbersKeepTheirKinds) {
  EXPECT_EQ(read("-0").value.dump(), "0");
  EXPECT_TRUE(read("-5").value.is_number_integer());
  EXPECT_TRUE(read("5").value.is_number_unsigned());
  EXPECT_TRUE(read("5.0").value.is_number_float());
  EXPECT_TRUE(read("18446744073709551616").value.is_number_float());  // past uint64
  EXPECT_EQ(read("1e-400").value, 0.0);                               // underflow is zero
  const auto overflow = read("[1, 1e400]").error;
  ASSERT_TRUE(overflow);
  EXPECT_EQ(overflow->kind, JsonScanError::Kind::number_out_of_range);
  EXPECT_EQ(overflow->byte, 5u);
}

TEST(JsonScan, ErrorsSayWhatAndWhere) {
  const struct {
    std::string text;
    JsonScanError::Kind kind;
    std::size_t byte;
  } cases[] = {
      {R"({"a": [1, 2)", JsonScanError::Kind::not_json, 12},  // ends too soon
      {R"({"a" 1})", JsonScanError::Kind::not_json, 6},
      {R"(["\x"])", JsonScanError::Kind::not_json, 4},
      {R"(["\ud800"])", JsonScanError::Kind::not_json, 9},  // a high surrogate alone
      {"[\"caf\xE9\"]", JsonScanError::Kind::invalid_utf8, 6},
      {"[\"\xC0\xAF\"]", JsonScanError::Kind::invalid_utf8, 3},      // overlong '/'
      {"[\"\xED\xA0\x80\"]", JsonScanError::Kind::invalid_utf8, 3},  // a surrogate in UTF-8
      {"[\"tab\there\"]", JsonScanError::Kind::not_json, 6},
      {"[] []", JsonScanError::Kind::not_json, 4},
      {std::string("[1]\0", 4), JsonScanError::Kind::not_json, 4},  // nlohmann would stop there
  };
  for (const auto& bad : cases) {
    const auto error = read(bad.text).error;
    ASSERT_TRUE(error) << bad.text;
    EXPECT_EQ(error->kind, bad.kind) << bad.text;
    EXPECT_EQ(error->byte, bad.byte) << bad.text;
  }
}

TEST(JsonScan, NestingStopsAtTheLimit) {
  const auto nested = [](int levels) {
    return std::string(levels, '[') + std::string(levels, ']');
  };
  EXPECT_FALSE(read(nested(64)).error);
  const auto error = read(nested(65)).error;
  ASSERT_TRUE(error);
  EXPECT_EQ(error->kind, JsonScanError::Kind::too_deep);
  EXPECT_EQ(error->byte, 65u);
}

}  // namespace
}  // namespace herd
