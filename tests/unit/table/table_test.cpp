// The record table and protocol.md §5's total order, without sockets.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "herd/table/table.hpp"

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
  EXPECT_TRUE(order.greater(record("c", 5, 7, 4), record("c", 5, 7, 1)));  // Wilkes > Hands
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
  EXPECT_EQ(table.apply(record("kiwi", 10, 20, 1, "+34.068930-118.445127", "10.0")),
            Applied::stored);
  const auto found = table.find("kiwi");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->client, "kiwi");
  EXPECT_EQ(found->location, "+34.068930-118.445127");
  EXPECT_EQ(found->time, "10.0");
  EXPECT_EQ(found->receive_time, 20);
  EXPECT_EQ(found->origin, 1);
  EXPECT_EQ(table.size(), 1u);
}

TEST(Table, OnlyGreaterUpdatesReplace) {
  Table table(members);
  ASSERT_EQ(table.apply(record("kiwi", 10'000'000'000, 20, 0, "+1+1", "10")), Applied::stored);
  EXPECT_EQ(table.apply(record("kiwi", 9'000'000'000, 99, 4, "+2+2", "9")), Applied::not_newer);
  EXPECT_EQ(table.apply(record("kiwi", 10'000'000'000, 20, 0, "+3+3", "10")), Applied::not_newer);
  EXPECT_EQ(table.find("kiwi")->location, "+1+1");
  EXPECT_EQ(table.apply(record("kiwi", 11'000'000'000, 1, 3, "+44.5-2.25", "11")), Applied::stored);
  const auto found = table.find("kiwi");
  EXPECT_EQ(found->location, "+44.5-2.25");
  EXPECT_EQ(found->time, "11");
  EXPECT_EQ(found->client_time, 11'000'000'000);
  EXPECT_EQ(found->origin, 3);
  EXPECT_EQ(table.size(), 1u);
}

TEST(Table, ClientTimeComesFromTheStoredText) {
  Table table(members);
  ASSERT_EQ(table.apply(record("c", 1'500'000'000, 7, 0, "+1+1", "1.5")), Applied::stored);
  EXPECT_EQ(table.find("c")->client_time, 1'500'000'000);
}

TEST(Table, PositionsAreStableAsTheTableGrows) {
  Table table(members);
  std::vector<std::string> clients;
  // Enough for several index growths, two record chunks and arena blocks.
  for (int i = 0; i < 150000; ++i) clients.push_back("client:" + std::to_string(i));
  for (const auto& client : clients) {
    ASSERT_EQ(table.apply(record(client, 1, 1, 0)), Applied::stored);
  }
  ASSERT_EQ(table.size(), clients.size());
  for (std::size_t i = 0; i < clients.size(); ++i) {
    EXPECT_EQ(table.at(i).client, clients[i]);
    ASSERT_TRUE(table.find(clients[i]));
  }
}

TEST(Table, UpdatesLongerOrShorterThanTheHeldTextAreStoredExactly) {
  Table table(members);
  ASSERT_EQ(table.apply(record("neighbour", 1, 1, 0, "+1+1", "1")), Applied::stored);
  ASSERT_EQ(table.apply(record("phone", 1, 1, 0, "+1+1", "1")), Applied::stored);
  const std::vector<std::pair<std::string, std::string>> updates = {
      {"+34.068930-118.445127", "2.918963997"},  // longer: a new slice
      {"+1+1", "3"},                             // shorter: written over it
      {"+34.068930-118.445127", "4.5"},          // back within its room
      {std::string(300, '+'), "5"},              // far longer
  };
  for (const auto& [location, time] : updates) {
    const nanoseconds_t client_time = parse_posix_time(time).value();
    ASSERT_EQ(table.apply(record("phone", client_time, 1, 0, location, time)), Applied::stored);
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
  EXPECT_EQ(table.apply(record("phone", 1, 1, 0, "+1+1", huge)), Applied::no_room);
  EXPECT_FALSE(table.find("phone"));
  EXPECT_EQ(table.size(), 0u);
}

TEST(Table, HoldsTextUpToItsLimit) {
  Table table(members);
  const std::string fits(Table::max_text_bytes - 5, 'c');  // with "+1+1" and "1"
  EXPECT_EQ(table.apply(record(fits, 1, 1, 0)), Applied::stored);
  EXPECT_EQ(table.find(fits)->client, fits);
  const std::string one_more(Table::max_text_bytes - 4, 'd');
  EXPECT_EQ(table.apply(record(one_more, 1, 1, 0)), Applied::no_room);
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

// --- the index's hash (protocol.md §5: no client can choose ids that collide) -----------------

// `count` ids whose unkeyed std::hash agrees in the low `bits` bits: what a
// client can compute for any server that indexes with it, and what filled one
// run of the old index (85x the CPU per insert, growing with every such id).
std::vector<std::string> ids_colliding_under_std_hash(int count, int bits) {
  const std::size_t mask = (std::size_t{1} << bits) - 1;
  std::vector<std::string> ids;
  for (std::uint64_t n = 0; static_cast<int>(ids.size()) < count; ++n) {
    std::string id = "attacker:" + std::to_string(n);
    if ((std::hash<std::string_view>{}(id)&mask) == 0) ids.push_back(std::move(id));
  }
  return ids;
}

TEST(TableIndex, IdsCollidingUnderAnUnkeyedHashSpreadOut) {
  // 600 ids into the first index of 1024 slots, all with one home slot under
  // std::hash: with it the longest probe is 600 slots; keyed, under any key,
  // it is what random ids give (tens at most at this load).
  const auto ids = ids_colliding_under_std_hash(600, 10);
  for (const SipKey& key :
       {SipKey{1, 2}, SipKey{0x0123456789abcdef, 0xfedcba9876543210}, SipKey{~0ULL, 0}}) {
    Table table(members, {}, key);
    for (const auto& id : ids) ASSERT_EQ(table.apply(record(id, 1, 1, 0)), Applied::stored);
    EXPECT_LT(table.index().longest_probe(), 64u);
    for (const auto& id : ids) ASSERT_TRUE(table.find(id)) << id;
  }
}

// --- bounds (protocol.md §5) -------------------------------------------------------------------

// An update whose text ("client location time") takes `size` bytes.
struct SizedUpdate {
  std::string client;
  std::string location;
  std::string time;
  nanoseconds_t client_time;

  SizedUpdate(std::string client_name, int seconds, std::size_t size)
      : client(std::move(client_name)),
        time(std::to_string(seconds)),
        client_time(seconds * 1'000'000'000LL) {
    location = "+" + std::string(size - client.size() - time.size() - 1, '1');
  }
  RecordView view() const { return RecordView{client, location, time, client_time, 1, 0}; }
};

Applied apply_sized(Table& table, const std::string& client, int seconds, std::size_t size) {
  return table.apply(SizedUpdate(client, seconds, size).view());
}

std::string client_name(int i) { return "c" + std::to_string(100 + i); }

TEST(TableBounds, AdmitsMaxRecordsAndNotOneMore) {
  Table table(members, {.max_records = 100});
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(apply_sized(table, client_name(i), 1, 60), Applied::stored);
  }
  EXPECT_EQ(apply_sized(table, client_name(100), 1, 60), Applied::no_room);
  EXPECT_EQ(table.size(), 100u);
  EXPECT_FALSE(table.find(client_name(100)));
  // Known clients still update, and stale updates are still just stale.
  EXPECT_EQ(apply_sized(table, client_name(0), 2, 200), Applied::stored);
  EXPECT_EQ(table.find(client_name(0))->time, "2");
  EXPECT_EQ(table.find(client_name(0))->location.size(), 200 - 4 - 1u);
  EXPECT_EQ(apply_sized(table, client_name(1), 1, 60), Applied::not_newer);
  EXPECT_EQ(table.size(), 100u);
}

// Budget 1600 bytes: new clients up to 1500 (the reserve is 1/16), growth up to 1600.
class TableTextBudget : public ::testing::Test {
 protected:
  void fill_to_admission_limit(Table& table) {
    for (int i = 0; i < 25; ++i) {
      ASSERT_EQ(apply_sized(table, client_name(i), 1, 60), Applied::stored) << i;
    }
    ASSERT_EQ(table.text_bytes(), 1500u);
  }
  Table table{members, {.max_record_text_bytes = 1600}};
};

TEST_F(TableTextBudget, NewClientsAreAdmittedUpToTheBudgetLessTheReserve) {
  fill_to_admission_limit(table);
  EXPECT_EQ(apply_sized(table, "late", 1, 60), Applied::no_room);
  EXPECT_EQ(apply_sized(table, "tiny", 1, 8), Applied::no_room);
  EXPECT_FALSE(table.find("late"));
  EXPECT_EQ(table.size(), 25u);
  EXPECT_EQ(table.text_bytes(), 1500u);
}

TEST_F(TableTextBudget, KnownClientsGrowIntoTheReserveUpToTheBudgetAndNotOneByteMore) {
  fill_to_admission_limit(table);
  // 84 bytes and 16 of room: a slice of 100, which is what the reserve holds.
  ASSERT_EQ(TextArena::capacity(TextArena::class_for(84 + 16)), 100u);
  EXPECT_EQ(apply_sized(table, client_name(0), 2, 84), Applied::stored);
  EXPECT_EQ(table.text_bytes(), 1600u);
  EXPECT_EQ(table.find(client_name(0))->time, "2");
  // Any other growth is refused, and leaves the record as it was.
  EXPECT_EQ(apply_sized(table, client_name(1), 2, 61), Applied::no_room);
  EXPECT_EQ(table.find(client_name(1))->time, "1");
  EXPECT_EQ(table.text_bytes(), 1600u);
  // Updates that fit their slices still go in.
  EXPECT_EQ(apply_sized(table, client_name(1), 3, 60), Applied::stored);
  EXPECT_EQ(apply_sized(table, client_name(0), 3, 100), Applied::stored);
  EXPECT_EQ(table.find(client_name(0))->time, "3");
  EXPECT_EQ(table.text_bytes(), 1600u);
}

TEST(TableTextBudgetOneByteLess, AGrowthOneBytePastTheBudgetIsRefused) {
  Table table(members, {.max_record_text_bytes = 1599});  // the same 1500 for new clients
  for (int i = 0; i < 25; ++i) {
    ASSERT_EQ(apply_sized(table, client_name(i), 1, 60), Applied::stored);
  }
  EXPECT_EQ(apply_sized(table, client_name(0), 2, 84), Applied::no_room);
  EXPECT_EQ(table.find(client_name(0))->time, "1");
  EXPECT_EQ(table.text_bytes(), 1500u);
}

TEST_F(TableTextBudget, ASliceLeftByAGrowthTakesInANewClientAtTheBound) {
  fill_to_admission_limit(table);
  ASSERT_EQ(apply_sized(table, client_name(0), 2, 84), Applied::stored);
  // The new client's text takes the 60 bytes the growth gave back.
  EXPECT_EQ(apply_sized(table, "late", 1, 58), Applied::stored);
  EXPECT_EQ(table.find("late")->client, "late");
  EXPECT_EQ(table.find(client_name(0))->time, "2");
  EXPECT_EQ(table.text_bytes(), 1600u);
  EXPECT_EQ(apply_sized(table, "later", 1, 58), Applied::no_room);
}

TEST(TableText, ARecordThatGrowsAndShrinksOverAndOverTakesNoMoreText) {
  Table table(members);
  ASSERT_EQ(apply_sized(table, "phone", 1, 60), Applied::stored);
  ASSERT_EQ(apply_sized(table, "phone", 2, 200), Applied::stored);
  const std::size_t after_growth = table.text_bytes();
  for (int second = 3; second < 2000; ++second) {
    ASSERT_EQ(apply_sized(table, "phone", second, second % 2 ? 60 : 200), Applied::stored);
  }
  EXPECT_EQ(table.text_bytes(), after_growth);
}

TEST(TableText, SlicesLeftByGrowthAreReused) {
  // Each round a new client arrives with 60 bytes and grows to 100 (a slice of
  // 116): the next one takes the 60 bytes the last one gave back.
  Table table(members);
  constexpr int rounds = 1000;
  for (int i = 0; i < rounds; ++i) {
    ASSERT_EQ(apply_sized(table, client_name(i), 1, 60), Applied::stored);
    ASSERT_EQ(apply_sized(table, client_name(i), 2, 100), Applied::stored);
  }
  EXPECT_EQ(table.text_bytes(), 60 + rounds * TextArena::capacity(TextArena::class_for(116)));
  for (int i = 0; i < rounds; ++i) EXPECT_EQ(table.find(client_name(i))->time, "2");
}

}  // namespace
}  // namespace herd
