// The legacy reply (protocol.md §4) for places found in a Gazetteer.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "herd/gazetteer/gazetteer.hpp"
#include "herd/places/places.hpp"

namespace herd {

// GeoNames' CC BY 4.0 credit, as html_attributions carries it.
constexpr std::string_view geonames_attribution =
    "Place data from <a href=\"https://www.geonames.org/\">GeoNames</a>, "
    "<a href=\"https://creativecommons.org/licenses/by/4.0/\">CC BY 4.0</a>";

// Status OK with one result per hit, in order: name, place_id
// ("geonames:<geonameid>"), geometry.location, types and vicinity; or
// ZERO_RESULTS for no hits. The credit is in html_attributions either way.
// The text is what format_places_json prints for the same document, except
// that coordinates keep the gazetteer's decimals (34.0561), where nlohmann
// may print a neighbour of them (46.026589800000004 for 46.0265898).
PlacesAnswer geonames_answer(const Gazetteer& gazetteer, std::span<const GazetteerHit> hits);

// Degrees × 10^7 as the shortest decimal with at least one fraction digit:
// 340561000 → "34.0561", -1184451270 → "-118.445127", 0 → "0.0".
void append_degrees_e7(std::string& out, std::int32_t value_e7);

}  // namespace herd
