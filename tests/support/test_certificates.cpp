#include "test_certificates.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <fmt/format.h>
#include <cstdint>
#include <fstream>
#include <stdexcept>

namespace herd::test {

namespace {

void check(bool ok, const char* call) {
  if (ok) return;
  char reason[256];
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  throw std::runtime_error(fmt::format("test certificates: {} failed: {}", call, reason));
}

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

template <typename Write>
std::string pem(Write write) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  check(bio != nullptr, "BIO_new");
  check(write(bio.get()) == 1, "PEM_write_bio");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string certificate_pem(X509* certificate) {
  return pem([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate); });
}

EVP_PKEY* new_key() {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

// Random, so two authorities in one test never look like the same issuer.
std::uint64_t random_serial() {
  std::uint64_t serial = 0;
  check(RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) == 1, "RAND_bytes");
  return serial >> 1;  // positive as a signed ASN.1 integer
}

void add_extension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  check(extension != nullptr, "X509V3_EXT_conf_nid");
  const int added = X509_add_ext(certificate, extension, -1);
  X509_EXTENSION_free(extension);
  check(added == 1, "X509_add_ext");
}

// An unsigned certificate for `key` named `common_name`, valid from `not_before`
// to `not_after` seconds from now.
X509* new_certificate(EVP_PKEY* key, const std::string& common_name, long not_before,
                      long not_after) {
  X509* certificate = X509_new();
  check(certificate != nullptr, "X509_new");
  check(X509_set_version(certificate, 2) == 1, "X509_set_version");
  check(ASN1_INTEGER_set_uint64(X509_get_serialNumber(certificate), random_serial()) == 1,
        "ASN1_INTEGER_set_uint64");
  check(X509_gmtime_adj(X509_getm_notBefore(certificate), not_before) != nullptr,
        "X509_gmtime_adj");
  check(X509_gmtime_adj(X509_getm_notAfter(certificate), not_after) != nullptr, "X509_gmtime_adj");
  check(X509_set_pubkey(certificate, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(certificate);
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) == 1,
        "X509_NAME_add_entry_by_txt");
  return certificate;
}

// Validity from an hour ago for a day (the hour absorbs clock differences
// between test processes), or one that ended an hour ago. The CA's covers both.
constexpr long current_from = -3600;
constexpr long current_until = 24 * 3600;
constexpr long expired_from = -48 * 3600;
constexpr long expired_until = -3600;
constexpr long authority_from = -72 * 3600;

}  // namespace

void TestCertificateAuthority::KeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

void TestCertificateAuthority::CertificateFree::operator()(X509* certificate) const {
  X509_free(certificate);
}

TestCertificateAuthority::TestCertificateAuthority() : key_(new_key()) {
  certificate_.reset(new_certificate(key_.get(),
                                     fmt::format("herd test CA {:016x}", random_serial()),
                                     authority_from, current_until));
  X509* ca = certificate_.get();
  check(X509_set_issuer_name(ca, X509_get_subject_name(ca)) == 1, "X509_set_issuer_name");
  add_extension(ca, ca, NID_basic_constraints, "critical,CA:TRUE");
  add_extension(ca, ca, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_extension(ca, ca, NID_subject_key_identifier, "hash");
  check(X509_sign(ca, key_.get(), EVP_sha256()) > 0, "X509_sign");

  // Not test_herd's make_temp_dir: fake_places_server links this without gtest.
  std::string pattern = (std::filesystem::temp_directory_path() / "herd-test-ca-XXXXXX").string();
  check(mkdtemp(pattern.data()) != nullptr, "mkdtemp");
  directory_ = pattern;
  ca_file_ = directory_ / "ca.pem";
  std::ofstream(ca_file_) << certificate_pem(ca);
}

TestCertificateAuthority::~TestCertificateAuthority() {
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

LeafCertificate TestCertificateAuthority::issue(
    const std::vector<std::string>& dns_names, const std::vector<std::string>& ip_addresses) const {
  return issue_leaf(dns_names, ip_addresses, "serverAuth", Validity::current);
}

LeafCertificate TestCertificateAuthority::issue_member(const std::string& name,
                                                       Validity validity) const {
  return issue_leaf({name}, {}, "serverAuth,clientAuth", validity);
}

LeafCertificate TestCertificateAuthority::issue_leaf(const std::vector<std::string>& dns_names,
                                                     const std::vector<std::string>& ip_addresses,
                                                     const std::string& extended_usage,
                                                     Validity validity) const {
  const bool expired = validity == Validity::expired;
  std::unique_ptr<EVP_PKEY, KeyFree> key(new_key());
  std::unique_ptr<X509, CertificateFree> leaf(new_certificate(
      key.get(), dns_names.empty() ? ip_addresses.at(0) : dns_names.front(),
      expired ? expired_from : current_from, expired ? expired_until : current_until));
  check(X509_set_issuer_name(leaf.get(), X509_get_subject_name(certificate_.get())) == 1,
        "X509_set_issuer_name");
  std::string names;
  for (const auto& name : dns_names) names += (names.empty() ? "DNS:" : ",DNS:") + name;
  for (const auto& address : ip_addresses) names += (names.empty() ? "IP:" : ",IP:") + address;
  add_extension(leaf.get(), certificate_.get(), NID_subject_alt_name, names);
  add_extension(leaf.get(), certificate_.get(), NID_basic_constraints, "CA:FALSE");
  add_extension(leaf.get(), certificate_.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(leaf.get(), certificate_.get(), NID_ext_key_usage, extended_usage);
  add_extension(leaf.get(), certificate_.get(), NID_authority_key_identifier, "keyid");
  check(X509_sign(leaf.get(), key_.get(), EVP_sha256()) > 0, "X509_sign");

  LeafCertificate result;
  result.chain_pem = certificate_pem(leaf.get()) + certificate_pem(certificate_.get());
  result.private_key_pem = pem([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return result;
}

void write_pem_files(const LeafCertificate& leaf, const std::filesystem::path& cert_file,
                     const std::filesystem::path& key_file) {
  std::ofstream(cert_file) << leaf.chain_pem;
  std::ofstream(key_file) << leaf.private_key_pem;
  std::filesystem::permissions(
      key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace herd::test
