// A small HTTPS/1.1 client for the Places backends (protocol.md §7): verified TLS
// (system trust store plus an optional extra CA file, SNI, host name check), one
// deadline over each whole request, and a keep-alive pool: up to pool_size
// connections, each carrying one request at a time and kept for the next; a
// request that finds them all busy waits for one (within its deadline), so the
// handshakes never outnumber the pool however many requests arrive.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "herd/common/https_url.hpp"
#include "herd/common/wake_signal.hpp"

namespace herd {

// A TLS client context that verifies peers against the system store and, when
// `ca_file` is not empty, the certificates in that PEM file. Returns nullptr and
// sets `error` (naming the file) when the file cannot be read or holds no CA.
std::shared_ptr<boost::asio::ssl::context> make_tls_client_context(const std::string& ca_file,
                                                                   std::string& error);

struct HttpsRequest {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string target;  // path and query, appended to the endpoint's prefix
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpsResponse {
  // Empty when an HTTP response arrived; otherwise what went wrong, for an
  // error_message ("TLS handshake with localhost:443 failed: ...").
  std::string failure;
  unsigned status = 0;
  std::string body;
  bool new_connection = false;       // false: sent on a kept-alive connection
  std::size_t handshake_number = 0;  // which handshake made the connection used, from 1
};

class HttpsClient {
 public:
  HttpsClient(boost::asio::any_io_executor executor, HttpsEndpoint endpoint,
              std::shared_ptr<boost::asio::ssl::context> tls, std::chrono::milliseconds timeout,
              std::size_t pool_size);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  // Never throws for network or HTTP failures: they come back in `failure`.
  // A kept-alive connection that the server closed meanwhile is replaced and the
  // request sent again once, so callers only see failures of a fresh connection.
  boost::asio::awaitable<HttpsResponse> request(HttpsRequest request);

  const HttpsEndpoint& endpoint() const { return endpoint_; }
  std::size_t handshakes() const { return handshakes_; }
  std::size_t idle_connections() const { return idle_.size(); }
  std::size_t open_connections() const { return connections_; }

 private:
  struct Connection;

  // An idle connection, else a new one while fewer than pool_size exist, else
  // the next one to come free; nullptr with `response.failure` set at the deadline.
  boost::asio::awaitable<std::unique_ptr<Connection>> acquire(
      std::chrono::steady_clock::time_point deadline, HttpsResponse& response);

  // A fresh, verified connection; nullptr with `failure` set when it cannot be made.
  boost::asio::awaitable<std::unique_ptr<Connection>> open(
      std::chrono::steady_clock::time_point deadline, std::string& failure);
  // Back to the pool after a kept-alive exchange, or gone (closed, failed).
  void release(std::unique_ptr<Connection> connection);
  void discard(std::unique_ptr<Connection> connection);
  // A connection closed or could not be opened: its place in the pool is free.
  void place_freed();
  // "<step> host:port failed: <why>", or "timed out after N ms (<step> host:port)".
  std::string describe(std::string_view step, const boost::system::error_code& error) const;

  boost::asio::any_io_executor executor_;
  HttpsEndpoint endpoint_;
  std::string host_header_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::chrono::milliseconds timeout_;
  std::size_t pool_size_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t connections_ = 0;  // idle, busy or being opened
  WakeSignal connection_freed_;  // requests waiting for a connection, in turn
  std::size_t handshakes_ = 0;
};

}  // namespace herd
