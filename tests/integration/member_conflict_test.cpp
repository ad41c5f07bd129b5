// Two processes claiming one member (SPEC §5): a live link is not replaced by
// a second claimant, which is refused, logged as a conflict and sent nothing;
// a member killed and restarted at once still takes its links back at once.
// Real herd_server processes on loopback ports.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <thread>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Flapping would show over this long. The test sleeps through it on purpose:
// it counts what happens in a stretch of time rather than waiting for an event.
constexpr auto window = 2000ms;

bool logged(TestHerd& herd, const std::string& member, const std::string& text) {
  return herd.log_text(member).find(text) != std::string::npos;
}

// The AT line of an IAMAT reply, without "\n".
std::string report(TestHerd& herd, const std::string& member, const std::string& client,
                   const std::string& time) {
  const std::string reply = herd.exchange(member, "IAMAT " + client + " +1+1 " + time + "\n");
  EXPECT_THAT(reply, StartsWith("AT " + member + " "));
  return reply.substr(0, reply.find('\n'));
}

TEST(MemberConflict, ASecondProcessRunningAsAMemberIsRefusedAndNoLinkFlaps) {
  HerdOptions options;
  options.members = {"Goloman", "Hands", "Wilkes"};
  TestHerd herd(options);
  herd.start_all();
  std::map<std::string, std::string> expected{{"kiwi", report(herd, "Hands", "kiwi", "1600000000")}};
  ASSERT_TRUE(herd.converges_to(expected, scaled(3000ms)));
  ASSERT_TRUE(eventually([&] {
    return logged(herd, "Hands", "link Goloman: up") && logged(herd, "Wilkes", "link Goloman: up");
  }, scaled(3000ms)));

  // The operator starts Goloman again by mistake, on another port, with its own log.
  const std::uint16_t second_port = free_port();
  const auto second_logs = herd.dir() / "second-goloman";
  herd.start_process("second Goloman",
                     {"Goloman", "--config", herd.config_path().string(), "--port",
                      std::to_string(second_port), "--log-dir", second_logs.string()},
                     second_port);
  EXPECT_TRUE(eventually([&] {
    return logged(herd, "Hands", "link Goloman: conflict") &&
           logged(herd, "Wilkes", "link Goloman: conflict");
  }, scaled(3000ms)));
  std::this_thread::sleep_for(window);

  // The old links stayed up throughout: one "up" each, no drop.
  for (const std::string member : {"Hands", "Wilkes"}) {
    const std::string log = herd.log_text(member);
    EXPECT_EQ(occurrences(log, "link Goloman: up"), 1u) << member;
    EXPECT_EQ(occurrences(log, "link Goloman: dropped"), 0u) << member;
    // A conflict line a second at most, one more on either edge.
    EXPECT_LE(occurrences(log, "link Goloman: conflict"), window / 1s + 2) << member;
  }
  const std::string goloman_log = herd.log_text("Goloman");
  for (const std::string neighbour : {"Hands", "Wilkes"}) {
    EXPECT_EQ(occurrences(goloman_log, "link " + neighbour + ": up"), 1u);
    EXPECT_EQ(occurrences(goloman_log, "link " + neighbour + ": dropped"), 0u);
  }
  // The second process was told no, and was sent no table.
  EXPECT_THAT(read_file(second_logs / "Goloman.log"), HasSubstr("link Hands: refused by"));
  EXPECT_THAT(exchange(herd.host(), second_port, "WHATSAT kiwi 1 0\n"), StartsWith("? "));

  // The real links still carry updates.
  expected["later"] = report(herd, "Goloman", "later", "1600000001");
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
    expected[client] = report(herd, "Hands", client, "1600000000." + std::to_string(i));
  }
  ASSERT_TRUE(herd.converges_to(expected, scaled(3000ms)));
  ASSERT_TRUE(eventually([&] { return logged(herd, "Hands", "link Goloman: up"); },
                         scaled(3000ms)));

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

  ASSERT_TRUE(eventually([&] { return logged(herd, "Hands", "link Goloman: conflict"); },
                         scaled(2000ms)));
  const std::string log = herd.log_text("Hands");
  EXPECT_EQ(occurrences(log, "link Goloman: up"), 1u);
  EXPECT_EQ(occurrences(log, "link Goloman: dropped"), 0u);
  // The first conflict, then a line a second at most.
  EXPECT_LE(occurrences(log, "link Goloman: conflict"),
            std::chrono::duration_cast<std::chrono::seconds>(elapsed).count() + 1);
  // The real link still carries updates both ways.
  expected["fresh"] = report(herd, "Goloman", "fresh", "1600000001");
  expected["fresher"] = report(herd, "Hands", "fresher", "1600000002");
  EXPECT_TRUE(herd.converges_to(expected, scaled(2000ms)));
}

TEST(MemberConflict, AMemberKilledAndRestartedAtOnceTakesItsLinksBackAtOnce) {
  HerdOptions options;
  options.members = {"Goloman", "Hands", "Wilkes"};
  TestHerd herd(options);
  herd.start_all();
  std::map<std::string, std::string> expected{{"before", report(herd, "Goloman", "before", "1600000000")}};
  ASSERT_TRUE(herd.converges_to(expected, scaled(3000ms)));
  ASSERT_TRUE(eventually([&] {
    return logged(herd, "Hands", "link Goloman: up") && logged(herd, "Wilkes", "link Goloman: up");
  }, scaled(3000ms)));

  // Hands stands still while Goloman dies and comes back, so that the end of
  // the old link and the new HELLO wait for it together, to be taken in
  // whichever order: the old link must not pass for a live one.
  herd.signal("Hands", SIGSTOP);
  herd.kill("Goloman");
  herd.start("Goloman");
  const auto restarted = Clock::now();
  const bool dialed = eventually([&] {
    return connections_waiting_for_accept(herd.port("Hands")) > 0;
  }, scaled(2000ms));
  herd.signal("Hands", SIGCONT);
  ASSERT_TRUE(dialed) << "the new Goloman never dialed Hands";

  const auto left = scaled(2000ms) -
                    std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted);
  EXPECT_TRUE(eventually([&] {
    return occurrences(herd.log_text("Hands"), "link Goloman: up") == 2 &&
           occurrences(herd.log_text("Wilkes"), "link Goloman: up") == 2;
  }, left));
  // At once: its first attempts were taken.
  EXPECT_THAT(herd.log_text("Hands"), Not(HasSubstr("conflict")));
  EXPECT_THAT(herd.log_text("Wilkes"), Not(HasSubstr("conflict")));
  EXPECT_THAT(herd.log_text("Goloman"), Not(HasSubstr("refused by")));
  expected["after"] = report(herd, "Wilkes", "after", "1600000001");
  EXPECT_TRUE(herd.converges_to(expected, scaled(2000ms)));
}

}  // namespace
}  // namespace herd::test
