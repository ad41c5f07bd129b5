// A fake of both Google Places endpoints over real HTTPS on loopback, for tests
// and scripts: Places API (New) `POST /v1/places:searchNearby` and legacy
// `GET /maps/api/place/nearbysearch/json`, answered from canned data
// (fake_places_data.hpp) with a certificate from a throwaway CA. It runs its own
// io_context on its own thread, so a test drives the client on its own.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace herd::test {

// How the fake answers from now on (every endpoint alike, except `normal`).
enum class FakeMode {
  normal,                // canned places, after Google's checks of key, field mask and body
  bad_request,           // HTTP 400 INVALID_ARGUMENT
  key_invalid,           // HTTP 400 INVALID_ARGUMENT, details reason API_KEY_INVALID
  forbidden,             // HTTP 403 PERMISSION_DENIED
  quota,                 // HTTP 429 RESOURCE_EXHAUSTED
  server_error,          // HTTP 500 INTERNAL
  bad_json,              // HTTP 200, the normal body cut off halfway
  invalid_utf8,          // HTTP 200, the normal body with bytes that are not UTF-8 in a name
  close_mid_response,    // headers and half the body, then the TCP connection closes
  close_after_response,  // the normal answer (keep-alive), then the connection is dropped
  connection_close,      // the normal answer with "Connection: close", then closes
  custom,                // whatever respond_with() set
};

struct FakeRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  // The value of a header (name in any case), or "" when it was not sent.
  std::string header(std::string_view name) const;
};

class FakePlacesServer {
 public:
  // Listens on 127.0.0.1:`port` (0 picks a free one). Throws if it cannot.
  explicit FakePlacesServer(std::uint16_t port = 0);
  ~FakePlacesServer();
  FakePlacesServer(const FakePlacesServer&) = delete;
  FakePlacesServer& operator=(const FakePlacesServer&) = delete;

  std::uint16_t port() const;
  // "https://localhost:<port>": the base URL of either API.
  std::string base_url() const;
  // The throwaway CA that signed the certificate, for the client's extra CA file.
  const std::filesystem::path& ca_file() const;

  void set_mode(FakeMode mode);
  // Answers every request with this status and body (FakeMode::custom).
  void respond_with(unsigned status, std::string body);
  // Waits this long before each answer (each connection independently).
  void set_delay(std::chrono::milliseconds delay);
  // Holds every answer until `count` requests are being answered at once, then
  // releases them all (0, the default: no hold). A client that cannot have
  // `count` requests in flight together gets no answers and hits its deadline.
  void hold_answers_until_in_flight(std::size_t count);
  // Requests without this key get Google's answers for a missing or wrong key.
  // Empty (the default): any key is accepted.
  void set_required_key(std::string key);
  // Connections accepted from now on present a certificate for "wrong.example".
  void set_wrong_host_certificate(bool wrong);

  // Completed TLS handshakes and requests read, since the start.
  std::size_t handshakes() const;
  std::size_t requests() const;
  // The most requests that were being answered at one moment (read, answer not
  // yet written), since the start: how many a client had in flight concurrently.
  std::size_t peak_in_flight() const;
  std::optional<FakeRequest> last_request() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace herd::test
