// Mutual TLS on links between members (protocol.md §10). The herd CA is the only
// trust anchor, TLS 1.3 the only version, and each side presents its member
// certificate and requires the other's. A member certificate names its member
// in a subjectAltName DNS entry, compared exactly (no wildcards, no CN): the
// dialer checks that the accepting side is the neighbour it dialled, the
// acceptor that the dialer is the member its HELLO claims.
//
// Links share the client port: while links use TLS, the accepting member
// tells a TLS ClientHello from a text line by its first byte
// (starts_tls_record), so netcat clients see no change. With TLS off nothing
// is told apart: such bytes are a client's line like any other.
#pragma once

#include <openssl/types.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "herd/config/config.hpp"

namespace boost::asio::ssl {
class context;
}

namespace herd {

class LineBuffer;
class LinkStream;

// Whether a connection's first bytes are a TLS record carrying a handshake
// (content type 22): no text command starts with that control byte.
inline bool starts_tls_record(std::string_view received) {
  return !received.empty() && received.front() == '\x16';
}

// The TLS contexts of one member's links, made from its peer_tls files.
struct PeerTlsContexts {
  std::shared_ptr<boost::asio::ssl::context> dialing;    // we dial: the TLS client
  std::shared_ptr<boost::asio::ssl::context> accepting;  // a neighbour dialled us: the server
  // What was loaded, for the log: whose certificate, its issuer, until when.
  std::string description;
  // Something the operator should fix that does not stop the member (a key
  // file others can read); empty when there is none.
  std::string warning;
};

// `path` with every "{member}" replaced by `member`.
std::string expand_member(std::string_view path, std::string_view member);

// Reads and checks the files of `config` for member `member`, as of `now`:
// each exists and is readable; the CA file holds certificates; the certificate
// file holds a certificate that names the member, whose chain verifies against
// the CA (neither expired nor not yet valid) for TLS client and server use;
// the key file holds the matching unencrypted private key. On failure returns
// nullopt and sets `error` naming the field and the file.
std::optional<PeerTlsContexts> load_peer_tls(const PeerTlsConfig& config, std::string_view member,
                                             std::chrono::system_clock::time_point now,
                                             std::string& error);

// The subjectAltName DNS entries of `certificate`.
std::vector<std::string> certificate_dns_names(X509* certificate);

// "" when the peer on `tls` presented a verified certificate naming `member`;
// otherwise why not, for the log.
std::string check_peer_names(SSL* tls, std::string_view member);

// How the link on `stream` with `member` is secured, for its "up" log line:
// the TLS version and the member its peer's verified certificate names, or
// that it is plaintext.
std::string link_security(LinkStream& stream, std::string_view member);

// Why a TLS handshake on `tls` failed with `error`, for the log: OpenSSL's
// reason, and the certificate check's verdict when that was the cause.
std::string tls_failure(const boost::system::error_code& error, SSL* tls);

// The dialing side of a link: the handshake, then the check that the
// accepting side's certificate names `neighbour`. Returns "" or why the link
// is refused. The caller bounds it with a deadline.
boost::asio::awaitable<std::string> dial_tls(LinkStream& stream, std::string_view neighbour);

// The accepting side up to the neighbour's HELLO: the handshake (`received`:
// what the client session read before it saw a TLS record), then the first
// line inside TLS, which must be "HELLO <member>" from a certificate naming
// <member>. Lines that follow stay in `lines`. The caller bounds it with a
// deadline.
struct TlsHello {
  std::string member;   // whom the HELLO claims and the certificate names
  std::string failure;  // empty when the link may be adopted
};
boost::asio::awaitable<TlsHello> accept_tls_hello(LinkStream& stream,
                                                  boost::asio::const_buffer received,
                                                  LineBuffer& lines);

}  // namespace herd
