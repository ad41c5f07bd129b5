#include "herd/places/geonames_answer.hpp"

#include <charconv>
#include <cstdlib>

#include "herd/places/places_json_writer.hpp"

namespace herd {

namespace {

constexpr std::uint32_t e7 = 10'000'000;

void append_number(std::string& out, std::uint64_t value) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

// One result at depth 3, its keys sorted as a parsed document prints them.
void append_result(std::string& out, const Gazetteer& gazetteer, std::uint32_t place) {
  out += "      {\n";
  JsonObjectWriter result(out, 3);
  result.object("geometry", [&](JsonObjectWriter& geometry) {
    geometry.object("location", [&](JsonObjectWriter& location) {
      location.key("lat");
      append_degrees_e7(out, gazetteer.latitude_e7(place));
      location.key("lng");
      append_degrees_e7(out, gazetteer.longitude_e7(place));
    });
  });
  result.string("name", gazetteer.name(place));
  result.key("place_id");
  out += "\"geonames:";
  append_number(out, gazetteer.id(place));
  out += '"';
  result.strings("types", gazetteer.types(place));
  if (const std::string& vicinity = gazetteer.vicinity(place); !vicinity.empty()) {
    result.string("vicinity", vicinity);
  }
  out += "\n      }";
}

}  // namespace

void append_degrees_e7(std::string& out, std::int32_t value_e7) {
  if (value_e7 < 0) out += '-';
  const auto magnitude = static_cast<std::uint32_t>(std::abs(std::int64_t{value_e7}));
  append_number(out, magnitude / e7);
  out += '.';
  std::uint32_t fraction = magnitude % e7;
  int digits = 7;
  while (digits > 1 && fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  char text[8];
  for (int i = digits - 1; i >= 0; --i) {
    text[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out.append(text, static_cast<std::size_t>(digits));
}

PlacesAnswer geonames_answer(const Gazetteer& gazetteer, std::span<const GazetteerHit> hits) {
  PlacesAnswer answer;
  std::string& out = answer.body;
  // About 330 bytes a result; one allocation for the usual answer.
  out.reserve(300 + hits.size() * 400);
  out += "{\n   \"html_attributions\": [\n      ";
  append_json_string(out, geonames_attribution);
  if (hits.empty()) {
    out += "\n   ],\n   \"results\": [],\n   \"status\": \"ZERO_RESULTS\"\n}";
    answer.status = "ZERO_RESULTS";
    return answer;
  }
  out += "\n   ],\n   \"results\": [\n";
  for (std::size_t i = 0; i < hits.size(); ++i) {
    if (i != 0) out += ",\n";
    append_result(out, gazetteer, hits[i].place);
  }
  out += "\n   ],\n   \"status\": \"OK\"\n}";
  answer.results = hits.size();
  answer.status = "OK";
  return answer;
}

}  // namespace herd
