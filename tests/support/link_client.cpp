#include "link_client.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>

#include <stdexcept>

namespace herd::test {

namespace {

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

std::string openssl_reason() {
  char reason[256];
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  ERR_clear_error();
  return reason;
}

void check(bool ok, const char* call) {
  if (!ok) throw std::runtime_error(std::string("link client: ") + call + ": " + openssl_reason());
}

// Presents the leaf (and any further certificates of its chain) with its key.
void use_identity(SSL_CTX* context, const LeafCertificate& identity) {
  std::unique_ptr<BIO, decltype(&BIO_free)> chain(
      BIO_new_mem_buf(identity.chain_pem.data(), static_cast<int>(identity.chain_pem.size())),
      &BIO_free);
  X509* leaf = PEM_read_bio_X509(chain.get(), nullptr, nullptr, nullptr);
  check(leaf != nullptr && SSL_CTX_use_certificate(context, leaf) == 1, "certificate");
  X509_free(leaf);
  while (X509* more = PEM_read_bio_X509(chain.get(), nullptr, nullptr, nullptr)) {
    check(SSL_CTX_add0_chain_cert(context, more) == 1, "chain certificate");
  }
  ERR_clear_error();
  std::unique_ptr<BIO, decltype(&BIO_free)> key_pem(
      BIO_new_mem_buf(identity.private_key_pem.data(),
                      static_cast<int>(identity.private_key_pem.size())),
      &BIO_free);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(key_pem.get(), nullptr, nullptr, nullptr);
  check(key != nullptr && SSL_CTX_use_PrivateKey(context, key) == 1, "private key");
  EVP_PKEY_free(key);
}

}  // namespace

void LinkClient::SslFree::operator()(SSL* tls) const { SSL_free(tls); }
void LinkClient::ContextFree::operator()(SSL_CTX* context) const { SSL_CTX_free(context); }

LinkClient::LinkClient(const std::string& host, std::uint16_t port,
                       const std::optional<LinkIdentity>& identity)
    : tcp_(host, port) {
  if (!identity) return;
  context_.reset(SSL_CTX_new(TLS_client_method()));
  check(context_ != nullptr, "SSL_CTX_new");
  check(SSL_CTX_set_min_proto_version(context_.get(), TLS1_3_VERSION) == 1, "TLS 1.3");
  use_identity(context_.get(), identity->certificate);
  check(SSL_CTX_load_verify_locations(context_.get(), identity->ca_file.c_str(), nullptr) == 1,
        "CA file");
  SSL_CTX_set_verify(context_.get(), SSL_VERIFY_PEER, nullptr);
  tls_.reset(SSL_new(context_.get()));
  check(tls_ != nullptr && SSL_set_fd(tls_.get(), tcp_.native_handle()) == 1, "SSL_new");
  // Non-blocking, so that every call can wait with a deadline (poll).
  const int fd = tcp_.native_handle();
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

LinkClient::~LinkClient() = default;

bool LinkClient::wait_for_tls(int result, Clock::time_point deadline) {
  short events = 0;
  switch (SSL_get_error(tls_.get(), result)) {
    case SSL_ERROR_WANT_READ: events = POLLIN; break;
    case SSL_ERROR_WANT_WRITE: events = POLLOUT; break;
    default: return false;
  }
  pollfd waiting{tcp_.native_handle(), events, 0};
  return ::poll(&waiting, 1, remaining_ms(deadline)) > 0;
}

std::string LinkClient::handshake(std::chrono::milliseconds timeout) {
  if (!tls_) throw std::logic_error("handshake on a plaintext link client");
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const int result = SSL_connect(tls_.get());
    if (result == 1) return "";
    const int error = SSL_get_error(tls_.get(), result);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      return openssl_reason();
    }
    if (!wait_for_tls(result, deadline)) return "no handshake by the deadline";
  }
}

void LinkClient::send(std::string_view bytes) {
  if (!tls_) {
    tcp_.send(bytes);
    return;
  }
  const auto deadline = Clock::now() + 5000ms;
  while (!bytes.empty()) {
    const int sent = SSL_write(tls_.get(), bytes.data(), static_cast<int>(bytes.size()));
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    } else if (!wait_for_tls(sent, deadline)) {
      throw std::runtime_error("link client: SSL_write: " + openssl_reason());
    }
  }
}

bool LinkClient::fill(Clock::time_point deadline) {
  if (eof_) return false;
  char chunk[65536];
  if (!tls_) {
    pollfd waiting{tcp_.native_handle(), POLLIN, 0};
    if (::poll(&waiting, 1, remaining_ms(deadline)) <= 0) return false;
    const ssize_t got = ::recv(tcp_.native_handle(), chunk, sizeof chunk, 0);
    if (got <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
  for (;;) {
    const int got = SSL_read(tls_.get(), chunk, sizeof chunk);
    if (got > 0) {
      buffer_.append(chunk, static_cast<std::size_t>(got));
      return true;
    }
    const int error = SSL_get_error(tls_.get(), got);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      ERR_clear_error();
      eof_ = true;  // closed, reset, or an alert: the link is over either way
      return false;
    }
    if (!wait_for_tls(got, deadline)) return false;
  }
}

std::optional<std::string> LinkClient::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (const auto end = buffer_.find('\n'); end != std::string::npos) {
      std::string line = buffer_.substr(0, end + 1);
      buffer_.erase(0, end + 1);
      return line;
    }
    if (!fill(deadline)) return std::nullopt;
  }
}

bool LinkClient::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (fill(deadline)) buffer_.clear();
  return eof_;
}

}  // namespace herd::test
