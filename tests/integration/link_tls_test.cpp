// Links authenticated with mutual TLS (protocol.md §10), and plaintext links checked
// by address: every impostor is refused with its reason logged, nothing it
// sends is applied, and the real link is not disturbed. Real herd_server
// processes on loopback ports; certificates from the tests' throwaway CA.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <ostream>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;
using Validity = TestCertificateAuthority::Validity;

bool logged(TestHerd& herd, const std::string& member, const std::string& text) {
  return herd.log_text(member).find(text) != std::string::npos;
}

// Hands dials Wilkes: Wilkes is where a HELLO claiming Hands is taken.
class LinkTls : public ::testing::Test {
 protected:
  explicit LinkTls(nlohmann::json config = nlohmann::json::object(), bool tls = true)
      : herd_([&] {
          HerdOptions options;
          options.members = {"Hands", "Wilkes"};
          options.config = std::move(config);
          options.tls = tls;
          return options;
        }()) {
    herd_.start_all();
    EXPECT_TRUE(eventually([&] { return links_up() == 1; }, scaled(3000ms)))
        << herd_.log_text("Wilkes");
  }

  // How many times Wilkes' link with Hands has come up; -1 once it dropped.
  int links_up() {
    const std::string log = herd_.log_text("Wilkes");
    if (occurrences(log, "link Hands: dropped") > 0) return -1;
    return static_cast<int>(occurrences(log, "link Hands: up"));
  }

  // A link to Wilkes presenting `certificate` (TLS 1.3, trusting the herd CA),
  // whether or not Wilkes accepts it.
  LinkClient tls_link(const LeafCertificate& certificate) {
    LinkClient link(herd_.host(), herd_.port("Wilkes"),
                    LinkIdentity{certificate, herd_.authority().ca_file()});
    link.handshake(scaled(3000ms));
    return link;
  }

  // `impostor` claims to be Hands and sends a forged update: it is closed,
  // the update is applied nowhere, Wilkes logs `reason`, and the real link
  // stays up and carries the next update.
  void expect_refused(LinkClient& impostor, const std::string& reason) {
    try {
      impostor.send("HELLO Hands\nECHO forged +1+1 1600000000 1600000000.000000000 Hands\n");
    } catch (const std::exception&) {
      // Refused before it could say anything: just as good.
    }
    EXPECT_TRUE(impostor.closed_by_peer(scaled(3000ms)));
    EXPECT_TRUE(eventually([&] { return logged(herd_, "Wilkes", reason); }, scaled(3000ms)))
        << herd_.log_text("Wilkes");
    EXPECT_TRUE(logged(herd_, "Wilkes", "link refused"));
    const std::string after = iamat(herd_, "Hands", "after", "+2+2", "1600000001");
    EXPECT_TRUE(herd_.converges_to({{"after", after}}, scaled(2000ms)));
    EXPECT_EQ(herd_.record_at("Wilkes", "forged"), "");
    EXPECT_EQ(herd_.record_at("Hands", "forged"), "");
    EXPECT_EQ(links_up(), 1) << herd_.log_text("Wilkes");
  }

  TestHerd herd_;
};

TEST_F(LinkTls, AHerdWithTlsRequiredLinksOverTls) {
  EXPECT_TRUE(logged(herd_, "Wilkes", "links: mutual TLS 1.3 required; certificate of Wilkes"));
  EXPECT_FALSE(logged(herd_, "Wilkes", "not authenticated"));
  // Each side's "up" line names the member its neighbour's certificate proved.
  EXPECT_TRUE(logged(herd_, "Wilkes", "link Hands: up (TLSv1.3, certificate verified as Hands; "));
  EXPECT_TRUE(eventually(
      [&] {
        return logged(herd_, "Hands", "link Wilkes: up (TLSv1.3, certificate verified as Wilkes; ");
      },
      scaled(3000ms)))
      << herd_.log_text("Hands");
  const std::string at = iamat(herd_, "Wilkes", "kiwi", "+1+1", "1600000000");
  EXPECT_TRUE(herd_.converges_to({{"kiwi", at}}, scaled(2000ms)));
}

TEST_F(LinkTls, APlaintextHelloIsRefused) {
  LinkClient impostor(herd_.host(), herd_.port("Wilkes"), std::nullopt);
  expect_refused(impostor, "link refused: plaintext HELLO from \"Hands\"");
}

TEST_F(LinkTls, AValidCertificateOfWilkesClaimingHandsIsRefused) {
  LinkClient impostor = tls_link(herd_.authority().issue_member("Wilkes"));
  expect_refused(impostor, "HELLO from \"Hands\", but its certificate names \"Wilkes\", not Hands");
}

TEST_F(LinkTls, ACertificateFromAnotherCaIsRefused) {
  TestCertificateAuthority other;
  LinkClient impostor = tls_link(other.issue_member("Hands"));
  expect_refused(impostor, "TLS handshake failed: certificate verify failed");
}

TEST_F(LinkTls, AnExpiredCertificateIsRefused) {
  LinkClient impostor = tls_link(herd_.authority().issue_member("Hands", Validity::expired));
  expect_refused(impostor, "(certificate has expired)");
}

class LinkTlsDeadline : public LinkTls {
 protected:
  LinkTlsDeadline() : LinkTls({{"peer_hello_timeout_ms", 1000}}) {}
};

TEST_F(LinkTlsDeadline, AHandshakeThatNeverFinishesIsCutAndBlocksNobody) {
  // Half a ClientHello record header each, then nothing.
  std::vector<TcpClient> stalled;
  for (int i = 0; i < 20; ++i) {
    stalled.push_back(herd_.connect("Wilkes"));
    stalled.back().send("\x16\x03\x01");
  }
  // Clients and the link are served while the handshakes wait.
  const std::string at = iamat(herd_, "Wilkes", "meanwhile", "+1+1", "1600000000");
  EXPECT_TRUE(herd_.converges_to({{"meanwhile", at}}, scaled(2000ms)));
  for (auto& connection : stalled) EXPECT_TRUE(connection.closed_by_peer(scaled(3000ms)));
  EXPECT_TRUE(eventually(
      [&] { return logged(herd_, "Wilkes", "no TLS handshake and HELLO within 1000 ms"); },
      scaled(3000ms)));
  EXPECT_EQ(links_up(), 1);
}

TEST_F(LinkTlsDeadline, AHandshakeWithoutAHelloIsCutToo) {
  LinkClient quiet = tls_link(herd_.authority().issue_member("Hands"));
  EXPECT_TRUE(quiet.closed_by_peer(scaled(3000ms)));
  EXPECT_TRUE(eventually(
      [&] { return logged(herd_, "Wilkes", "no TLS handshake and HELLO within 1000 ms"); },
      scaled(3000ms)));
  EXPECT_EQ(links_up(), 1);
}

TEST_F(LinkTls, SighupReloadsTheCertificateOrKeepsTheOldOneSayingWhy) {
  // Gives Hands `certificate` and SIGHUP; waits for Hands to log `outcome`.
  const auto reload = [&](const LeafCertificate& certificate, const std::string& outcome) {
    write_pem_files(certificate, herd_.certificate_file("Hands"), herd_.key_file("Hands"));
    herd_.signal("Hands", SIGHUP);
    EXPECT_TRUE(eventually([&] { return logged(herd_, "Hands", outcome); }, scaled(3000ms)))
        << herd_.log_text("Hands");
  };
  // Restarts Wilkes: a link made afterwards, its `count`th.
  const auto relink = [&](std::size_t count) {
    herd_.kill("Wilkes");
    herd_.start("Wilkes");
    EXPECT_TRUE(
        eventually([&] { return occurrences(herd_.log_text("Wilkes"), "link Hands: up") == count; },
                   scaled(3000ms)))
        << herd_.log_text("Hands");
  };

  // A certificate naming someone else: kept the old one, and said why.
  reload(herd_.authority().issue_member("Holiday"),
         "SIGHUP: kept the peer TLS files loaded before: peer_tls.cert_file " +
             herd_.certificate_file("Hands").string() +
             ": the certificate names \"Holiday\", not Hands");
  // Links made afterwards still use the old one.
  relink(2);

  // A good new certificate is loaded, and links made afterwards present it.
  reload(herd_.authority().issue_member("Hands"),
         "SIGHUP: reloaded the peer TLS files for links made from now on: certificate of Hands");
  relink(3);
}

class PlaintextLinks : public LinkTls {
 protected:
  PlaintextLinks() : LinkTls(nlohmann::json::object(), false) {}
};

TEST_F(PlaintextLinks, EachMemberWarnsOnceThatLinksAreNotAuthenticated) {
  // Hands' log may not have reached its file yet (it is written in batches).
  for (const std::string member : {"Hands", "Wilkes"}) {
    EXPECT_TRUE(eventually(
        [&] { return occurrences(herd_.log_text(member), "links are not authenticated") == 1; },
        scaled(3000ms)))
        << herd_.log_text(member);
  }
}

TEST_F(PlaintextLinks, EachUpLineSaysTheLinkIsPlaintext) {
  EXPECT_TRUE(logged(herd_, "Wilkes", "link Hands: up (plaintext, not authenticated; "));
  EXPECT_TRUE(eventually(
      [&] { return logged(herd_, "Hands", "link Wilkes: up (plaintext, not authenticated; "); },
      scaled(3000ms)))
      << herd_.log_text("Hands");
}

// With TLS off nothing looks for a TLS record (protocol.md §2, §10): a client whose
// first byte is 0x16 sends a line like any other, answered "?".
TEST_F(PlaintextLinks, AClientLineStartingWithTheTlsByteIsAnsweredLikeAnyBadLine) {
  TcpClient bystander = herd_.connect("Wilkes");
  const std::string garbage = "\x16\x03\x01\x02\x7f not a handshake";
  TcpClient sender = herd_.connect("Wilkes");
  sender.send(garbage + "\n");
  EXPECT_EQ(sender.read_line(scaled(3000ms)), "? " + garbage + "\n");
  // The connection stays a client's: its next command is served.
  sender.send("IAMAT later +3+3 1600000002\n");
  const auto at = sender.read_line(scaled(3000ms));
  ASSERT_TRUE(at.has_value());
  EXPECT_THAT(*at, HasSubstr(" later +3+3 1600000002"));
  // Ended by the half-close instead of a LF, the same.
  EXPECT_EQ(herd_.exchange("Wilkes", garbage), "? " + garbage + "\n");
  EXPECT_TRUE(eventually(
      [&] {
        return occurrences(herd_.log_text("Wilkes"), "invalid command (unknown command)") == 2;
      },
      scaled(3000ms)))
      << herd_.log_text("Wilkes");
  // Another client, connected all along, is unaffected, and so is the link.
  bystander.send("IAMAT other +4+4 1600000003\n");
  EXPECT_TRUE(bystander.read_line(scaled(3000ms)).has_value());
  EXPECT_TRUE(herd_.converges_to({{"later", at->substr(0, at->size() - 1)}}, scaled(2000ms)));
  EXPECT_FALSE(logged(herd_, "Wilkes", "link refused"));
  EXPECT_EQ(links_up(), 1);
}

// A neighbour dialing with TLS gets no link, only the client's "?" once a
// LF or its end of stream ends its "line"; nothing it sends is applied.
TEST_F(PlaintextLinks, ATlsHandshakeIsAClientLineAndNeverALink) {
  TestCertificateAuthority authority;
  {
    LinkClient impostor(herd_.host(), herd_.port("Wilkes"),
                        LinkIdentity{authority.issue_member("Hands"), authority.ca_file()});
    EXPECT_NE(impostor.handshake(scaled(1000ms)), "");
  }
  EXPECT_TRUE(eventually(
      [&] { return logged(herd_, "Wilkes", "invalid command (unknown command)"); }, scaled(3000ms)))
      << herd_.log_text("Wilkes");
  EXPECT_FALSE(logged(herd_, "Wilkes", "link refused"));
  const std::string after = iamat(herd_, "Hands", "after", "+2+2", "1600000001");
  EXPECT_TRUE(herd_.converges_to({{"after", after}}, scaled(2000ms)));
  EXPECT_EQ(links_up(), 1);
}

// Hands requires TLS and dials Wilkes, whose links are plaintext: each
// attempt fails on Hands' side within peer_hello_timeout_ms, saying why, and
// Wilkes serves its clients as ever.
TEST(MixedPeerTls, AMemberRequiringTlsDialingAPlaintextOneFailsSayingWhy) {
  HerdOptions options;
  options.members = {"Hands", "Wilkes"};
  options.tls = true;
  options.config = {{"peer_hello_timeout_ms", 1000}};
  options.member_config["Wilkes"] = {{"peer_tls", {{"mode", "off"}}}};
  TestHerd herd(options);
  herd.start_all();
  const std::string where = "127.0.0.1:" + std::to_string(herd.port("Wilkes"));
  EXPECT_TRUE(eventually(
      [&] {
        // Wilkes answers the ClientHello "? ..." once its LF (every ClientHello
        // has one: the supported_groups extension is type 0x000a) ends the line.
        return logged(herd, "Hands",
                      "link Wilkes: refused by " + where + " at the TLS handshake (") &&
               logged(herd, "Hands",
                      "it answered with bytes that are not TLS (is its "
                      "peer_tls.mode off?)");
      },
      scaled(3000ms)))
      << herd.log_text("Hands");
  const std::string at = iamat(herd, "Wilkes", "plain", "+1+1", "1600000000");
  EXPECT_THAT(at, HasSubstr(" plain +1+1 1600000000"));
  EXPECT_TRUE(eventually(
      [&] { return logged(herd, "Wilkes", "invalid command (unknown command)"); }, scaled(3000ms)))
      << herd.log_text("Wilkes");
  EXPECT_FALSE(logged(herd, "Hands", "link Wilkes: up"));
  EXPECT_FALSE(logged(herd, "Wilkes", "link Hands: up"));
}

TEST(PlaintextLinkHosts, AHelloFromAnotherAddressThanTheNeighboursHostIsRefused) {
  HerdOptions options;
  options.members = {"Welsh"};
  TestHerd herd(options);
  // Welsh's own config: its neighbour Holiday lives on 127.0.0.2, and the
  // test, which plays Holiday, connects from 127.0.0.1.
  const std::filesystem::path config = herd.dir() / "welsh.json";
  std::ofstream(config) << nlohmann::json{
      {"members",
       {{{"name", "Welsh"}, {"host", "127.0.0.1"}, {"port", herd.port("Welsh")}},
        {{"name", "Holiday"}, {"host", "127.0.0.2"}, {"port", free_port()}}}},
      {"links", nlohmann::json::array({nlohmann::json::array({"Holiday", "Welsh"})})},
      {"log_dir",
       (herd.dir() / "logs")
           .string()}}.dump();
  herd.start_process("Welsh", {"Welsh", "--config", config.string()}, herd.port("Welsh"));
  TcpClient impostor = herd.connect("Welsh");
  impostor.send("HELLO Holiday\nECHO forged +1+1 1600000000 1600000000.000000000 Holiday\n");
  EXPECT_TRUE(impostor.closed_by_peer(scaled(3000ms)));
  EXPECT_TRUE(eventually(
      [&] {
        return logged(herd, "Welsh", "link refused: HELLO from Holiday (127.0.0.1:") &&
               logged(herd, "Welsh", "which is not an address of its configured host 127.0.0.2");
      },
      scaled(3000ms)))
      << herd.log_text("Welsh");
  EXPECT_EQ(herd.record_at("Welsh", "forged"), "");
}

TEST(LinkTlsStartup, BadPeerTlsFilesStopTheMemberAtStartNamingFieldAndFile) {
  const auto dir = make_temp_dir("herd-tls-startup");
  TestCertificateAuthority authority;
  write_pem_files(authority.issue_member("Hands"), dir / "Hands.pem", dir / "Hands.key");
  const std::vector<std::string> common = {"Hands",
                                           "--port",
                                           std::to_string(free_port()),
                                           "--log-dir",
                                           (dir / "logs").string(),
                                           "--peer-tls",
                                           "required",
                                           "--peer-ca",
                                           authority.ca_file().string(),
                                           "--peer-cert",
                                           (dir / "{member}.pem").string()};

  auto args = common;
  args.insert(args.end(), {"--peer-key", (dir / "missing.key").string()});
  auto [status, output] = run_server_to_exit(args);
  EXPECT_NE(status, 0);
  EXPECT_THAT(output, HasSubstr("peer_tls.key_file " + (dir / "missing.key").string() +
                                ": cannot open: No such file or directory"));

  args = common;
  args[0] = "Wilkes";  // given Hands' certificate, which does not name it
  args.insert(args.end(), {"--peer-cert", (dir / "Hands.pem").string(), "--peer-key",
                           (dir / "Hands.key").string()});
  std::tie(status, output) = run_server_to_exit(args);
  EXPECT_NE(status, 0);
  EXPECT_THAT(output, HasSubstr("the certificate names \"Hands\", not Wilkes"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace herd::test
