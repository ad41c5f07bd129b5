// ClientPrefetch: every hash it hands out is the table's hash of the view asked
// for, whether or not the view is the field it hashed ahead, so a lookup with it
// finds what a lookup without it finds.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "herd/table/client_prefetch.hpp"
#include "herd/table/table.hpp"

namespace herd {
namespace {

const std::vector<std::string> members = {"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"};

// An exact-size copy on the heap, so that ASan catches a read past the end (a
// std::string would not: short ones live inside the object, and every one keeps
// a terminating null past its size).
std::vector<char> heap_copy(std::string_view text) { return {text.begin(), text.end()}; }

std::string_view view_of(const std::vector<char>& bytes) { return {bytes.data(), bytes.size()}; }

// The view of `field` inside `lines` (its first occurrence at or after `from`).
std::string_view field_in(std::string_view lines, std::string_view field, std::size_t from = 0) {
  return lines.substr(lines.find(field, from), field.size());
}

TEST(ClientPrefetch, HandsOutTheHashOfEachLinesClientInOrder) {
  const Table table(members);
  const auto bytes = heap_copy(
      "IAMAT kiwi +1+1 10\nWHATSAT apple 10 5\nECHO pear +1+1 1 2 Hands\n"
      "IAMAT\tplum +1+1 10\r\n");
  const std::string_view lines = view_of(bytes);
  ClientPrefetch clients(table, lines);
  for (const std::string_view client : {"kiwi", "apple", "pear", "plum"}) {
    EXPECT_EQ(clients.hash_of(field_in(lines, client)), table.client_hash(client)) << client;
  }
}

TEST(ClientPrefetch, AViewThatIsNotTheHashedFieldIsHashedAnew) {
  const Table table(members);
  const auto bytes = heap_copy("IAMAT kiwi +1+1 10\nIAMAT kiwi +1+1 11\nIAMAT fig +1+1 12\n");
  const std::string_view lines = view_of(bytes);
  ClientPrefetch clients(table, lines);
  const std::string_view first = field_in(lines, "kiwi");
  // The same start, another length: not what was hashed for that line.
  EXPECT_EQ(clients.hash_of(first.substr(0, 3)), table.client_hash("kiw"));
  // The same text elsewhere (a copy), then a field out of order.
  const std::string copy = "kiwi";
  EXPECT_EQ(clients.hash_of(copy), table.client_hash("kiwi"));
  EXPECT_EQ(clients.hash_of(field_in(lines, "fig")), table.client_hash("fig"));
  EXPECT_EQ(clients.hash_of(first), table.client_hash("kiwi"));
  EXPECT_EQ(clients.hash_of(field_in(lines, "kiwi", first.size() + 6)), table.client_hash("kiwi"));
}

TEST(ClientPrefetch, LinesSkippedOrNamingNoClientLeaveTheRestRight) {
  const Table table(members);
  const auto bytes = heap_copy("HELLO Hands\n\n   \nIAMAT\nbad line here\nIAMAT date +1+1 1\n");
  const std::string_view lines = view_of(bytes);
  ClientPrefetch clients(table, lines);
  EXPECT_EQ(clients.hash_of(field_in(lines, "date")), table.client_hash("date"));
  EXPECT_EQ(clients.hash_of(field_in(lines, "line")), table.client_hash("line"));
}

TEST(ClientPrefetch, AnyBytesArePrefetchedSafelyAndTheTableIsUnchanged) {
  Table table(members);
  ASSERT_EQ(table.apply(RecordView{"kiwi", "+1+1", "1", 10, 20, 1}), Applied::stored);
  for (const std::string_view text :
       {"", "\n", "IAMAT", "IAMAT ", " \t ", "IAMAT kiwi +1+1 10\nECHO kiwi",
        "WHATSAT kiwi 10 5\n\n\nHELLO Hands\n", "\tIAMAT\tkiwi", "no newline at all"}) {
    const auto bytes = heap_copy(text);
    ClientPrefetch clients(table, view_of(bytes));
    if (const auto at = text.find("kiwi"); at != std::string_view::npos) {
      EXPECT_EQ(clients.hash_of(view_of(bytes).substr(at, 4)), table.client_hash("kiwi"));
    }
  }
  EXPECT_EQ(table.size(), 1u);
  const auto found = table.find("kiwi");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->receive_time, 20);
}

TEST(ClientPrefetch, MoreLinesThanFitInPlaceAreAllHashed) {
  Table table(members);
  std::string text;
  for (int n = 0; n < 1000; ++n) text += "IAMAT c" + std::to_string(n) + " +1+1 10\n";
  const auto bytes = heap_copy(text);
  const std::string_view lines = view_of(bytes);
  ClientPrefetch clients(table, lines);
  std::size_t from = 0;
  for (int n = 0; n < 1000; ++n) {
    const std::string client = "c" + std::to_string(n);
    const std::string_view field = field_in(lines, client + " ", from).substr(0, client.size());
    from = static_cast<std::size_t>(field.data() - lines.data()) + field.size();
    const std::uint32_t hash = clients.hash_of(field);
    ASSERT_EQ(hash, table.client_hash(client)) << client;
    ASSERT_EQ(table.apply(RecordView{field, "+1+1", "10", 10, n, 0}, hash), Applied::stored);
  }
  // Found again by their own hashes: the records went where a lookup looks.
  for (int n = 0; n < 1000; ++n) {
    const auto found = table.find("c" + std::to_string(n));
    ASSERT_TRUE(found) << n;
    EXPECT_EQ(found->receive_time, n);
  }
}

}  // namespace
}  // namespace herd
