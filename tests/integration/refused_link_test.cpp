// A dialer whose neighbour refuses it (protocol.md §5): configs that disagree, or a
// neighbour that takes HELLO and hangs up at once, cost one attempt per
// back-off cap and at most a log line a second on either side, and the
// neighbour is back in the herd within 2 s of taking us again. Real
// herd_server processes on loopback ports; where a count of attempts is
// needed, the test plays the refusing neighbour itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <thread>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;

// Rates are measured over this long. The test sleeps through it on purpose:
// it counts what happens in a stretch of time rather than waiting for an event.
constexpr auto window = 2000ms;

// Accepts the dialer's attempts for `window` after its first one, handing each
// to `answer`; returns how many came in the window.
int attempts_in_window(TcpListener& listener, const std::function<void(TcpClient&)>& answer) {
  if (auto first = listener.accept(scaled(5000ms))) {
    answer(*first);
  } else {
    return -1;
  }
  int attempts = 0;
  const auto end = Clock::now() + window;
  while (Clock::now() < end) {
    auto next =
        listener.accept(std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()));
    if (!next) break;
    ++attempts;
    answer(*next);
  }
  return attempts;
}

TEST(RefusedLink, ConfigsThatDisagreeCostALogLineASecondAtMostOnEitherSide) {
  HerdOptions options;
  options.members = {"Goloman", "Hands"};
  TestHerd herd(options);
  // Hands' own config lacks the link, so it refuses Goloman, which dials it.
  auto config = nlohmann::json::parse(read_file(herd.config_path()));
  config["links"] = nlohmann::json::array();
  const auto hands_config = herd.dir() / "hands-without-links.json";
  std::ofstream(hands_config) << config.dump(2);
  herd.start_process("Hands", {"Hands", "--config", hands_config.string()}, herd.port("Hands"));
  herd.start("Goloman");

  const std::string refused_at_hands = "link refused: HELLO from \"Goloman\"";
  const std::string about_hands_at_goloman = "link Hands: ";
  EXPECT_TRUE(eventually(
      [&] {
        return herd.logged("Hands", refused_at_hands) &&
               herd.logged("Goloman", "link Hands: refused by");
      },
      scaled(3000ms)));
  // The old dialer came back 27 times a second, each time a line on each side.
  const auto hands_before = occurrences(herd.log_text("Hands"), refused_at_hands);
  const auto goloman_before = occurrences(herd.log_text("Goloman"), about_hands_at_goloman);
  std::this_thread::sleep_for(window);
  // A line a second, and one more on either edge (the log is written in batches).
  const std::size_t lines_at_most = window / 1s + 2;
  EXPECT_LE(occurrences(herd.log_text("Hands"), refused_at_hands) - hands_before, lines_at_most);
  EXPECT_LE(occurrences(herd.log_text("Goloman"), about_hands_at_goloman) - goloman_before,
            lines_at_most);
  EXPECT_THAT(herd.log_text("Goloman"), HasSubstr("failed since the link was last up"));

  // Hands' operator fixes its config. After all that refusing, Goloman still
  // takes Hands back within 2 s of it listening again.
  herd.kill("Hands");
  herd.start("Hands");
  const auto listening = Clock::now();
  const auto since = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - listening);
  };
  EXPECT_TRUE(herd.eventually_logged("Hands", "link Goloman: up", scaled(2000ms) - since()));
  EXPECT_TRUE(
      herd.eventually_logged("Goloman", "link Hands: reachable again after ", scaled(2000ms)));
}

TEST(RefusedLink, ANeighbourThatHangsUpOnOurHelloIsTriedOncePerCap) {
  constexpr auto cap = 400ms;
  HerdOptions options;
  options.members = {"Goloman", "Hands"};
  options.config = {{"peer_backoff_cap_ms", cap.count()}};
  TestHerd herd(options);
  // The test plays Hands, refusing each HELLO by hanging up.
  TcpListener hands(herd.host(), herd.port("Hands"));
  herd.start("Goloman");
  const int attempts = attempts_in_window(
      hands, [](TcpClient& link) { EXPECT_EQ(link.read_line(scaled(2000ms)), "HELLO Goloman\n"); });
  ASSERT_GE(attempts, 0) << "Goloman never dialed";
  // Jitter spreads each wait over half to all of the cap.
  EXPECT_LE(attempts, window / (cap / 2) + 1);
  EXPECT_GE(attempts, window / cap / 2) << "Goloman gave up retrying";
}

TEST(RefusedLink, ALinkDroppedAsSoonAsItIsUpDoesNotRestartTheBackOff) {
  constexpr auto initial = 50ms;
  constexpr auto cap = 400ms;
  HerdOptions options;
  options.members = {"Goloman", "Hands"};
  options.config = {{"peer_backoff_initial_ms", initial.count()},
                    {"peer_backoff_cap_ms", cap.count()}};
  TestHerd herd(options);
  // The test plays Hands, answering each HELLO and hanging up at once: the
  // link comes up every time, but never stays up.
  TcpListener hands(herd.host(), herd.port("Hands"));
  herd.start("Goloman");
  const int attempts = attempts_in_window(hands, [](TcpClient& link) {
    EXPECT_EQ(link.read_line(scaled(2000ms)), "HELLO Goloman\n");
    link.send("HELLO Hands\n");
  });
  ASSERT_GE(attempts, 0) << "Goloman never dialed";
  // The waits double from `initial` (50, 100, 200 ms) to the cap and stay there.
  const int doublings = 3;
  EXPECT_LE(attempts, doublings + window / (cap / 2) + 1);
  EXPECT_THAT(herd.log_text("Goloman"), HasSubstr("link Hands: up"));
}

}  // namespace
}  // namespace herd::test
