// The canned places the fake Places server answers with: the same 20 places
// near UCLA in the format of each API, some with non-ASCII names.
#pragma once

#include <nlohmann/json.hpp>

namespace herd::test {

inline constexpr std::size_t canned_place_count = 20;

// Places API (New) "places" array: id, displayName, location, types,
// formattedAddress, shortFormattedAddress, rating, userRatingCount, businessStatus.
// The last place has neither rating nor user count, as places often do.
const nlohmann::json& canned_new_places();

// The same places as legacy Nearby Search "results".
const nlohmann::json& canned_legacy_results();

}  // namespace herd::test
