#include "test_herd.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <stdexcept>

#include "herd/config/config.hpp"
#include "herd/protocol/protocol.hpp"
#include "protocol_text.hpp"

extern char** environ;

namespace herd::test {

namespace fs = std::filesystem;

namespace {

const std::vector<std::pair<std::string, std::string>> spec_links = {
    {"Goloman", "Hands"}, {"Goloman", "Holiday"}, {"Goloman", "Wilkes"},
    {"Hands", "Wilkes"},  {"Holiday", "Welsh"},   {"Holiday", "Wilkes"}};

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

fs::path server_binary() { return HERD_SERVER_BINARY; }

fs::path make_temp_dir(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t occurrences(std::string_view text, std::string_view needle) {
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++count;
  }
  return count;
}

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = std::min(text.find('\n', start), text.size());
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv,
                           const std::vector<std::pair<std::string, std::string>>& environment,
                           const fs::path& output) {
  std::vector<std::string> env_strings;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    bool overridden = text.starts_with("GOOGLE_PLACES_API_KEY=");
    for (const auto& [name, value] : environment) overridden |= text.starts_with(name + "=");
    if (!overridden) env_strings.emplace_back(text);
  }
  for (const auto& [name, value] : environment) env_strings.push_back(name + "=" + value);

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (auto& entry : env_strings) envp.push_back(entry.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  const int error = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::runtime_error("posix_spawn " + argv[0] + " failed");
}

ChildProcess::~ChildProcess() {
  if (running()) {
    signal(SIGKILL);
    wait();
  }
}

bool ChildProcess::running() {
  if (status_ != -1) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = decode_status(status);
    return false;
  }
  return true;
}

void ChildProcess::signal(int number) {
  if (status_ == -1) ::kill(pid_, number);
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  eventually([&] { return !running(); }, timeout);
  return status_;
}

std::pair<int, std::string> run_server_to_exit(const std::vector<std::string>& args,
                                               std::chrono::milliseconds timeout) {
  const fs::path dir = make_temp_dir("herd-run");
  std::vector<std::string> argv{server_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  int status = -1;
  {
    ChildProcess process(argv, {}, dir / "output");
    status = process.wait(timeout);
  }
  std::string output = read_file(dir / "output");
  fs::remove_all(dir);
  return {status, output};
}

HerdOptions single_member(nlohmann::json config) {
  HerdOptions options;
  options.members = {"Goloman"};
  options.config = std::move(config);
  return options;
}

TestHerd::TestHerd(HerdOptions options) : options_(std::move(options)) {
  dir_ = make_temp_dir("herd-test");
  config_path_ = dir_ / "herd.json";
  for (const auto& member : options_.members) ports_[member] = free_port();
  if (options_.links.empty()) {
    for (const auto& link : spec_links) {
      if (contains(options_.members, link.first) && contains(options_.members, link.second)) {
        options_.links.push_back(link);
      }
    }
  }
  if (options_.tls) {
    authority_ = std::make_unique<TestCertificateAuthority>();
    fs::create_directories(dir_ / "certs");
    for (const auto& member : options_.members) {
      certificates_[member] = authority_->issue_member(member);
      write_pem_files(certificates_[member], certificate_file(member), key_file(member));
    }
  }
  write_config();
}

TestHerd::~TestHerd() {
  std::vector<std::string> started;
  for (const auto& [process, child] : processes_) started.push_back(process);
  processes_.clear();
  // A sanitizer report from a member fails the test that ran it, even when the
  // member kept answering.
  for (const auto& process : started) {
    const std::string output = output_text(process);
    if (output.find("runtime error:") != std::string::npos ||
        output.find("Sanitizer") != std::string::npos) {
      ADD_FAILURE() << process << " reported a sanitizer error:\n" << output;
    }
  }
  std::error_code ignored;
  if (std::getenv("HERD_KEEP_TEST_DIRS") == nullptr) fs::remove_all(dir_, ignored);
}

void TestHerd::write_config() {
  nlohmann::json config = options_.config;
  config["members"] = nlohmann::json::array();
  for (const auto& member : options_.members) {
    config["members"].push_back(
        {{"name", member}, {"host", options_.host}, {"port", ports_[member]}});
  }
  config["links"] = nlohmann::json::array();
  for (const auto& [a, b] : options_.links) config["links"].push_back({a, b});
  if (!config.contains("log_dir")) config["log_dir"] = (dir_ / "logs").string();
  // Sanitized members run several times slower: a link's handshake and HELLO
  // get as much more time as the tests' own deadlines (a member still loading
  // its GeoNames data leaves a neighbour's dial waiting), unless the test
  // sets the timeout itself.
  if (!config.contains("peer_hello_timeout_ms")) {
    config["peer_hello_timeout_ms"] = scaled(Config{}.peer_hello_timeout).count();
  }
  if (options_.tls && !config.contains("peer_tls")) {
    config["peer_tls"] = {{"mode", "required"},
                          {"ca_file", authority_->ca_file().string()},
                          {"cert_file", (dir_ / "certs" / "{member}.pem").string()},
                          {"key_file", (dir_ / "certs" / "{member}.key").string()}};
  }
  std::ofstream(config_path_) << config.dump(2);
  for (const auto& [member, overrides] : options_.member_config) {
    nlohmann::json own = config;
    own.merge_patch(overrides);
    std::ofstream(config_path_of(member)) << own.dump(2);
  }
}

fs::path TestHerd::config_path_of(const std::string& member) const {
  if (!options_.member_config.contains(member)) return config_path_;
  return dir_ / (member + ".json");
}

const TestCertificateAuthority& TestHerd::authority() const {
  if (!authority_) throw std::logic_error("the test herd has no TLS");
  return *authority_;
}

fs::path TestHerd::certificate_file(const std::string& member) const {
  return dir_ / "certs" / (member + ".pem");
}

fs::path TestHerd::key_file(const std::string& member) const {
  return dir_ / "certs" / (member + ".key");
}

LinkClient TestHerd::link_as(const std::string& as, const std::string& to) const {
  if (!options_.tls) return LinkClient(options_.host, port(to), std::nullopt);
  LinkClient link(options_.host, port(to),
                  LinkIdentity{certificates_.at(as), authority_->ca_file()});
  if (const std::string failure = link.handshake(scaled(5000ms)); !failure.empty()) {
    throw std::runtime_error("TLS handshake with " + to + " as " + as + ": " + failure);
  }
  return link;
}

void TestHerd::start(const std::string& member) {
  start_process(member, {member, "--config", config_path_of(member).string()}, port(member));
}

void TestHerd::start_process(const std::string& process, const std::vector<std::string>& args,
                             std::uint16_t port) {
  if (running(process)) throw std::logic_error(process + " is already running");
  std::vector<std::string> argv{server_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  processes_[process] =
      std::make_unique<ChildProcess>(argv, options_.environment, dir_ / (process + ".out"));
  // Ready once it accepts a connection; the probe closes at once.
  const bool ready = eventually(
      [&] {
        if (!processes_[process]->running()) return true;
        try {
          TcpClient probe(options_.host, port, 50ms);
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      10000ms);
  if (!ready || !processes_[process]->running()) {
    throw std::runtime_error(process + " did not start: " + output_text(process));
  }
}

void TestHerd::start_all() {
  for (const auto& member : options_.members) start(member);
}

void TestHerd::kill(const std::string& process) {
  auto& child = processes_.at(process);
  child->signal(SIGKILL);
  child->wait();
}

int TestHerd::stop(const std::string& process) {
  auto& child = processes_.at(process);
  child->signal(SIGTERM);
  return child->wait();
}

void TestHerd::signal(const std::string& process, int number) {
  processes_.at(process)->signal(number);
}

bool TestHerd::running(const std::string& process) {
  const auto found = processes_.find(process);
  return found != processes_.end() && found->second->running();
}

std::uint16_t TestHerd::port(const std::string& member) const { return ports_.at(member); }

pid_t TestHerd::pid(const std::string& process) const { return processes_.at(process)->pid(); }

fs::path TestHerd::log_path(const std::string& member) const {
  return dir_ / "logs" / (member + ".log");
}

std::string TestHerd::log_text(const std::string& member) const {
  return read_file(log_path(member));
}

bool TestHerd::logged(const std::string& member, std::string_view text) const {
  return log_text(member).find(text) != std::string::npos;
}

bool TestHerd::eventually_logged(const std::string& member, std::string_view text,
                                 std::chrono::milliseconds timeout) const {
  return eventually([&] { return logged(member, text); }, timeout);
}

std::string TestHerd::output_text(const std::string& process) const {
  return read_file(dir_ / (process + ".out"));
}

TcpClient TestHerd::connect(const std::string& member) const {
  return TcpClient(options_.host, port(member));
}

std::string TestHerd::exchange(const std::string& member, std::string_view request) const {
  return herd::test::exchange(options_.host, port(member), request);
}

std::string TestHerd::record_at(const std::string& member, const std::string& client) const {
  const std::string reply = exchange(member, "WHATSAT " + client + " 1 0\n");
  if (!reply.starts_with("AT ")) return "";
  return reply.substr(0, reply.find('\n'));
}

std::map<std::string, std::string> TestHerd::records_at(
    const std::string& member, const std::vector<std::string>& clients) const {
  TcpClient client = connect(member);
  std::string request;
  for (const auto& name : clients) request += "WHATSAT " + name + " 1 0\n";
  client.send(request);
  client.shutdown_write();
  std::map<std::string, std::string> records;
  for (const auto& name : clients) {
    const auto line = client.read_line();
    if (!line) throw std::runtime_error(member + " did not answer WHATSAT " + name);
    if (line->starts_with("? ")) continue;
    if (!client.read_until("\n\n")) throw std::runtime_error("truncated WHATSAT reply");
    records[name] = line->substr(0, line->size() - 1);
  }
  return records;
}

std::vector<std::string> TestHerd::running_members() {
  std::vector<std::string> members;
  for (const auto& member : options_.members) {
    if (running(member)) members.push_back(member);
  }
  return members;
}

bool TestHerd::converges_to(const std::map<std::string, std::string>& expected,
                            std::chrono::milliseconds timeout) {
  std::vector<std::string> clients;
  for (const auto& [client, line] : expected) clients.push_back(client);
  return eventually(
      [&] {
        for (const auto& member : running_members()) {
          if (records_at(member, clients) != expected) return false;
        }
        return true;
      },
      timeout);
}

std::string iamat(TestHerd& herd, const std::string& member, const std::string& client,
                  const std::string& location, const std::string& time) {
  const std::string reply =
      herd.exchange(member, "IAMAT " + client + " " + location + " " + time + "\n");
  EXPECT_TRUE(reply.starts_with("AT " + member + " ")) << reply;
  return reply.substr(0, reply.find('\n'));
}

std::string posix_time_from_now(std::chrono::nanoseconds ahead) {
  const auto now = std::chrono::system_clock::now().time_since_epoch() + ahead;
  return time_text(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count());
}

std::chrono::milliseconds scaled(std::chrono::milliseconds deadline) {
  const char* scale = std::getenv("HERD_TEST_TIME_SCALE");
  return scale == nullptr ? deadline : deadline * std::max(1, std::atoi(scale));
}

}  // namespace herd::test
