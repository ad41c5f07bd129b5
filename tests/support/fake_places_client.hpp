// Clients and backends pointed at a FakePlacesServer, trusting its CA.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "fake_places.hpp"
#include "herd/places/https_client.hpp"

namespace herd::test {

inline std::unique_ptr<HttpsClient> fake_places_client(
    const FakePlacesServer& fake, boost::asio::io_context& io,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(5000), std::size_t pool_size = 32,
    const std::string& ca_file = {}) {
  std::string error;
  auto tls = make_tls_client_context(ca_file.empty() ? fake.ca_file().string() : ca_file, error);
  auto endpoint = parse_https_url(fake.base_url(), error);
  if (!tls || !endpoint) throw std::runtime_error(error);
  return std::make_unique<HttpsClient>(io.get_executor(), std::move(*endpoint), std::move(tls),
                                       timeout, pool_size);
}

}  // namespace herd::test
