// Two processes claiming one member (protocol.md §5): a live link is not replaced by
// a second claimant, which is refused, logged as a conflict and sent nothing;
// a member killed and restarted at once still takes its links back at once.
// Real herd_server processes on loopback ports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <ostream>
#include <thread>
#include <vector>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Flapping would show over this long. The test sleeps through it on purpose:
// it counts what happens in a stretch of time rather than waiting for an event.
constexpr auto window = 2000ms;

// The links `member`'s log has seen come up and drop with `neighbour` so far.
struct LinkEvents {
  std::size_t up = 0;
  std::size_t dropped = 0;
  bool operator==(const LinkEvents&) const = default;
};

LinkEvents link_events(TestHerd& herd, const std::string& member, const std::string& neighbour) {
  const std::string log = herd.log_text(member);
  return {occurrences(log, "link " + neighbour + ": up"),
          occurrences(log, "link " + neighbour + ": dropped")};
}

std::ostream& operator<<(std::ostream& out, const LinkEvents& events) {
  return out << events.up << " up, " << events.dropped << " dropped";
}

// Whether Goloman's links to `neighbours` are up and both logs say so.
// Goloman dials all its neighbours, so its "up" means HELLO went both ways;
// a first attempt lost to a slow start is never "up" on its side, but it
// may be on the neighbour's, followed by "dropped".
bool golomans_links_are_up(TestHerd& herd, const std::vector<std::string>& neighbours) {
  return eventually(
      [&] {
        for (const auto& neighbour : neighbours) {
          const LinkEvents events = link_events(herd, neighbour, "Goloman");
          if (!herd.logged("Goloman", "link " + neighbour + ": up") ||
              events.up != events.dropped + 1) {
            return false;
          }
        }
        return true;
      },
      scaled(3000ms));
}

TEST(MemberConflict, ASecondProcessRunningAsAMemberIsRefusedAndNoLinkFlaps) {
  HerdOptions options;
  options.members = {"Goloman", "Hands", "Wilkes"};
  TestHerd herd(options);
  herd.start_all();
  std::map<std::string, std::string> expected{
      {"kiwi", iamat(herd, "Hands", "kiwi", "+1+1", "1600000000")}};
  ASSERT_TRUE(herd.converges_to(expected, scaled(3000ms)));
  ASSERT_TRUE(golomans_links_are_up(herd, {"Hands", "Wilkes"}));
  const LinkEvents at_hands = link_events(herd, "Hands", "Goloman");
  const LinkEvents at_wilkes = link_events(herd, "Wilkes", "Goloman");

  // The operator starts Goloman again by mistake, on another port, with its own log.
  const std::uint16_t second_port = free_port();
  const auto second_logs = herd.dir() / "second-goloman";
  herd.start_process("second Goloman",
                     {"Goloman", "--config", herd.config_path().string(), "--port",
                      std::to_string(second_port), "--log-dir", second_logs.string()},
                     second_port);
  EXPECT_TRUE(eventually(
      [&] {
        return herd.logged("Hands", "link Goloman: conflict") &&
               herd.logged("Wilkes", "link Goloman: conflict");
      },
      scaled(3000ms)));
  const std::string conflict = "link Goloman: conflict";
  const auto hands_conflicts = occurrences(herd.log_text("Hands"), conflict);
  const auto wilkes_conflicts = occurrences(herd.log_text("Wilkes"), conflict);
  std::this_thread::sleep_for(window);

  // The old links stayed up throughout: no drop, no new link, on either side.
  EXPECT_EQ(link_events(herd, "Hands", "Goloman"), at_hands);
  EXPECT_EQ(link_events(herd, "Wilkes", "Goloman"), at_wilkes);
  EXPECT_EQ(link_events(herd, "Goloman", "Hands"), (LinkEvents{1, 0}));
  EXPECT_EQ(link_events(herd, "Goloman", "Wilkes"), (LinkEvents{1, 0}));
  // A conflict line a second at most, and one more on either edge of the
  // window (the log is written in batches).
  EXPECT_LE(occurrences(herd.log_text("Hands"), conflict) - hands_conflicts, window / 1s + 2);
  EXPECT_LE(occurrences(herd.log_text("Wilkes"), conflict) - wilkes_conflicts, window / 1s + 2);
  // The second process was told no, and was sent no table.
  EXPECT_THAT(read_file(second_logs / "Goloman.log"), HasSubstr("link Hands: refused by"));
  EXPECT_THAT(exchange(herd.host(), second_port, "WHATSAT kiwi 1 0\n"), StartsWith("? "));

  // The real links still carry updates.
  expected["later"] = iamat(herd, "Goloman", "later", "+1+1", "1600000001");
  EXPECT_TRUE(herd.converges_to(expected, scaled(2000ms)));
}

TEST(MemberConflict, AClientSayingHelloAsALiveMemberGetsNothingAndTheLinkStaysUp) {
  HerdOptions options;
  options.members = {"Goloman", "Hands"};
  TestHerd herd(options);
  herd.start_all();
  // A table worth stealing.
  std::map<std::string, std::string> expected;
  for (int i = 0; i < 50; ++i) {
    const std::string client = "phone" + std::to_string(i);
    expected[client] = iamat(herd, "Hands", client, "+1+1", "1600000000." + std::to_string(i));
  }
  ASSERT_TRUE(herd.converges_to(expected, scaled(3000ms)));
  ASSERT_TRUE(golomans_links_are_up(herd, {"Hands"}));
  const LinkEvents at_hands = link_events(herd, "Hands", "Goloman");

  const auto start = Clock::now();
  for (int i = 0; i < 20; ++i) {
    TcpClient intruder = herd.connect("Hands");
    intruder.send("HELLO Goloman\nECHO forged" + std::to_string(i) +
                  " +1+1 1600000000 1600000000.000000000 Goloman\n");
    const auto received = intruder.read_to_eof(scaled(2000ms));
    ASSERT_TRUE(received) << "Hands did not hang up on HELLO number " << i;
    ASSERT_EQ(received->size(), 0u) << "HELLO number " << i << " got " << received->substr(0, 100);
  }
  const auto elapsed = Clock::now() - start;
  EXPECT_EQ(herd.record_at("Hands", "forged0"), "");

  ASSERT_TRUE(herd.eventually_logged("Hands", "link Goloman: conflict", scaled(2000ms)));
  EXPECT_EQ(link_events(herd, "Hands", "Goloman"), at_hands);
  EXPECT_EQ(link_events(herd, "Goloman", "Hands"), (LinkEvents{1, 0}));
  // The first conflict, then a line a second at most.
  EXPECT_LE(occurrences(herd.log_text("Hands"), "link Goloman: conflict"),
            std::chrono::duration_cast<std::chrono::seconds>(elapsed).count() + 1);
  // The real link still carries updates both ways.
  expected["fresh"] = iamat(herd, "Goloman", "fresh", "+1+1", "1600000001");
  expected["fresher"] = iamat(herd, "Hands", "fresher", "+1+1", "1600000002");
  EXPECT_TRUE(herd.converges_to(expected, scaled(2000ms)));
}

TEST(MemberConflict, AMemberKilledAndRestartedAtOnceTakesItsLinksBackAtOnce) {
  HerdOptions options;
  options.members = {"Goloman", "Hands", "Wilkes"};
  TestHerd herd(options);
  herd.start_all();
  std::map<std::string, std::string> expected{
      {"before", iamat(herd, "Goloman", "before", "+1+1", "1600000000")}};
  ASSERT_TRUE(herd.converges_to(expected, scaled(3000ms)));
  ASSERT_TRUE(golomans_links_are_up(herd, {"Hands", "Wilkes"}));
  const std::size_t hands_ups = link_events(herd, "Hands", "Goloman").up;
  const std::size_t wilkes_ups = link_events(herd, "Wilkes", "Goloman").up;
  const std::size_t old_goloman_log = herd.log_text("Goloman").size();

  // Hands stands still while Goloman dies and comes back, so that the end of
  // the old link and the new HELLO wait for it together, to be taken in
  // whichever order: the old link must not pass for a live one.
  herd.signal("Hands", SIGSTOP);
  herd.kill("Goloman");
  herd.start("Goloman");
  const auto restarted = Clock::now();
  const bool dialed = eventually(
      [&] { return connections_waiting_for_accept(herd.port("Hands")) > 0; }, scaled(2000ms));
  herd.signal("Hands", SIGCONT);
  ASSERT_TRUE(dialed) << "the new Goloman never dialed Hands";

  const auto left = scaled(2000ms) -
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted);
  EXPECT_TRUE(eventually(
      [&] {
        return link_events(herd, "Hands", "Goloman").up == hands_ups + 1 &&
               link_events(herd, "Wilkes", "Goloman").up == wilkes_ups + 1;
      },
      left));
  // At once: its first attempts were taken.
  EXPECT_THAT(herd.log_text("Hands"), Not(HasSubstr("conflict")));
  EXPECT_THAT(herd.log_text("Wilkes"), Not(HasSubstr("conflict")));
  EXPECT_THAT(herd.log_text("Goloman").substr(old_goloman_log), Not(HasSubstr("refused by")));
  expected["after"] = iamat(herd, "Wilkes", "after", "+1+1", "1600000001");
  EXPECT_TRUE(herd.converges_to(expected, scaled(2000ms)));
}

}  // namespace
}  // namespace herd::test
