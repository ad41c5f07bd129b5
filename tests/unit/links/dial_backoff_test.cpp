// The dialer's retry decisions (dial_backoff.hpp), step by step: the back-off
// restarts only after a link that came up and stayed up, a neighbour that
// refuses us is tried again at the cap, and failures reach the log at most
// once a second.
#include "herd/links/dial_backoff.hpp"

#include <gtest/gtest.h>

namespace herd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Outcome = DialOutcome;

constexpr milliseconds initial{50};
constexpr milliseconds cap{1000};

TEST(DialBackoff, AnUnreachableNeighbourIsTriedAtDoublingIntervalsUpToTheCap) {
  DialBackoff backoff(initial, cap);
  for (const int expected : {50, 100, 200, 400, 800, 1000, 1000, 1000}) {
    EXPECT_EQ(backoff.after(Outcome::unreachable), milliseconds(expected));
  }
}

TEST(DialBackoff, ANeighbourThatRefusesUsIsTriedAgainOnlyAtTheCap) {
  DialBackoff backoff(initial, cap);
  // The first refusal already waits the cap: a TCP connection that worked is
  // no reason to hurry back.
  for (int attempt = 0; attempt < 5; ++attempt) {
    EXPECT_EQ(backoff.after(Outcome::refused), cap) << "attempt " << attempt;
  }
  // It stops refusing (or its port closes): still no faster than the cap.
  EXPECT_EQ(backoff.after(Outcome::unreachable), cap);
}

TEST(DialBackoff, ALinkThatStayedUpForTheCapEarnsAFreshStart) {
  DialBackoff backoff(initial, cap);
  for (int attempt = 0; attempt < 6; ++attempt) backoff.after(Outcome::unreachable);
  EXPECT_EQ(backoff.after(Outcome::dropped, cap), initial);
  EXPECT_EQ(backoff.after(Outcome::unreachable), 2 * initial);
  // Likewise after refusals.
  backoff.after(Outcome::refused);
  EXPECT_EQ(backoff.after(Outcome::dropped, std::chrono::hours(5)), initial);
}

TEST(DialBackoff, ALinkDroppedSoonAfterComingUpKeepsBackingOff) {
  DialBackoff backoff(initial, cap);
  // Up for a moment each time (a neighbour that takes HELLO, then hangs up):
  // the waits grow as for an unreachable one, never restart.
  for (const int expected : {50, 100, 200, 400, 800, 1000, 1000}) {
    EXPECT_EQ(backoff.after(Outcome::dropped, milliseconds(3)), milliseconds(expected));
  }
  // Just under the cap is still too short.
  EXPECT_EQ(backoff.after(Outcome::dropped, cap - milliseconds(1)), cap);
  EXPECT_EQ(backoff.after(Outcome::dropped, cap), initial);
}

TEST(DialBackoff, AfterRefusalsALinkUpForAMomentDoesNotRestartTheBackOff) {
  DialBackoff backoff(initial, cap);
  backoff.after(Outcome::refused);
  EXPECT_EQ(backoff.after(Outcome::dropped, milliseconds(10)), cap);
  EXPECT_EQ(backoff.after(Outcome::refused), cap);
}

TEST(DialBackoff, ACapBelowTheInitialWaitIsRaisedToIt) {
  DialBackoff backoff(milliseconds(500), milliseconds(100));
  EXPECT_EQ(backoff.after(Outcome::unreachable), milliseconds(500));
  EXPECT_EQ(backoff.after(Outcome::unreachable), milliseconds(500));
  EXPECT_EQ(backoff.after(Outcome::refused), milliseconds(500));
}

using Clock = DialFailureLog::clock;

TEST(DialFailureLog, TheFirstFailureIsLoggedThenOnlyChangesAndAMinutelyReminder) {
  DialFailureLog log;
  const auto start = Clock::now();
  EXPECT_TRUE(log.admit("refused", start));
  for (int second = 1; second < 60; ++second) {
    EXPECT_FALSE(log.admit("refused", start + seconds(second))) << "second " << second;
  }
  EXPECT_EQ(log.failures(), 60u);
  EXPECT_TRUE(log.admit("refused", start + seconds(60)));
  EXPECT_TRUE(log.admit("cannot connect", start + seconds(61)));
  EXPECT_TRUE(log.admit("refused", start + seconds(62)));
}

TEST(DialFailureLog, AlternatingReasonsGetOneLineASecondAtMost) {
  DialFailureLog log;
  const auto start = Clock::now();
  int lines = 0;
  // Two attempts a second (the cap's jitter), failing in turn two ways, for 10 s.
  for (int attempt = 0; attempt < 20; ++attempt) {
    lines +=
        log.admit(attempt % 2 ? "refused" : "cannot connect", start + milliseconds(500 * attempt));
  }
  EXPECT_LE(lines, 10);
  EXPECT_GE(lines, 5);
  // Exactly one second after a line, the next may go.
  DialFailureLog spaced;
  EXPECT_TRUE(spaced.admit("a", start));
  EXPECT_FALSE(spaced.admit("b", start + milliseconds(999)));
  EXPECT_TRUE(spaced.admit("b", start + seconds(1)));
}

TEST(DialFailureLog, ALinkThatCameUpReportsTheFailuresAndStartsAfresh) {
  DialFailureLog log;
  const auto start = Clock::now();
  log.admit("refused", start);
  log.admit("refused", start + seconds(1));
  log.admit("refused", start + seconds(2));
  EXPECT_EQ(log.link_up(), 3u);
  EXPECT_EQ(log.failures(), 0u);
  EXPECT_EQ(log.link_up(), 0u);
  // The same failure again after the link was up is news.
  EXPECT_TRUE(log.admit("refused", start + seconds(4)));
  EXPECT_EQ(log.failures(), 1u);
}

TEST(DialFailureLog, ALinkUpForAMomentDoesNotLiftTheOneLineASecondLimit) {
  DialFailureLog log;
  const auto start = Clock::now();
  EXPECT_TRUE(log.admit("refused", start));
  log.link_up();
  EXPECT_FALSE(log.admit("refused", start + milliseconds(100)));
  EXPECT_TRUE(log.admit("refused", start + milliseconds(1000)));
}

}  // namespace
}  // namespace herd
