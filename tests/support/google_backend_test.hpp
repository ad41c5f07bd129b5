// A fixture for a Google backend (make_google_places, make_legacy_places)
// pointed at a FakePlacesServer, whose answers the tests read back as JSON.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "captured_log.hpp"
#include "fake_places.hpp"
#include "fake_places_client.hpp"
#include "herd/places/places.hpp"
#include "herd/places/places_backends.hpp"
#include "places_answer_json.hpp"
#include "run_awaitable.hpp"

namespace herd::test {

inline constexpr PlacesQuery ucla_query{34.068930, -118.445127, 10, 5};

class GoogleBackendTest : public ::testing::Test {
 protected:
  using MakeBackend = std::unique_ptr<PlacesBackend> (*)(std::unique_ptr<HttpsClient> client,
                                                         std::string key, spdlog::logger& log);

  GoogleBackendTest(MakeBackend make, std::string_view key) : make_(make), key_(key) {
    use_client(std::chrono::milliseconds(5000));
  }

  // A new backend whose client has this deadline and trusts `ca_file` (the fake's by default).
  void use_client(std::chrono::milliseconds timeout, const std::string& ca_file = {}) {
    backend_ = make_(fake_places_client(fake_, io_, timeout, 32, ca_file), key_, log_.logger());
  }

  nlohmann::json ask(PlacesQuery query = ucla_query) {
    return places_answer_json(run_awaitable(io_, backend_->nearby(query)));
  }

  FakePlacesServer fake_;
  boost::asio::io_context io_;
  CapturedLog log_;
  std::unique_ptr<PlacesBackend> backend_;

 private:
  MakeBackend make_;
  std::string key_;
};

}  // namespace herd::test
