// The record table and SPEC §5's total order, without sockets.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "herd/table.hpp"

namespace herd {
namespace {

// Member indices as in the default config: names sort in the same order here,
// except that the tests below use "Wilkes"(4) > "Hands"(1) by name.
const std::vector<std::string> members = {"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"};

RecordView record(std::string_view client, nanoseconds_t client_time, nanoseconds_t receive_time,
                  std::uint8_t origin, std::string_view location = "+1+1",
                  std::string_view time = "1") {
  return RecordView{client, location, time, client_time, receive_time, origin};
}

TEST(TableOrder, ClientTimeDecidesFirst) {
  const RecordOrder order(members);
  EXPECT_TRUE(order.greater(record("c", 2, 0, 0), record("c", 1, 99, 4)));
  EXPECT_FALSE(order.greater(record("c", 1, 99, 4), record("c", 2, 0, 0)));
}

TEST(TableOrder, ReceiveTimeBreaksClientTimeTies) {
  const RecordOrder order(members);
  EXPECT_TRUE(order.greater(record("c", 5, 7, 0), record("c", 5, 6, 4)));
  EXPECT_FALSE(order.greater(record("c", 5, 6, 4), record("c", 5, 7, 0)));
}

TEST(TableOrder, OriginNameBreaksTheLastTie) {
  const RecordOrder order(members);
  EXPECT_TRUE(order.greater(record("c", 5, 7, 4), record("c", 5, 7, 1)));   // Wilkes > Hands
  EXPECT_FALSE(order.greater(record("c", 5, 7, 1), record("c", 5, 7, 4)));
  EXPECT_FALSE(order.greater(record("c", 5, 7, 2), record("c", 5, 7, 2)));  // not strictly
}

TEST(TableOrder, RanksByNameNotByIndex) {
  // Config order need not be alphabetical: "Alpha" at index 1 still sorts first.
  const RecordOrder order({"Zulu", "Alpha"});
  EXPECT_TRUE(order.greater(record("c", 1, 1, 0), record("c", 1, 1, 1)));
}

TEST(Table, FirstRecordIsStoredAndFound) {
  Table table(members);
  EXPECT_FALSE(table.find("kiwi"));
  EXPECT_TRUE(table.apply(record("kiwi", 10, 20, 1, "+34.068930-118.445127", "10.0")));
  const auto found = table.find("kiwi");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->client, "kiwi");
  EXPECT_EQ(found->location, "+34.068930-118.445127");
  EXPECT_EQ(found->time, "10.0");
  EXPECT_EQ(found->receive_time, 20);
  EXPECT_EQ(found->origin, 1);
  EXPECT_EQ(table.size(), 1u);
}

TEST(Table, PrefetchingClientsOfAnyLinesChangesNothing) {
  Table table(members);
  ASSERT_TRUE(table.apply(record("kiwi", 10, 20, 1)));
  for (const std::string_view text :
       {"", "\n", "IAMAT", "IAMAT ", " \t ", "IAMAT kiwi +1+1 10\nECHO kiwi",
        "WHATSAT kiwi 10 5\n\n\nHELLO Hands\n", "\tIAMAT\tkiwi", "no newline at all"}) {
    // An exact-size copy on the heap, so that ASan catches a read past the end (a
    // std::string would not: short ones live inside the object, and every one
    // keeps a terminating null past its size).
    const std::vector<char> lines(text.begin(), text.end());
    prefetch_clients({lines.data(), lines.size()}, table);
  }
  for (int n = 0; n < 50; ++n) table.prefetch("client:" + std::to_string(n));
  EXPECT_EQ(table.size(), 1u);
  const auto found = table.find("kiwi");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->location, "+1+1");
  EXPECT_EQ(found->receive_time, 20);
}

TEST(Table, OnlyGreaterUpdatesReplace) {
  Table table(members);
  ASSERT_TRUE(table.apply(record("kiwi", 10'000'000'000, 20, 0, "+1+1", "10")));
  EXPECT_FALSE(table.apply(record("kiwi", 9'000'000'000, 99, 4, "+2+2", "9")));
  EXPECT_FALSE(table.apply(record("kiwi", 10'000'000'000, 20, 0, "+3+3", "10")));
  EXPECT_EQ(table.find("kiwi")->location, "+1+1");
  EXPECT_TRUE(table.apply(record("kiwi", 11'000'000'000, 1, 3, "+44.5-2.25", "11")));
  const auto found = table.find("kiwi");
  EXPECT_EQ(found->location, "+44.5-2.25");
  EXPECT_EQ(found->time, "11");
  EXPECT_EQ(found->client_time, 11'000'000'000);
  EXPECT_EQ(found->origin, 3);
  EXPECT_EQ(table.size(), 1u);
}

TEST(Table, ClientTimeComesFromTheStoredText) {
  Table table(members);
  ASSERT_TRUE(table.apply(record("c", 1'500'000'000, 7, 0, "+1+1", "1.5")));
  EXPECT_EQ(table.find("c")->client_time, 1'500'000'000);
}

TEST(Table, PositionsAreStableAsTheTableGrows) {
  Table table(members);
  std::vector<std::string> clients;
  // Enough for several index growths, two record chunks and arena blocks.
  for (int i = 0; i < 150000; ++i) clients.push_back("client:" + std::to_string(i));
  for (const auto& client : clients) ASSERT_TRUE(table.apply(record(client, 1, 1, 0)));
  ASSERT_EQ(table.size(), clients.size());
  for (std::size_t i = 0; i < clients.size(); ++i) {
    EXPECT_EQ(table.at(i).client, clients[i]);
    ASSERT_TRUE(table.find(clients[i]));
  }
}

TEST(Table, UpdatesLongerOrShorterThanTheHeldTextAreStoredExactly) {
  Table table(members);
  ASSERT_TRUE(table.apply(record("neighbour", 1, 1, 0, "+1+1", "1")));
  ASSERT_TRUE(table.apply(record("phone", 1, 1, 0, "+1+1", "1")));
  const std::vector<std::pair<std::string, std::string>> updates = {
      {"+34.068930-118.445127", "2.918963997"},  // longer: a new slice
      {"+1+1", "3"},                               // shorter: written over it
      {"+34.068930-118.445127", "4.5"},            // back within its room
      {std::string(300, '+'), "5"},                // far longer
  };
  for (const auto& [location, time] : updates) {
    const nanoseconds_t client_time = parse_posix_time(time).value();
    ASSERT_TRUE(table.apply(record("phone", client_time, 1, 0, location, time)));
    const auto held = table.find("phone");
    ASSERT_TRUE(held);
    EXPECT_EQ(held->client, "phone");
    EXPECT_EQ(held->location, location);
    EXPECT_EQ(held->time, time);
    EXPECT_EQ(table.find("neighbour")->location, "+1+1");  // untouched
  }
  EXPECT_EQ(table.size(), 2u);
}

TEST(Table, RefusesARecordTooLongToHold) {
  Table table(members);
  const std::string huge(70000, '1');
  EXPECT_FALSE(table.apply(record("phone", 1, 1, 0, "+1+1", huge)));
  EXPECT_FALSE(table.find("phone"));
  EXPECT_EQ(table.size(), 0u);
}

TEST(Table, HoldsTextUpToItsLimit) {
  Table table(members);
  const std::string fits(Table::max_text_bytes - 5, 'c');  // with "+1+1" and "1"
  EXPECT_TRUE(table.apply(record(fits, 1, 1, 0)));
  EXPECT_EQ(table.find(fits)->client, fits);
  const std::string one_more(Table::max_text_bytes - 4, 'd');
  EXPECT_FALSE(table.apply(record(one_more, 1, 1, 0)));
  EXPECT_FALSE(table.find(one_more));
}

TEST(Table, SameUpdatesInAnyOrderGiveTheSameTable) {
  std::vector<std::string> times;
  std::vector<RecordView> updates;
  std::mt19937 random(42);
  for (int i = 0; i < 400; ++i) times.push_back(std::to_string(i % 7));
  for (int i = 0; i < 400; ++i) {
    updates.push_back(record(i % 2 ? "even" : "odd", (i % 7) * 1'000'000'000LL, i % 5,
                             static_cast<std::uint8_t>(i % 5), "+1+1", times[i]));
  }
  Table first(members);
  for (const auto& update : updates) first.apply(update);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(updates.begin(), updates.end(), random);
    Table other(members);
    for (const auto& update : updates) other.apply(update);
    for (const char* client : {"even", "odd"}) {
      EXPECT_EQ(other.find(client)->receive_time, first.find(client)->receive_time);
      EXPECT_EQ(other.find(client)->origin, first.find(client)->origin);
      EXPECT_EQ(other.find(client)->time, first.find(client)->time);
    }
  }
}

}  // namespace
}  // namespace herd
