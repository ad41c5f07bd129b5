// The geonames backend (protocol.md §7): places near a client from a GeoNames
// gazetteer held in memory, with no network and no key.
#include <fmt/format.h>
#include <malloc.h>
#include <spdlog/logger.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "herd/common/use_tuple.hpp"
#include "herd/places/geonames_answer.hpp"
#include "herd/places/places_backends.hpp"

namespace herd {

namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// "199,568": counts in log lines an operator reads.
std::string grouped(std::size_t count) {
  std::string digits = std::to_string(count);
  for (auto at = static_cast<std::ptrdiff_t>(digits.size()) - 3; at > 0; at -= 3) {
    digits.insert(static_cast<std::size_t>(at), ",");
  }
  return digits;
}

class GeonamesPlaces final : public PlacesBackend {
 public:
  GeonamesPlaces(asio::any_io_executor executor, std::string file, GazetteerLoader load,
                 std::chrono::milliseconds wait_limit, spdlog::logger& log)
      : executor_(std::move(executor)), wait_limit_(wait_limit), state_(std::make_shared<State>()) {
    state_->file = std::move(file);
    state_->started = Clock::now();
    state_->log = &log;
    // Loading cities500 takes a few hundred milliseconds of CPU. On the event
    // loop that would hold up every client and link, so a thread of its own
    // builds the gazetteer and hands it to the loop finished
    // (docs/performance.md: start to ready, and what a WHATSAT costs).
    loader_ = std::thread([this, weak = std::weak_ptr<State>(state_), load = std::move(load)] {
      GazetteerLoad loaded = load(stop_);
      // The parse's scratch is freed by now but would stay resident in this
      // thread's malloc arena, adding megabytes to each of the five members.
      ::malloc_trim(0);
      asio::post(executor_, [weak, loaded = std::move(loaded)]() mutable {
        if (const auto state = weak.lock()) state->finish(std::move(loaded));
      });
    });
  }

  ~GeonamesPlaces() override {
    stop_ = true;
    loader_.join();
  }

  asio::awaitable<PlacesAnswer> nearby(PlacesQuery query) override {
    if (state_->loading()) co_await wait_for_load();
    if (!state_->error.empty()) {
      co_return places_answer(places_error(
          "UNKNOWN_ERROR", "the GeoNames gazetteer could not be loaded: " + state_->error));
    }
    if (!state_->gazetteer) {
      co_return places_answer(places_error(
          "UNKNOWN_ERROR", fmt::format("the GeoNames gazetteer {} is still loading after {} ms",
                                       state_->file, wait_limit_.count())));
    }
    // No suspension from here on, so one scratch vector serves every query.
    state_->gazetteer->nearby(query.latitude, query.longitude, query.radius_km,
                              static_cast<std::size_t>(query.bound), hits_);
    co_return geonames_answer(*state_->gazetteer, hits_);
  }

  std::string_view name() const override { return "geonames"; }

 private:
  // What the loader's result is handed to on the event loop; it outlives the
  // backend only inside a posted handler that then finds it gone.
  struct State {
    std::string file;
    Clock::time_point started;
    std::optional<Gazetteer> gazetteer;
    std::string error;
    std::vector<asio::steady_timer*> waiters;  // WHATSATs that came before the gazetteer
    spdlog::logger* log = nullptr;             // the member's, which outlives the backend

    bool loading() const { return !gazetteer && error.empty(); }

    void finish(GazetteerLoad load) {
      const auto took =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
      if (load.gazetteer) {
        gazetteer = std::move(load.gazetteer);
        log->info(
            "places geonames: {} places from {} ready in {} ms ({:.1f} MB; names of {} admin "
            "areas and {} countries){}",
            grouped(gazetteer->size()), file, took.count(), gazetteer->memory_bytes() / 1e6,
            grouped(load.admin1_names), grouped(load.country_names),
            load.skipped == 0 ? std::string()
                              : fmt::format("; {} of {} rows skipped, the first at line {}: {}",
                                            grouped(load.skipped), grouped(load.rows),
                                            load.first_skipped_line, load.first_skipped_why));
      } else {
        error = std::move(load.error);
        log->error("places geonames: {}; WHATSAT answers UNKNOWN_ERROR", error);
      }
      for (auto* waiter : waiters) waiter->cancel();
    }
  };

  asio::awaitable<void> wait_for_load() {
    asio::steady_timer wake(executor_, Clock::now() + wait_limit_);
    state_->waiters.push_back(&wake);
    co_await wake.async_wait(use_tuple);  // cancelled by finish()
    std::erase(state_->waiters, &wake);
  }

  asio::any_io_executor executor_;
  std::chrono::milliseconds wait_limit_;
  std::shared_ptr<State> state_;
  std::vector<GazetteerHit> hits_;
  std::atomic<bool> stop_ = false;
  std::thread loader_;  // last: it uses the members above
};

}  // namespace

std::unique_ptr<PlacesBackend> make_geonames_places(asio::any_io_executor executor,
                                                    std::string file, GazetteerLoader load,
                                                    std::chrono::milliseconds wait_limit,
                                                    spdlog::logger& log) {
  return std::make_unique<GeonamesPlaces>(std::move(executor), std::move(file), std::move(load),
                                          wait_limit, log);
}

std::unique_ptr<PlacesBackend> make_geonames_places(asio::any_io_executor executor,
                                                    std::string file,
                                                    std::chrono::milliseconds wait_limit,
                                                    spdlog::logger& log) {
  GazetteerLoader load = [file](const std::atomic<bool>& stop) {
    return load_gazetteer(file, stop);
  };
  return make_geonames_places(std::move(executor), std::move(file), std::move(load), wait_limit,
                              log);
}

}  // namespace herd
