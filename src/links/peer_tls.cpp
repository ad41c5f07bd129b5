#include "herd/links/peer_tls.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fmt/format.h>
#include <algorithm>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "herd/common/use_tuple.hpp"
#include "herd/links/link_stream.hpp"
#include "herd/protocol/line_buffer.hpp"
#include "herd/protocol/protocol.hpp"

namespace herd {

namespace asio = boost::asio;
namespace ssl = asio::ssl;

namespace {

struct CertificateFree {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct StoreFree {
  void operator()(X509_STORE* store) const { X509_STORE_free(store); }
};
struct StoreContextFree {
  void operator()(X509_STORE_CTX* context) const { X509_STORE_CTX_free(context); }
};
// A stack that borrows its certificates.
struct BorrowedStackFree {
  void operator()(STACK_OF(X509) * stack) const { sk_X509_free(stack); }
};
using Certificate = std::unique_ptr<X509, CertificateFree>;
using Certificates = std::vector<Certificate>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using BorrowedStack = std::unique_ptr<STACK_OF(X509), BorrowedStackFree>;

// A file named by a peer_tls field, as messages name it.
struct NamedFile {
  std::string_view field;
  std::string path;
  std::string label() const { return std::string(field) + " " + path; }
};

std::optional<std::string> read_whole(const NamedFile& file, std::string& error) {
  if (file.path.empty()) {
    error = std::string(file.field) + ": required when peer_tls.mode is required";
    return std::nullopt;
  }
  std::error_code ignored;
  if (std::filesystem::is_directory(file.path, ignored)) {
    error = file.label() + ": is a directory, not a PEM file";
    return std::nullopt;
  }
  std::ifstream in(file.path, std::ios::binary);
  if (!in) {
    error = file.label() + ": cannot open: " + std::strerror(errno);
    return std::nullopt;
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) {
    error = file.label() + ": cannot read: " + std::strerror(errno);
    return std::nullopt;
  }
  return text;
}

std::unique_ptr<BIO, BioFree> memory_bio(std::string_view pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Certificates read_certificates(std::string_view pem) {
  Certificates certificates;
  auto bio = memory_bio(pem);
  while (X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certificates.emplace_back(certificate);
  }
  ERR_clear_error();  // running out of certificates reads as an error
  return certificates;
}

// Never asks for a passphrase (OpenSSL would prompt on the terminal): an
// encrypted key cannot be read by a daemon anyway.
int no_passphrase(char*, int, int, void*) { return 0; }

Key read_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  ERR_clear_error();
  return key;
}

std::string openssl_reason() {
  char reason[256];
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  ERR_clear_error();
  return reason;
}

// "Wilkes", "Wilkes, \"x\"" or "nobody (no DNS name in its subjectAltName)".
std::string names_text(const std::vector<std::string>& names) {
  if (names.empty()) return "nobody (no DNS name in its subjectAltName)";
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + in_quotes(name);
  return text;
}

std::string utc_text(const ASN1_TIME* time) {
  std::tm parts{};
  if (ASN1_TIME_to_tm(time, &parts) != 1) return "an unreadable date";
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

int days_until(std::chrono::system_clock::time_point now, const ASN1_TIME* time) {
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> at_now(
      ASN1_TIME_set(nullptr, std::chrono::system_clock::to_time_t(now)), &ASN1_TIME_free);
  int days = 0;
  int seconds = 0;
  if (!at_now || ASN1_TIME_diff(&days, &seconds, at_now.get(), time) != 1) return 0;
  return days;
}

std::string issuer_text(X509* certificate) {
  auto bio = std::unique_ptr<BIO, BioFree>(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_issuer_name(certificate), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// "" when `leaf`, with the intermediates in `chain`, verifies against
// `authorities` at `now` for `purpose`; otherwise OpenSSL's reason.
std::string verify_chain(X509* leaf, const Certificates& chain, const Certificates& authorities,
                         std::time_t now, int purpose) {
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  for (const auto& authority : authorities) X509_STORE_add_cert(store.get(), authority.get());
  BorrowedStack untrusted(sk_X509_new_null());
  for (const auto& certificate : chain) sk_X509_push(untrusted.get(), certificate.get());
  std::unique_ptr<X509_STORE_CTX, StoreContextFree> context(X509_STORE_CTX_new());
  if (!store || !untrusted || !context ||
      X509_STORE_CTX_init(context.get(), store.get(), leaf, untrusted.get()) != 1) {
    return "cannot set up the check: " + openssl_reason();
  }
  X509_STORE_CTX_set_purpose(context.get(), purpose);
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(context.get()), now);
  if (X509_verify_cert(context.get()) == 1) return "";
  ERR_clear_error();
  return X509_verify_cert_error_string(X509_STORE_CTX_get_error(context.get()));
}

std::shared_ptr<ssl::context> make_context(bool accepting, X509* leaf, const Certificates& chain,
                                           EVP_PKEY* key, const Certificates& authorities,
                                           std::string& error) {
  auto context = std::make_shared<ssl::context>(accepting ? ssl::context::tls_server
                                                          : ssl::context::tls_client);
  SSL_CTX* native = context->native_handle();
  BorrowedStack chain_stack(sk_X509_new_null());
  for (const auto& certificate : chain) sk_X509_push(chain_stack.get(), certificate.get());
  bool ok = SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION) == 1 &&
            SSL_CTX_use_cert_and_key(native, leaf, key, chain_stack.get(), 1) == 1;
  // The herd CA alone: the system's trust store is never loaded.
  X509_STORE* store = SSL_CTX_get_cert_store(native);
  for (const auto& authority : authorities) {
    ok = ok && X509_STORE_add_cert(store, authority.get()) == 1;
  }
  if (!ok) {
    error = "cannot set up TLS: " + openssl_reason();
    return nullptr;
  }
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  if (accepting) {
    // Links are long-lived and never resumed: no session tickets to send.
    SSL_CTX_set_num_tickets(native, 0);
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  }
  return context;
}

// What an operator should hear about a key file others can read.
std::string key_file_warning(const NamedFile& key) {
  struct stat status {};
  if (::stat(key.path.c_str(), &status) != 0 || (status.st_mode & 077) == 0) return "";
  return fmt::format("{} can be read by other users (mode {:04o}); chmod 600 it", key.label(),
                     status.st_mode & 07777);
}

}  // namespace

std::string expand_member(std::string_view path, std::string_view member) {
  constexpr std::string_view placeholder = "{member}";
  std::string expanded;
  for (auto at = path.find(placeholder); at != std::string_view::npos;
       at = path.find(placeholder)) {
    expanded.append(path.substr(0, at)).append(member);
    path.remove_prefix(at + placeholder.size());
  }
  return expanded.append(path);
}

std::optional<PeerTlsContexts> load_peer_tls(const PeerTlsConfig& config, std::string_view member,
                                             std::chrono::system_clock::time_point now,
                                             std::string& error) {
  const NamedFile ca_file{"peer_tls.ca_file", expand_member(config.ca_file, member)};
  const NamedFile cert_file{"peer_tls.cert_file", expand_member(config.cert_file, member)};
  const NamedFile key_file{"peer_tls.key_file", expand_member(config.key_file, member)};
  const auto ca_pem = read_whole(ca_file, error);
  if (!ca_pem) return std::nullopt;
  const auto cert_pem = read_whole(cert_file, error);
  if (!cert_pem) return std::nullopt;
  const auto key_pem = read_whole(key_file, error);
  if (!key_pem) return std::nullopt;

  const Certificates authorities = read_certificates(*ca_pem);
  if (authorities.empty()) {
    error = ca_file.label() + ": holds no PEM certificate";
    return std::nullopt;
  }
  Certificates chain = read_certificates(*cert_pem);
  if (chain.empty()) {
    error = cert_file.label() + ": holds no PEM certificate";
    return std::nullopt;
  }
  const Certificate leaf = std::move(chain.front());
  chain.erase(chain.begin());
  const Key key = read_key(*key_pem);
  if (!key) {
    error = key_file.label() + ": holds no unencrypted PEM private key";
    return std::nullopt;
  }
  if (X509_check_private_key(leaf.get(), key.get()) != 1) {
    ERR_clear_error();
    error = key_file.label() + ": does not match the certificate in " + cert_file.label();
    return std::nullopt;
  }
  const auto names = certificate_dns_names(leaf.get());
  if (std::find(names.begin(), names.end(), member) == names.end()) {
    error = cert_file.label() + ": the certificate names " + names_text(names) + ", not " +
            std::string(member) + " (a member certificate names its member as a DNS name)";
    return std::nullopt;
  }
  // Each member is the TLS client of the links it dials and the server of the others.
  const std::pair<int, std::string_view> uses[] = {{X509_PURPOSE_SSL_SERVER, "a TLS server"},
                                                   {X509_PURPOSE_SSL_CLIENT, "a TLS client"}};
  for (const auto& [purpose, use] : uses) {
    const std::string why = verify_chain(leaf.get(), chain, authorities,
                                         std::chrono::system_clock::to_time_t(now), purpose);
    if (!why.empty()) {
      error = fmt::format("{}: does not verify against {} for use as {}: {}", cert_file.label(),
                          ca_file.label(), use, why);
      if (why == X509_verify_cert_error_string(X509_V_ERR_CERT_HAS_EXPIRED)) {
        error += " (on " + utc_text(X509_get0_notAfter(leaf.get())) + ")";
      }
      return std::nullopt;
    }
  }

  const int days_left = days_until(now, X509_get0_notAfter(leaf.get()));
  PeerTlsContexts contexts;
  contexts.dialing = make_context(false, leaf.get(), chain, key.get(), authorities, error);
  contexts.accepting = make_context(true, leaf.get(), chain, key.get(), authorities, error);
  if (!contexts.dialing || !contexts.accepting) return std::nullopt;
  contexts.description = fmt::format(
      "certificate of {} issued by {}, valid until {} ({} day{} from now), from {}; "
      "trusting only {}",
      member, issuer_text(leaf.get()), utc_text(X509_get0_notAfter(leaf.get())), days_left,
      days_left == 1 ? "" : "s", cert_file.path, ca_file.label());
  contexts.warning = key_file_warning(key_file);
  return contexts;
}

std::vector<std::string> certificate_dns_names(X509* certificate) {
  std::vector<std::string> names;
  auto* general = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (general == nullptr) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(general); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(general, i);
    if (name->type != GEN_DNS) continue;
    names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                       static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
  }
  GENERAL_NAMES_free(general);
  return names;
}

std::string check_peer_names(SSL* tls, std::string_view member) {
  X509* certificate = SSL_get0_peer_certificate(tls);
  if (certificate == nullptr) return "it presented no certificate";
  if (const long result = SSL_get_verify_result(tls); result != X509_V_OK) {
    return std::string("its certificate did not verify: ") + X509_verify_cert_error_string(result);
  }
  const auto names = certificate_dns_names(certificate);
  if (std::find(names.begin(), names.end(), member) != names.end()) return "";
  return "its certificate names " + names_text(names) + ", not " + std::string(member);
}

std::string link_security(LinkStream& stream, std::string_view member) {
  SSL* tls = stream.native_tls();
  if (tls == nullptr) return "plaintext, not authenticated";
  const std::string version = SSL_get_version(tls);
  if (std::string why = check_peer_names(tls, member); !why.empty())
    return version + ", but " + why;
  return version + ", certificate verified as " + std::string(member);
}

std::string tls_failure(const boost::system::error_code& error, SSL* tls) {
  std::string reason = error == asio::error::eof || error == ssl::error::stream_truncated
                           ? "the connection was closed"
                           : error.message();
  if (tls != nullptr) {
    if (const long result = SSL_get_verify_result(tls); result != X509_V_OK) {
      reason += std::string(" (") + X509_verify_cert_error_string(result) + ")";
    }
  }
  return reason;
}

asio::awaitable<std::string> dial_tls(LinkStream& stream, std::string_view neighbour) {
  const std::string name(neighbour);
  if (const auto error = co_await stream.handshake(ssl::stream_base::client, {})) {
    std::string why = "TLS handshake failed: " + tls_failure(error, stream.native_tls());
    // A member with TLS off answers our ClientHello as a client's line: "? ...".
    if (error.category() == asio::error::get_ssl_category() &&
        ERR_GET_REASON(static_cast<unsigned long>(error.value())) == SSL_R_WRONG_VERSION_NUMBER) {
      why += "; it answered with bytes that are not TLS (is its peer_tls.mode off?)";
    }
    co_return why;
  }
  co_return check_peer_names(stream.native_tls(), name);
}

asio::awaitable<TlsHello> accept_tls_hello(LinkStream& stream, asio::const_buffer received,
                                           LineBuffer& lines) {
  TlsHello hello;
  if (const auto error = co_await stream.handshake(ssl::stream_base::server, received)) {
    hello.failure = "TLS handshake failed: " + tls_failure(error, stream.native_tls());
    co_return hello;
  }
  for (;;) {
    if (const auto line = lines.next_line()) {
      const Command command = parse_command(*line);
      const auto* claim = std::get_if<Hello>(&command);
      if (claim == nullptr) {
        hello.failure = "its first line is not a HELLO";
        co_return hello;
      }
      hello.member = std::string(claim->member);
      if (std::string why = check_peer_names(stream.native_tls(), hello.member); !why.empty()) {
        hello.failure = "HELLO from " + in_quotes(hello.member) + ", but " + why;
      }
      co_return hello;
    }
    if (lines.overflowed()) {
      hello.failure = "its first line is too long for a HELLO";
      co_return hello;
    }
    auto [error, bytes] = co_await stream.async_read_some(read_buffer(lines), use_tuple);
    if (error) {
      hello.failure = "no HELLO: " + tls_failure(error, stream.native_tls());
      co_return hello;
    }
    lines.commit(bytes);
  }
}

}  // namespace herd
