// Places API (New) Nearby Search, answered in the legacy shape of protocol.md §4.
#include <fmt/format.h>
#include <spdlog/logger.h>
#include <boost/beast/http/verb.hpp>

#include "herd/places/places_backends.hpp"
#include "herd/places/places_new_conversion.hpp"

namespace herd {

namespace {

constexpr std::string_view search_path = "/v1/places:searchNearby";

// Only what the conversion reads: the mask sets what Google charges for.
constexpr std::string_view field_mask =
    "places.id,places.displayName,places.location,places.types,"
    "places.shortFormattedAddress,places.formattedAddress,places.rating,"
    "places.userRatingCount,places.businessStatus";

class GooglePlaces final : public GooglePlacesBackend {
 public:
  using GooglePlacesBackend::GooglePlacesBackend;

  std::string_view name() const override { return "google"; }

 private:
  Search search(const PlacesQuery& query) const override {
    // Written directly rather than built as a document: this runs for every WHATSAT.
    // fmt prints each double in its shortest form that reads back the same.
    std::string body = fmt::format(
        R"({{"locationRestriction":{{"circle":{{"center":{{"latitude":{},"longitude":{}}},)"
        R"("radius":{}}}}},"maxResultCount":{}}})",
        query.latitude, query.longitude, query.radius_km * 1000, query.bound);
    return {{boost::beast::http::verb::post,
             std::string(search_path),
             {{"Content-Type", "application/json"},
              {"X-Goog-Api-Key", key()},
              {"X-Goog-FieldMask", std::string(field_mask)}},
             std::move(body)},
            std::string(search_path)};
  }

  PlacesAnswer answer(std::string_view body, const PlacesQuery& query) override {
    auto converted = convert_new_places(body, query.bound);
    if (converted.skipped != 0) {
      log().warn("places google: skipped {} of {} places lacking an id, name or location",
                 converted.skipped, converted.places);
    }
    return std::move(converted.answer);
  }
};

}  // namespace

std::unique_ptr<PlacesBackend> make_google_places(std::unique_ptr<HttpsClient> client,
                                                  std::string key, spdlog::logger& log) {
  return std::make_unique<GooglePlaces>(std::move(client), std::move(key), log);
}

}  // namespace herd
