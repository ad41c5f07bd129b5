// The Places backends that make_places_backend chooses from, and what the two
// Google ones share. Tests build them directly to point them at a fake server.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "herd/config/config.hpp"
#include "herd/gazetteer/gazetteer_file.hpp"
#include "herd/places/https_client.hpp"
#include "herd/places/places.hpp"

namespace herd {

// The key: GOOGLE_PLACES_API_KEY if set and not empty, else the trimmed contents
// of config.key_file if one is named, else "". Returns nullopt and sets `error`
// (naming the file) when the key file cannot be read or is empty.
std::optional<std::string> read_places_key(const PlacesConfig& config, std::string& error);

// Answers every query with REQUEST_DENIED: no key was configured.
std::unique_ptr<PlacesBackend> make_no_key_places(std::string name);

// Places API (New): POST {base}/v1/places:searchNearby, converted to the legacy shape.
std::unique_ptr<PlacesBackend> make_google_places(std::unique_ptr<HttpsClient> client,
                                                  std::string key, spdlog::logger& log);

// Legacy Nearby Search: GET {base}/maps/api/place/nearbysearch/json, passed through.
std::unique_ptr<PlacesBackend> make_legacy_places(std::unique_ptr<HttpsClient> client,
                                                  std::string key, spdlog::logger& log);

// Offline, from the GeoNames gazetteer `file` (gazetteer_file.hpp), loaded on
// a thread of its own while the member already serves. A WHATSAT that comes
// before the gazetteer is ready waits for it, up to `wait_limit`, then answers
// UNKNOWN_ERROR; so does every WHATSAT when the file could not be loaded.
std::unique_ptr<PlacesBackend> make_geonames_places(boost::asio::any_io_executor executor,
                                                    std::string file,
                                                    std::chrono::milliseconds wait_limit,
                                                    spdlog::logger& log);

// Builds the gazetteer on the loading thread; gives up soon after `stop` is set.
using GazetteerLoader = std::function<GazetteerLoad(const std::atomic<bool>& stop)>;

// The same with the loading done by `load` (tests hold it back); `file` names
// what it loads in messages.
std::unique_ptr<PlacesBackend> make_geonames_places(boost::asio::any_io_executor executor,
                                                    std::string file, GazetteerLoader load,
                                                    std::chrono::milliseconds wait_limit,
                                                    spdlog::logger& log);

// --- shared by the Google backends ---

// UNKNOWN_ERROR "unparsable response from the Places backend: <why>".
nlohmann::json places_unparsable(std::string_view why);

// The legacy status for a request that got no HTTP 200 (protocol.md §7): a transport
// failure, or an HTTP error with Google's {"error":{"message","details"}} body.
nlohmann::json places_http_failure(const HttpsResponse& response);

// Nesting past this is no Places answer, and printing such a value again
// would recurse as deep as it goes.
constexpr int places_max_depth = 64;

// UNKNOWN_ERROR "unparsable response from the Places backend: <what> at byte <byte>".
nlohmann::json places_unreadable_at(std::string_view what, std::size_t byte);

// UNKNOWN_ERROR for a body nested deeper than places_max_depth.
nlohmann::json places_nested_too_deep();

// Parses a backend's body; on failure returns nullopt and sets `failure` to the
// UNKNOWN_ERROR answer saying why (not JSON, invalid UTF-8, nested absurdly deep).
std::optional<nlohmann::json> parse_places_body(std::string_view body, nlohmann::json& failure);

// "places <backend>: <what> -> <status> in <ms> ms (<connection>)", or the
// failure. `what` must not hold the key.
void log_places_request(spdlog::logger& log, std::string_view backend, std::string_view what,
                        const HttpsResponse& response, std::chrono::steady_clock::duration took);

// `text` with every occurrence of `key` replaced, for text a backend echoed back.
std::string without_key(std::string text, std::string_view key);

// An answer's "error_message" without `key` in it; one that is not a string
// (a backend's answer may hold anything) is removed.
void remove_key_from_message(nlohmann::json& answer, std::string_view key);

// The steps both Google backends take around their request: an empty circle
// answered without asking (the API rejects a radius of 0), the request timed
// and logged, a failure turned into its legacy status (protocol.md §7), and the key
// kept out of every error_message. A backend says how to ask and how to read
// a 200's body.
class GooglePlacesBackend : public PlacesBackend {
 public:
  GooglePlacesBackend(std::unique_ptr<HttpsClient> client, std::string key, spdlog::logger& log)
      : client_(std::move(client)), key_(std::move(key)), log_(log) {}

  boost::asio::awaitable<PlacesAnswer> nearby(PlacesQuery query) final;

 protected:
  struct Search {
    HttpsRequest request;
    std::string logged_target;  // the target as the log shows it: never the key
  };
  virtual Search search(const PlacesQuery& query) const = 0;
  // The answer to `query` from the body of an HTTP 200.
  virtual PlacesAnswer answer(std::string_view body, const PlacesQuery& query) = 0;

  const std::string& key() const { return key_; }
  spdlog::logger& log() const { return log_; }

 private:
  std::unique_ptr<HttpsClient> client_;
  std::string key_;
  spdlog::logger& log_;
};

}  // namespace herd
