#include "herd/gazetteer/gazetteer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "herd/gazetteer/geonames_types.hpp"

namespace herd {

namespace {

constexpr double radians_per_degree = std::numbers::pi / 180;
constexpr double degrees_per_radian = 180 / std::numbers::pi;
constexpr double e7 = 1e7;
// Widens the bounding box so that rounding in its trigonometry never cuts off
// a place the distance test accepts (10^-6 degrees is about 0.1 m).
constexpr double box_slack_degrees = 1e-6;
constexpr std::int32_t min_longitude_e7 = -1'800'000'000;
constexpr std::int32_t max_longitude_e7 = 1'800'000'000;
// GeoNames' admin1 code for "none".
constexpr std::string_view no_admin1 = "00";

double degrees(std::int32_t value_e7) { return value_e7 / e7; }

std::int32_t floor_e7(double degrees) {
  return static_cast<std::int32_t>(std::floor(degrees * e7));
}
std::int32_t ceil_e7(double degrees) { return static_cast<std::int32_t>(std::ceil(degrees * e7)); }

}  // namespace

CircleBounds circle_bounds(double latitude, double longitude, double radius_km) {
  // Latitudes within the angle; longitudes all of them when the circle holds
  // a pole, else out to the widest point of a spherical cap:
  // sin(half width) = sin(angle) / cos(latitude).
  const double angle = radius_km / earth_radius_km;
  const double reach = angle * degrees_per_radian + box_slack_degrees;
  const double south = latitude - reach;
  const double north = latitude + reach;
  double half_width = 180;
  if (south > -90 && north < 90) {
    const double ratio = std::sin(angle) / std::cos(latitude * radians_per_degree);
    if (ratio < 1) half_width = std::asin(ratio) * degrees_per_radian + box_slack_degrees;
  }
  CircleBounds bounds;
  bounds.south_e7 = floor_e7(std::max(south, -90.0));
  bounds.north_e7 = ceil_e7(std::min(north, 90.0));
  const double west = longitude - half_width;
  const double east = longitude + half_width;
  if (half_width >= 180) {
    bounds.longitudes[0] = {min_longitude_e7, max_longitude_e7};
  } else if (west < -180) {  // across the antimeridian: both sides
    bounds.longitudes[0] = {min_longitude_e7, ceil_e7(east)};
    bounds.longitudes[1] = {floor_e7(west + 360), max_longitude_e7};
    bounds.longitude_ranges = 2;
  } else if (east > 180) {
    bounds.longitudes[0] = {floor_e7(west), max_longitude_e7};
    bounds.longitudes[1] = {min_longitude_e7, ceil_e7(east - 360)};
    bounds.longitude_ranges = 2;
  } else {
    bounds.longitudes[0] = {floor_e7(west), ceil_e7(east)};
  }
  return bounds;
}

double great_circle_km(double latitude_1, double longitude_1, double latitude_2,
                       double longitude_2) {
  const double phi_1 = latitude_1 * radians_per_degree;
  const double phi_2 = latitude_2 * radians_per_degree;
  const double half_dphi = (phi_2 - phi_1) / 2;
  const double half_dlambda = (longitude_2 - longitude_1) * radians_per_degree / 2;
  const double a = std::sin(half_dphi);
  const double b = std::sin(half_dlambda);
  const double h = a * a + std::cos(phi_1) * std::cos(phi_2) * b * b;
  return 2 * earth_radius_km * std::asin(std::min(1.0, std::sqrt(h)));
}

std::string geonames_vicinity(const GeonamesAreaNames& names, std::string_view country_code,
                              std::string_view admin1_code) {
  std::string area;
  if (!admin1_code.empty() && admin1_code != no_admin1) {
    if (names.admin1.empty()) {
      area = admin1_code;
    } else {
      const auto found =
          names.admin1.find(std::string(country_code) + "." + std::string(admin1_code));
      if (found != names.admin1.end()) area = found->second;
    }
  }
  std::string country(country_code);
  if (const auto found = names.countries.find(country); found != names.countries.end()) {
    country = found->second;
  }
  if (area.empty()) return country;
  if (country.empty()) return area;
  return area + ", " + country;
}

bool ranks_before(const GazetteerHit& a, const GazetteerHit& b) {
  if (a.population != b.population) return a.population > b.population;
  if (a.distance_km != b.distance_km) return a.distance_km < b.distance_km;
  if (a.id != b.id) return a.id < b.id;
  return a.place < b.place;
}

std::size_t Gazetteer::band_of(std::int32_t latitude_e7) {
  const std::int64_t band = (std::int64_t{latitude_e7} + 900'000'000) / band_e7;
  return static_cast<std::size_t>(std::clamp<std::int64_t>(band, 0, bands - 1));
}

// One nearby() call as it scans. Once `bound` places are found they are kept
// as a heap whose front ranks last, so a place less populous than that one
// cannot get in and needs no distance: in a crowded 50 km circle that skips
// most of the trigonometry.
struct Gazetteer::Search {
  double latitude, longitude, radius_km;
  std::size_t bound;
  CircleBounds bounds;
  std::vector<GazetteerHit>& hits;

  bool full() const { return hits.size() == bound; }

  void offer(const GazetteerHit& hit) {
    if (!full()) {
      hits.push_back(hit);
      if (full()) std::make_heap(hits.begin(), hits.end(), ranks_before);
    } else if (ranks_before(hit, hits.front())) {
      std::pop_heap(hits.begin(), hits.end(), ranks_before);
      hits.back() = hit;
      std::push_heap(hits.begin(), hits.end(), ranks_before);
    }
  }
};

void Gazetteer::nearby(double latitude, double longitude, double radius_km, std::size_t bound,
                       std::vector<GazetteerHit>& hits) const {
  hits.clear();
  if (bound == 0 || places_.empty() || !(radius_km >= 0)) return;
  Search search{
      latitude, longitude, radius_km, bound, circle_bounds(latitude, longitude, radius_km), hits};
  const CircleBounds& bounds = search.bounds;
  for (std::size_t band = band_of(bounds.south_e7); band <= band_of(bounds.north_e7); ++band) {
    for (std::size_t i = 0; i < bounds.longitude_ranges; ++i) {
      scan(band, bounds.longitudes[i], search);
    }
  }
  std::sort(hits.begin(), hits.end(), ranks_before);
}

void Gazetteer::scan(std::size_t band, const CircleBounds::Longitudes& longitudes,
                     Search& search) const {
  const auto begin = places_.begin() + band_start_[band];
  const auto end = places_.begin() + band_start_[band + 1];
  auto place = std::lower_bound(
      begin, end, longitudes.west_e7,
      [](const Place& candidate, std::int32_t value) { return candidate.longitude_e7 < value; });
  for (; place != end && place->longitude_e7 <= longitudes.east_e7; ++place) {
    if (place->latitude_e7 < search.bounds.south_e7 ||
        place->latitude_e7 > search.bounds.north_e7) {
      continue;
    }
    if (search.full() && place->population < search.hits.front().population) continue;
    const double distance =
        great_circle_km(search.latitude, search.longitude, degrees(place->latitude_e7),
                        degrees(place->longitude_e7));
    if (distance <= search.radius_km) {
      search.offer({place->population, distance, place->id,
                    static_cast<std::uint32_t>(place - places_.begin())});
    }
  }
}

std::size_t Gazetteer::memory_bytes() const {
  std::size_t bytes = places_.capacity() * sizeof(Place) +
                      band_start_.capacity() * sizeof(std::uint32_t) + names_.capacity() +
                      kinds_.capacity() * sizeof(kinds_[0]);
  for (const auto& vicinity : vicinities_) bytes += sizeof(vicinity) + vicinity.capacity();
  return bytes;
}

GazetteerBuilder::GazetteerBuilder(const GeonamesAreaNames& names, std::size_t expected_rows)
    : names_(names) {
  gazetteer_.places_.reserve(expected_rows);
  // GeoNames names average about 11 bytes.
  gazetteer_.names_.reserve(expected_rows * 12);
}

void GazetteerBuilder::add(const GeonamesRow& row) {
  Gazetteer& g = gazetteer_;
  if (g.places_.size() >= std::numeric_limits<std::uint32_t>::max() ||
      g.names_.size() + row.name.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("more places or names than a gazetteer holds (4 GiB)");
  }

  key_.assign(row.feature_class).append(".").append(row.feature_code);
  auto kind = kind_of_.find(key_);
  if (kind == kind_of_.end()) {
    const auto types = geonames_types(row.feature_class, row.feature_code);
    auto same = std::find_if(g.kinds_.begin(), g.kinds_.end(),
                             [&](const auto& known) { return known.data() == types.data(); });
    if (same == g.kinds_.end()) same = g.kinds_.insert(g.kinds_.end(), types);
    kind = kind_of_.emplace(key_, static_cast<std::uint16_t>(same - g.kinds_.begin())).first;
  }

  key_.assign(row.country_code).append(".").append(row.admin1_code);
  auto vicinity = vicinity_of_.find(key_);
  if (vicinity == vicinity_of_.end()) {
    g.vicinities_.push_back(geonames_vicinity(names_, row.country_code, row.admin1_code));
    vicinity =
        vicinity_of_.emplace(key_, static_cast<std::uint32_t>(g.vicinities_.size() - 1)).first;
  }

  g.places_.push_back({row.latitude_e7, row.longitude_e7, row.population, row.id,
                       static_cast<std::uint32_t>(g.names_.size()),
                       static_cast<std::uint16_t>(row.name.size()), kind->second,
                       vicinity->second});
  g.names_.append(row.name);
}

Gazetteer GazetteerBuilder::finish() && {
  Gazetteer& g = gazetteer_;
  std::sort(g.places_.begin(), g.places_.end(), [](const auto& a, const auto& b) {
    const auto band_a = Gazetteer::band_of(a.latitude_e7);
    const auto band_b = Gazetteer::band_of(b.latitude_e7);
    if (band_a != band_b) return band_a < band_b;
    if (a.longitude_e7 != b.longitude_e7) return a.longitude_e7 < b.longitude_e7;
    return a.id < b.id;
  });
  g.band_start_.assign(Gazetteer::bands + 1, 0);
  for (const auto& place : g.places_) ++g.band_start_[Gazetteer::band_of(place.latitude_e7) + 1];
  for (std::size_t band = 0; band < Gazetteer::bands; ++band) {
    g.band_start_[band + 1] += g.band_start_[band];
  }
  g.places_.shrink_to_fit();
  g.names_.shrink_to_fit();
  return std::move(g);
}

}  // namespace herd
