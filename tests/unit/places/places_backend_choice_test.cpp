// Which backend make_places_backend builds, where the key comes from, and the
// configuration mistakes that stop the start-up (protocol.md §7).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "captured_log.hpp"
#include "fake_places.hpp"
#include "geonames_rows.hpp"
#include "herd/config/config.hpp"
#include "herd/places/places.hpp"
#include "places_answer_json.hpp"
#include "run_awaitable.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;
using test::FakePlacesServer;

constexpr std::string_view no_key_message =
    "no Places API key configured (set GOOGLE_PLACES_API_KEY or places.key_file)";

// Sets (or unsets) GOOGLE_PLACES_API_KEY for one test and puts it back after.
class KeyEnvironment {
 public:
  explicit KeyEnvironment(const char* value) {
    if (const char* old = std::getenv(variable)) saved_ = old;
    if (value != nullptr) {
      setenv(variable, value, 1);
    } else {
      unsetenv(variable);
    }
  }
  ~KeyEnvironment() {
    if (saved_) {
      setenv(variable, saved_->c_str(), 1);
    } else {
      unsetenv(variable);
    }
  }

 private:
  static constexpr const char* variable = "GOOGLE_PLACES_API_KEY";
  std::optional<std::string> saved_;
};

class PlacesBackendChoice : public ::testing::Test {
 protected:
  PlacesConfig config_for_fake() const {
    PlacesConfig config;
    config.google_base_url = fake_.base_url();
    config.legacy_base_url = fake_.base_url();
    config.ca_file = fake_.ca_file().string();
    config.geonames_file = (directory_ / "no-such-gazetteer.txt").string();
    return config;
  }

  PlacesConfig config_with_gazetteer() {
    PlacesConfig config = config_for_fake();
    config.geonames_file =
        write_file(
            "cities.txt",
            test::geonames_place(5409061, "Westwood", "34.0561", "-118.43063", 2019).line() + "\n")
            .string();
    return config;
  }

  ~PlacesBackendChoice() override {
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  std::filesystem::path write_file(const std::string& name, const std::string& contents) {
    const auto path = directory_ / name;
    std::ofstream(path) << contents;
    return path;
  }

  std::unique_ptr<PlacesBackend> make(const PlacesConfig& config, std::string& error) {
    return make_places_backend(config, io_.get_executor(), log_.logger(), error);
  }

  nlohmann::json ask(PlacesBackend& backend) {
    return test::places_answer_json(
        test::run_awaitable(io_, backend.nearby({34.06893, -118.445127, 10, 3})));
  }

  // `backend` is a no-key one called `name`: REQUEST_DENIED saying why, the fake not asked.
  void expect_no_key(PlacesBackend& backend, std::string_view name) {
    EXPECT_EQ(backend.name(), name);
    const auto answer = ask(backend);
    EXPECT_EQ(answer["status"], "REQUEST_DENIED");
    EXPECT_EQ(answer["error_message"], no_key_message);
    EXPECT_EQ(fake_.requests(), 0u);
  }

  FakePlacesServer fake_;
  const std::filesystem::path directory_ = test::make_temp_dir("herd-places-choice");
  boost::asio::io_context io_;
  test::CapturedLog log_;
};

TEST_F(PlacesBackendChoice, DefaultTimeoutIsFiveSeconds) {
  EXPECT_EQ(PlacesConfig{}.timeout, 5000ms);
}

TEST_F(PlacesBackendChoice, WithoutAKeyAnswersRequestDenied) {
  KeyEnvironment environment(nullptr);
  std::string error;
  auto backend = make(config_for_fake(), error);
  ASSERT_NE(backend, nullptr) << error;
  expect_no_key(*backend, "no-key");
}

TEST_F(PlacesBackendChoice, WithoutAKeyOrGazetteerSaysHowToInstallTheData) {
  KeyEnvironment environment(nullptr);
  const auto config = config_for_fake();
  std::string error;
  auto backend = make(config, error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->name(), "no-key");
  EXPECT_THAT(
      log_.text(),
      ::testing::HasSubstr("places: no Google key and no GeoNames data (" + config.geonames_file +
                           ": cannot open: No such file or directory); WHATSAT answers "
                           "REQUEST_DENIED. scripts/install-deps.sh installs cities500 at "
                           "data/geonames/cities500.txt, or set places.geonames_file"));
}

TEST_F(PlacesBackendChoice, WithoutAKeyTheGazetteerAnswers) {
  KeyEnvironment environment(nullptr);
  std::string error;
  auto backend = make(config_with_gazetteer(), error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->name(), "geonames");
  const auto answer = test::run_awaitable(io_, backend->nearby({34.06893, -118.445127, 10, 3}));
  EXPECT_EQ(answer.status, "OK");
  EXPECT_EQ(nlohmann::json::parse(answer.body)["results"][0]["name"], "Westwood");
  EXPECT_EQ(fake_.requests(), 0u);
}

TEST_F(PlacesBackendChoice, AKeyWinsOverTheGazetteer) {
  KeyEnvironment environment("environment-key");
  std::string error;
  auto backend = make(config_with_gazetteer(), error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->name(), "google");
}

TEST_F(PlacesBackendChoice, GeonamesByNameWithAKeyStillUsesTheGazetteer) {
  KeyEnvironment environment("environment-key");
  auto config = config_with_gazetteer();
  config.backend = PlacesBackendKind::geonames;
  std::string error;
  auto backend = make(config, error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->name(), "geonames");
}

TEST_F(PlacesBackendChoice, GeonamesByNameWithoutItsFileIsAnErrorNamingIt) {
  KeyEnvironment environment(nullptr);
  auto config = config_for_fake();
  config.backend = PlacesBackendKind::geonames;
  std::string error;
  EXPECT_EQ(make(config, error), nullptr);
  EXPECT_EQ(error, "places.geonames_file " + config.geonames_file +
                       ": cannot open: No such file or directory (scripts/install-deps.sh "
                       "installs cities500 at data/geonames/cities500.txt)");
  config.geonames_file = write_file("key", "not a gazetteer\n").string();
  EXPECT_EQ(make(config, error), nullptr);
  EXPECT_THAT(error, ::testing::HasSubstr("places.geonames_file " + config.geonames_file +
                                          ": line 1 is not a GeoNames row"));
}

TEST_F(PlacesBackendChoice, KeyFromTheEnvironmentChoosesGoogle) {
  KeyEnvironment environment("environment-key");
  fake_.set_required_key("environment-key");
  std::string error;
  auto backend = make(config_for_fake(), error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->name(), "google");
  EXPECT_EQ(ask(*backend)["status"], "OK");
  EXPECT_EQ(fake_.last_request()->header("X-Goog-Api-Key"), "environment-key");
}

TEST_F(PlacesBackendChoice, KeyFileIsReadAndTrimmed) {
  KeyEnvironment environment(nullptr);
  fake_.set_required_key("file-key");
  auto config = config_for_fake();
  config.key_file = write_file("key", "  file-key\n").string();
  std::string error;
  auto backend = make(config, error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->name(), "google");
  EXPECT_EQ(ask(*backend)["status"], "OK");
}

TEST_F(PlacesBackendChoice, EnvironmentWinsOverKeyFile) {
  KeyEnvironment environment("environment-key");
  fake_.set_required_key("environment-key");
  auto config = config_for_fake();
  config.key_file = write_file("key", "file-key").string();
  std::string error;
  auto backend = make(config, error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(ask(*backend)["status"], "OK");
}

TEST_F(PlacesBackendChoice, LegacyWhenAskedFor) {
  KeyEnvironment environment("legacy-key");
  fake_.set_required_key("legacy-key");
  auto config = config_for_fake();
  config.backend = PlacesBackendKind::google_legacy;
  std::string error;
  auto backend = make(config, error);
  ASSERT_NE(backend, nullptr) << error;
  EXPECT_EQ(backend->name(), "google-legacy");
  EXPECT_EQ(ask(*backend)["status"], "OK");
  EXPECT_EQ(fake_.last_request()->method, "GET");
}

TEST_F(PlacesBackendChoice, ExplicitGoogleWithoutKeySaysTheKeyIsMissing) {
  KeyEnvironment environment(nullptr);
  for (const auto kind : {PlacesBackendKind::google, PlacesBackendKind::google_legacy}) {
    auto config = config_for_fake();
    config.backend = kind;
    std::string error;
    auto backend = make(config, error);
    ASSERT_NE(backend, nullptr) << error;
    expect_no_key(*backend, kind == PlacesBackendKind::google ? "google" : "google-legacy");
  }
}

TEST_F(PlacesBackendChoice, UnreadableKeyFileIsAnErrorNamingIt) {
  KeyEnvironment environment(nullptr);
  auto config = config_for_fake();
  config.key_file = "/nonexistent/places.key";
  std::string error;
  EXPECT_EQ(make(config, error), nullptr);
  EXPECT_NE(error.find("places.key_file /nonexistent/places.key"), std::string::npos) << error;
}

TEST_F(PlacesBackendChoice, EmptyKeyFileIsAnError) {
  KeyEnvironment environment(nullptr);
  auto config = config_for_fake();
  config.key_file = write_file("empty.key", " \n").string();
  std::string error;
  EXPECT_EQ(make(config, error), nullptr);
  EXPECT_NE(error.find("holds no key"), std::string::npos) << error;
}

TEST_F(PlacesBackendChoice, UnusableCaFileIsAnErrorNamingIt) {
  KeyEnvironment environment("some-key");
  auto config = config_for_fake();
  for (const std::string& ca_file :
       {std::string("/nonexistent/ca.pem"), write_file("junk.pem", "not a certificate").string()}) {
    config.ca_file = ca_file;
    std::string error;
    EXPECT_EQ(make(config, error), nullptr);
    EXPECT_NE(error.find("places.ca_file " + ca_file), std::string::npos) << error;
  }
}

TEST_F(PlacesBackendChoice, BadBaseUrlIsAnErrorNamingTheField) {
  KeyEnvironment environment("some-key");
  auto config = config_for_fake();
  config.google_base_url = "http://places.example";
  std::string error;
  EXPECT_EQ(make(config, error), nullptr);
  EXPECT_NE(error.find("places.google_base_url"), std::string::npos) << error;
}

}  // namespace
}  // namespace herd
