// Who dials whom and who gets a flooded update: pure functions of the topology.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "herd/config/config.hpp"
#include "herd/links/peers.hpp"

namespace herd {
namespace {

TEST(Topology, MemberNamesInMemberOrder) {
  Config config = default_config();
  EXPECT_EQ(config.member_names(),
            (std::vector<std::string>{"Goloman", "Hands", "Holiday", "Welsh", "Wilkes"}));
  EXPECT_EQ(member_list(config), "Goloman, Hands, Holiday, Welsh, Wilkes");
  config.members = {{"Solo", "127.0.0.1", 1}};
  EXPECT_EQ(config.member_names(), std::vector<std::string>{"Solo"});
  EXPECT_EQ(member_list(config), "Solo");
}

TEST(Topology, ExactlyOneSideOfEveryPairDials) {
  const Config config = default_config();
  for (const auto& [a, b] : config.links) {
    EXPECT_NE(dials(a, b), dials(b, a)) << a << " - " << b;
  }
  EXPECT_TRUE(dials("Goloman", "Hands"));
  EXPECT_FALSE(dials("Welsh", "Holiday"));
}

TEST(Topology, UpdateFromAClientGoesToEveryNeighbour) {
  const Config config = default_config();
  const auto goloman = *config.member_index("Goloman");
  const auto targets = flood_targets(config.neighbours(goloman), std::nullopt);
  EXPECT_EQ(targets, config.neighbours(goloman));
  EXPECT_EQ(targets.size(), 3u);
}

TEST(Topology, UpdateIsNotSentBackWhereItCameFrom) {
  const Config config = default_config();
  const auto holiday = *config.member_index("Holiday");
  const auto welsh = *config.member_index("Welsh");
  const auto targets = flood_targets(config.neighbours(holiday), welsh);
  EXPECT_EQ(targets.size(), 2u);
  EXPECT_EQ(std::count(targets.begin(), targets.end(), welsh), 0);
}

TEST(Topology, WelshOnlyForwardsToNobodyWhenHolidaySentIt) {
  const Config config = default_config();
  const auto welsh = *config.member_index("Welsh");
  const auto holiday = *config.member_index("Holiday");
  EXPECT_TRUE(flood_targets(config.neighbours(welsh), holiday).empty());
}

}  // namespace
}  // namespace herd
