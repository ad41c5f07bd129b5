// The peer TLS files (protocol.md §10): what load_peer_tls accepts and how it names
// what is wrong, and the small pure helpers of peer_tls.hpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>

#include "herd/links/peer_tls.hpp"
#include "test_certificates.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

using test::TestCertificateAuthority;
using testing::HasSubstr;
namespace fs = std::filesystem;

class PeerTlsFiles : public testing::Test {
 protected:
  PeerTlsFiles() {
    // A member's files as scripts/make_herd_certs.sh lays them out.
    fs::copy_file(authority_.ca_file(), directory_ / "ca.pem");
    for (const std::string member : {"Hands", "Wilkes"}) {
      test::write_pem_files(authority_.issue_member(member), directory_ / (member + ".pem"),
                            directory_ / (member + ".key"));
    }
    config_.mode = PeerTlsMode::required;
    config_.ca_file = (directory_ / "ca.pem").string();
    config_.cert_file = (directory_ / "{member}.pem").string();
    config_.key_file = (directory_ / "{member}.key").string();
  }
  ~PeerTlsFiles() override { fs::remove_all(directory_); }

  // The error of loading Hands' files, "" if they load.
  std::string load_error(const std::string& member = "Hands") {
    std::string error;
    const auto loaded = load_peer_tls(config_, member, std::chrono::system_clock::now(), error);
    EXPECT_EQ(loaded.has_value(), error.empty()) << error;
    return error;
  }
  fs::path path(const std::string& name) const { return directory_ / name; }

  TestCertificateAuthority authority_;
  const fs::path directory_ = test::make_temp_dir("herd-peer-tls");
  PeerTlsConfig config_;
};

TEST_F(PeerTlsFiles, AMemberCertificateFromTheHerdCaLoadsAndIsDescribed) {
  std::string error;
  const auto loaded = load_peer_tls(config_, "Hands", std::chrono::system_clock::now(), error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_TRUE(loaded->dialing && loaded->accepting);
  EXPECT_THAT(loaded->description, HasSubstr("certificate of Hands issued by CN=herd test CA"));
  EXPECT_THAT(loaded->description, HasSubstr(path("Hands.pem").string()));
  EXPECT_THAT(loaded->description, HasSubstr(" day"));  // valid for a day: 0 or 1 whole days
  EXPECT_EQ(loaded->warning, "") << "the key is 0600";
}

TEST_F(PeerTlsFiles, AKeyOthersCanReadLoadsWithAWarning) {
  fs::permissions(path("Hands.key"), fs::perms::group_read, fs::perm_options::add);
  std::string error;
  const auto loaded = load_peer_tls(config_, "Hands", std::chrono::system_clock::now(), error);
  ASSERT_TRUE(loaded) << error;
  EXPECT_THAT(loaded->warning, HasSubstr("peer_tls.key_file " + path("Hands.key").string() +
                                         " can be read by other users (mode 0640)"));
}

TEST_F(PeerTlsFiles, EachMissingFileIsNamedWithItsField) {
  const std::pair<std::string, std::string> files[] = {{"ca.pem", "peer_tls.ca_file"},
                                                       {"Hands.pem", "peer_tls.cert_file"},
                                                       {"Hands.key", "peer_tls.key_file"}};
  for (const auto& [file, field] : files) {
    fs::rename(path(file), path("moved"));
    EXPECT_EQ(load_error(),
              field + " " + path(file).string() + ": cannot open: No such file or directory");
    fs::rename(path("moved"), path(file));
  }
  EXPECT_EQ(load_error(), "");
}

TEST_F(PeerTlsFiles, AnEmptyPathIsNamedAsRequired) {
  config_.key_file = "";
  EXPECT_EQ(load_error(), "peer_tls.key_file: required when peer_tls.mode is required");
}

TEST_F(PeerTlsFiles, ADirectoryIsNotAPemFile) {
  config_.ca_file = directory_.string();
  EXPECT_EQ(load_error(),
            "peer_tls.ca_file " + directory_.string() + ": is a directory, not a PEM file");
}

TEST_F(PeerTlsFiles, FilesWithoutPemAreNamed) {
  std::ofstream(path("garbage")) << "not PEM at all\n";
  config_.ca_file = path("garbage").string();
  EXPECT_EQ(load_error(),
            "peer_tls.ca_file " + path("garbage").string() + ": holds no PEM certificate");
  config_.ca_file = path("ca.pem").string();
  config_.cert_file = path("Hands.key").string();  // a key where the certificate goes
  EXPECT_EQ(load_error(),
            "peer_tls.cert_file " + path("Hands.key").string() + ": holds no PEM certificate");
  config_.cert_file = path("{member}.pem").string();
  config_.key_file = path("Hands.pem").string();  // and the other way round
  EXPECT_EQ(load_error(), "peer_tls.key_file " + path("Hands.pem").string() +
                              ": holds no unencrypted PEM private key");
}

TEST_F(PeerTlsFiles, AnEncryptedKeyIsRefusedWithoutAskingForAPassphrase) {
  const auto leaf = authority_.issue_member("Hands");
  std::unique_ptr<BIO, decltype(&BIO_free)> in(
      BIO_new_mem_buf(leaf.private_key_pem.data(), static_cast<int>(leaf.private_key_pem.size())),
      &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  ASSERT_TRUE(key);
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  char passphrase[] = "secret";
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(out.get(), key.get(), EVP_aes_256_cbc(), passphrase, 6,
                                          nullptr, nullptr),
            1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(out.get(), &data);
  std::ofstream(path("Hands.key"), std::ios::trunc)
      << std::string(data, static_cast<std::size_t>(size));
  EXPECT_THAT(load_error(), HasSubstr("holds no unencrypted PEM private key"));
}

TEST_F(PeerTlsFiles, AKeyThatIsNotTheCertificatesIsNamed) {
  config_.key_file = path("Wilkes.key").string();
  EXPECT_EQ(load_error(), "peer_tls.key_file " + path("Wilkes.key").string() +
                              ": does not match the certificate in peer_tls.cert_file " +
                              path("Hands.pem").string());
}

TEST_F(PeerTlsFiles, ACertificateOfAnotherMemberIsNamed) {
  config_.cert_file = path("Wilkes.pem").string();
  config_.key_file = path("Wilkes.key").string();
  EXPECT_EQ(load_error(), "peer_tls.cert_file " + path("Wilkes.pem").string() +
                              ": the certificate names \"Wilkes\", not Hands (a member "
                              "certificate names its member as a DNS name)");
}

TEST_F(PeerTlsFiles, AnExpiredCertificateSaysWhenItExpired) {
  test::write_pem_files(
      authority_.issue_member("Hands", TestCertificateAuthority::Validity::expired),
      path("Hands.pem"), path("Hands.key"));
  const std::string error = load_error();
  EXPECT_THAT(error, HasSubstr("peer_tls.cert_file " + path("Hands.pem").string() +
                               ": does not verify against peer_tls.ca_file"));
  EXPECT_THAT(error, HasSubstr("certificate has expired (on "));
}

TEST_F(PeerTlsFiles, ACertificateOfAnotherCaDoesNotVerify) {
  TestCertificateAuthority other;
  test::write_pem_files(other.issue_member("Hands"), path("Hands.pem"), path("Hands.key"));
  // Only the leaf: what the other CA's chain would prove is not trusted here.
  EXPECT_THAT(load_error(),
              HasSubstr("does not verify against peer_tls.ca_file " + path("ca.pem").string()));
}

TEST_F(PeerTlsFiles, AServerOnlyCertificateCannotDialLinks) {
  test::write_pem_files(authority_.issue({"Hands"}, {}), path("Hands.pem"), path("Hands.key"));
  EXPECT_THAT(load_error(), HasSubstr("for use as a TLS client: unsuitable certificate purpose"));
}

TEST(PeerTlsHelpers, MemberPlaceholderIsReplacedEverywhere) {
  EXPECT_EQ(expand_member("certs/{member}/{member}.pem", "Hands"), "certs/Hands/Hands.pem");
  EXPECT_EQ(expand_member("certs/herd.pem", "Hands"), "certs/herd.pem");
  EXPECT_EQ(expand_member("{member", "Hands"), "{member");
  EXPECT_EQ(expand_member("", "Hands"), "");
}

TEST(PeerTlsHelpers, OnlyAHandshakeRecordStartsTls) {
  EXPECT_TRUE(starts_tls_record("\x16\x03\x01"));
  EXPECT_TRUE(starts_tls_record("\x16"));
  EXPECT_FALSE(starts_tls_record(""));
  EXPECT_FALSE(starts_tls_record("IAMAT"));
  EXPECT_FALSE(starts_tls_record("HELLO Hands\n"));
  EXPECT_FALSE(starts_tls_record("\x17\x03\x03"));  // application data: not a first record
}

}  // namespace
}  // namespace herd
