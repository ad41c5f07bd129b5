// Limits that keep bad input from doing harm (protocol.md §3, §5): no valid client
// line can break a link, a client time far in the future cannot pin a record,
// and a neighbour's bad lines are skipped and counted while its link stays up.
// Real processes on loopback.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The AT line a member answers `line` with, without "\n".
std::string at_line(TestHerd& herd, const std::string& member, const std::string& line) {
  const std::string reply = herd.exchange(member, line + "\n");
  EXPECT_THAT(reply, StartsWith("AT " + member + " ")) << "for " << line.substr(0, 80);
  return reply.substr(0, reply.find('\n'));
}

std::size_t count_of(std::string_view text, std::string_view part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string_view::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

// Plays Holiday, Welsh's one neighbour, on a link Welsh accepted (Holiday is
// the one that dials). `first` goes out with the HELLO, in one write.
TcpClient link_as_holiday(TestHerd& herd, std::string_view first = "") {
  TcpClient holiday = herd.connect("Welsh");
  holiday.send("HELLO Holiday\n" + std::string(first));
  EXPECT_EQ(holiday.read_line(scaled(3000ms)), "HELLO Welsh\n");
  return holiday;
}

// A valid ECHO from Goloman, relayed by Holiday.
std::string echo_line(const std::string& client, const std::string& client_time = "1600000000") {
  return "ECHO " + client + " +1+1 " + client_time + " 1600000000.000000000 Goloman\n";
}

TEST(HerdLimits, IamatOfExactlyTheLineLimitReachesEveryMemberAndNoLinkDrops) {
  // Names of the longest length allowed: the ECHO of a full-length IAMAT
  // then fills a link's line limit exactly.
  HerdOptions options;
  const std::string a(64, 'A'), b(64, 'B'), c(64, 'C');
  options.members = {a, b, c};
  options.links = {{a, b}, {b, c}};
  TestHerd herd(options);
  herd.start_all();

  constexpr std::size_t max_line = 8192;  // the default
  const std::string short_iamat = "IAMAT l +0+0 0";
  const std::size_t room = max_line - short_iamat.size();
  // The longest client field, then the longest time field.
  const std::string long_client = "l" + std::string(room, 'c');
  const std::string lines[] = {"IAMAT " + long_client + " +0+0 0",
                               "IAMAT t +0+0 0." + std::string(room - 1, '0')};
  std::map<std::string, std::string> expected;
  expected[long_client] = at_line(herd, a, lines[0]);
  expected["t"] = at_line(herd, a, lines[1]);
  for (const auto& line : lines) ASSERT_EQ(line.size(), max_line);
  EXPECT_TRUE(herd.converges_to(expected, scaled(3000ms)));
  for (const auto& member : options.members) {
    const std::string log = herd.log_text(member);
    EXPECT_EQ(log.find("dropped"), std::string::npos) << member << ":\n" << log.substr(0, 4000);
    EXPECT_EQ(log.find("skipped"), std::string::npos) << member;
  }
}

TEST(HerdLimits, FarFutureIamatIsRefusedAndALaterRealOneWinsEverywhere) {
  TestHerd herd;
  herd.start_all();
  const std::string pinning = "IAMAT victim +0+0 9223372036.854775807";
  EXPECT_EQ(herd.exchange("Goloman", pinning + "\n"), "? " + pinning + "\n");
  // Just past the default window of ten minutes; just inside it is a valid line.
  const std::string beyond = "IAMAT victim +1+1 " + posix_time_from_now(11min);
  EXPECT_EQ(herd.exchange("Hands", beyond + "\n"), "? " + beyond + "\n");
  const std::string within =
      at_line(herd, "Wilkes", "IAMAT early +3+3 " + posix_time_from_now(9min));
  EXPECT_THAT(within, StartsWith("AT Wilkes -"));

  const std::string real = at_line(herd, "Welsh", "IAMAT victim +2+2 " + posix_time_from_now(0s));
  EXPECT_TRUE(herd.converges_to({{"victim", real}, {"early", within}}, scaled(3000ms)));
  ASSERT_TRUE(herd.eventually_logged("Goloman", "invalid command (IAMAT: time too far ahead",
                                     scaled(3000ms)));
}

TEST(HerdLimits, ClockSkewIsConfigurable) {
  HerdOptions options;
  options.members = {"Goloman"};
  options.config = {{"max_clock_skew_ms", 3'600'000}};
  TestHerd herd(options);
  herd.start("Goloman");
  at_line(herd, "Goloman", "IAMAT phone +1+1 " + posix_time_from_now(50min));
  const std::string beyond = "IAMAT phone +1+1 " + posix_time_from_now(70min);
  EXPECT_EQ(herd.exchange("Goloman", beyond + "\n"), "? " + beyond + "\n");
}

TEST(HerdLinks, FarFutureEchoIsSkippedAndCountedAndTheLinkStaysUp) {
  TestHerd herd;
  herd.start("Welsh");
  TcpClient holiday = link_as_holiday(herd);
  holiday.send(echo_line("victim", "9223372036.854775807") +
               "ECHO victim2 +1+1 1600000000 9223372036.854775807 Goloman\n" + echo_line("fine"));
  ASSERT_TRUE(eventually([&] { return !herd.record_at("Welsh", "fine").empty(); }, scaled(3000ms)));
  EXPECT_EQ(herd.record_at("Welsh", "victim"), "");
  EXPECT_EQ(herd.record_at("Welsh", "victim2"), "");
  // The first is logged at once, the second in a summary a second later.
  EXPECT_TRUE(eventually(
      [&] {
        const std::string log = herd.log_text("Welsh");
        return log.find(
                   "link Holiday: skipped a line (ECHO: client time too far ahead of this "
                   "member's clock); 1 skipped on this link") != std::string::npos &&
               log.find("link Holiday: skipped lines: 1 more in the last ") != std::string::npos &&
               log.find("(2 in all)") != std::string::npos;
      },
      scaled(5000ms)))
      << herd.log_text("Welsh");

  // Still up: a real update for the victim is applied and flooded to "Holiday".
  at_line(herd, "Welsh", "IAMAT victim +2+2 " + posix_time_from_now(0s));
  EXPECT_THAT(holiday.read_line(scaled(3000ms)).value_or(""), StartsWith("ECHO victim +2+2 "));
  EXPECT_FALSE(herd.logged("Welsh", "link Holiday: dropped"));
}

TEST(HerdLinks, AFloodOfBadLinesIsCountedInAFewLogLines) {
  TestHerd herd;
  herd.start("Welsh");
  TcpClient holiday = link_as_holiday(herd);
  constexpr int bad_lines = 1000;
  std::string lines;
  for (int i = 0; i < bad_lines; ++i) lines += "ECHO garbage " + std::to_string(i) + "\n";
  holiday.send(lines + echo_line("after.garbage"));
  ASSERT_TRUE(eventually([&] { return !herd.record_at("Welsh", "after.garbage").empty(); },
                         scaled(3000ms)));
  ASSERT_TRUE(herd.eventually_logged("Welsh", "(1000 in all)", scaled(5000ms)));
  // One line per second at most, however fast they come.
  EXPECT_LE(count_of(herd.log_text("Welsh"), "link Holiday: skipped"), 3u);
  EXPECT_FALSE(herd.logged("Welsh", "link Holiday: dropped"));
}

TEST(HerdLinks, LinkLinesUpToTheLimitAreTakenRightAfterTheHello) {
  TestHerd herd;
  herd.start("Welsh");
  // An ECHO of exactly the link's limit (8192 + 85 bytes) in the same write as
  // the HELLO, which Welsh reads as a client connection first.
  const std::size_t fixed = echo_line("long", "0.").size() - 1;
  const std::string time = "0." + std::string(8192 + 85 - fixed, '0');
  const std::string longest = echo_line("long", time);
  ASSERT_EQ(longest.size() - 1, 8192u + 85);
  TcpClient holiday = link_as_holiday(herd, longest + echo_line("next"));
  EXPECT_TRUE(eventually([&] { return !herd.record_at("Welsh", "next").empty(); }, scaled(3000ms)));
  EXPECT_THAT(herd.record_at("Welsh", "long"), HasSubstr(" long +1+1 " + time));
  EXPECT_FALSE(herd.logged("Welsh", "skipped"));
}

TEST(HerdLinks, OverLongLinesFromANeighbourAreSkippedAndTheLinkStaysUp) {
  TestHerd herd;
  herd.start("Welsh");
  TcpClient holiday = link_as_holiday(herd);
  // One byte over the limit, then a megabyte without a newline (held no more
  // than a line of it at a time), each followed by a good line.
  holiday.send(std::string(8192 + 85 + 1, 'x') + "\n" + echo_line("one"));
  holiday.send(std::string(1 << 20, 'y'));
  holiday.send("\n" + echo_line("two"));
  EXPECT_TRUE(eventually(
      [&] {
        return !herd.record_at("Welsh", "one").empty() && !herd.record_at("Welsh", "two").empty();
      },
      scaled(3000ms)));
  EXPECT_TRUE(eventually(
      [&] {
        const std::string log = herd.log_text("Welsh");
        return log.find("link Holiday: skipped a line (line longer than 8277 bytes, starting \"" +
                        std::string(64, 'x') + "\"); 1 skipped on this link") !=
                   std::string::npos &&
               (log.find("; 2 skipped on this link") != std::string::npos ||  // a second later
                log.find("(2 in all)") != std::string::npos);
      },
      scaled(5000ms)))
      << herd.log_text("Welsh");
  EXPECT_FALSE(herd.logged("Welsh", "link Holiday: dropped"));
}

}  // namespace
}  // namespace herd::test
