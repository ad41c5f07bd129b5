// The table's bounds through real members (protocol.md §5): at max_records or the
// text budget a new client's IAMAT is answered "?", known clients still
// update, and a neighbour with a smaller bound drops (and counts) the ECHOs
// of clients it has no room for.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "test_herd.hpp"

namespace herd::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

std::string iamat_line(const std::string& client, const std::string& time) {
  return "IAMAT " + client + " +34.068930-118.445127 " + time + "\n";
}

bool log_has(TestHerd& herd, const std::string& member, const std::string& text) {
  return herd.eventually_logged(member, text, scaled(3000ms));
}

TEST(TableBounds, ANewClientPastMaxRecordsIsAnsweredWithAQuestionMark) {
  HerdOptions options;
  options.members = {"Goloman"};
  options.config = {{"max_records", 3}};
  TestHerd herd(options);
  herd.start("Goloman");

  // One pipelined request: the refused lines cost no other line its reply.
  TcpClient client = herd.connect("Goloman");
  std::string request =
      iamat_line("a", "100.5") + iamat_line("b", "100.5") + iamat_line("c", "100.5");
  for (const char* late : {"d", "e", "f", "g"}) request += iamat_line(late, "100.5");
  request += iamat_line("a", "101.5") + "WHATSAT a 10 0\n";
  client.send(request);
  client.shutdown_write();
  const auto replies = client.read_to_eof();
  ASSERT_TRUE(replies);
  const std::vector<std::string> lines = lines_of(*replies);
  ASSERT_GE(lines.size(), 9u) << *replies;
  for (int i = 0; i < 3; ++i) EXPECT_THAT(lines[i], StartsWith("AT Goloman ")) << i;
  EXPECT_EQ(lines[3], "? IAMAT d +34.068930-118.445127 100.5");
  EXPECT_EQ(lines[6], "? IAMAT g +34.068930-118.445127 100.5");
  // The known client updates at the bound, and WHATSAT sees the update.
  EXPECT_THAT(lines[7], StartsWith("AT Goloman "));
  EXPECT_THAT(lines[7], HasSubstr(" a +34.068930-118.445127 101.5"));
  EXPECT_EQ(lines[8], lines[7]);

  EXPECT_EQ(herd.record_at("Goloman", "d"), "");
  EXPECT_THAT(herd.record_at("Goloman", "b"), HasSubstr(" b +34.068930-118.445127 100.5"));
  // The first refusal in full, the next three within the second in one summary.
  EXPECT_TRUE(log_has(herd, "Goloman", "IAMAT for \"d\" refused: table full (3 of 3 records"));
  EXPECT_TRUE(log_has(herd, "Goloman", "IAMATs refused (table full): 3 more in the last "));
  EXPECT_TRUE(log_has(herd, "Goloman", "(4 in all)"));
  EXPECT_THAT(herd.log_text("Goloman"), Not(HasSubstr("IAMAT for \"e\"")));
}

TEST(TableBounds, NewClientsPastTheTextBudgetAreRefusedAndKnownOnesStillUpdate) {
  HerdOptions options;
  options.members = {"Goloman"};
  options.config = {{"max_record_text_bytes", 1024}};  // the least allowed
  TestHerd herd(options);
  herd.start("Goloman");

  // Clients of 90 bytes of text each: a few fit 1024 bytes less the reserve.
  const auto client = [](int i) {
    return "client-" + std::to_string(100 + i) + std::string(54, 'x');
  };
  constexpr int clients = 20;
  std::string request;
  for (int i = 0; i < clients; ++i) request += iamat_line(client(i), "100.5");
  request += iamat_line(client(0), "101.5");
  TcpClient connection = herd.connect("Goloman");
  connection.send(request);
  connection.shutdown_write();
  const auto replies = connection.read_to_eof();
  ASSERT_TRUE(replies);
  const std::vector<std::string> lines = lines_of(*replies);
  ASSERT_EQ(lines.size(), clients + 1u) << *replies;
  // Admitted in order until the budget less its reserve is reached, then none.
  int admitted = 0;
  while (admitted < clients && lines[admitted].starts_with("AT Goloman ")) ++admitted;
  EXPECT_GE(admitted, 5);
  EXPECT_LT(admitted, clients);
  for (int i = admitted; i < clients; ++i) {
    const std::string line = iamat_line(client(i), "100.5");
    EXPECT_EQ(lines[i], "? " + line.substr(0, line.size() - 1)) << i;
  }
  // The first client, known, still updates.
  EXPECT_THAT(lines[clients], StartsWith("AT Goloman "));
  EXPECT_THAT(lines[clients], HasSubstr(" 101.5"));
  EXPECT_THAT(herd.record_at("Goloman", client(0)), HasSubstr(" 101.5"));
  EXPECT_EQ(herd.record_at("Goloman", client(admitted)), "");
  EXPECT_TRUE(
      log_has(herd, "Goloman",
              "refused: table full (" + std::to_string(admitted) + " of 16000000 records, "));
}

TEST(TableBounds, ANeighbourWithASmallerBoundDropsAndCountsEchoesOfNewClients) {
  HerdOptions options;
  options.members = {"Goloman", "Hands"};
  options.member_config["Hands"] = {{"max_records", 2}};
  TestHerd herd(options);
  herd.start_all();

  std::map<std::string, std::string> at_lines;
  for (const std::string client : {"c1", "c2", "c3", "c4"}) {
    const std::string reply = herd.exchange("Goloman", iamat_line(client, "100.5"));
    ASSERT_THAT(reply, StartsWith("AT Goloman ")) << client;
    at_lines[client] = reply.substr(0, reply.size() - 1);
  }
  // Goloman has room for all four; Hands holds the first two, as flooded in order.
  EXPECT_EQ(herd.records_at("Goloman", {"c1", "c2", "c3", "c4"}), at_lines);
  ASSERT_TRUE(eventually(
      [&] {
        return herd.records_at("Hands", {"c1", "c2"}).size() == 2;
      },
      scaled(3000ms)));
  EXPECT_TRUE(log_has(herd, "Hands", "link Goloman: ECHO for \"c3\" dropped: table full (2 of 2"));
  EXPECT_TRUE(log_has(herd, "Hands", "ECHOs dropped (table full): 1 more in the last "));
  EXPECT_TRUE(log_has(herd, "Hands", "(2 in all)"));
  EXPECT_TRUE(herd.records_at("Hands", {"c3", "c4"}).empty());

  // A known client's update still reaches it, over the same link.
  const std::string reply = herd.exchange("Goloman", iamat_line("c1", "200.5"));
  ASSERT_THAT(reply, StartsWith("AT Goloman "));
  const std::string updated = reply.substr(0, reply.size() - 1);
  EXPECT_TRUE(eventually([&] { return herd.record_at("Hands", "c1") == updated; }, scaled(3000ms)));
  EXPECT_THAT(herd.log_text("Hands"), Not(HasSubstr("link Goloman: dropped")));
}

}  // namespace
}  // namespace herd::test
