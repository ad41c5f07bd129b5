// Places API (New) Nearby Search, answered in the legacy shape of SPEC §4.
#include <boost/beast/http/verb.hpp>
#include <fmt/format.h>
#include <spdlog/logger.h>

#include "herd/places_backends.hpp"
#include "herd/places_new_conversion.hpp"

namespace herd {

namespace {

constexpr std::string_view search_path = "/v1/places:searchNearby";

// Only what the conversion reads: the mask sets what Google charges for.
constexpr std::string_view field_mask =
    "places.id,places.displayName,places.location,places.types,"
    "places.shortFormattedAddress,places.formattedAddress,places.rating,"
    "places.userRatingCount,places.businessStatus";

class GooglePlaces final : public PlacesBackend {
 public:
  GooglePlaces(std::unique_ptr<HttpsClient> client, std::string key, spdlog::logger& log)
      : client_(std::move(client)), key_(std::move(key)), log_(log) {}

  boost::asio::awaitable<PlacesAnswer> nearby(PlacesQuery query) override {
    // The API rejects a radius of 0, yet the answer for an empty circle is known.
    if (query.radius_km <= 0) co_return places_answer(places_zero_results());
    const auto started = std::chrono::steady_clock::now();
    const auto response = co_await client_->request(search_request(query));
    log_places_request(log_, name(), fmt::format("POST {}{}", client_->endpoint().prefix,
                                                 search_path),
                       response, std::chrono::steady_clock::now() - started);
    if (response.failure.empty() && response.status == 200) {
      auto converted = convert_new_places(response.body, query.bound);
      if (converted.skipped != 0) {
        log_.warn("places google: skipped {} of {} places lacking an id, name or location",
                  converted.skipped, converted.places);
      }
      co_return std::move(converted.answer);
    }
    auto failure = places_http_failure(response);
    // The message may quote what the backend said, and so the key.
    failure["error_message"] = without_key(failure["error_message"].get<std::string>(), key_);
    co_return places_answer(failure);
  }

  std::string_view name() const override { return "google"; }

 private:
  HttpsRequest search_request(const PlacesQuery& query) const {
    // Written directly rather than built as a document: this runs for every WHATSAT.
    // fmt prints each double in its shortest form that reads back the same.
    std::string body = fmt::format(
        R"({{"locationRestriction":{{"circle":{{"center":{{"latitude":{},"longitude":{}}},)"
        R"("radius":{}}}}},"maxResultCount":{}}})",
        query.latitude, query.longitude, query.radius_km * 1000, query.bound);
    return {boost::beast::http::verb::post,
            std::string(search_path),
            {{"Content-Type", "application/json"},
             {"X-Goog-Api-Key", key_},
             {"X-Goog-FieldMask", std::string(field_mask)}},
            std::move(body)};
  }

  std::unique_ptr<HttpsClient> client_;
  std::string key_;
  spdlog::logger& log_;
};

}  // namespace

std::unique_ptr<PlacesBackend> make_google_places(std::unique_ptr<HttpsClient> client,
                                                  std::string key, spdlog::logger& log) {
  return std::make_unique<GooglePlaces>(std::move(client), std::move(key), log);
}

}  // namespace herd
