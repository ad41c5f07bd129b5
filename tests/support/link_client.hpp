// A test's side of a link to a member (protocol.md §5, §10): plain TCP, or TLS 1.3
// presenting a member certificate, as a neighbour or an impostor would dial.
// Blocking, every call bounded by a deadline, like TcpClient.
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tcp_client.hpp"
#include "test_certificates.hpp"

namespace herd::test {

// What a TLS link client presents and trusts.
struct LinkIdentity {
  LeafCertificate certificate;
  std::filesystem::path ca_file;
};

class LinkClient {
 public:
  // Connects; with `identity`, the link is TLS once handshake() succeeds.
  LinkClient(const std::string& host, std::uint16_t port,
             const std::optional<LinkIdentity>& identity);
  ~LinkClient();
  LinkClient(LinkClient&&) noexcept = default;
  LinkClient& operator=(LinkClient&&) = delete;
  LinkClient(const LinkClient&) = delete;

  // TLS only: the handshake; "" or why it failed. Under TLS 1.3 a member that
  // refuses our certificate says so only after this succeeded on our side, so
  // its refusal shows as closed_by_peer().
  std::string handshake(std::chrono::milliseconds timeout = 5000ms);
  bool is_tls() const { return tls_ != nullptr; }

  void send(std::string_view bytes);
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = 5000ms);
  // True if the member closed the link (EOF, reset or a TLS alert) in time.
  bool closed_by_peer(std::chrono::milliseconds timeout = 5000ms);
  void limit_receive_buffer(int bytes) { tcp_.limit_receive_buffer(bytes); }
  // The plain connection, for bytes that are not TLS (e.g. half a ClientHello).
  TcpClient& tcp() { return tcp_; }

 private:
  struct SslFree {
    void operator()(SSL* tls) const;
  };
  struct ContextFree {
    void operator()(SSL_CTX* context) const;
  };
  // Waits until the socket is ready as OpenSSL's last `result` asked; false
  // at the deadline or on an error that is not a wait.
  bool wait_for_tls(int result, std::chrono::steady_clock::time_point deadline);
  // Reads what is available into buffer_; false at EOF/error or the deadline.
  bool fill(std::chrono::steady_clock::time_point deadline);

  TcpClient tcp_;
  std::unique_ptr<SSL_CTX, ContextFree> context_;
  std::unique_ptr<SSL, SslFree> tls_;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace herd::test
