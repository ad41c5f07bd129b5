// WHATSAT answered by the geonames backend (protocol.md §7) in real herd_server
// processes: from a fixture gazetteer at every member of a five-member herd,
// the choice of backend under "auto", the start-up errors, and the real
// cities500 data around UCLA.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "geonames_rows.hpp"
#include "test_herd.hpp"

namespace herd::test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::IsSupersetOf;

constexpr std::string_view ucla_iamat =
    "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997\n";

// The JSON after the AT line of a WHATSAT reply.
json body_of(const std::string& reply) {
  const auto newline = reply.find('\n');
  EXPECT_NE(newline, std::string::npos) << reply;
  EXPECT_TRUE(reply.ends_with("}\n\n")) << reply;
  return json::parse(reply.substr(newline + 1));
}

std::vector<std::string> names_in(const json& body) {
  std::vector<std::string> names;
  for (const auto& result : body.at("results")) names.push_back(result.at("name"));
  return names;
}

class WhatsatGeonames : public ::testing::Test {
 protected:
  WhatsatGeonames() {
    auto airport =
        geonames_place(5368361, "Los Angeles International Airport", "33.94254", "-118.40807", 0);
    airport.feature_class = "S";
    airport.feature_code = "AIRP";
    std::ofstream(gazetteer_)
        << geonames_place(5409061, "Westwood", "34.0561", "-118.43063", 2019).line() << "\n"
        << geonames_place(5393212, "Santa Monica", "34.01949", "-118.49138", 93220).line() << "\n"
        << geonames_place(5368361, "Los Angeles", "34.05223", "-118.24368", 3898747).line() << "\n"
        << airport.line() << "\n"
        << geonames_place(2122850, "Anadyr", "64.73424", "177.5103", 13045).line() << "\n";
  }
  ~WhatsatGeonames() override { std::filesystem::remove_all(directory_); }

  HerdOptions options(const std::string& backend, std::vector<std::string> members = {"Goloman"}) {
    HerdOptions options;
    options.members = std::move(members);
    options.config = {{"places", {{"backend", backend}, {"geonames_file", gazetteer_.string()}}}};
    options.environment = {{"GOOGLE_PLACES_API_KEY", ""}};  // set but empty: no key
    return options;
  }

  // The reply to `command` at `member`, once its log says the gazetteer is ready
  // (a WHATSAT before that would wait for it, which is tested in unit tests).
  static std::string ask(TestHerd& herd, const std::string& member, const std::string& command) {
    EXPECT_TRUE(herd.eventually_logged(member, "places geonames: ", scaled(10000ms)))
        << herd.log_text(member);
    return herd.exchange(member, command + "\n");
  }

  const std::filesystem::path directory_ = make_temp_dir("herd-geonames");
  const std::filesystem::path gazetteer_ = directory_ / "cities.txt";
};

TEST_F(WhatsatGeonames, EveryMemberAnswersForAClientReportedAtOne) {
  TestHerd herd(options("geonames", {"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"}));
  herd.start_all();
  std::string at_line = herd.exchange("Hands", ucla_iamat);
  ASSERT_THAT(at_line, ::testing::StartsWith("AT Hands "));
  at_line.pop_back();
  ASSERT_TRUE(herd.converges_to({{"kiwi.cs.ucla.edu", at_line}}, scaled(5000ms)));
  for (const std::string member : {"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"}) {
    SCOPED_TRACE(member);
    const std::string reply = ask(herd, member, "WHATSAT kiwi.cs.ucla.edu 20 5");
    EXPECT_EQ(reply.substr(0, at_line.size() + 1), at_line + "\n") << "Hands' AT line";
    const json body = body_of(reply);
    EXPECT_EQ(body.at("status"), "OK");
    EXPECT_EQ(names_in(body), (std::vector<std::string>{"Los Angeles", "Santa Monica", "Westwood",
                                                        "Los Angeles International Airport"}));
    EXPECT_EQ(body.at("results")[3].at("types"), json({"airport", "point_of_interest"}));
    EXPECT_EQ(body.at("results")[0].at("place_id"), "geonames:5368361");
    EXPECT_EQ(body.at("html_attributions").at(0),
              "Place data from <a href=\"https://www.geonames.org/\">GeoNames</a>, "
              "<a href=\"https://creativecommons.org/licenses/by/4.0/\">CC BY 4.0</a>");
    EXPECT_EQ(names_in(body_of(herd.exchange(member, "WHATSAT kiwi.cs.ucla.edu 7 20\n"))),
              (std::vector<std::string>{"Santa Monica", "Westwood"}));
    EXPECT_EQ(body_of(herd.exchange(member, "WHATSAT kiwi.cs.ucla.edu 0.5 20\n")).at("status"),
              "ZERO_RESULTS");
  }
}

TEST_F(WhatsatGeonames, AutoChoosesGeonamesWithoutAKeyAndGoogleWithOne) {
  {
    TestHerd herd(options("auto"));
    herd.start("Goloman");
    herd.exchange("Goloman", ucla_iamat);
    EXPECT_EQ(names_in(body_of(ask(herd, "Goloman", "WHATSAT kiwi.cs.ucla.edu 10 1"))),
              std::vector<std::string>{"Santa Monica"});
    EXPECT_THAT(herd.log_text("Goloman"), HasSubstr("Places backend geonames"));
  }
  auto with_key = options("auto");
  with_key.environment = {{"GOOGLE_PLACES_API_KEY", "a-key"}};
  TestHerd herd(with_key);
  herd.start("Goloman");
  EXPECT_TRUE(herd.eventually_logged("Goloman", "Places backend google,", scaled(5000ms)))
      << herd.log_text("Goloman");
}

TEST_F(WhatsatGeonames, MissingFileUnderAutoRunsWithoutPlacesAndSaysHowToInstallIt) {
  auto without = options("auto");
  without.config["places"]["geonames_file"] = (directory_ / "missing.txt").string();
  TestHerd herd(without);
  herd.start("Goloman");
  herd.exchange("Goloman", ucla_iamat);
  const json body = body_of(herd.exchange("Goloman", "WHATSAT kiwi.cs.ucla.edu 10 1\n"));
  EXPECT_EQ(body.at("status"), "REQUEST_DENIED");
  EXPECT_TRUE(herd.eventually_logged("Goloman", "scripts/install-deps.sh", scaled(5000ms)))
      << herd.log_text("Goloman");
}

TEST_F(WhatsatGeonames, MissingFileByNameStopsTheStartUp) {
  const auto missing = (directory_ / "missing.txt").string();
  const auto [status, output] = run_server_to_exit(
      {"Hands", "--port", std::to_string(free_port()), "--log-dir", (directory_ / "logs").string(),
       "--places-backend", "geonames", "--geonames-file", missing});
  EXPECT_NE(status, 0);
  EXPECT_THAT(output, HasSubstr("places.geonames_file " + missing +
                                ": cannot open: No such file or directory"));
  EXPECT_THAT(output, HasSubstr("scripts/install-deps.sh"));
}

// The data that scripts/install-deps.sh installs; CI runs it before the tests.
TEST_F(WhatsatGeonames, Cities500AroundUcla) {
  const std::filesystem::path cities500 =
      std::filesystem::path(HERD_GEONAMES_DATA_DIR) / "cities500.txt";
  ASSERT_TRUE(std::filesystem::exists(cities500))
      << cities500 << " is missing: run scripts/install-deps.sh, which installs it";
  auto real = options("geonames");
  real.config["places"]["geonames_file"] = cities500.string();
  real.config["places"]["timeout_ms"] = scaled(20000ms).count();
  TestHerd herd(real);
  herd.start("Goloman");
  herd.exchange("Goloman", ucla_iamat);
  const json body = body_of(ask(herd, "Goloman", "WHATSAT kiwi.cs.ucla.edu 10 20"));
  EXPECT_EQ(body.at("status"), "OK");
  EXPECT_THAT(names_in(body), IsSupersetOf({"Westwood", "Century City", "Beverly Hills",
                                            "Santa Monica", "Culver City"}));
  for (const auto& result : body.at("results")) {
    EXPECT_EQ(result.at("vicinity"), "California, United States") << result;
  }
  EXPECT_THAT(herd.log_text("Goloman"),
              HasSubstr("places geonames: 199,568 places from " + cities500.string()));
}

}  // namespace
}  // namespace herd::test
