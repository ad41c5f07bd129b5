// Real herd_server processes for integration tests: a herd (or part of one) on
// free loopback ports, with its own config file and log directory, that tests
// start, kill, restart and talk to over TCP.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "link_client.hpp"
#include "tcp_client.hpp"
#include "test_certificates.hpp"

namespace herd::test {

// Path of the herd_server binary under test (set by CMake).
std::filesystem::path server_binary();

// A running child process; killed (SIGKILL) when destroyed.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv,
               const std::vector<std::pair<std::string, std::string>>& environment,
               const std::filesystem::path& output);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int number);
  // Waits for the exit; returns the exit status, 128+signal when killed, or -1
  // if it has not exited by the deadline.
  int wait(std::chrono::milliseconds timeout = 10000ms);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Runs herd_server to completion with `args` (e.g. a bad flag) and returns its
// exit status and everything it wrote to stdout and stderr.
std::pair<int, std::string> run_server_to_exit(const std::vector<std::string>& args,
                                               std::chrono::milliseconds timeout = 10000ms);

struct HerdOptions {
  std::vector<std::string> members{"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"};
  // Empty: the links of protocol.md §1 among `members`.
  std::vector<std::pair<std::string, std::string>> links;
  // Merged into the generated config file (e.g. {"client_idle_timeout_ms": 300}).
  nlohmann::json config = nlohmann::json::object();
  // Merged over `config` for one member only (e.g. a smaller table on one of them).
  std::map<std::string, nlohmann::json> member_config;
  std::vector<std::pair<std::string, std::string>> environment;
  std::string host = "127.0.0.1";
  // Links with mutual TLS (protocol.md §10): a throwaway herd CA, a certificate per
  // member in dir()/certs, and peer_tls in the config (unless `config` has one).
  bool tls = false;
};

// Goloman alone, with `config` merged into its config file.
HerdOptions single_member(nlohmann::json config = nlohmann::json::object());

class TestHerd {
 public:
  explicit TestHerd(HerdOptions options = {});
  ~TestHerd();

  void start(const std::string& member);  // returns once it accepts connections
  void start_all();
  // Runs herd_server with `args` as `process` (a name for kill, stop, running,
  // signal and output_text), returning once it accepts connections on `port`:
  // a member with a config of its own, or a second process claiming a member.
  void start_process(const std::string& process, const std::vector<std::string>& args,
                     std::uint16_t port);
  void kill(const std::string& process);                // SIGKILL, waits for the exit
  int stop(const std::string& process);                 // SIGTERM; returns the exit status
  void signal(const std::string& process, int number);  // e.g. SIGSTOP, SIGCONT
  bool running(const std::string& process);
  pid_t pid(const std::string& process) const;  // e.g. to set its file size limit

  const std::string& host() const { return options_.host; }
  std::uint16_t port(const std::string& member) const;
  const std::filesystem::path& dir() const { return dir_; }
  const std::filesystem::path& config_path() const { return config_path_; }
  std::filesystem::path log_path(const std::string& member) const;
  std::string log_text(const std::string& member) const;
  // Whether `member`'s log holds `text` now; polled until it does (the log is
  // written asynchronously), false at the deadline.
  bool logged(const std::string& member, std::string_view text) const;
  bool eventually_logged(const std::string& member, std::string_view text,
                         std::chrono::milliseconds timeout) const;
  std::string output_text(const std::string& process) const;  // stdout + stderr

  bool tls() const { return options_.tls; }
  // The herd CA (TLS only), e.g. for a test that issues a wrong certificate.
  const TestCertificateAuthority& authority() const;
  // Where `member`'s certificate and key are (TLS only).
  std::filesystem::path certificate_file(const std::string& member) const;
  std::filesystem::path key_file(const std::string& member) const;
  // A link to `to` as `as` would dial it: plaintext, or TLS with `as`'s
  // certificate, past the handshake (it throws if that fails).
  LinkClient link_as(const std::string& as, const std::string& to) const;

  TcpClient connect(const std::string& member) const;
  // Sends `request`, half-closes, returns everything up to EOF.
  std::string exchange(const std::string& member, std::string_view request) const;
  // The AT line (without "\n") `member` holds for `client`, via WHATSAT bound 0;
  // empty if it holds none.
  std::string record_at(const std::string& member, const std::string& client) const;
  // The same for many clients over one pipelined connection.
  std::map<std::string, std::string> records_at(const std::string& member,
                                                const std::vector<std::string>& clients) const;
  // Polls until every running member holds exactly `expected` (client → AT line)
  // for those clients; returns false at the deadline.
  bool converges_to(const std::map<std::string, std::string>& expected,
                    std::chrono::milliseconds timeout);
  std::vector<std::string> running_members();

 private:
  void write_config();
  std::filesystem::path config_path_of(const std::string& member) const;

  HerdOptions options_;
  std::filesystem::path dir_;
  std::filesystem::path config_path_;
  std::map<std::string, std::uint16_t> ports_;
  std::map<std::string, std::unique_ptr<ChildProcess>> processes_;
  std::unique_ptr<TestCertificateAuthority> authority_;  // TLS only
  std::map<std::string, LeafCertificate> certificates_;  // TLS only, by member
};

// Sends an IAMAT to `member`; returns the AT line of its reply (without "\n"),
// failing the test if the reply is not one.
std::string iamat(TestHerd& herd, const std::string& member, const std::string& client,
                  const std::string& location, const std::string& time);

// POSIX time `ahead` of now, in the form a client sends it.
std::string posix_time_from_now(std::chrono::nanoseconds ahead);

// Deadlines of multi-process tests are multiplied by HERD_TEST_TIME_SCALE (e.g. 3
// under sanitizers, which slow the members down several times).
std::chrono::milliseconds scaled(std::chrono::milliseconds deadline);

// A fresh temporary directory, removed by the caller.
std::filesystem::path make_temp_dir(const std::string& prefix);

// Reads a whole file ("" if missing).
std::string read_file(const std::filesystem::path& path);

// How many times `needle` occurs in `text` (e.g. a log line's words in a log).
std::size_t occurrences(std::string_view text, std::string_view needle);

// The lines of `text`, each without its '\n'; a last line without one is kept as is.
std::vector<std::string> lines_of(std::string_view text);

}  // namespace herd::test
