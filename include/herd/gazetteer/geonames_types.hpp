// The Google place types (legacy Nearby Search "types") of a GeoNames feature.
#pragma once

#include <span>
#include <string_view>

namespace herd {

// The types of a feature of class `feature_class` and code `feature_code`,
// most specific first, ending in "political" (populated places, their
// sections, administrative areas) or "point_of_interest" (everything else),
// as Google's lists do. A populated place is a locality, a section of one a
// neighborhood; codes with no Google counterpart keep what their class says.
std::span<const std::string_view> geonames_types(std::string_view feature_class,
                                                 std::string_view feature_code);

}  // namespace herd
