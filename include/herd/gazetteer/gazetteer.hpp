// The places of a GeoNames dump in a compact read-only form, with the spatial
// index that answers "which places lie within r km of here" by looking only
// at what is near (protocol.md §7, the geonames backend). Pure: no I/O, no threads.
//
// Layout: one 32-byte record per place, sorted by latitude band (0.1°) and,
// within a band, by longitude; names in one string pool. A query binary-searches
// the longitude range in each band the circle touches, so it reads the
// places of its bounding box and little else. Measured against Boost's R-tree
// in docs/performance.md ("WHATSAT with GeoNames").
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "herd/gazetteer/geonames_row.hpp"

namespace herd {

// Mean Earth radius (IUGG), the sphere on which distances are measured.
constexpr double earth_radius_km = 6371.0088;

// Great-circle distance between two points given in degrees, by the haversine
// formula on a sphere of earth_radius_km.
double great_circle_km(double latitude_1, double longitude_1, double latitude_2,
                       double longitude_2);

// The box of latitudes and longitudes (degrees × 10^7, inclusive) that holds
// every point within `radius_km` of a point: all longitudes when the circle
// holds a pole, two ranges when it crosses the antimeridian. A little wider
// than exact, so that rounding never cuts off a point great_circle_km accepts.
struct CircleBounds {
  struct Longitudes {
    std::int32_t west_e7, east_e7;
  };
  std::int32_t south_e7 = 0;
  std::int32_t north_e7 = 0;
  Longitudes longitudes[2] = {};
  std::size_t longitude_ranges = 1;
};
CircleBounds circle_bounds(double latitude, double longitude, double radius_km);

// Names of countries ("US" → "United States") and first-level administrative
// areas ("US.CA" → "California") for the vicinity of a place; either may be empty.
struct GeonamesAreaNames {
  std::unordered_map<std::string, std::string> countries;
  std::unordered_map<std::string, std::string> admin1;
};

// "California, United States": the admin area and the country, by name where
// `names` has one. Without any admin names the codes stand in ("CA, US"); a
// code missing from a loaded table, and GeoNames' "00" (none), are left out.
std::string geonames_vicinity(const GeonamesAreaNames& names, std::string_view country_code,
                              std::string_view admin1_code);

// One place found by Gazetteer::nearby.
struct GazetteerHit {
  std::uint64_t population = 0;
  double distance_km = 0;
  std::uint32_t id = 0;     // geonameid
  std::uint32_t place = 0;  // index for the Gazetteer's accessors
};

// Whether `a` ranks before `b`: population descending (Google's default
// "prominence"), then distance ascending, then geonameid.
bool ranks_before(const GazetteerHit& a, const GazetteerHit& b);

class Gazetteer {
 public:
  // Latitude bands of the index.
  static constexpr std::int32_t band_e7 = 1'000'000;  // 0.1°
  static constexpr std::size_t bands = 1800;

  std::size_t size() const { return places_.size(); }

  // Into `hits` (cleared first): the places whose great_circle_km from the
  // point is at most `radius_km`, best first by ranks_before, at most `bound`.
  void nearby(double latitude, double longitude, double radius_km, std::size_t bound,
              std::vector<GazetteerHit>& hits) const;

  std::uint32_t id(std::uint32_t place) const { return places_[place].id; }
  std::string_view name(std::uint32_t place) const {
    return std::string_view(names_).substr(places_[place].name_offset, places_[place].name_size);
  }
  std::int32_t latitude_e7(std::uint32_t place) const { return places_[place].latitude_e7; }
  std::int32_t longitude_e7(std::uint32_t place) const { return places_[place].longitude_e7; }
  std::uint64_t population(std::uint32_t place) const { return places_[place].population; }
  std::span<const std::string_view> types(std::uint32_t place) const {
    return kinds_[places_[place].kind];
  }
  const std::string& vicinity(std::uint32_t place) const {
    return vicinities_[places_[place].vicinity];
  }

  // Bytes held, for the load's log line.
  std::size_t memory_bytes() const;

 private:
  friend class GazetteerBuilder;

  struct Place {
    std::int32_t latitude_e7;
    std::int32_t longitude_e7;
    std::uint64_t population;
    std::uint32_t id;
    std::uint32_t name_offset;
    std::uint16_t name_size;
    std::uint16_t kind;      // index into kinds_
    std::uint32_t vicinity;  // index into vicinities_
  };
  static_assert(sizeof(Place) == 32);

  static std::size_t band_of(std::int32_t latitude_e7);

  struct Search;

  // Offers the places of band `band` between `longitudes` to `search`.
  void scan(std::size_t band, const CircleBounds::Longitudes& longitudes, Search& search) const;

  std::vector<Place> places_;
  std::vector<std::uint32_t> band_start_;  // bands + 1 entries
  std::string names_;
  std::vector<std::span<const std::string_view>> kinds_;
  std::vector<std::string> vicinities_;
};

// Collects rows, then sorts them into a Gazetteer.
class GazetteerBuilder {
 public:
  // `expected_rows` reserves room (a line count of the file, say).
  GazetteerBuilder(const GeonamesAreaNames& names, std::size_t expected_rows);

  void add(const GeonamesRow& row);
  std::size_t size() const { return gazetteer_.places_.size(); }

  Gazetteer finish() &&;

 private:
  const GeonamesAreaNames& names_;
  Gazetteer gazetteer_;
  std::unordered_map<std::string, std::uint16_t> kind_of_;      // "class.code"
  std::unordered_map<std::string, std::uint32_t> vicinity_of_;  // "country.admin1"
  std::string key_;
};

}  // namespace herd
