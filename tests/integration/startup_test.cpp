// Starting herd_server: flags, config errors and ports in use are refused with
// a message naming the problem and a non-zero exit, never a half-started member.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;

TEST(Startup, HelpAndVersion) {
  const auto [help_status, help] = run_server_to_exit({"--help"});
  EXPECT_EQ(help_status, 0);
  EXPECT_THAT(help, HasSubstr("--config"));
  const auto [version_status, version] = run_server_to_exit({"--version"});
  EXPECT_EQ(version_status, 0);
  EXPECT_THAT(version, HasSubstr("herd_server"));
}

TEST(Startup, UnknownMemberIsRefused) {
  const auto [status, output] = run_server_to_exit({"Nobody"});
  EXPECT_NE(status, 0);
  EXPECT_THAT(output, HasSubstr("Nobody"));
}

TEST(Startup, UnknownFlagIsRefused) {
  const auto [status, output] = run_server_to_exit({"Hands", "--frobnicate"});
  EXPECT_NE(status, 0);
  EXPECT_THAT(output, HasSubstr("--frobnicate"));
}

TEST(Startup, BadConfigNamesTheField) {
  const auto dir = make_temp_dir("herd-config");
  std::ofstream(dir / "bad.json") << R"({"max_line_bytes": "lots"})";
  const auto [status, output] =
      run_server_to_exit({"Hands", "--config", (dir / "bad.json").string()});
  std::filesystem::remove_all(dir);
  EXPECT_NE(status, 0);
  EXPECT_THAT(output, HasSubstr("max_line_bytes"));
}

TEST(Startup, PortInUseIsRefused) {
  HerdOptions options;
  options.members = {"Hands"};
  TestHerd herd(options);
  herd.start("Hands");
  const auto [status, output] =
      run_server_to_exit({"Hands", "--config", herd.config_path().string(), "--log-dir",
                          (herd.dir() / "other-logs").string()});
  EXPECT_NE(status, 0);
  EXPECT_THAT(output, HasSubstr(std::to_string(herd.port("Hands"))));
  EXPECT_TRUE(herd.running("Hands"));
}

TEST(Startup, GolomonIsAnAliasOfGoloman) {
  HerdOptions options;
  options.members = {"Goloman"};
  TestHerd herd(options);
  const auto port = free_port();
  ChildProcess process({server_binary().string(), "Golomon", "--config",
                        herd.config_path().string(), "--port", std::to_string(port)},
                       {}, herd.dir() / "alias.out");
  std::string reply;
  ASSERT_TRUE(eventually(
      [&] {
        try {
          reply = exchange("127.0.0.1", port, "IAMAT alias +1+1 1520023934\n", 1000ms);
          return true;
        } catch (const std::exception&) {
          return false;
        }
      },
      10000ms))
      << read_file(herd.dir() / "alias.out");
  EXPECT_THAT(reply, ::testing::StartsWith("AT Goloman "));
}

}  // namespace
}  // namespace herd::test
