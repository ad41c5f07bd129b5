// gazetteer_bench FILE [--queries N]: what the geonames backend's gazetteer
// costs in one process: the load (time, memory), and a query by its band
// index against Boost.Geometry's R-tree (packing constructor) over the same
// places, for the same circles. The chosen index is the faster of the two
// (docs/performance.md). Times are this thread's CPU time, steadier than the
// clock on a shared machine. Prints one human line and one JSON line per figure.
#include <malloc.h>
#include <time.h>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "herd/gazetteer/gazetteer_file.hpp"

namespace {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
// This thread's CPU time.
struct Clock {
  using time_point = std::chrono::nanoseconds;
  static time_point now() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return std::chrono::seconds(now.tv_sec) + std::chrono::nanoseconds(now.tv_nsec);
  }
};
using herd::Gazetteer;
using herd::GazetteerHit;

// Bytes malloc has handed out (small blocks and mapped ones).
std::size_t allocated_bytes() {
  const auto info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

double milliseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void print(nlohmann::ordered_json report) {
  std::string line = report.value("figure", "?");
  for (const auto& [key, value] : report.items()) {
    if (key != "figure") line += "  " + key + "=" + value.dump();
  }
  report["scenario"] = "gazetteer";
  std::cout << line << "\n" << report.dump() << std::endl;
}

// The same places in an R-tree of (longitude, latitude) points in degrees.
class RtreeIndex {
 public:
  using Point = bg::model::point<double, 2, bg::cs::cartesian>;
  using Value = std::pair<Point, std::uint32_t>;

  explicit RtreeIndex(const Gazetteer& gazetteer) : gazetteer_(gazetteer) {
    std::vector<Value> values;
    values.reserve(gazetteer.size());
    for (std::uint32_t place = 0; place < gazetteer.size(); ++place) {
      values.emplace_back(
          Point(gazetteer.longitude_e7(place) / 1e7, gazetteer.latitude_e7(place) / 1e7), place);
    }
    tree_ = Tree(values.begin(), values.end());  // the packing constructor
  }

  // As Gazetteer::nearby: the box from circle_bounds, then the exact distance and the rule.
  void nearby(double latitude, double longitude, double radius_km, std::size_t bound,
              std::vector<GazetteerHit>& hits) {
    hits.clear();
    const auto bounds = herd::circle_bounds(latitude, longitude, radius_km);
    for (std::size_t i = 0; i < bounds.longitude_ranges; ++i) {
      const bg::model::box<Point> box(
          Point(bounds.longitudes[i].west_e7 / 1e7, bounds.south_e7 / 1e7),
          Point(bounds.longitudes[i].east_e7 / 1e7, bounds.north_e7 / 1e7));
      found_.clear();
      tree_.query(bgi::intersects(box), std::back_inserter(found_));
      for (const auto& [point, place] : found_) {
        const double distance =
            herd::great_circle_km(latitude, longitude, gazetteer_.latitude_e7(place) / 1e7,
                                  gazetteer_.longitude_e7(place) / 1e7);
        if (distance <= radius_km) {
          hits.push_back({gazetteer_.population(place), distance, gazetteer_.id(place), place});
        }
      }
    }
    const auto cut = std::min(bound, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(cut), hits.end(),
                      herd::ranks_before);
    hits.resize(cut);
  }

 private:
  using Tree = bgi::rtree<Value, bgi::rstar<16>>;
  const Gazetteer& gazetteer_;
  Tree tree_;
  std::vector<Value> found_;
};

struct Circle {
  double latitude, longitude, radius_km;
};

// Microseconds per query of `index` over `circles`, bound 20; counts the hits.
template <typename Index>
double time_queries(Index& index, const std::vector<Circle>& circles, std::size_t& hits_seen) {
  std::vector<GazetteerHit> hits;
  hits_seen = 0;
  const auto start = Clock::now();
  for (const auto& circle : circles) {
    index.nearby(circle.latitude, circle.longitude, circle.radius_km, 20, hits);
    hits_seen += hits.size();
  }
  return milliseconds_since(start) * 1000 / static_cast<double>(circles.size());
}

// The gazetteer's own index and the R-tree over the same circles.
struct Comparison {
  double band_us = 0;
  double tree_us = 0;
  std::size_t band_hits = 0;
  std::size_t tree_hits = 0;
};

Comparison compare(const Gazetteer& gazetteer, RtreeIndex& rtree,
                   const std::vector<Circle>& circles) {
  Comparison result;
  result.band_us = time_queries(gazetteer, circles, result.band_hits);
  result.tree_us = time_queries(rtree, circles, result.tree_hits);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: gazetteer_bench GEONAMES_FILE [--queries N]\n";
    return 2;
  }
  const std::string file = argv[1];
  const std::size_t queries = argc >= 4 ? std::stoul(argv[3]) : 200'000;

  const std::atomic<bool> stop = false;
  const std::size_t before = allocated_bytes();
  auto start = Clock::now();
  auto load = herd::load_gazetteer(file, stop);
  const double load_ms = milliseconds_since(start);
  if (!load.gazetteer) {
    std::cerr << "gazetteer_bench: " << load.error << "\n";
    return 1;
  }
  const Gazetteer& gazetteer = *load.gazetteer;
  malloc_trim(0);
  print({{"figure", "load"},
         {"places", gazetteer.size()},
         {"skipped", load.skipped},
         {"load_ms", std::round(load_ms)},
         {"gazetteer_bytes", gazetteer.memory_bytes()},
         {"allocated_bytes", allocated_bytes() - before},
         {"bytes_per_place",
          std::round(static_cast<double>(gazetteer.memory_bytes()) / gazetteer.size())}});

  const std::size_t before_tree = allocated_bytes();
  start = Clock::now();
  RtreeIndex rtree(gazetteer);
  const double tree_ms = milliseconds_since(start);
  print({{"figure", "rtree build"},
         {"build_ms", std::round(tree_ms)},
         {"allocated_bytes", allocated_bytes() - before_tree}});

  // Centres where people are: at places of the gazetteer, a little off.
  std::mt19937_64 random(17);
  std::uniform_int_distribution<std::uint32_t> any_place(
      0, static_cast<std::uint32_t>(gazetteer.size() - 1));
  std::uniform_real_distribution<double> jitter(-0.05, 0.05);
  for (const double radius : {1.0, 10.0, 50.0}) {
    std::vector<Circle> circles;
    for (std::size_t i = 0; i < queries; ++i) {
      const auto place = any_place(random);
      circles.push_back(
          {std::clamp(gazetteer.latitude_e7(place) / 1e7 + jitter(random), -90.0, 90.0),
           gazetteer.longitude_e7(place) / 1e7, radius});
    }
    const Comparison timed = compare(gazetteer, rtree, circles);
    print({{"figure", "query"},
           {"radius_km", radius},
           {"queries", queries},
           {"band_index_us", std::round(timed.band_us * 100) / 100},
           {"rtree_us", std::round(timed.tree_us * 100) / 100},
           {"hits_per_query", std::round(static_cast<double>(timed.band_hits) / queries * 10) / 10},
           {"same_hits", timed.band_hits == timed.tree_hits}});
  }
  std::vector<Circle> ucla(queries, Circle{34.06893, -118.445127, 10});
  const Comparison timed = compare(gazetteer, rtree, ucla);
  print({{"figure", "query UCLA"},
         {"radius_km", 10},
         {"band_index_us", std::round(timed.band_us * 100) / 100},
         {"rtree_us", std::round(timed.tree_us * 100) / 100},
         {"same_hits", timed.band_hits == timed.tree_hits}});
  return 0;
}
