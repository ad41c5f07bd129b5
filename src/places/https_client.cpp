#include "herd/places/https_client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <fmt/format.h>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "herd/common/host_port.hpp"
#include "herd/common/use_tuple.hpp"

namespace herd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

struct HttpsClient::Connection {
  Connection(const asio::any_io_executor& executor, ssl::context& tls) : stream(executor, tls) {}

  beast::ssl_stream<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
  std::size_t handshake_number = 0;
};

namespace {

// A Nearby Search answer is tens of kilobytes; anything near this is not one,
// and the limit keeps a broken backend from filling our memory.
constexpr std::uint64_t response_body_limit = 4u << 20;

bool is_ip_literal(const std::string& host) {
  boost::system::error_code error;
  asio::ip::make_address(host, error);
  return !error;
}

// Failures that mean the server had closed a kept-alive connection while it sat
// idle, which HTTP/1.1 allows it to do at any moment.
bool closed_while_idle(const boost::system::error_code& error) {
  return error == http::error::end_of_stream || error == asio::error::eof ||
         error == ssl::error::stream_truncated || error == asio::error::connection_reset ||
         error == asio::error::broken_pipe || error == asio::error::connection_aborted;
}

// Asio's host name check, made to leave the reason in the verify result so a
// mismatch is reported as one rather than as a bare "certificate verify failed".
class HostNameCheck {
 public:
  explicit HostNameCheck(const std::string& host)
      : check_(host),
        mismatch_(is_ip_literal(host) ? X509_V_ERR_IP_ADDRESS_MISMATCH
                                      : X509_V_ERR_HOSTNAME_MISMATCH) {}

  bool operator()(bool preverified, ssl::verify_context& context) const {
    const bool verified = check_(preverified, context);
    if (preverified && !verified) X509_STORE_CTX_set_error(context.native_handle(), mismatch_);
    return verified;
  }

 private:
  ssl::host_name_verification check_;
  int mismatch_;
};

struct Exchange {
  boost::system::error_code error;
  std::string_view step;
  bool got_response_bytes = false;
  http::response<http::string_body> response;
};

// One request and its response on an open connection.
asio::awaitable<Exchange> exchange(beast::ssl_stream<beast::tcp_stream>& stream,
                                   beast::flat_buffer& buffer,
                                   const http::request<http::string_body>& message,
                                   Clock::time_point deadline) {
  Exchange result;
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_at(deadline);
  auto [write_error, written] = co_await http::async_write(stream, message, use_tuple);
  if (write_error) {
    result.error = write_error;
    result.step = "sending the request to";
    co_return result;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(response_body_limit);
  tcp.expires_at(deadline);
  auto [read_error, read] = co_await http::async_read(stream, buffer, parser, use_tuple);
  result.got_response_bytes = parser.got_some();
  if (read_error) {
    result.error = read_error;
    result.step = "reading the response from";
    co_return result;
  }
  result.response = parser.release();
  co_return result;
}

}  // namespace

std::shared_ptr<ssl::context> make_tls_client_context(const std::string& ca_file,
                                                      std::string& error) {
  auto tls = std::make_shared<ssl::context>(ssl::context::tls_client);
  tls->set_verify_mode(ssl::verify_peer);
  // A machine without a system store can still trust the extra CA file, so a
  // failure here is not fatal; verification fails later if nothing is trusted.
  boost::system::error_code ignored;
  tls->set_default_verify_paths(ignored);
  if (ca_file.empty()) return tls;
  if (!std::ifstream(ca_file)) {
    error = fmt::format("{}: cannot be read ({})", ca_file, std::strerror(errno));
    return nullptr;
  }
  boost::system::error_code load_error;
  tls->load_verify_file(ca_file, load_error);
  if (load_error) {
    error =
        fmt::format("{}: no CA certificate could be loaded ({})", ca_file, load_error.message());
    return nullptr;
  }
  return tls;
}

HttpsClient::HttpsClient(asio::any_io_executor executor, HttpsEndpoint endpoint,
                         std::shared_ptr<ssl::context> tls, std::chrono::milliseconds timeout,
                         std::size_t pool_size)
    : executor_(std::move(executor)),
      endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      timeout_(timeout),
      pool_size_(pool_size) {
  host_header_ = endpoint_.port == "443" ? bracketed_host(endpoint_.host)
                                         : host_port(endpoint_.host, endpoint_.port);
}

HttpsClient::~HttpsClient() = default;

std::string HttpsClient::describe(std::string_view step,
                                  const boost::system::error_code& error) const {
  if (error == beast::error::timeout) {
    return fmt::format("timed out after {} ms ({} {})", timeout_.count(), step,
                       host_port(endpoint_.host, endpoint_.port));
  }
  return fmt::format("{} {} failed: {}", step, host_port(endpoint_.host, endpoint_.port),
                     error.message());
}

asio::awaitable<std::unique_ptr<HttpsClient::Connection>> HttpsClient::open(
    Clock::time_point deadline, std::string& failure) {
  // The resolver has no deadline of its own, so it races a timer.
  asio::ip::tcp::resolver resolver(executor_);
  asio::steady_timer timer(executor_, deadline);
  auto resolved = co_await (resolver.async_resolve(endpoint_.host, endpoint_.port, use_tuple) ||
                            timer.async_wait(use_tuple));
  if (resolved.index() == 1) {
    failure = describe("resolving", beast::error::timeout);
    co_return nullptr;
  }
  auto [resolve_error, addresses] = std::get<0>(std::move(resolved));
  if (resolve_error) {
    failure = describe("resolving", resolve_error);
    co_return nullptr;
  }

  auto connection = std::make_unique<Connection>(executor_, *tls_);
  auto& tcp = beast::get_lowest_layer(connection->stream);
  tcp.expires_at(deadline);
  auto [connect_error, peer] = co_await tcp.async_connect(addresses, use_tuple);
  if (connect_error) {
    failure = describe("connecting to", connect_error);
    co_return nullptr;
  }

  SSL* native = connection->stream.native_handle();
  // SNI carries host names only (RFC 6066), never address literals.
  if (!is_ip_literal(endpoint_.host) && !SSL_set_tlsext_host_name(native, endpoint_.host.c_str())) {
    failure = fmt::format("TLS with {}: cannot set the server name", endpoint_.host);
    co_return nullptr;
  }
  connection->stream.set_verify_callback(HostNameCheck(endpoint_.host));
  tcp.expires_at(deadline);
  auto [handshake_error] =
      co_await connection->stream.async_handshake(ssl::stream_base::client, use_tuple);
  if (handshake_error) {
    failure = describe("TLS handshake with", handshake_error);
    if (const long verify = SSL_get_verify_result(native); verify != X509_V_OK) {
      failure += fmt::format(": {}", X509_verify_cert_error_string(verify));
    }
    co_return nullptr;
  }
  connection->handshake_number = ++handshakes_;
  co_return connection;
}

asio::awaitable<std::unique_ptr<HttpsClient::Connection>> HttpsClient::acquire(
    Clock::time_point deadline, HttpsResponse& response) {
  while (idle_.empty() && connections_ >= pool_size_) {
    co_await connection_freed_.wait_until(deadline);
    if (Clock::now() >= deadline) {
      // A wake-up that arrived as the deadline passed belongs to the next in line.
      if (!idle_.empty() || connections_ < pool_size_) connection_freed_.notify_one();
      response.failure = describe("waiting for a free connection to", beast::error::timeout);
      co_return nullptr;
    }
  }
  if (!idle_.empty()) {
    // The most recently used connection is the least likely to have been closed.
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    co_return connection;
  }
  ++connections_;
  auto connection = co_await open(deadline, response.failure);
  if (!connection) {
    place_freed();
    co_return nullptr;
  }
  response.new_connection = true;
  co_return connection;
}

asio::awaitable<HttpsResponse> HttpsClient::request(HttpsRequest request) {
  const auto deadline = Clock::now() + timeout_;
  http::request<http::string_body> message{request.method, endpoint_.prefix + request.target, 11};
  message.set(http::field::host, host_header_);
  message.set(http::field::user_agent, "herd/" HERD_VERSION);
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = std::move(request.body);
  message.prepare_payload();

  HttpsResponse response;
  auto connection = co_await acquire(deadline, response);
  if (!connection) co_return response;
  auto outcome = co_await exchange(connection->stream, connection->buffer, message, deadline);
  if (!response.new_connection && outcome.error && !outcome.got_response_bytes &&
      closed_while_idle(outcome.error)) {
    // The server dropped the kept-alive connection and answered nothing, so the
    // request was not served: send it once more on a fresh connection, which
    // takes the dropped one's place in the pool. Nearby Search only reads, so a
    // repeat is harmless.
    connection = co_await open(deadline, response.failure);
    if (!connection) {
      place_freed();
      co_return response;
    }
    response.new_connection = true;
    outcome = co_await exchange(connection->stream, connection->buffer, message, deadline);
  }
  response.handshake_number = connection->handshake_number;
  if (outcome.error) {
    response.failure = describe(outcome.step, outcome.error);
    discard(std::move(connection));
    co_return response;
  }
  response.status = outcome.response.result_int();
  response.body = std::move(outcome.response.body());
  if (outcome.response.keep_alive()) {
    release(std::move(connection));
  } else {
    discard(std::move(connection));
  }
  co_return response;
}

void HttpsClient::release(std::unique_ptr<Connection> connection) {
  beast::get_lowest_layer(connection->stream).expires_never();
  idle_.push_back(std::move(connection));
  connection_freed_.notify_one();
}

void HttpsClient::discard(std::unique_ptr<Connection> connection) {
  connection.reset();  // closes it
  place_freed();
}

void HttpsClient::place_freed() {
  --connections_;
  connection_freed_.notify_one();
}

}  // namespace herd
