#include "fake_places.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "fake_places_data.hpp"
#include "herd/common/use_tuple.hpp"
#include "test_certificates.hpp"

namespace herd::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using nlohmann::json;

namespace {

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

struct Reply {
  unsigned status = 200;
  std::string body;
};

// Google's error body for the Places API (New).
Reply google_error(unsigned status, std::string_view code, std::string_view message,
                   bool key_invalid = false) {
  json error = {{"code", status}, {"message", message}, {"status", code}};
  if (key_invalid) {
    error["details"] = {{{"@type", "type.googleapis.com/google.rpc.ErrorInfo"},
                         {"reason", "API_KEY_INVALID"},
                         {"domain", "googleapis.com"}}};
  }
  return {status, json{{"error", error}}.dump()};
}

Reply key_not_valid() {
  return google_error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                      true);
}

std::string percent_decoded(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      decoded.push_back(
          static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(text[i] == '+' ? ' ' : text[i]);
    }
  }
  return decoded;
}

std::map<std::string, std::string> query_parameters(std::string_view target) {
  std::map<std::string, std::string> parameters;
  const auto question = target.find('?');
  if (question == std::string_view::npos) return parameters;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    parameters[percent_decoded(pair.substr(0, equals))] =
        equals == std::string_view::npos ? "" : percent_decoded(pair.substr(equals + 1));
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
  }
  return parameters;
}

// object[key], or nullptr when `object` is none or lacks the key. (A JSON
// pointer would allocate each step's string on every request.)
const json* member(const json* object, const char* key) {
  if (object == nullptr || !object->is_object()) return nullptr;
  const auto found = object->find(key);
  return found == object->end() ? nullptr : &*found;
}

bool is_number(const json* value) { return value != nullptr && value->is_number(); }

// {"places": [the first `count` canned places]}, serialised once per count: the
// benchmarks share the machine with this fake, which should cost them as
// little CPU as Google's servers would.
const std::string& canned_places_body(std::size_t count) {
  static const auto bodies = [] {
    const auto& places = canned_new_places();
    std::array<std::string, canned_place_count + 1> all;
    for (std::size_t n = 0; n <= canned_place_count; ++n) {
      all[n] = json{{"places", json(places.begin(), places.begin() + static_cast<long>(n))}}.dump(
          -1, ' ', false);
    }
    return all;
  }();
  return bodies.at(count);
}

// POST /v1/places:searchNearby, with the checks Google makes before answering.
Reply search_nearby(const FakeRequest& request, const std::string& required_key) {
  const auto key = request.header("X-Goog-Api-Key");
  if (!required_key.empty() && key.empty()) {
    return google_error(403, "PERMISSION_DENIED", "The request is missing a valid API key.");
  }
  if (!required_key.empty() && key != required_key) return key_not_valid();
  if (request.header("X-Goog-FieldMask").empty()) {
    return google_error(400, "INVALID_ARGUMENT",
                        "FieldMask is a required parameter. See how to provide it.");
  }
  const json body = json::parse(request.body, nullptr, false);
  const json* circle = member(member(&body, "locationRestriction"), "circle");
  const json* center = member(circle, "center");
  const json* radius_value = member(circle, "radius");
  if (!is_number(member(center, "latitude")) || !is_number(member(center, "longitude")) ||
      !is_number(radius_value)) {
    return google_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
  }
  const double radius = radius_value->get<double>();
  if (radius <= 0 || radius > 50000) {
    return google_error(400, "INVALID_ARGUMENT",
                        "locationRestriction.circle.radius must be in (0.0, 50000.0].");
  }
  std::size_t count = canned_place_count;
  if (body.contains("maxResultCount")) {
    const auto& wanted = body["maxResultCount"];
    if (!wanted.is_number_integer() || wanted.get<int>() < 1 || wanted.get<int>() > 20) {
      return google_error(400, "INVALID_ARGUMENT", "maxResultCount must be in [1, 20].");
    }
    count = wanted.get<std::size_t>();
  }
  return {200, canned_places_body(count)};
}

// GET /maps/api/place/nearbysearch/json: answers 200 with a status, as it did.
Reply legacy_nearby(const FakeRequest& request, const std::string& required_key) {
  const auto parameters = query_parameters(request.target);
  const auto legacy = [](std::string_view status, std::string_view message) {
    return Reply{200, json{{"html_attributions", json::array()},
                           {"results", json::array()},
                           {"status", status},
                           {"error_message", message}}
                          .dump()};
  };
  const auto key = parameters.find("key");
  if (key == parameters.end() || key->second.empty()) {
    return legacy("REQUEST_DENIED", "You must use an API key to authenticate each request.");
  }
  if (!required_key.empty() && key->second != required_key) {
    return legacy("REQUEST_DENIED", "The provided API key is invalid.");
  }
  if (!parameters.contains("location") || !parameters.contains("radius")) {
    return legacy("INVALID_REQUEST", "location and radius are required.");
  }
  return {200, json{{"html_attributions", json::array()},
                    {"results", canned_legacy_results()},
                    {"status", "OK"}}
                   .dump(-1, ' ', false)};
}

Reply normal_reply(const FakeRequest& request, const std::string& required_key) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (request.method == "POST" && path == "/v1/places:searchNearby") {
    return search_nearby(request, required_key);
  }
  if (request.method == "GET" && path == "/maps/api/place/nearbysearch/json") {
    return legacy_nearby(request, required_key);
  }
  return google_error(404, "NOT_FOUND", "The requested URL was not found on this server.");
}

}  // namespace

std::string FakeRequest::header(std::string_view name) const {
  const auto found = headers.find(lower(name));
  return found == headers.end() ? "" : found->second;
}

struct FakePlacesServer::Impl {
  // What a session needs to answer one request, copied under the mutex.
  struct Settings {
    FakeMode mode = FakeMode::normal;
    Reply custom;
    std::chrono::milliseconds delay{0};
    std::size_t hold_until_in_flight = 0;
    std::string required_key;
  };

  explicit Impl(std::uint16_t port) {
    use(right_tls, authority.issue({"localhost"}, {"127.0.0.1", "::1"}));
    use(wrong_tls, authority.issue({"wrong.example"}, {}));
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(tcp::acceptor::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen();
    asio::co_spawn(io, accept_loop(), asio::detached);
    thread = std::thread([this] { io.run(); });
  }

  ~Impl() {
    io.stop();
    thread.join();
  }

  static void use(ssl::context& tls, const LeafCertificate& leaf) {
    tls.use_certificate_chain(asio::buffer(leaf.chain_pem));
    tls.use_private_key(asio::buffer(leaf.private_key_pem), ssl::context::pem);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor.async_accept(use_tuple);
      if (error == asio::error::operation_aborted) co_return;
      if (!error) asio::co_spawn(io, serve(std::move(socket)), asio::detached);
    }
  }

  // Counts one request from when it is read until its answer is written (or the
  // connection drops), keeping the peak. Only the fake's thread writes the counters.
  struct InFlight {
    explicit InFlight(Impl& impl) : count(impl.in_flight) {
      if (const std::size_t now = ++count; now > impl.peak_in_flight) impl.peak_in_flight = now;
    }
    ~InFlight() { --count; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

    std::atomic<std::size_t>& count;
  };

  // Waits until `count` requests are in flight; the one that makes it `count`
  // releases the others by resetting the gate, which cancels their waits.
  asio::awaitable<void> hold(std::size_t count) {
    if (count == 0) co_return;
    if (in_flight >= count) {
      gate.expires_at(asio::steady_timer::time_point::max());
      co_return;
    }
    co_await gate.async_wait(use_tuple);
  }

  // Keeps `request` as the last one and returns how to answer it.
  Settings record(const FakeRequest& request) {
    const std::lock_guard lock(mutex);
    last = request;
    ++request_count;
    return settings;
  }

  static Reply reply_for(const FakeRequest& request, const Settings& settings) {
    switch (settings.mode) {
      case FakeMode::bad_request:
        return google_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
      case FakeMode::key_invalid: return key_not_valid();
      case FakeMode::forbidden:
        return google_error(403, "PERMISSION_DENIED",
                            "Places API (New) has not been used in this project or it is "
                            "disabled.");
      case FakeMode::quota:
        return google_error(429, "RESOURCE_EXHAUSTED",
                            "Quota exceeded for quota metric 'SearchNearby requests'.");
      case FakeMode::server_error:
        return google_error(500, "INTERNAL", "Internal error encountered.");
      case FakeMode::custom: return settings.custom;
      default: break;
    }
    Reply reply = normal_reply(request, settings.required_key);
    if (settings.mode == FakeMode::bad_json) reply.body.resize(reply.body.size() / 2);
    if (settings.mode == FakeMode::invalid_utf8) {
      const std::string name = canned_new_places()[0]["displayName"]["text"];
      if (const auto at = reply.body.find(name); at != std::string::npos) {
        reply.body.replace(at, name.size(), "Caf\xE9 \xFF\xFE");  // Latin-1 é, then junk
      }
    }
    return reply;
  }

  asio::awaitable<void> serve(tcp::socket socket) {
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket),
                                                wrong_host ? wrong_tls : right_tls);
    auto [handshake_error] = co_await stream.async_handshake(ssl::stream_base::server, use_tuple);
    if (handshake_error) co_return;
    ++handshake_count;
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> message;
      auto [read_error, bytes] = co_await http::async_read(stream, buffer, message, use_tuple);
      if (read_error) co_return;
      FakeRequest request{
          std::string(message.method_string()), std::string(message.target()), {}, message.body()};
      for (const auto& field : message) {
        request.headers[lower(field.name_string())] = std::string(field.value());
      }
      const Settings settings = record(request);
      const InFlight answering(*this);
      co_await hold(settings.hold_until_in_flight);
      if (settings.delay.count() > 0) {
        asio::steady_timer timer(io, settings.delay);
        co_await timer.async_wait(use_tuple);
      }
      const Reply reply = reply_for(request, settings);
      auto& tcp_layer = beast::get_lowest_layer(stream);
      if (settings.mode == FakeMode::close_mid_response) {
        const std::string partial = fmt::format(
                                        "HTTP/1.1 {} OK\r\nContent-Type: application/json\r\n"
                                        "Content-Length: {}\r\n\r\n",
                                        reply.status, reply.body.size()) +
                                    reply.body.substr(0, reply.body.size() / 2);
        co_await asio::async_write(stream, asio::buffer(partial), use_tuple);
        tcp_layer.close();
        co_return;
      }
      http::response<http::string_body> response{http::int_to_status(reply.status),
                                                 message.version()};
      response.set(http::field::server, "herd-fake-places");
      response.set(http::field::content_type, "application/json; charset=UTF-8");
      response.keep_alive(message.keep_alive() && settings.mode != FakeMode::connection_close);
      response.body() = reply.body;
      response.prepare_payload();
      auto [write_error, written] = co_await http::async_write(stream, response, use_tuple);
      if (write_error || !response.keep_alive() ||
          settings.mode == FakeMode::close_after_response) {
        tcp_layer.close();
        co_return;
      }
    }
  }

  TestCertificateAuthority authority;
  ssl::context right_tls{ssl::context::tls_server};
  ssl::context wrong_tls{ssl::context::tls_server};
  // Before `io`: destroying it destroys suspended sessions, whose InFlight guards
  // still count down.
  std::atomic<std::size_t> in_flight{0};
  std::atomic<std::size_t> peak_in_flight{0};
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer gate{io, asio::steady_timer::time_point::max()};
  std::atomic<bool> wrong_host{false};
  std::atomic<std::size_t> handshake_count{0};

  mutable std::mutex mutex;  // the test's thread sets, the fake's thread reads
  Settings settings;
  std::optional<FakeRequest> last;
  std::size_t request_count = 0;

  std::thread thread;  // last: it runs on everything above
};

FakePlacesServer::FakePlacesServer(std::uint16_t port) : impl_(std::make_unique<Impl>(port)) {}

FakePlacesServer::~FakePlacesServer() = default;

std::uint16_t FakePlacesServer::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string FakePlacesServer::base_url() const {
  return fmt::format("https://localhost:{}", port());
}

const std::filesystem::path& FakePlacesServer::ca_file() const {
  return impl_->authority.ca_file();
}

void FakePlacesServer::set_mode(FakeMode mode) {
  const std::lock_guard lock(impl_->mutex);
  impl_->settings.mode = mode;
}

void FakePlacesServer::respond_with(unsigned status, std::string body) {
  const std::lock_guard lock(impl_->mutex);
  impl_->settings.mode = FakeMode::custom;
  impl_->settings.custom = {status, std::move(body)};
}

void FakePlacesServer::set_delay(std::chrono::milliseconds delay) {
  const std::lock_guard lock(impl_->mutex);
  impl_->settings.delay = delay;
}

void FakePlacesServer::hold_answers_until_in_flight(std::size_t count) {
  const std::lock_guard lock(impl_->mutex);
  impl_->settings.hold_until_in_flight = count;
}

void FakePlacesServer::set_required_key(std::string key) {
  const std::lock_guard lock(impl_->mutex);
  impl_->settings.required_key = std::move(key);
}

void FakePlacesServer::set_wrong_host_certificate(bool wrong) { impl_->wrong_host = wrong; }

std::size_t FakePlacesServer::handshakes() const { return impl_->handshake_count; }

std::size_t FakePlacesServer::requests() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->request_count;
}

std::size_t FakePlacesServer::peak_in_flight() const { return impl_->peak_in_flight; }

std::optional<FakeRequest> FakePlacesServer::last_request() const {
  const std::lock_guard lock(impl_->mutex);
  return impl_->last;
}

}  // namespace herd::test
