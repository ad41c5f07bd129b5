#include "herd/places/places.hpp"

#include <fmt/format.h>

#include <spdlog/logger.h>

#include "herd/gazetteer/gazetteer_file.hpp"
#include "herd/places/https_client.hpp"
#include "herd/places/places_backends.hpp"

namespace herd {

namespace {

class NoKeyPlaces final : public PlacesBackend {
 public:
  explicit NoKeyPlaces(std::string name) : name_(std::move(name)) {}

  boost::asio::awaitable<PlacesAnswer> nearby(PlacesQuery) override {
    co_return places_answer(places_error(
        "REQUEST_DENIED",
        "no Places API key configured (set GOOGLE_PLACES_API_KEY or places.key_file)"));
  }

  std::string_view name() const override { return name_; }

 private:
  std::string name_;
};

constexpr std::string_view install_hint =
    "scripts/install-deps.sh installs cities500 at data/geonames/cities500.txt";

// Under "auto" without a key: whether the gazetteer is there; if not, the
// log says why and how to get it, and the member runs without places.
bool geonames_available(const PlacesConfig& config, spdlog::logger& log) {
  std::string why;
  if (check_gazetteer_file(config.geonames_file, why)) return true;
  log.warn(
      "places: no Google key and no GeoNames data ({}); WHATSAT answers REQUEST_DENIED. {}, "
      "or set places.geonames_file",
      why, install_hint);
  return false;
}

}  // namespace

std::unique_ptr<PlacesBackend> make_no_key_places(std::string name) {
  return std::make_unique<NoKeyPlaces>(std::move(name));
}

std::unique_ptr<PlacesBackend> make_places_backend(const PlacesConfig& config,
                                                   boost::asio::any_io_executor executor,
                                                   spdlog::logger& log, std::string& error) {
  auto key = read_places_key(config, error);
  if (!key) return nullptr;
  // A CA file that cannot be used is a configuration mistake whichever backend
  // runs, so it stops the start-up rather than the first WHATSAT.
  auto tls = make_tls_client_context(config.ca_file, error);
  if (!tls) {
    error = "places.ca_file " + error;
    return nullptr;
  }

  auto kind = config.backend;
  if (kind == PlacesBackendKind::automatic) {
    kind = !key->empty()                     ? PlacesBackendKind::google
           : geonames_available(config, log) ? PlacesBackendKind::geonames
                                             : PlacesBackendKind::no_key;
  } else if (kind == PlacesBackendKind::geonames &&
             !check_gazetteer_file(config.geonames_file, error)) {
    error = "places.geonames_file " + error + " (" + std::string(install_hint) + ")";
    return nullptr;
  }
  if (kind == PlacesBackendKind::no_key) return make_no_key_places("no-key");
  if (kind == PlacesBackendKind::geonames) {
    return make_geonames_places(std::move(executor), config.geonames_file, config.timeout, log);
  }

  const bool legacy = kind == PlacesBackendKind::google_legacy;
  const std::string name = legacy ? "google-legacy" : "google";
  // Asked for Google explicitly but given no key: run, and say why nothing works.
  if (key->empty()) return make_no_key_places(name);

  const std::string& url = legacy ? config.legacy_base_url : config.google_base_url;
  auto endpoint = parse_https_url(url, error);
  if (!endpoint) {
    error = fmt::format("places.{}: {} {}", legacy ? "legacy_base_url" : "google_base_url",
                        in_quotes(url), error);
    return nullptr;
  }
  auto client = std::make_unique<HttpsClient>(std::move(executor), std::move(*endpoint),
                                              std::move(tls), config.timeout, config.pool_size);
  if (legacy) return make_legacy_places(std::move(client), std::move(*key), log);
  return make_google_places(std::move(client), std::move(*key), log);
}

}  // namespace herd
