// Legacy Nearby Search: already the shape of protocol.md §4, so it is passed through
// with its results cut to the bound.
#include <fmt/format.h>
#include <boost/beast/http/verb.hpp>
#include <cctype>

#include "herd/places/places_backends.hpp"

namespace herd {

namespace {

using nlohmann::json;

constexpr std::string_view search_path = "/maps/api/place/nearbysearch/json";

// Percent-encodes all but RFC 3986's unreserved characters.
std::string url_encoded(std::string_view text) {
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~') {
      encoded.push_back(c);
    } else {
      encoded += fmt::format("%{:02X}", byte);
    }
  }
  return encoded;
}

// Fixed notation with trailing zeros dropped ("34.06893", "10000"): the
// shortest form could be "1e-05", which is no coordinate in a query string.
std::string decimal(double value) {
  std::string text = fmt::format("{:.7f}", value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text;
}

class LegacyPlaces final : public GooglePlacesBackend {
 public:
  using GooglePlacesBackend::GooglePlacesBackend;

  std::string_view name() const override { return "google-legacy"; }

 private:
  Search search(const PlacesQuery& query) const override {
    // The key travels in the query string, so only the part before it is logged.
    const std::string target =
        fmt::format("{}?location={},{}&radius={}", search_path, decimal(query.latitude),
                    decimal(query.longitude), decimal(query.radius_km * 1000));
    return {{boost::beast::http::verb::get, target + "&key=" + url_encoded(key()), {}, {}},
            target + "&key=<redacted>"};
  }

  PlacesAnswer answer(std::string_view body, const PlacesQuery& query) override {
    auto passed = pass_through(body, query.bound);
    // Passed through from the backend, so its message may be anything, even the key.
    remove_key_from_message(passed, key());
    return places_answer(passed);
  }

  static json pass_through(std::string_view text, int bound) {
    json failure;
    auto body = parse_places_body(text, failure);
    if (!body) return failure;
    if (!body->is_object()) return places_unparsable("the body is not a JSON object");
    const auto status = body->find("status");
    if (status == body->end() || !status->is_string()) {
      return places_unparsable("no \"status\" string");
    }
    // The reply always has the legacy shape of protocol.md §4, whatever was left out.
    const auto attributions = body->find("html_attributions");
    if (attributions == body->end() || !attributions->is_array()) {
      (*body)["html_attributions"] = json::array();
    }
    auto results = body->find("results");
    if (results == body->end()) {
      (*body)["results"] = json::array();
    } else if (!results->is_array()) {
      return places_unparsable("\"results\" is not an array");
    } else if (results->size() > static_cast<std::size_t>(bound)) {
      results->erase(results->begin() + bound, results->end());
    }
    return std::move(*body);
  }
};

}  // namespace

std::unique_ptr<PlacesBackend> make_legacy_places(std::unique_ptr<HttpsClient> client,
                                                  std::string key, spdlog::logger& log) {
  return std::make_unique<LegacyPlaces>(std::move(client), std::move(key), log);
}

}  // namespace herd
