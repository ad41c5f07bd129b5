// One real member over loopback TCP: the client protocol of protocol.md §2–4, §6.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include <nlohmann/json.hpp>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr std::string_view kiwi_iamat =
    "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997\n";

std::string now_posix() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(ns / 1'000'000'000),
                static_cast<long long>(ns % 1'000'000'000));
  return text;
}

class ClientProtocol : public ::testing::Test {
 protected:
  void SetUp() override { herd.start("Goloman"); }
  TestHerd herd{single_member()};
};

TEST_F(ClientProtocol, IamatIsAnsweredWithTheExactAtLine) {
  const std::string reply = herd.exchange("Goloman", kiwi_iamat);
  const std::regex at(
      R"(AT Goloman \+[0-9]+\.[0-9]{9} kiwi\.cs\.ucla\.edu \+34\.068930-118\.445127 1520023934\.918963997\n)");
  EXPECT_TRUE(std::regex_match(reply, at)) << reply;
}

TEST_F(ClientProtocol, DiffIsServerTimeMinusClientTime) {
  const std::string sent = now_posix();
  const std::string reply = herd.exchange("Goloman", "IAMAT phone +1+2 " + sent + "\n");
  const std::regex at(R"(AT Goloman ([+-])([0-9]+)\.([0-9]{9}) phone \+1\+2 )" + sent + "\n");
  std::smatch match;
  ASSERT_TRUE(std::regex_match(reply, match, at)) << reply;
  EXPECT_EQ(match[1], "+");
  EXPECT_LT(std::stoll(match[2]), 5) << "the member took seconds to answer: " << reply;
}

TEST_F(ClientProtocol, FutureTimestampGivesNegativeDiff) {
  // Five minutes ahead: within the clock-skew window of ten.
  const auto future = std::chrono::system_clock::now().time_since_epoch() + std::chrono::minutes(5);
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(future).count();
  const std::string reply =
      herd.exchange("Goloman", "IAMAT ahead -1.5+2.25 " + std::to_string(seconds) + ".5\n");
  EXPECT_TRUE(std::regex_match(
      reply, std::regex(R"(AT Goloman -(2[0-9]{2}|300)\.[0-9]{9} ahead -1\.5\+2\.25 [0-9]+\.5\n)")))
      << reply;
}

TEST_F(ClientProtocol, InvalidLinesAreEchoedWithAQuestionMark) {
  const std::vector<std::string> invalid = {
      "HELLO",
      "IAMAT kiwi +34.068930-118.445127",
      "IAMAT kiwi 34.068930-118.445127 1520023934.918963997",
      "IAMAT kiwi +91-118 1520023934",
      "IAMAT kiwi +34-180.5 1520023934",
      "IAMAT kiwi +34-118 -5",
      "IAMAT kiwi +34-118 99999999999999999999",
      "WHATSAT kiwi 51 5",
      "WHATSAT kiwi 10 21",
      "WHATSAT kiwi 10 2.5",
      "WHATSAT nobody.known 10 5",
      "ECHO kiwi +34-118 1520023934 1520023935.000000000 Goloman",
      "iamat kiwi +34-118 1520023934",
      "GET / HTTP/1.1",
      "IAMAT\tkiwi +34-118 1520023934 extra",
  };
  TcpClient client = herd.connect("Goloman");
  for (const auto& line : invalid) client.send(line + "\n");
  for (const auto& line : invalid) {
    EXPECT_EQ(client.read_line(), "? " + line + "\n");
  }
  // The connection survived all of it.
  client.send(kiwi_iamat);
  EXPECT_THAT(client.read_line().value_or(""), StartsWith("AT Goloman "));
}

TEST_F(ClientProtocol, CrLfTerminatorIsNotPartOfTheEchoedLine) {
  EXPECT_EQ(herd.exchange("Goloman", "bogus line\r\n"), "? bogus line\n");
}

TEST_F(ClientProtocol, PipelinedCommandsAreAnsweredInOrder) {
  const std::string reply = herd.exchange(
      "Goloman", std::string(kiwi_iamat) + "WHATSAT kiwi.cs.ucla.edu 10 5\nnonsense\n" +
                     "IAMAT second +1-1 1520023935\n");
  std::istringstream lines(reply);
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_GE(all.size(), 5u) << reply;
  EXPECT_THAT(all.front(), StartsWith("AT Goloman "));
  EXPECT_THAT(all[1], StartsWith("AT Goloman "));
  EXPECT_THAT(all[1], HasSubstr(" kiwi.cs.ucla.edu "));
  EXPECT_EQ(all[all.size() - 2], "? nonsense");
  EXPECT_THAT(all.back(), StartsWith("AT Goloman "));
  EXPECT_THAT(all.back(), HasSubstr(" second "));
}

TEST_F(ClientProtocol, CommandEndedByEofWithoutNewlineIsAnswered) {
  const std::string reply =
      herd.exchange("Goloman", "IAMAT kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997");
  EXPECT_THAT(reply, StartsWith("AT Goloman "));
  EXPECT_THAT(reply, HasSubstr(" 1520023934.918963997\n"));
}

TEST_F(ClientProtocol, WhitespaceAndBlankLines) {
  const std::string reply =
      herd.exchange("Goloman", "\n   \t\n  IAMAT \t ws \v +1+1\f 1520023934  \r\n");
  EXPECT_TRUE(std::regex_match(
      reply, std::regex(R"(AT Goloman \+[0-9]+\.[0-9]{9} ws \+1\+1 1520023934\n)")))
      << reply;
}

TEST_F(ClientProtocol, TwoClientsInterleave) {
  TcpClient first = herd.connect("Goloman");
  TcpClient second = herd.connect("Goloman");
  first.send("IAMAT one +1+1 1520023934\n");
  second.send("IAMAT two +2+2 1520023934\n");
  EXPECT_THAT(second.read_line().value_or(""), HasSubstr(" two "));
  EXPECT_THAT(first.read_line().value_or(""), HasSubstr(" one "));
  // Each sees the other's record.
  first.send("WHATSAT two 1 0\n");
  EXPECT_THAT(first.read_line().value_or(""), HasSubstr(" two +2+2 "));
  second.send("WHATSAT one 1 0\n");
  EXPECT_THAT(second.read_line().value_or(""), HasSubstr(" one +1+1 "));
}

TEST_F(ClientProtocol, WhatsatFramingIsAtLineJsonAndOneBlankLine) {
  herd.exchange("Goloman", kiwi_iamat);
  TcpClient client = herd.connect("Goloman");
  client.send("WHATSAT kiwi.cs.ucla.edu 10 5\n");
  // One write: a single read() gets the whole reply.
  const std::string reply = client.read_once().value_or("");
  ASSERT_THAT(reply, StartsWith("AT Goloman "));
  ASSERT_TRUE(reply.ends_with("}\n\n")) << reply;
  EXPECT_EQ(reply.find("\n\n"), reply.size() - 2) << "a blank line inside the JSON";
  const auto json = nlohmann::json::parse(reply.substr(reply.find('\n') + 1));
  EXPECT_TRUE(json.at("results").is_array());
  EXPECT_TRUE(json.contains("status"));
  EXPECT_TRUE(json.contains("html_attributions"));
  EXPECT_THAT(reply, HasSubstr("\n   \"")) << "three-space indent";
}

TEST_F(ClientProtocol, WhatsatBoundZeroAnswersZeroResults) {
  herd.exchange("Goloman", kiwi_iamat);
  const std::string reply = herd.exchange("Goloman", "WHATSAT kiwi.cs.ucla.edu 10 0\n");
  const std::string first_line = reply.substr(0, reply.find('\n'));
  EXPECT_THAT(first_line,
              HasSubstr(" kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997"));
  const auto json = nlohmann::json::parse(reply.substr(reply.find('\n') + 1));
  EXPECT_EQ(json.at("status"), "ZERO_RESULTS");
  EXPECT_TRUE(json.at("results").empty());
}

TEST_F(ClientProtocol, WhatsatReturnsTheStoredAtLineByteForByte) {
  const std::string at_line = herd.exchange("Goloman", kiwi_iamat);
  const std::string reply = herd.exchange("Goloman", "WHATSAT kiwi.cs.ucla.edu 10 3\n");
  EXPECT_EQ(reply.substr(0, reply.find('\n') + 1), at_line);
}

TEST_F(ClientProtocol, LogRecordsInputsAndOutputs) {
  const std::string reply =
      herd.exchange("Goloman", "IAMAT logged.client +1+1 1520023934\nbad line\n");
  const std::string at_line = reply.substr(0, reply.find('\n'));
  ASSERT_TRUE(eventually([&] {
    const std::string log = herd.log_text("Goloman");
    return log.find("< IAMAT logged.client +1+1 1520023934") != std::string::npos &&
           log.find("> " + at_line) != std::string::npos &&
           log.find("> ? bad line") != std::string::npos;
  })) << herd.log_text("Goloman");
  const std::string log = herd.log_text("Goloman");
  EXPECT_TRUE(std::regex_search(
      log, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z .*< IAMAT logged\.client)")))
      << "UTC timestamps with microseconds";
}

TEST(ClientLimits, OverLongLineIsAnsweredTruncatedAndClosed) {
  TestHerd herd(single_member({{"max_line_bytes", 100}}));
  herd.start("Goloman");
  TcpClient client = herd.connect("Goloman");
  client.send("IAMAT ok +1+1 1520023934\n");
  const std::string attack(100000, 'x');
  try {
    client.send(attack);
  } catch (const std::exception&) {
    // The member may close before it has read everything: that is the point.
  }
  EXPECT_THAT(client.read_line().value_or(""), StartsWith("AT Goloman "));
  EXPECT_EQ(client.read_line().value_or(""), "? " + std::string(100, 'x') + "\n");
  EXPECT_TRUE(client.closed_by_peer());
}

TEST(ClientLimits, LineOfExactlyTheLimitIsAccepted) {
  TestHerd herd(single_member({{"max_line_bytes", 100}}));
  herd.start("Goloman");
  const std::string tail = " +1+1 1520023934";
  const std::string line = "IAMAT " + std::string(100 - 6 - tail.size(), 'c') + tail;
  ASSERT_EQ(line.size(), 100u);
  EXPECT_THAT(herd.exchange("Goloman", line + "\r\n"), StartsWith("AT Goloman "));
}

// protocol.md §2: the limit counts a line without "\n" or "\r\n"; a line of exactly
// the default limit is a command, one byte more is answered "? " and its first
// max_line_bytes bytes, and the connection closes, the lines after it unread.
TEST(ClientLimits, LineOneByteOverTheDefaultLimitIsRefusedWhateverItsTerminator) {
  TestHerd herd(single_member());
  herd.start("Goloman");
  const std::string tail = " +1+1 1520023934";
  const auto iamat_of_size = [&](std::size_t size) {
    return "IAMAT " + std::string(size - 6 - tail.size(), 'c') + tail;
  };
  const std::string at_limit = iamat_of_size(8192);
  const std::string past_limit = iamat_of_size(8193);
  for (const std::string terminator : {"\n", "\r\n"}) {
    SCOPED_TRACE("terminator of " + std::to_string(terminator.size()) + " bytes");
    TcpClient client = herd.connect("Goloman");
    client.send("IAMAT before +1+1 1520023934\n" + at_limit + terminator + past_limit + terminator +
                "IAMAT after +1+1 1520023934\n");
    EXPECT_THAT(client.read_line().value_or(""), HasSubstr(" before +1+1 "));
    EXPECT_THAT(client.read_line().value_or(""), StartsWith("AT Goloman "));
    EXPECT_EQ(client.read_line().value_or(""), "? " + past_limit.substr(0, 8192) + "\n");
    EXPECT_EQ(client.read_to_eof().value_or("no EOF"), "");
  }
}

TEST(ClientLimits, LineOverTheLimitInPiecesOrEndedByEofIsRefused) {
  TestHerd herd(single_member({{"max_line_bytes", 100}}));
  herd.start("Goloman");
  const std::string past_limit = "IAMAT " + std::string(101 - 6 - 16, 'c') + " +1+1 1520023934";
  ASSERT_EQ(past_limit.size(), 101u);
  {
    TcpClient client = herd.connect("Goloman");
    client.send(past_limit.substr(0, 60));
    EXPECT_EQ(client.read_once(200ms), std::nullopt) << "half a line is no command";
    client.send(past_limit.substr(60) + "\n");
    EXPECT_EQ(client.read_to_eof().value_or("no EOF"), "? " + past_limit.substr(0, 100) + "\n");
  }
  // Ended by EOF instead of a newline: still one byte over.
  EXPECT_EQ(herd.exchange("Goloman", past_limit), "? " + past_limit.substr(0, 100) + "\n");
  EXPECT_THAT(herd.exchange("Goloman", past_limit.substr(1)), StartsWith("? AMAT "));
  EXPECT_TRUE(
      herd.eventually_logged("Goloman", "line longer than 100 bytes; closing", scaled(5000ms)));
}

TEST(ClientLimits, IdleConnectionIsClosed) {
  TestHerd herd(single_member({{"client_idle_timeout_ms", 200}}));
  herd.start("Goloman");
  TcpClient client = herd.connect("Goloman");
  EXPECT_TRUE(client.closed_by_peer(5000ms));
}

TEST(ClientLimits, ConnectionInUseIsNotClosedAsIdle) {
  TestHerd herd(single_member({{"client_idle_timeout_ms", 400}}));
  herd.start("Goloman");
  TcpClient client = herd.connect("Goloman");
  // Two idle timeouts in all, but never one without a command.
  for (int i = 0; i < 8; ++i) {
    client.send(kiwi_iamat);
    ASSERT_THAT(client.read_line().value_or(""), StartsWith("AT Goloman ")) << "command " << i;
    std::this_thread::sleep_for(100ms);  // the client's own pace, not a wait for the member
  }
}

TEST(ClientLimits, QuietConnectionStillAnswersAndKeepsItsPartialLine) {
  TestHerd herd(single_member());
  herd.start("Goloman");
  TcpClient quiet = herd.connect("Goloman");
  TcpClient partial = herd.connect("Goloman");
  quiet.send(kiwi_iamat);
  ASSERT_THAT(quiet.read_line().value_or(""), StartsWith("AT Goloman "));
  partial.send("IAMAT kiwi.cs.ucla.edu +34.068930");
  // Quiet for longer than a member waits before it parks a connection (it
  // drops the read buffer of one holding no partial line).
  std::this_thread::sleep_for(2500ms);
  quiet.send(kiwi_iamat);
  EXPECT_THAT(quiet.read_line().value_or(""), StartsWith("AT Goloman "));
  partial.send("-118.445127 1520023934.918963997\n");
  EXPECT_THAT(
      partial.read_line().value_or(""),
      ::testing::EndsWith(" kiwi.cs.ucla.edu +34.068930-118.445127 1520023934.918963997\n"));
}

TEST(ClientLimits, AClientThatReadsNoRepliesIsNotReadEither) {
  TestHerd herd(single_member());
  herd.start("Goloman");
  TcpClient client = herd.connect("Goloman");
  client.limit_receive_buffer(64 * 1024);
  constexpr std::size_t commands = 500000;
  std::string input;
  for (std::size_t i = 0; i < commands; ++i) {
    input +=
        "IAMAT slow-reader +34.068930-118.445127 1600000000." + std::to_string(1000000 + i) + "\n";
  }
  // Replies pile up to the member's limit and the kernel's buffers; then the
  // member reads no more commands, so the client's sends stall well before
  // all of them are taken.
  const std::size_t taken = client.send_until_stalled(input, scaled(1000ms));
  EXPECT_LT(taken, input.size() / 2);

  // Reading the replies lets everything through: every command is answered.
  std::thread sender([&] { client.send(std::string_view(input).substr(taken)); });
  std::size_t replies = 0;
  while (replies < commands) {
    const auto chunk = client.read_once(scaled(5000ms));
    if (!chunk) break;
    replies += static_cast<std::size_t>(std::count(chunk->begin(), chunk->end(), '\n'));
  }
  sender.join();
  EXPECT_EQ(replies, commands);
}

TEST(ClientShutdown, SigtermExitsZeroAndLogsShutdown) {
  TestHerd herd(single_member());
  herd.start("Goloman");
  herd.exchange("Goloman", kiwi_iamat);
  EXPECT_EQ(herd.stop("Goloman"), 0);
  const std::string log = herd.log_text("Goloman");
  EXPECT_THAT(log, HasSubstr("shutting down"));
  EXPECT_THAT(log, HasSubstr("Goloman stopped"));
}

TEST(ClientShutdown, SigtermEndsIdleConnectionsAndLinksWithoutWaitingOutTheGrace) {
  HerdOptions options;
  options.members = {"Goloman", "Hands"};
  options.config = {{"shutdown_grace_ms", 60'000}};  // far past stop()'s 10 s
  TestHerd herd(options);
  herd.start_all();
  ASSERT_TRUE(eventually(
      [&] { return herd.log_text("Goloman").find("link Hands: up") != std::string::npos; },
      scaled(3000ms)));
  TcpClient idle = herd.connect("Goloman");
  idle.send(kiwi_iamat);
  ASSERT_THAT(idle.read_line().value_or(""), StartsWith("AT Goloman "));

  EXPECT_EQ(herd.stop("Goloman"), 0);
  EXPECT_TRUE(idle.closed_by_peer());
  EXPECT_THAT(herd.log_text("Goloman"), Not(HasSubstr("still busy")));
}

}  // namespace
}  // namespace herd::test
