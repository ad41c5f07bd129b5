// The per-origin queue of a link (link_queue.hpp): an origin with a long
// backlog must not hold up another origin's lines, and nothing is lost,
// reordered within an origin, or taken twice.
#include "herd/links/link_queue.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_herd.hpp"

namespace herd {
namespace {

std::string numbered_line(std::size_t origin, std::size_t number) {
  return "ECHO origin" + std::to_string(origin) + ":" + std::to_string(number) +
         " +34.068930-118.445127 1621464827.959498503 1621464827.959498503 M";
}

std::vector<std::string> split_lines(const std::string& text) {
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "text does not end with a whole line";
  return test::lines_of(text);
}

TEST(LinkQueue, AnotherOriginsLineGoesOutAfterOneTurnOfABacklog) {
  LinkQueue queue(3);
  for (std::uint64_t ticket = 1; ticket <= 1000; ++ticket) {
    queue.push(0, numbered_line(0, ticket), ticket);
  }
  queue.push(2, numbered_line(2, 1), 1001);

  std::string out;
  queue.take(out, 8 * 1024);
  const std::size_t position = out.find(numbered_line(2, 1) + "\n");
  ASSERT_NE(position, std::string::npos) << "origin 2's line is not in the first write";
  EXPECT_LE(position, LinkQueue::turn_bytes);
  EXPECT_EQ(queue.taken_through(2), 1001u);
  EXPECT_LT(queue.taken_through(0), 1000u);
}

TEST(LinkQueue, EveryLineComesOutOnceInItsOriginsOrder) {
  LinkQueue queue(2);
  std::size_t pushed_bytes = 0;
  std::uint64_t ticket = 0;
  for (std::size_t number = 0; number < 500; ++number) {
    const std::size_t origin = number % 7 == 0 ? 1 : 0;  // interleaved, unevenly
    const std::string line = numbered_line(origin, number);
    queue.push(origin, line, ++ticket);
    pushed_bytes += line.size() + 1;
  }
  EXPECT_EQ(queue.bytes(), pushed_bytes);

  std::string out;
  while (!queue.empty()) {
    const std::size_t before = out.size();
    queue.take(out, 3000);
    ASSERT_GT(out.size(), before) << "a take from a non-empty queue took nothing";
  }
  EXPECT_EQ(out.size(), pushed_bytes);
  EXPECT_EQ(queue.bytes(), 0u);

  std::vector<std::size_t> seen[2];
  for (const std::string& line : split_lines(out)) {
    const std::size_t origin = line[11] - '0';
    seen[origin].push_back(std::stoul(line.substr(13, line.find(' ', 13) - 13)));
  }
  for (const auto& numbers : seen) {
    for (std::size_t i = 1; i < numbers.size(); ++i) EXPECT_LT(numbers[i - 1], numbers[i]);
  }
  EXPECT_EQ(seen[0].size() + seen[1].size(), 500u);
  EXPECT_EQ(queue.taken_through(0), queue.pushed_through(0));
  EXPECT_EQ(queue.taken_through(1), queue.pushed_through(1));
}

TEST(LinkQueue, ALineLongerThanATurnGoesOutWhole) {
  LinkQueue queue(1);
  const std::string long_line(3 * LinkQueue::turn_bytes, 'x');
  queue.push(0, long_line, 1);
  queue.push(0, "after", 2);

  std::string out;
  queue.take(out, 1);
  EXPECT_TRUE(out == long_line + "\n") << "took " << out.size() << " bytes";
  EXPECT_EQ(queue.taken_through(0), 1u);
  EXPECT_EQ(queue.pushed_through(0), 2u);
  out.clear();
  queue.take(out, 1);
  EXPECT_EQ(out, "after\n");
  EXPECT_TRUE(queue.empty());
}

TEST(LinkQueue, TicketsTellWhatIsTakenPerOrigin) {
  LinkQueue queue(2);
  queue.push(0, "a1", 1);
  queue.push(1, "b2", 2);
  queue.push(0, "a3", 3);
  EXPECT_EQ(queue.pushed_through(0), 3u);
  EXPECT_EQ(queue.taken_through(0), 0u);

  std::string out;
  queue.take(out, 1);  // one turn: origin 0's lines fit in it
  EXPECT_EQ(out, "a1\na3\n");
  EXPECT_EQ(queue.taken_through(0), 3u);
  EXPECT_EQ(queue.taken_through(1), 0u);
  queue.take(out, 1);
  EXPECT_EQ(queue.taken_through(1), 2u);
  EXPECT_TRUE(queue.empty());
}

}  // namespace
}  // namespace herd
