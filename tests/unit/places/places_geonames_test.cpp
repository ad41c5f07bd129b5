// The geonames backend: it loads on a thread of its own while the member
// serves, WHATSATs that come first wait for it (bounded), and a load that
// fails or never ends is an answer, not a hang.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>

#include "captured_log.hpp"
#include "geonames_rows.hpp"
#include "herd/places/geonames_answer.hpp"
#include "herd/places/places_backends.hpp"
#include "places_answer_json.hpp"
#include "run_awaitable.hpp"
#include "test_herd.hpp"

namespace herd {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using test::geonames_place;
using ::testing::HasSubstr;

// Parses the answer; unlike places_answer_json it allows coordinates printed
// as the gazetteer holds them (geonames_answer.hpp).
json parsed(const PlacesAnswer& answer) {
  const json body = json::parse(answer.body);
  EXPECT_EQ(answer.status, body.at("status"));
  EXPECT_EQ(answer.results, body.at("results").size());
  return body;
}

// A loader that waits until the test lets it go (or the backend stops it).
class HeldLoader {
 public:
  explicit HeldLoader(std::filesystem::path file) : file_(std::move(file)) {}

  GazetteerLoader loader() {
    return [this](const std::atomic<bool>& stop) {
      started_.set_value();
      while (released_.wait_for(10ms) != std::future_status::ready) {
        if (stop) {
          GazetteerLoad stopped;
          stopped.error = "stopped by the test";
          return stopped;
        }
      }
      return load_gazetteer(file_, stop);
    };
  }
  void wait_until_started() { started_future_.wait(); }
  void release() { release_.set_value(); }

 private:
  std::filesystem::path file_;
  std::promise<void> started_;
  std::future<void> started_future_ = started_.get_future();
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

class PlacesGeonames : public ::testing::Test {
 protected:
  PlacesGeonames() {
    std::ofstream(file_)
        << geonames_place(5409061, "Westwood", "34.0561", "-118.43063", 2019).line() << "\n"
        << geonames_place(5393212, "Santa Monica", "34.01949", "-118.49138", 93220).line() << "\n"
        << geonames_place(1850147, "Tokyo", "35.6895", "139.69171", 8336599).line() << "\n"
        << "a bad row\n";
  }
  ~PlacesGeonames() override { std::filesystem::remove_all(directory_); }

  std::unique_ptr<PlacesBackend> make(std::chrono::milliseconds wait_limit = 10s) {
    return make_geonames_places(io_.get_executor(), file_.string(), wait_limit, log_.logger());
  }

  PlacesAnswer ask(PlacesBackend& backend, PlacesQuery query = {34.06893, -118.445127, 10, 5}) {
    return test::run_awaitable(io_, backend.nearby(query), 20s);
  }

  const std::filesystem::path directory_ = test::make_temp_dir("herd-places-geonames");
  const std::filesystem::path file_ = directory_ / "cities.txt";
  boost::asio::io_context io_;
  test::CapturedLog log_;
};

TEST_F(PlacesGeonames, FirstWhatsatWaitsForTheLoadThenAnswers) {
  auto backend = make();
  EXPECT_EQ(backend->name(), "geonames");
  const json body = parsed(ask(*backend));
  EXPECT_EQ(body.at("status"), "OK");
  ASSERT_EQ(body.at("results").size(), 2u);
  EXPECT_EQ(body.at("results")[0].at("name"), "Santa Monica");
  EXPECT_EQ(body.at("results")[1].at("name"), "Westwood");
  EXPECT_EQ(body.at("results")[1].at("place_id"), "geonames:5409061");
  EXPECT_EQ(body.at("html_attributions"), json::array({geonames_attribution}));
  EXPECT_THAT(log_.text(),
              HasSubstr("places geonames: 3 places from " + file_.string() + " ready in "));
  EXPECT_THAT(
      log_.text(),
      HasSubstr("; 1 of 4 rows skipped, the first at line 4: not 19 tab-separated columns"));
}

TEST_F(PlacesGeonames, AnswersFromTheLoadedGazetteerAtOnce) {
  auto backend = make();
  ask(*backend);
  EXPECT_EQ(parsed(ask(*backend, {35.6895, 139.69171, 1, 20})).at("results").at(0).at("name"),
            "Tokyo");
  EXPECT_EQ(parsed(ask(*backend, {0, 0, 50, 20})).at("status"), "ZERO_RESULTS");
  EXPECT_EQ(parsed(ask(*backend, {34.06893, -118.445127, 10, 1})).at("results").size(), 1u);
}

TEST_F(PlacesGeonames, WaitersAreWokenWhenTheGazetteerArrives) {
  HeldLoader held(file_);
  auto backend =
      make_geonames_places(io_.get_executor(), file_.string(), held.loader(), 60s, log_.logger());
  std::optional<PlacesAnswer> first, second;
  boost::asio::co_spawn(
      io_, backend->nearby({34.06893, -118.445127, 10, 5}),
      [&](std::exception_ptr, PlacesAnswer answer) { first = std::move(answer); });
  boost::asio::co_spawn(
      io_, backend->nearby({35.6895, 139.69171, 10, 5}),
      [&](std::exception_ptr, PlacesAnswer answer) { second = std::move(answer); });
  held.wait_until_started();
  io_.poll();
  EXPECT_FALSE(first) << "no answer before the gazetteer is ready";
  const auto released = std::chrono::steady_clock::now();
  held.release();
  while ((!first || !second) && std::chrono::steady_clock::now() < released + 20s) {
    io_.run_one_for(100ms);
  }
  ASSERT_TRUE(first && second);
  EXPECT_LT(std::chrono::steady_clock::now() - released, 20s) << "woken, not timed out";
  EXPECT_EQ(parsed(*first).at("results").size(), 2u);
  EXPECT_EQ(parsed(*second).at("results").at(0).at("name"), "Tokyo");
}

TEST_F(PlacesGeonames, StillLoadingAfterTheWaitLimitIsUnknownError) {
  HeldLoader held(file_);
  auto backend =
      make_geonames_places(io_.get_executor(), file_.string(), held.loader(), 30ms, log_.logger());
  const json early = parsed(ask(*backend));
  EXPECT_EQ(early.at("status"), "UNKNOWN_ERROR");
  EXPECT_EQ(early.at("error_message"),
            "the GeoNames gazetteer " + file_.string() + " is still loading after 30 ms");
  EXPECT_EQ(early.at("results"), json::array());
  held.release();
  json later;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  do {
    later = parsed(ask(*backend));
  } while (later.at("status") != "OK" && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(later.at("status"), "OK");
}

TEST_F(PlacesGeonames, AFailedLoadIsUnknownErrorSayingWhy) {
  std::ofstream(file_, std::ios::trunc) << "nothing of GeoNames here\n";
  auto backend = make();
  const json body = parsed(ask(*backend));
  EXPECT_EQ(body.at("status"), "UNKNOWN_ERROR");
  EXPECT_EQ(body.at("error_message"),
            "the GeoNames gazetteer could not be loaded: " + file_.string() +
                ": holds no GeoNames row (line 1: not 19 tab-separated columns)");
  EXPECT_THAT(log_.text(),
              HasSubstr("places geonames: " + file_.string() + ": holds no GeoNames row"));
  EXPECT_EQ(parsed(ask(*backend)).at("status"), "UNKNOWN_ERROR") << "and stays so, without waiting";
}

TEST_F(PlacesGeonames, DestroyedWhileLoadingStopsTheLoaderAndDropsItsResult) {
  HeldLoader held(file_);
  auto backend =
      make_geonames_places(io_.get_executor(), file_.string(), held.loader(), 10s, log_.logger());
  held.wait_until_started();
  backend.reset();  // joins the loader, which sees the stop flag
  io_.run();        // the loader's posted result finds no backend
  EXPECT_THAT(log_.text(), ::testing::Not(HasSubstr("ready")));
  auto real = make();  // and one destroyed at once, with the real loader
  real.reset();
  io_.restart();
  io_.run();
}

}  // namespace
}  // namespace herd
