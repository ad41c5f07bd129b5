// Places API (New) Nearby Search, answered in the legacy shape of SPEC §4.
#include <boost/beast/http/verb.hpp>
#include <fmt/format.h>
#include <spdlog/logger.h>

#include "herd/places_backends.hpp"

namespace herd {

namespace {

using nlohmann::json;

constexpr std::string_view search_path = "/v1/places:searchNearby";

// Only what legacy_result() reads: the mask sets what Google charges for.
constexpr std::string_view field_mask =
    "places.id,places.displayName,places.location,places.types,"
    "places.shortFormattedAddress,places.formattedAddress,places.rating,"
    "places.userRatingCount,places.businessStatus";

const json* field(const json& object, const char* name) {
  const auto found = object.find(name);
  return found == object.end() ? nullptr : &*found;
}

const json* string_field(const json& object, const char* name) {
  const json* value = field(object, name);
  return value != nullptr && value->is_string() ? value : nullptr;
}

// One place of the new API as a legacy result, or nullopt when it lacks what
// every result must carry (id, name, location) in the types they must have.
std::optional<json> legacy_result(const json& place) {
  if (!place.is_object()) return std::nullopt;
  const json* id = string_field(place, "id");
  const json* display_name = field(place, "displayName");
  const json* name = display_name != nullptr && display_name->is_object()
                         ? string_field(*display_name, "text")
                         : nullptr;
  const json* location = field(place, "location");
  if (id == nullptr || name == nullptr || location == nullptr || !location->is_object()) {
    return std::nullopt;
  }
  const json* latitude = field(*location, "latitude");
  const json* longitude = field(*location, "longitude");
  if (latitude == nullptr || !latitude->is_number() || longitude == nullptr ||
      !longitude->is_number()) {
    return std::nullopt;
  }

  json result = {{"place_id", *id},
                 {"name", *name},
                 {"geometry", {{"location", {{"lat", *latitude}, {"lng", *longitude}}}}}};
  json types = json::array();
  if (const json* given = field(place, "types"); given != nullptr && given->is_array()) {
    for (const auto& type : *given) {
      if (type.is_string()) types.push_back(type);
    }
  }
  result["types"] = std::move(types);
  // Legacy "vicinity" was the short address; the full one is the next best.
  const json* vicinity = string_field(place, "shortFormattedAddress");
  if (vicinity == nullptr) vicinity = string_field(place, "formattedAddress");
  if (vicinity != nullptr) result["vicinity"] = *vicinity;
  if (const json* rating = field(place, "rating"); rating != nullptr && rating->is_number()) {
    result["rating"] = *rating;
  }
  if (const json* count = field(place, "userRatingCount");
      count != nullptr && count->is_number_integer()) {
    result["user_ratings_total"] = *count;
  }
  if (const json* status = string_field(place, "businessStatus")) {
    result["business_status"] = *status;
  }
  return result;
}

class GooglePlaces final : public PlacesBackend {
 public:
  GooglePlaces(std::unique_ptr<HttpsClient> client, std::string key, spdlog::logger& log)
      : client_(std::move(client)), key_(std::move(key)), log_(log) {}

  boost::asio::awaitable<json> nearby(PlacesQuery query) override {
    // The API rejects a radius of 0, yet the answer for an empty circle is known.
    if (query.radius_km <= 0) co_return places_zero_results();
    const auto started = std::chrono::steady_clock::now();
    const auto response = co_await client_->request(search_request(query));
    log_places_request(log_, name(), fmt::format("POST {}{}", client_->endpoint().prefix,
                                                 search_path),
                       response, std::chrono::steady_clock::now() - started);
    auto answer = response.failure.empty() && response.status == 200
                      ? convert(response.body, query.bound)
                      : places_http_failure(response);
    if (const json* message = string_field(answer, "error_message")) {
      answer["error_message"] = without_key(message->get<std::string>(), key_);
    }
    co_return answer;
  }

  std::string_view name() const override { return "google"; }

 private:
  HttpsRequest search_request(const PlacesQuery& query) const {
    const json body = {
        {"locationRestriction",
         {{"circle",
           {{"center", {{"latitude", query.latitude}, {"longitude", query.longitude}}},
            {"radius", query.radius_km * 1000}}}}},
        {"maxResultCount", query.bound}};
    return {boost::beast::http::verb::post,
            std::string(search_path),
            {{"Content-Type", "application/json"},
             {"X-Goog-Api-Key", key_},
             {"X-Goog-FieldMask", std::string(field_mask)}},
            body.dump()};
  }

  json convert(std::string_view text, int bound) const {
    json failure;
    const auto body = parse_places_body(text, failure);
    if (!body) return failure;
    if (!body->is_object()) return places_unparsable("the body is not a JSON object");
    const json* places = field(*body, "places");
    // Google leaves "places" out when nothing is near.
    if (places == nullptr) return places_zero_results();
    if (!places->is_array()) return places_unparsable("\"places\" is not an array");

    json results = json::array();
    std::size_t skipped = 0;
    for (const auto& place : *places) {
      if (results.size() == static_cast<std::size_t>(bound)) break;
      if (auto result = legacy_result(place)) {
        results.push_back(std::move(*result));
      } else {
        ++skipped;
      }
    }
    if (skipped != 0) {
      log_.warn("places google: skipped {} of {} places lacking an id, name or location",
                skipped, places->size());
    }
    if (results.empty()) {
      if (places->empty()) return places_zero_results();
      return places_unparsable(
          fmt::format("none of the {} places has an id, name and location", places->size()));
    }
    return {{"html_attributions", json::array()},
            {"results", std::move(results)},
            {"status", "OK"}};
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
