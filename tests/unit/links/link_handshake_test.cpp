// Both ends of a link's TLS handshake in one process (peer_tls.hpp): the
// dialer checks that it reached the member it dialled, the acceptor that the
// certificate names the member its HELLO claims, and each that the other's
// chain comes from the herd CA.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <filesystem>

#include "herd/links/link_stream.hpp"
#include "herd/links/peer_tls.hpp"
#include "herd/protocol/line_buffer.hpp"
#include "run_awaitable.hpp"
#include "test_certificates.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using test::LeafCertificate;
using test::TestCertificateAuthority;
using testing::HasSubstr;

struct Handshake {
  std::string dialer;  // dial_tls's verdict
  TlsHello acceptor;   // accept_tls_hello's
};

class LinkHandshake : public testing::Test {
 protected:
  ~LinkHandshake() override { std::filesystem::remove_all(directory_); }

  // The contexts of `member` presenting `certificate` and trusting the herd CA,
  // loaded as of `as_of` (so that an expired certificate can be presented).
  PeerTlsContexts contexts(
      const std::string& member, const LeafCertificate& certificate,
      std::chrono::system_clock::time_point as_of = std::chrono::system_clock::now()) {
    const auto cert = directory_ / (member + std::to_string(files_++) + ".pem");
    const auto key = directory_ / (member + std::to_string(files_++) + ".key");
    test::write_pem_files(certificate, cert, key);
    PeerTlsConfig config{PeerTlsMode::required, authority_.ca_file().string(), cert.string(),
                         key.string()};
    std::string error;
    auto loaded = load_peer_tls(config, member, as_of, error);
    EXPECT_TRUE(loaded) << error;
    return *loaded;
  }
  PeerTlsContexts member(const std::string& name) {
    return contexts(name, authority_.issue_member(name));
  }

  // `dialer` dials `acceptor` expecting `dialled`, and on success says `hello`.
  Handshake run(const PeerTlsContexts& dialer, const std::string& dialled,
                const PeerTlsContexts& acceptor, const std::string& hello) {
    asio::io_context io;
    tcp::acceptor listener(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    LineBuffer lines(1024);
    auto accept_side = [&]() -> asio::awaitable<TlsHello> {
      tcp::socket socket = co_await listener.async_accept(asio::use_awaitable);
      LinkStream stream(std::move(socket), acceptor.accepting);
      co_return co_await accept_tls_hello(stream, {}, lines);
    };
    auto dial_side = [&]() -> asio::awaitable<std::string> {
      tcp::socket socket(io);
      co_await socket.async_connect(listener.local_endpoint(), asio::use_awaitable);
      LinkStream stream(std::move(socket), dialer.dialing);
      std::string verdict = co_await dial_tls(stream, dialled);
      if (verdict.empty()) {
        co_await stream.async_write(asio::buffer(hello), asio::use_awaitable);
        // Held open until the acceptor has read it and hangs up.
        char byte;
        co_await stream.async_read_some(asio::buffer(&byte, 1),
                                        asio::as_tuple(asio::use_awaitable));
      }
      co_return verdict;
    };
    auto both = [&]() -> asio::awaitable<Handshake> {
      auto acceptor_task = asio::co_spawn(io, accept_side(), asio::use_awaitable);
      std::string dialler_verdict;
      TlsHello accepted;
      auto [first, second] = co_await (std::move(acceptor_task) && dial_side());
      accepted = std::move(first);
      dialler_verdict = std::move(second);
      co_return Handshake{dialler_verdict, accepted};
    };
    return test::run_awaitable(io, both());
  }

  TestCertificateAuthority authority_;
  const std::filesystem::path directory_ = test::make_temp_dir("herd-link-handshake");
  int files_ = 0;
};

TEST_F(LinkHandshake, NeighboursWithHerdCertificatesLink) {
  const Handshake result = run(member("Hands"), "Wilkes", member("Wilkes"), "HELLO Hands\nECHO x");
  EXPECT_EQ(result.dialer, "");
  EXPECT_EQ(result.acceptor.failure, "");
  EXPECT_EQ(result.acceptor.member, "Hands");
}

TEST_F(LinkHandshake, TheDialerRefusesAnAcceptorThatIsNotTheMemberItDialled) {
  // Whoever answers on Wilkes' address with Holiday's certificate.
  const Handshake result = run(member("Hands"), "Wilkes", member("Holiday"), "HELLO Hands\n");
  EXPECT_EQ(result.dialer, "its certificate names \"Holiday\", not Wilkes");
}

TEST_F(LinkHandshake, TheAcceptorRefusesAHelloTheCertificateDoesNotName) {
  const Handshake result = run(member("Goloman"), "Wilkes", member("Wilkes"), "HELLO Hands\n");
  EXPECT_EQ(result.acceptor.failure,
            "HELLO from \"Hands\", but its certificate names \"Goloman\", not Hands");
}

TEST_F(LinkHandshake, TheAcceptorRefusesAFirstLineThatIsNotAHello) {
  const Handshake result = run(member("Hands"), "Wilkes", member("Wilkes"), "IAMAT a +1+1 1\n");
  EXPECT_EQ(result.acceptor.failure, "its first line is not a HELLO");
}

TEST_F(LinkHandshake, EachSideRefusesACertificateOfAnotherCa) {
  TestCertificateAuthority other;
  // Loaded against the other CA, as its own member would load it.
  const auto foreign = [&](const std::string& name) {
    const auto cert = directory_ / (name + "-foreign.pem");
    const auto key = directory_ / (name + "-foreign.key");
    test::write_pem_files(other.issue_member(name), cert, key);
    PeerTlsConfig config{PeerTlsMode::required, other.ca_file().string(), cert.string(),
                         key.string()};
    std::string error;
    auto loaded = load_peer_tls(config, name, std::chrono::system_clock::now(), error);
    EXPECT_TRUE(loaded) << error;
    return *loaded;
  };
  const Handshake dialing_foreigner =
      run(foreign("Hands"), "Wilkes", member("Wilkes"), "HELLO Hands\n");
  // The foreigner trusts only its own CA, so it refuses first (an "unknown
  // ca" alert); link_tls_test has the herd member refusing a foreign chain.
  EXPECT_THAT(dialing_foreigner.dialer, HasSubstr("TLS handshake failed"));
  EXPECT_THAT(dialing_foreigner.acceptor.failure, HasSubstr("TLS handshake failed"));
  const Handshake answering_foreigner =
      run(member("Hands"), "Wilkes", foreign("Wilkes"), "HELLO Hands\n");
  EXPECT_THAT(answering_foreigner.dialer, HasSubstr("TLS handshake failed"));
}

TEST_F(LinkHandshake, EachSideRefusesAnExpiredCertificate) {
  const auto expired = [&](const std::string& name) {
    return contexts(name,
                    authority_.issue_member(name, TestCertificateAuthority::Validity::expired),
                    std::chrono::system_clock::now() - std::chrono::hours(24));
  };
  const Handshake dialing = run(expired("Hands"), "Wilkes", member("Wilkes"), "HELLO Hands\n");
  EXPECT_THAT(dialing.acceptor.failure, HasSubstr("(certificate has expired)"));
  const Handshake answering = run(member("Hands"), "Wilkes", expired("Wilkes"), "HELLO Hands\n");
  EXPECT_THAT(answering.dialer, HasSubstr("(certificate has expired)"));
}

}  // namespace
}  // namespace herd
