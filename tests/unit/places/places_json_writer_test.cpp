// The Places reply writer prints what format_places_json prints for the same
// document (protocol.md §4), nested objects included. Members are given in the order
// a parsed document keeps them, sorted.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "herd/places/places.hpp"
#include "herd/places/places_json_writer.hpp"

namespace herd {
namespace {

using nlohmann::json;

// `write` run as the members of a top-level object.
template <typename Write>
std::string written(Write&& write) {
  std::string out = "{\n";
  JsonObjectWriter top(out, 1);
  write(top);
  out += "\n}";
  return out;
}

TEST(PlacesJsonWriter, NestedObjectsAsTheDocumentPrintsThem) {
  const std::string text = written([](JsonObjectWriter& top) {
    top.object("geometry", [](JsonObjectWriter& geometry) {
      geometry.string("kind", "point");
      geometry.object("location", [](JsonObjectWriter& location) {
        location.number("lat", 34.068930);
        location.number("lng", -118.445127);
      });
    });
    top.string("name", "UCLA");
  });
  const json document = {
      {"geometry", {{"location", {{"lat", 34.068930}, {"lng", -118.445127}}}, {"kind", "point"}}},
      {"name", "UCLA"}};
  EXPECT_EQ(text, format_places_json(document));
}

TEST(PlacesJsonWriter, AnObjectWithNoMembersIsEmptyBraces) {
  const std::string text = written([](JsonObjectWriter& top) {
    top.object("geometry", [](JsonObjectWriter&) {});
    top.string("name", "x");
  });
  EXPECT_EQ(text, format_places_json({{"geometry", json::object()}, {"name", "x"}}));
  EXPECT_NE(text.find("\"geometry\": {},"), std::string::npos) << text;
}

TEST(PlacesJsonWriter, StringArraysAsTheDocumentPrintsThem) {
  const std::vector<std::string> none;
  const std::vector<std::string> one = {"cafe"};
  const std::vector<std::string> three = {"cafe", "food", "point \"of\" interest"};
  const std::string text = written([&](JsonObjectWriter& top) {
    top.strings("a", none);
    top.strings("b", one);
    top.strings("c", three);
  });
  EXPECT_EQ(text, format_places_json({{"a", none}, {"b", one}, {"c", three}}));
}

}  // namespace
}  // namespace herd
