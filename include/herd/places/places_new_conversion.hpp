// A Places API (New) searchNearby body turned into the legacy reply of protocol.md §4
// in one pass over its text (scan_json). No document is built on either side:
// parsing the body into one, converting it into another and printing that
// cost a member about a third of its CPU per WHATSAT.
#pragma once

#include <cstddef>
#include <string_view>

#include "herd/places/places.hpp"

namespace herd {

struct NewPlacesConversion {
  PlacesAnswer answer;
  std::size_t places = 0;   // in the body's "places"
  std::size_t skipped = 0;  // of the places looked at, those lacking an id, name or location
};

// The results are the first `bound` places with an id, a name and a location,
// in the backend's order, each with the legacy fields it has values for
// (place_id, name, geometry.location, types, vicinity, rating,
// user_ratings_total, business_status). Where a key repeats, the last value
// counts, as in a parsed document. No "places" is ZERO_RESULTS; a body that is
// no JSON object, or whose places are all unusable, is UNKNOWN_ERROR. The
// text is exactly what format_places_json prints for the same answer.
NewPlacesConversion convert_new_places(std::string_view body, int bound);

}  // namespace herd
