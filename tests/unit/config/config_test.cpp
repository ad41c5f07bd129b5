// The config: compiled-in topology, the JSON file and its validation, and the command line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "herd/common/https_url.hpp"
#include "herd/config/command_line.hpp"
#include "herd/config/config.hpp"

namespace herd {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

std::vector<std::string> names_of(const Config& config, const std::vector<std::size_t>& indices) {
  std::vector<std::string> names;
  for (std::size_t index : indices) names.push_back(config.members[index].name);
  return names;
}

std::vector<std::string> neighbour_names(const Config& config, std::string_view member) {
  return names_of(config, config.neighbours(*config.member_index(member)));
}

// Config has no operator==; compare field by field so a failure says which one differs.
void expect_same_config(const Config& actual, const Config& expected) {
  ASSERT_EQ(actual.members.size(), expected.members.size());
  for (std::size_t i = 0; i < expected.members.size(); ++i) {
    EXPECT_EQ(actual.members[i].name, expected.members[i].name) << i;
    EXPECT_EQ(actual.members[i].host, expected.members[i].host) << i;
    EXPECT_EQ(actual.members[i].port, expected.members[i].port) << i;
  }
  EXPECT_EQ(actual.links, expected.links);
  EXPECT_EQ(actual.log_dir, expected.log_dir);
  EXPECT_EQ(actual.log_max_file_bytes, expected.log_max_file_bytes);
  EXPECT_EQ(actual.log_rotated_files, expected.log_rotated_files);
  EXPECT_EQ(actual.log_level, expected.log_level);
  EXPECT_EQ(actual.log_traffic_level, expected.log_traffic_level);
  EXPECT_EQ(actual.client_idle_timeout, expected.client_idle_timeout);
  EXPECT_EQ(actual.max_line_bytes, expected.max_line_bytes);
  EXPECT_EQ(actual.peer_backoff_initial, expected.peer_backoff_initial);
  EXPECT_EQ(actual.peer_backoff_cap, expected.peer_backoff_cap);
  EXPECT_EQ(actual.peer_hello_timeout, expected.peer_hello_timeout);
  EXPECT_EQ(actual.peer_queue_limit_bytes, expected.peer_queue_limit_bytes);
  EXPECT_EQ(actual.peer_stall_limit, expected.peer_stall_limit);
  EXPECT_EQ(actual.shutdown_grace, expected.shutdown_grace);
  EXPECT_EQ(actual.max_records, expected.max_records);
  EXPECT_EQ(actual.max_record_text_bytes, expected.max_record_text_bytes);
  EXPECT_EQ(actual.places.backend, expected.places.backend);
  EXPECT_EQ(actual.places.google_base_url, expected.places.google_base_url);
  EXPECT_EQ(actual.places.legacy_base_url, expected.places.legacy_base_url);
  EXPECT_EQ(actual.places.ca_file, expected.places.ca_file);
  EXPECT_EQ(actual.places.key_file, expected.places.key_file);
  EXPECT_EQ(actual.places.timeout, expected.places.timeout);
  EXPECT_EQ(actual.places.pool_size, expected.places.pool_size);
  EXPECT_EQ(actual.max_clock_skew, expected.max_clock_skew);
  EXPECT_EQ(actual.places.geonames_file, expected.places.geonames_file);
  EXPECT_EQ(actual.peer_tls.mode, expected.peer_tls.mode);
  EXPECT_EQ(actual.peer_tls.ca_file, expected.peer_tls.ca_file);
  EXPECT_EQ(actual.peer_tls.cert_file, expected.peer_tls.cert_file);
  EXPECT_EQ(actual.peer_tls.key_file, expected.peer_tls.key_file);
}

Config parse_ok(std::string_view text) {
  std::string error;
  const auto config = parse_config_json(text, "test.json", error);
  EXPECT_TRUE(config) << error;
  return config.value_or(Config{});
}

// The error for a config that must be rejected.
std::string rejection(std::string_view text) {
  std::string error;
  const auto config = parse_config_json(text, "test.json", error);
  EXPECT_FALSE(config) << "accepted: " << text;
  EXPECT_THAT(error, StartsWith("test.json: "));
  return error;
}

// Two members, so topology errors can be written in a line.
std::string two_members(std::string_view links) {
  return R"({"members": [{"name": "A", "port": 1}, {"name": "B", "port": 2}], "links": )" +
         std::string(links) + "}";
}

// From CMake: __FILE__ is relative to the build directory when ccache's base_dir
// rewrites paths, and ctest runs the tests from another directory.
std::filesystem::path shipped_config() {
  return std::filesystem::path(HERD_SOURCE_DIR) / "config/herd.json";
}

// A file that is removed when the test ends.
class TempFile {
 public:
  explicit TempFile(std::string_view content) {
    static std::atomic<int> counter{0};
    path_ =
        std::filesystem::temp_directory_path() / ("herd-config-test-" + std::to_string(::getpid()) +
                                                  "-" + std::to_string(counter++) + ".json");
    std::ofstream(path_) << content;
  }
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

std::optional<CommandLine> parse_args(std::vector<std::string> args, std::string& error) {
  args.insert(args.begin(), "herd_server");
  std::vector<const char*> argv;
  for (const auto& arg : args) argv.push_back(arg.c_str());
  return parse_command_line(static_cast<int>(argv.size()), argv.data(), error);
}

CommandLine parse_args_ok(std::vector<std::string> args) {
  std::string error;
  auto command_line = parse_args(std::move(args), error);
  EXPECT_TRUE(command_line) << error;
  return command_line.value_or(CommandLine{});
}

std::string args_rejection(std::vector<std::string> args) {
  std::string error;
  EXPECT_FALSE(parse_args(std::move(args), error));
  return error;
}

// --- defaults and topology ----------------------------------------------------------------

TEST(ConfigDefaults, MembersInOrderOnLoopback) {
  const Config config = default_config();
  const std::vector<std::string> names{"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"};
  ASSERT_EQ(config.members.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(config.members[i].name, names[i]);
    EXPECT_EQ(config.members[i].host, "127.0.0.1");
    EXPECT_EQ(config.members[i].port, 12000 + i);
    EXPECT_EQ(config.member_index(names[i]), i);
  }
}

TEST(ConfigDefaults, MemberIndexIsExact) {
  const Config config = default_config();
  EXPECT_FALSE(config.member_index("goloman"));
  EXPECT_FALSE(config.member_index("Golomon"));
  EXPECT_FALSE(config.member_index("Hands "));
  EXPECT_FALSE(config.member_index(""));
}

TEST(ConfigDefaults, NeighboursFollowTheSpecTableInMemberOrder) {
  const Config config = default_config();
  using Names = std::vector<std::string>;
  EXPECT_EQ(neighbour_names(config, "Goloman"), (Names{"Hands", "Holiday", "Wilkes"}));
  EXPECT_EQ(neighbour_names(config, "Hands"), (Names{"Goloman", "Wilkes"}));
  EXPECT_EQ(neighbour_names(config, "Holiday"), (Names{"Goloman", "Welsh", "Wilkes"}));
  EXPECT_EQ(neighbour_names(config, "Welsh"), (Names{"Holiday"}));
  EXPECT_EQ(neighbour_names(config, "Wilkes"), (Names{"Goloman", "Hands", "Holiday"}));
}

TEST(ConfigDefaults, Tunables) {
  const Config config = default_config();
  EXPECT_EQ(config.log_dir, "logs");
  EXPECT_EQ(config.log_max_file_bytes, 100u << 20);
  EXPECT_EQ(config.log_rotated_files, 5u);
  EXPECT_EQ(config.log_level, LogLevel::info);
  EXPECT_EQ(config.log_traffic_level, LogLevel::info);  // every protocol line, as before
  EXPECT_EQ(config.client_idle_timeout, milliseconds(60'000));
  EXPECT_EQ(config.max_line_bytes, 8192u);
  EXPECT_EQ(config.places.backend, PlacesBackendKind::automatic);
  EXPECT_EQ(config.places.timeout, milliseconds(5000));
  EXPECT_EQ(config.max_records, 16'000'000u);
  EXPECT_EQ(config.max_record_text_bytes, 1024u * 1024 * 1024);
  EXPECT_EQ(config.max_clock_skew, milliseconds(600'000));
  EXPECT_EQ(config.peer_max_line_bytes(), 8192u + 85);
  EXPECT_EQ(config.places.geonames_file, "data/geonames/cities500.txt");
}

// --- the JSON file ------------------------------------------------------------------------

TEST(ConfigFile, ShippedFileEqualsTheCompiledInDefault) {
  std::string error;
  const auto config = load_config_file(shipped_config(), error);
  ASSERT_TRUE(config) << error;
  expect_same_config(*config, default_config());
}

TEST(ConfigFile, EmptyObjectIsTheDefault) { expect_same_config(parse_ok("{}"), default_config()); }

TEST(ConfigFile, EveryKeyIsRead) {
  const Config config = parse_ok(R"({
    "members": [{"name": "A", "host": "::1", "port": 7000}, {"name": "B", "port": 7001}],
    "links": [["B", "A"]],
    "log_dir": "/var/log/herd",
    "log_max_file_bytes": 5000,
    "log_rotated_files": 9,
    "log_level": "warn",
    "log_traffic_level": "debug",
    "client_idle_timeout_ms": 300,
    "max_line_bytes": 64,
    "peer_backoff_initial_ms": 10,
    "peer_backoff_cap_ms": 20,
    "peer_hello_timeout_ms": 30,
    "peer_queue_limit_bytes": 1000,
    "peer_stall_limit_ms": 35,
    "shutdown_grace_ms": 40,
    "max_records": 7,
    "max_record_text_bytes": 5000,
    "max_clock_skew_ms": 5000,
    "places": {"backend": "google-legacy", "google_base_url": "https://127.0.0.1:8443",
               "legacy_base_url": "https://localhost:9443", "ca_file": "ca.pem",
               "key_file": "key.txt", "timeout_ms": 50, "pool_size": 1,
               "geonames_file": "/srv/geonames/allCountries.txt"},
    "peer_tls": {"mode": "required", "ca_file": "certs/ca.pem",
                 "cert_file": "certs/{member}.pem", "key_file": "certs/{member}.key"}
  })");
  ASSERT_EQ(config.members.size(), 2u);
  EXPECT_EQ(config.members[0].host, "::1");
  EXPECT_EQ(config.members[0].port, 7000);
  EXPECT_EQ(config.members[1].host, "127.0.0.1");
  EXPECT_EQ(neighbour_names(config, "A"), std::vector<std::string>{"B"});
  EXPECT_EQ(config.log_dir, "/var/log/herd");
  EXPECT_EQ(config.log_max_file_bytes, 5000u);
  EXPECT_EQ(config.log_rotated_files, 9u);
  EXPECT_EQ(config.log_level, LogLevel::warn);
  EXPECT_EQ(config.log_traffic_level, LogLevel::debug);
  EXPECT_EQ(config.client_idle_timeout, milliseconds(300));
  EXPECT_EQ(config.max_line_bytes, 64u);
  EXPECT_EQ(config.peer_backoff_initial, milliseconds(10));
  EXPECT_EQ(config.peer_backoff_cap, milliseconds(20));
  EXPECT_EQ(config.peer_hello_timeout, milliseconds(30));
  EXPECT_EQ(config.peer_queue_limit_bytes, 1000u);
  EXPECT_EQ(config.peer_stall_limit, milliseconds(35));
  EXPECT_EQ(config.shutdown_grace, milliseconds(40));
  EXPECT_EQ(config.max_records, 7u);
  EXPECT_EQ(config.max_record_text_bytes, 5000u);
  EXPECT_EQ(config.places.backend, PlacesBackendKind::google_legacy);
  EXPECT_EQ(config.places.google_base_url, "https://127.0.0.1:8443");
  EXPECT_EQ(config.places.legacy_base_url, "https://localhost:9443");
  EXPECT_EQ(config.places.ca_file, "ca.pem");
  EXPECT_EQ(config.places.key_file, "key.txt");
  EXPECT_EQ(config.places.timeout, milliseconds(50));
  EXPECT_EQ(config.places.pool_size, 1u);
  EXPECT_EQ(config.max_clock_skew, milliseconds(5000));
  EXPECT_EQ(config.places.geonames_file, "/srv/geonames/allCountries.txt");
  EXPECT_EQ(config.peer_tls.mode, PeerTlsMode::required);
  EXPECT_EQ(config.peer_tls.ca_file, "certs/ca.pem");
  EXPECT_EQ(config.peer_tls.cert_file, "certs/{member}.pem");
  EXPECT_EQ(config.peer_tls.key_file, "certs/{member}.key");
}

TEST(ConfigFile, SingleMemberWithoutLinks) {
  const Config config = parse_ok(R"({"members": [{"name": "Solo", "port": 9000}], "links": []})");
  EXPECT_TRUE(config.neighbours(0).empty());
}

TEST(ConfigFile, LinksAloneReplaceTheDefaultLinks) {
  const Config config = parse_ok(R"({"links": [["Welsh", "Wilkes"]]})");
  EXPECT_EQ(neighbour_names(config, "Welsh"), std::vector<std::string>{"Wilkes"});
  EXPECT_TRUE(neighbour_names(config, "Goloman").empty());
}

TEST(ConfigFile, MissingFileNamesTheFile) {
  std::string error;
  EXPECT_FALSE(load_config_file("/nonexistent/herd.json", error));
  EXPECT_THAT(error, StartsWith("/nonexistent/herd.json: "));
}

TEST(ConfigFile, ErrorsFromAFileNameTheFile) {
  const TempFile file(R"({"log_dir": 3})");
  std::string error;
  EXPECT_FALSE(load_config_file(file.path(), error));
  EXPECT_EQ(error, file.path() + ": log_dir: must be a string");
}

TEST(ConfigValidation, MalformedJsonGivesTheBytePosition) {
  const std::string error = rejection(R"({"log_dir": "x",, })");
  EXPECT_THAT(error, HasSubstr("malformed JSON at byte 17"));
  EXPECT_THAT(error, HasSubstr("syntax error"));
  EXPECT_THAT(rejection(""), HasSubstr("malformed JSON"));
}

TEST(ConfigValidation, ANumberPastADoublesRangeIsRefusedNotThrown) {
  // Well-formed JSON that nlohmann cannot hold; config_fuzz found it escaping
  // as an exception. Anywhere in the file, and at the edge of the range.
  EXPECT_EQ(rejection(R"({"client_idle_timeout_ms": 1e999})"),
            "test.json: malformed JSON: number overflow parsing '1e999'");
  EXPECT_THAT(rejection(R"({"members": [{"name": "A", "port": -2e308}]})"),
              HasSubstr("malformed JSON: number overflow"));
  // The largest double is a number, refused by the field's own range instead.
  EXPECT_THAT(rejection(R"({"client_idle_timeout_ms": 1.7976931348623157e308})"),
              HasSubstr("client_idle_timeout_ms: must be"));
}

TEST(ConfigValidation, TopLevelMustBeAnObject) {
  EXPECT_THAT(rejection("[1, 2]"), HasSubstr("must be a JSON object"));
}

TEST(ConfigValidation, UnknownKeysAreNamed) {
  EXPECT_EQ(rejection(R"({"log_dri": "x"})"), "test.json: log_dri: unknown key");
  EXPECT_EQ(rejection(R"({"places": {"backnd": "none"}})"),
            "test.json: places.backnd: unknown key");
  EXPECT_EQ(rejection(R"({"members": [{"name": "A", "port": 1, "prot": 2}], "links": []})"),
            "test.json: members[0].prot: unknown key");
}

TEST(ConfigValidation, MemberPortRange) {
  const std::string members = R"({"members": [{"name": "A", "port": 1}, {"name": "B", "port": 2},
                                              {"name": "C", "port": %}], "links": []})";
  for (const char* bad : {"0", "65536", "-1", "\"12000\"", "1.5", "null", "true"}) {
    std::string text = members;
    text.replace(text.find('%'), 1, bad);
    EXPECT_EQ(rejection(text), "test.json: members[2].port: must be an integer from 1 to 65535")
        << bad;
  }
}

TEST(ConfigValidation, MemberFieldsRequired) {
  EXPECT_EQ(rejection(R"({"members": [{"port": 1}], "links": []})"),
            "test.json: members[0].name: required");
  EXPECT_EQ(rejection(R"({"members": [{"name": "A"}], "links": []})"),
            "test.json: members[0].port: required");
  EXPECT_THAT(rejection(R"({"members": ["A"], "links": []})"),
              HasSubstr("members[0]: must be an object"));
  EXPECT_THAT(rejection(R"({"members": [], "links": []})"),
              HasSubstr("members: must be a non-empty array"));
}

TEST(ConfigValidation, MemberNames) {
  EXPECT_EQ(rejection(R"({"members": [{"name": "A", "port": 1}, {"name": "A", "port": 2}],
                          "links": []})"),
            R"(test.json: members[1].name: duplicate member name "A")");
  EXPECT_EQ(rejection(R"({"members": [{"name": "", "port": 1}], "links": []})"),
            "test.json: members[0].name: must not be empty");
  EXPECT_THAT(rejection(R"({"members": [{"name": "Big Ben", "port": 1}], "links": []})"),
              HasSubstr("members[0].name: must not contain whitespace"));
  EXPECT_THAT(rejection(R"({"members": [{"name": "Tab\there", "port": 1}], "links": []})"),
              HasSubstr("members[0].name: must not contain whitespace"));
  EXPECT_EQ(rejection(R"({"members": [{"name": 5, "port": 1}], "links": []})"),
            "test.json: members[0].name: must be a string");
}

TEST(ConfigValidation, MembersCannotShareAnAddress) {
  EXPECT_THAT(rejection(R"({"members": [{"name": "A", "port": 5}, {"name": "B", "port": 5}],
                             "links": []})"),
              HasSubstr("members[1].port: 127.0.0.1:5 is already used by A"));
  EXPECT_THAT(rejection(R"({"members": [{"name": "A", "host": "::1", "port": 5},
                                         {"name": "B", "host": "::1", "port": 5}],
                             "links": []})"),
              HasSubstr("members[1].port: [::1]:5 is already used by A"));
  parse_ok(R"({"members": [{"name": "A", "host": "10.0.0.1", "port": 5},
                           {"name": "B", "host": "10.0.0.2", "port": 5}], "links": []})");
}

TEST(ConfigValidation, MembersRequireLinks) {
  EXPECT_EQ(rejection(R"({"members": [{"name": "A", "port": 1}]})"),
            "test.json: links: required when members is given");
}

TEST(ConfigValidation, Links) {
  EXPECT_EQ(rejection(two_members(R"([["A", "B"], ["B", "Foo"]])")),
            R"(test.json: links[1]: unknown member "Foo")");
  EXPECT_EQ(rejection(R"({"links": [["Hands", "Hands"]]})"),
            R"(test.json: links[0]: a member cannot link to itself ("Hands"))");
  EXPECT_THAT(rejection(two_members(R"([["A", "B"], ["B", "A"]])")),
              HasSubstr(R"(links[1]: "B" and "A" are already linked by links[0])"));
  EXPECT_THAT(rejection(two_members(R"([["A", "B"], ["A", "B"]])")), HasSubstr("links[1]: "));
  for (const char* bad : {R"(["A"])", R"(["A", "B", "A"])", R"("A-B")", R"(["A", 2])"}) {
    EXPECT_THAT(rejection(two_members("[" + std::string(bad) + "]")),
                HasSubstr("links[0]: must be a pair of member names"))
        << bad;
  }
  EXPECT_THAT(rejection(two_members("{}")), HasSubstr("links: must be an array"));
}

TEST(ConfigValidation, DurationsArePositiveIntegers) {
  for (const char* key :
       {"client_idle_timeout_ms", "peer_backoff_initial_ms", "peer_backoff_cap_ms",
        "peer_hello_timeout_ms", "peer_stall_limit_ms", "shutdown_grace_ms"}) {
    for (const char* bad : {"0", "-5", "1.5", "\"100\"", "3000000000"}) {
      EXPECT_THAT(rejection("{\"" + std::string(key) + "\": " + bad + "}"),
                  StartsWith("test.json: " + std::string(key) + ": must be an integer from 1 to"))
          << key << " = " << bad;
    }
  }
  EXPECT_THAT(rejection(R"({"places": {"timeout_ms": 0}})"),
              HasSubstr("places.timeout_ms: must be an integer from 1 to"));
}

TEST(ConfigValidation, BackoffCapNotBelowInitial) {
  EXPECT_THAT(rejection(R"({"peer_backoff_initial_ms": 500, "peer_backoff_cap_ms": 100})"),
              HasSubstr("peer_backoff_cap_ms: must be at least peer_backoff_initial_ms (500)"));
}

TEST(ConfigValidation, MaxLineBytes) {
  EXPECT_EQ(rejection(R"({"max_line_bytes": 63})"),
            "test.json: max_line_bytes: must be an integer from 64 to 65000");
  EXPECT_EQ(parse_ok(R"({"max_line_bytes": 64})").max_line_bytes, 64u);
  // Past this, a valid line could be too long for a record (Table::max_text_bytes).
  EXPECT_EQ(rejection(R"({"max_line_bytes": 65001})"),
            "test.json: max_line_bytes: must be an integer from 64 to 65000");
  EXPECT_EQ(parse_ok(R"({"max_line_bytes": 65000})").max_line_bytes, 65000u);
}

TEST(ConfigValidation, LogFileBounds) {
  EXPECT_EQ(rejection(R"({"log_max_file_bytes": 4095})"),
            "test.json: log_max_file_bytes: must be an integer from 4096 to 9223372036854775807");
  EXPECT_EQ(parse_ok(R"({"log_max_file_bytes": 4096})").log_max_file_bytes, 4096u);
  EXPECT_EQ(parse_ok(R"({"log_max_file_bytes": 9223372036854775807})").log_max_file_bytes,
            9223372036854775807u);
  EXPECT_THAT(rejection(R"({"log_max_file_bytes": 9223372036854775808})"),
              HasSubstr("log_max_file_bytes: must be an integer"));
  for (const char* bad : {"-1", "1e6", "\"100M\"", "null"}) {
    EXPECT_THAT(rejection("{\"log_max_file_bytes\": " + std::string(bad) + "}"),
                HasSubstr("log_max_file_bytes: must be an integer"))
        << bad;
  }
  EXPECT_EQ(rejection(R"({"log_rotated_files": 0})"),
            "test.json: log_rotated_files: must be an integer from 1 to 1000");
  EXPECT_EQ(parse_ok(R"({"log_rotated_files": 1})").log_rotated_files, 1u);
  EXPECT_EQ(parse_ok(R"({"log_rotated_files": 1000})").log_rotated_files, 1000u);
  EXPECT_THAT(rejection(R"({"log_rotated_files": 1001})"), HasSubstr("log_rotated_files: "));
}

TEST(ConfigValidation, LogLevels) {
  const std::pair<std::string_view, LogLevel> levels[] = {{"debug", LogLevel::debug},
                                                          {"info", LogLevel::info},
                                                          {"warn", LogLevel::warn},
                                                          {"error", LogLevel::error},
                                                          {"off", LogLevel::off}};
  for (const auto& [name, level] : levels) {
    const std::string quoted = "\"" + std::string(name) + "\"";
    EXPECT_EQ(parse_ok("{\"log_level\": " + quoted + "}").log_level, level) << name;
    EXPECT_EQ(parse_ok("{\"log_traffic_level\": " + quoted + "}").log_traffic_level, level) << name;
  }
  for (const char* key : {"log_level", "log_traffic_level"}) {
    const std::string field = "{\"" + std::string(key) + "\": ";
    EXPECT_EQ(rejection(field + "\"verbose\"}"),
              "test.json: " + std::string(key) +
                  ": unknown level \"verbose\" (one of debug, info, warn, error, off)");
    EXPECT_THAT(rejection(field + "\"INFO\"}"), HasSubstr("unknown level \"INFO\""));
    EXPECT_THAT(rejection(field + "\"warning\"}"), HasSubstr("unknown level"));
    EXPECT_THAT(rejection(field + "\"\"}"), HasSubstr("unknown level \"\""));
    EXPECT_EQ(rejection(field + "2}"), "test.json: " + std::string(key) + ": must be a string");
  }
}

TEST(ConfigValidation, QueueLimitHoldsALine) {
  EXPECT_THAT(rejection(R"({"peer_queue_limit_bytes": 0})"),
              HasSubstr("peer_queue_limit_bytes: must be an integer"));
  // The longest line a link carries, 8192 + 85 bytes, and its newline.
  EXPECT_EQ(rejection(R"({"peer_queue_limit_bytes": 8277})"),
            "test.json: peer_queue_limit_bytes: must be at least 8278 (max_line_bytes + 86), the "
            "longest line a link carries with its newline");
  EXPECT_EQ(parse_ok(R"({"peer_queue_limit_bytes": 8278})").peer_queue_limit_bytes, 8278u);
  EXPECT_THAT(rejection(R"({"max_line_bytes": 65000, "peer_queue_limit_bytes": 65000})"),
              HasSubstr("must be at least 65086"));
}

TEST(ConfigValidation, MemberNameLength) {
  const auto members = [](std::size_t name_bytes) {
    return R"({"members": [{"name": ")" + std::string(name_bytes, 'N') +
           R"(", "port": 1}], "links": []})";
  };
  EXPECT_EQ(parse_ok(members(64)).members[0].name, std::string(64, 'N'));
  EXPECT_EQ(rejection(members(65)),
            "test.json: members[0].name: must be at most 64 bytes (got 65)");
}

TEST(ConfigValidation, MaxClockSkew) {
  EXPECT_EQ(parse_ok(R"({"max_clock_skew_ms": 1000})").max_clock_skew, milliseconds(1000));
  EXPECT_EQ(parse_ok(R"({"max_clock_skew_ms": 86400000})").max_clock_skew,
            milliseconds(86'400'000));
  for (const char* bad : {"999", "86400001", "0", "-1", "1.5", "\"600000\""}) {
    EXPECT_EQ(rejection(std::string(R"({"max_clock_skew_ms": )") + bad + "}"),
              "test.json: max_clock_skew_ms: must be an integer from 1000 to 86400000 "
              "(milliseconds)")
        << bad;
  }
}

TEST(ConfigValidation, TableBounds) {
  EXPECT_EQ(parse_ok(R"({"max_records": 1})").max_records, 1u);
  EXPECT_EQ(parse_ok(R"({"max_records": 4000000000})").max_records, 4'000'000'000u);
  EXPECT_EQ(rejection(R"({"max_records": 0})"),
            "test.json: max_records: must be an integer from 1 to 4000000000");
  EXPECT_THAT(rejection(R"({"max_records": 4000000001})"), HasSubstr("max_records: "));
  EXPECT_THAT(rejection(R"({"max_records": "many"})"), HasSubstr("max_records: "));
  EXPECT_EQ(parse_ok(R"({"max_record_text_bytes": 1024})").max_record_text_bytes, 1024u);
  EXPECT_EQ(parse_ok(R"({"max_record_text_bytes": 1099511627776})").max_record_text_bytes,
            std::uint64_t{1} << 40);
  EXPECT_EQ(rejection(R"({"max_record_text_bytes": 1023})"),
            "test.json: max_record_text_bytes: must be an integer from 1024 to 1099511627776");
  EXPECT_THAT(rejection(R"({"max_record_text_bytes": 1099511627777})"),
              HasSubstr("max_record_text_bytes: "));
  EXPECT_THAT(rejection(R"({"max_record_text_bytes": -1})"), HasSubstr("max_record_text_bytes: "));
}

TEST(ConfigValidation, Places) {
  EXPECT_EQ(
      rejection(R"({"places": {"backend": "bing"}})"),
      R"(test.json: places.backend: unknown backend "bing" (one of auto, none, google, google-legacy, geonames))");
  EXPECT_EQ(rejection(R"({"places": {"google_base_url": "http://127.0.0.1:8080"}})"),
            R"(test.json: places.google_base_url: "http://127.0.0.1:8080" is not an https:// URL)");
  EXPECT_EQ(rejection(R"({"places": {"legacy_base_url": "https://"}})"),
            R"(test.json: places.legacy_base_url: "https://" has no host)");
  EXPECT_EQ(rejection(R"({"places": {"pool_size": 0}})"),
            "test.json: places.pool_size: must be an integer from 1 to 1024");
  EXPECT_THAT(rejection(R"({"places": {"pool_size": 1025}})"), HasSubstr("places.pool_size: "));
  EXPECT_EQ(rejection(R"({"places": {"ca_file": false}})"),
            "test.json: places.ca_file: must be a string");
  EXPECT_EQ(rejection(R"({"places": "none"})"), "test.json: places: must be an object");
  EXPECT_EQ(parse_ok(R"({"places": {"backend": "none"}})").places.backend,
            PlacesBackendKind::no_key);
  EXPECT_EQ(parse_ok(R"({"places": {"backend": "google"}})").places.backend,
            PlacesBackendKind::google);
  EXPECT_EQ(parse_ok(R"({"places": {"backend": "geonames"}})").places.backend,
            PlacesBackendKind::geonames);
  EXPECT_EQ(rejection(R"({"places": {"geonames_file": ""}})"),
            "test.json: places.geonames_file: must not be empty");
  EXPECT_EQ(rejection(R"({"places": {"geonames_file": 1}})"),
            "test.json: places.geonames_file: must be a string");
  EXPECT_EQ(parse_ok(R"({"places": {"geonames_file": "x"}})").places.geonames_file, "x");
}

TEST(ConfigValidation, PeerTls) {
  EXPECT_EQ(parse_ok(R"({"peer_tls": {}})").peer_tls.mode, PeerTlsMode::off);
  EXPECT_EQ(parse_ok(R"({"peer_tls": {"mode": "off", "ca_file": "x"}})").peer_tls.ca_file, "x");
  EXPECT_EQ(rejection(R"({"peer_tls": {"mode": "Required"}})"),
            R"(test.json: peer_tls.mode: unknown mode "Required" (off or required))");
  EXPECT_EQ(rejection(R"({"peer_tls": {"mode": true}})"),
            "test.json: peer_tls.mode: must be a string");
  EXPECT_EQ(rejection(R"({"peer_tls": {"ca": "x"}})"), "test.json: peer_tls.ca: unknown key");
  EXPECT_EQ(rejection(R"({"peer_tls": {"cert_file": 1}})"),
            "test.json: peer_tls.cert_file: must be a string");
  EXPECT_EQ(rejection(R"({"peer_tls": "required"})"), "test.json: peer_tls: must be an object");
  // Required needs every file, and names the first one missing.
  EXPECT_EQ(rejection(R"({"peer_tls": {"mode": "required"}})"),
            "test.json: peer_tls.ca_file: required when peer_tls.mode is required");
  EXPECT_EQ(rejection(R"({"peer_tls": {"mode": "required", "ca_file": "a", "cert_file": "b"}})"),
            "test.json: peer_tls.key_file: required when peer_tls.mode is required");
  EXPECT_EQ(parse_ok(R"({"peer_tls": {"mode": "required", "ca_file": "a", "cert_file": "b",
                                      "key_file": "c"}})")
                .peer_tls.mode,
            PeerTlsMode::required);
}

TEST(ConfigValidation, WrongTypes) {
  EXPECT_EQ(rejection(R"({"log_dir": ["a"]})"), "test.json: log_dir: must be a string");
  EXPECT_EQ(rejection(R"({"log_dir": ""})"), "test.json: log_dir: must not be empty");
  EXPECT_THAT(rejection(R"({"members": {"name": "A"}, "links": []})"),
              HasSubstr("members: must be a non-empty array"));
}

// --- the command line ---------------------------------------------------------------------

TEST(CommandLine, MemberAloneUsesTheDefaults) {
  const CommandLine command_line = parse_args_ok({"Holiday"});
  EXPECT_EQ(command_line.member, "Holiday");
  EXPECT_FALSE(command_line.show_help);
  EXPECT_FALSE(command_line.show_version);
  expect_same_config(command_line.config, default_config());
}

TEST(CommandLine, GolomonIsAnAliasOfGoloman) {
  EXPECT_EQ(parse_args_ok({"Golomon"}).member, "Goloman");
}

TEST(CommandLine, GolomonIsItselfWhenTheConfigHasIt) {
  const TempFile file(
      R"({"members": [{"name": "Golomon", "port": 1}, {"name": "Goloman", "port": 2}],
                          "links": []})");
  EXPECT_EQ(parse_args_ok({"Golomon", "--config", file.path()}).member, "Golomon");
}

TEST(CommandLine, NoAliasWithoutGoloman) {
  const TempFile file(R"({"members": [{"name": "Hands", "port": 1}], "links": []})");
  EXPECT_THAT(args_rejection({"Golomon", "--config", file.path()}),
              HasSubstr(R"(unknown member "Golomon")"));
}

TEST(CommandLine, UnknownMemberListsTheMembers) {
  EXPECT_EQ(args_rejection({"Foo"}),
            R"(unknown member "Foo"; the members are Goloman, Hands, Holiday, Welsh, Wilkes)");
  EXPECT_THAT(args_rejection({"goloman"}), HasSubstr(R"(unknown member "goloman")"));
}

TEST(CommandLine, MemberIsRequiredAndAlone) {
  EXPECT_THAT(args_rejection({}), HasSubstr("missing member name"));
  EXPECT_THAT(args_rejection({"--port", "5"}), HasSubstr("missing member name"));
  EXPECT_THAT(args_rejection({"Hands", "Welsh"}), HasSubstr(R"(unexpected argument "Welsh")"));
}

TEST(CommandLine, FlagsWithSeparateOrAttachedValues) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"Hands", "--log-dir", "/tmp/l", "--port", "4000", "--places-backend", "none",
            "--places-url", "https://127.0.0.1:8443", "--ca-file", "ca.pem", "--geonames-file",
            "g.txt"},
           {"--log-dir=/tmp/l", "--port=4000", "--places-backend=none",
            "--places-url=https://127.0.0.1:8443", "--ca-file=ca.pem", "--geonames-file=g.txt",
            "Hands"}}) {
    const CommandLine command_line = parse_args_ok(args);
    const Config& config = command_line.config;
    EXPECT_EQ(command_line.member, "Hands");
    EXPECT_EQ(config.log_dir, "/tmp/l");
    EXPECT_EQ(config.members[1].port, 4000);
    EXPECT_EQ(config.members[0].port, 12000) << "only the chosen member moves";
    EXPECT_EQ(config.places.backend, PlacesBackendKind::no_key);
    EXPECT_EQ(config.places.google_base_url, "https://127.0.0.1:8443");
    EXPECT_EQ(config.places.legacy_base_url, "https://127.0.0.1:8443");
    EXPECT_EQ(config.places.ca_file, "ca.pem");
    EXPECT_EQ(config.places.geonames_file, "g.txt");
  }
}

TEST(CommandLine, ConfigIsAppliedFirstWhereverItStands) {
  const TempFile file(R"({"log_dir": "from-file", "members": [{"name": "Hands", "port": 7001},
                          {"name": "Welsh", "port": 7003}], "links": [["Hands", "Welsh"]],
                          "places": {"backend": "google"}})");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--log-dir", "from-flag", "Welsh", "--config", file.path()},
           {"--config=" + file.path(), "Welsh", "--log-dir=from-flag"}}) {
    const CommandLine command_line = parse_args_ok(args);
    EXPECT_EQ(command_line.config.log_dir, "from-flag");
    EXPECT_EQ(command_line.config.places.backend, PlacesBackendKind::google);
    EXPECT_EQ(command_line.config.members.size(), 2u);
    EXPECT_EQ(command_line.config.members[1].port, 7003);
  }
  EXPECT_EQ(parse_args_ok({"Welsh", "--port", "9", "--config", file.path()}).config.members[1].port,
            9);
}

TEST(CommandLine, BadConfigFileIsReported) {
  const TempFile file(R"({"members": [{"name": "Hands", "port": 0}], "links": []})");
  EXPECT_EQ(args_rejection({"Hands", "--config", file.path()}),
            file.path() + ": members[0].port: must be an integer from 1 to 65535");
  EXPECT_THAT(args_rejection({"Hands", "--config", "/nonexistent.json"}),
              StartsWith("/nonexistent.json: "));
}

TEST(CommandLine, HelpAndVersionNeedNoMember) {
  EXPECT_TRUE(parse_args_ok({"--help"}).show_help);
  EXPECT_TRUE(parse_args_ok({"-h"}).show_help);
  EXPECT_TRUE(parse_args_ok({"--version"}).show_version);
  EXPECT_TRUE(parse_args_ok({"Nobody", "--help"}).show_help);
  EXPECT_THAT(args_rejection({"--help=yes"}), HasSubstr("--help takes no value"));
}

TEST(CommandLine, UnknownOption) {
  EXPECT_EQ(args_rejection({"Hands", "--foo"}), "unknown option --foo");
  EXPECT_EQ(args_rejection({"Hands", "--foo=1"}), "unknown option --foo");
  EXPECT_EQ(args_rejection({"Hands", "-x"}), "unknown option -x");
}

TEST(CommandLine, MissingValue) {
  EXPECT_EQ(args_rejection({"Hands", "--port"}), "--port needs a value");
  EXPECT_EQ(args_rejection({"Hands", "--port="}), "--port needs a value");
  EXPECT_EQ(args_rejection({"Hands", "--config", "--port", "5"}), "--config needs a value");
}

TEST(CommandLine, BadPort) {
  EXPECT_EQ(args_rejection({"Hands", "--port", "abc"}),
            R"(--port: "abc" is not a port number (1-65535))");
  for (const char* bad : {"0", "65536", "-1", "12x", "+5", " 5"}) {
    EXPECT_THAT(args_rejection({"Hands", "--port", bad}), HasSubstr("is not a port number")) << bad;
  }
  EXPECT_EQ(parse_args_ok({"Hands", "--port", "65535"}).config.members[1].port, 65535);
}

// URLs the Places client cannot use fail at load with the client's own reason, not
// when a Google backend starts (or never, for the base URL of the one not chosen).
TEST(ConfigValidation, BaseUrlsTheClientCannotUseAreRejectedAtLoad) {
  for (const std::string_view url :
       {"https://host:0", "https://host:65536", "https://host:https",
        "https://host:", "https://user:secret@host", "https://host/path?query=1",
        "https://host/#top", "https://[::1", "https://[::1]9000", "https://::1:9000",
        "https://:443", "https:///prefix"}) {
    std::string why;
    ASSERT_FALSE(parse_https_url(url, why)) << url;
    for (const std::string_view field : {"google_base_url", "legacy_base_url"}) {
      const nlohmann::json document = {{"places", {{field, url}}}};
      EXPECT_EQ(rejection(document.dump()),
                "test.json: places." + std::string(field) + ": " + in_quotes(url) + " " + why);
    }
  }
  // What the client takes is taken here too.
  for (const std::string_view url : {"https://localhost:8443/fake/places/", "https://[::1]:9000",
                                     "https://places.googleapis.com:65535"}) {
    const nlohmann::json document = {{"places", {{"google_base_url", url}}}};
    EXPECT_EQ(parse_ok(document.dump()).places.google_base_url, url);
  }
}

TEST(ConfigValidation, BaseUrlWithControlCharactersIsQuotedInTheMessage) {
  EXPECT_EQ(rejection(R"({"places": {"google_base_url": "https://host\r\nX-Evil: 1"}})"),
            R"(test.json: places.google_base_url: "https://host\r\nX-Evil: 1" must not contain )"
            "whitespace or control characters");
}

TEST(CommandLine, BadPlacesFlags) {
  EXPECT_THAT(args_rejection({"Hands", "--places-backend", "bing"}),
              HasSubstr(R"(--places-backend: unknown backend "bing")"));
  EXPECT_EQ(args_rejection({"Hands", "--places-url", "http://127.0.0.1:1"}),
            R"(--places-url: "http://127.0.0.1:1" is not an https:// URL)");
  EXPECT_EQ(args_rejection({"Hands", "--places-url", "https://127.0.0.1:0"}),
            R"(--places-url: "https://127.0.0.1:0" has an invalid port)");
  EXPECT_EQ(args_rejection({"Hands", "--geonames-file="}), "--geonames-file needs a value");
}

TEST(CommandLine, PeerTlsFlagsOverTheConfig) {
  const TempFile file(
      R"({"peer_tls": {"mode": "required", "ca_file": "a", "cert_file": "b", "key_file": "c"}})");
  const CommandLine line =
      parse_args_ok({"Hands", "--config", file.path(), "--peer-cert=x/{member}.pem"});
  EXPECT_EQ(line.config.peer_tls.mode, PeerTlsMode::required);
  EXPECT_EQ(line.config.peer_tls.ca_file, "a");
  EXPECT_EQ(line.config.peer_tls.cert_file, "x/{member}.pem");
  EXPECT_EQ(line.config.peer_tls.key_file, "c");
  EXPECT_EQ(
      parse_args_ok({"Hands", "--config", file.path(), "--peer-tls", "off"}).config.peer_tls.mode,
      PeerTlsMode::off);
  const CommandLine flags = parse_args_ok({"Hands", "--peer-tls", "required", "--peer-ca", "ca",
                                           "--peer-cert", "cert", "--peer-key", "key"});
  EXPECT_EQ(flags.config.peer_tls.mode, PeerTlsMode::required);
  EXPECT_EQ(flags.config.peer_tls.ca_file, "ca");
  EXPECT_EQ(flags.config.peer_tls.cert_file, "cert");
  EXPECT_EQ(flags.config.peer_tls.key_file, "key");
}

TEST(CommandLine, BadPeerTlsFlags) {
  EXPECT_EQ(args_rejection({"Hands", "--peer-tls", "on"}),
            R"(--peer-tls: unknown mode "on" (off or required))");
  EXPECT_EQ(args_rejection({"Hands", "--peer-tls", "required", "--peer-ca", "ca"}),
            "peer_tls.cert_file: required when peer_tls.mode is required (in the config, or "
            "--peer-ca, --peer-cert, --peer-key)");
  EXPECT_EQ(args_rejection({"Hands", "--peer-key="}), "--peer-key needs a value");
}

TEST(CommandLine, UsageMentionsEveryOption) {
  const std::string usage = usage_text();
  for (const char* word :
       {"<member>", "--config", "--log-dir", "--port", "--places-backend", "--places-url",
        "--ca-file", "--peer-tls", "--peer-ca", "--peer-cert", "--peer-key", "SIGHUP", "--help",
        "--version", "GOOGLE_PLACES_API_KEY", "Golomon"}) {
    EXPECT_THAT(usage, HasSubstr(word));
  }
}

}  // namespace
}  // namespace herd
