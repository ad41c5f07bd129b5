// A throwaway certificate authority made at test time with OpenSSL, so TLS is
// verified for real without shipping keys: the CA certificate goes to a file in
// a fresh temporary directory (what a client is told to trust), the leaf
// certificates it issues stay in memory until a test writes them out
// (write_pem_files). It issues server certificates (the Places fake) and
// member certificates for links (protocol.md §10), including wrong ones on purpose.
#pragma once

#include <openssl/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace herd::test {

struct LeafCertificate {
  std::string chain_pem;        // the leaf, then the CA
  std::string private_key_pem;  // unencrypted
};

class TestCertificateAuthority {
 public:
  // Throws std::runtime_error naming the OpenSSL call that failed.
  TestCertificateAuthority();
  ~TestCertificateAuthority();  // removes the temporary directory
  TestCertificateAuthority(const TestCertificateAuthority&) = delete;
  TestCertificateAuthority& operator=(const TestCertificateAuthority&) = delete;

  // The CA certificate (PEM), for a client's extra CA file.
  const std::filesystem::path& ca_file() const { return ca_file_; }

  // A server certificate for these names, valid from an hour ago for a day.
  LeafCertificate issue(const std::vector<std::string>& dns_names,
                        const std::vector<std::string>& ip_addresses) const;

  enum class Validity {
    current,  // from an hour ago for a day
    expired,  // from two days ago until an hour ago
  };
  // A member certificate: `name` as its only DNS name, for TLS server and
  // client use, as scripts/make_herd_certs.sh makes them.
  LeafCertificate issue_member(const std::string& name,
                               Validity validity = Validity::current) const;

 private:
  LeafCertificate issue_leaf(const std::vector<std::string>& dns_names,
                             const std::vector<std::string>& ip_addresses,
                             const std::string& extended_usage, Validity validity) const;

  struct KeyFree {
    void operator()(EVP_PKEY* key) const;
  };
  struct CertificateFree {
    void operator()(X509* certificate) const;
  };

  std::unique_ptr<EVP_PKEY, KeyFree> key_;
  std::unique_ptr<X509, CertificateFree> certificate_;
  std::filesystem::path directory_;
  std::filesystem::path ca_file_;
};

// Writes `leaf`'s chain to `cert_file` and its key to `key_file` (mode 0600).
void write_pem_files(const LeafCertificate& leaf, const std::filesystem::path& cert_file,
                     const std::filesystem::path& key_file);

}  // namespace herd::test
