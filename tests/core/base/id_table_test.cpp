#include "tickrail/core/id_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

namespace tickrail::core {
namespace {

// Keys shaped like the client order ids the risk engine stores (events.hpp:
// the bot in the top 16 bits, a counter below), written out here so this
// layer's test needs nothing above base.
constexpr std::uint64_t bot_shaped_id(std::uint64_t bot, std::uint64_t counter) {
  return bot << 48 | (counter & ((1ull << 48) - 1));
}

TEST(id_table, insert_find_overwrite_erase) {
  id_table t(8);
  EXPECT_EQ(t.find(5), id_table::k_absent);
  EXPECT_TRUE(t.insert(5, 50));
  EXPECT_TRUE(t.insert(6, 60));
  EXPECT_EQ(t.find(5), 50u);
  EXPECT_TRUE(t.insert(5, 55));  // overwrite, not a second entry
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.find(5), 55u);
  EXPECT_TRUE(t.erase(5));
  EXPECT_FALSE(t.erase(5));
  EXPECT_EQ(t.find(5), id_table::k_absent);
  EXPECT_EQ(t.find(6), 60u);
  // Key 0 is "empty": never stored, never found.
  EXPECT_FALSE(t.insert(0, 1));
  EXPECT_EQ(t.find(0), id_table::k_absent);
  EXPECT_FALSE(t.erase(0));
}

TEST(id_table, refuses_inserts_beyond_its_entries) {
  id_table t(4);
  for (std::uint64_t k = 1; k <= 4; ++k) EXPECT_TRUE(t.insert(k, static_cast<std::uint32_t>(k)));
  EXPECT_TRUE(t.full());
  EXPECT_FALSE(t.insert(99, 1));
  EXPECT_TRUE(t.insert(3, 33));  // an existing key may still change
  EXPECT_EQ(t.find(3), 33u);
}

// Random churn of client order ids shaped like the engine's (per-bot
// counters in the low bits, the bot in the top bits, long-lived ids among
// short-lived ones), against std::unordered_map: every find agrees after
// every operation, through both inserts.
TEST(id_table, churn_agrees_with_a_reference_map) {
  constexpr std::size_t k_entries = 256;
  id_table t(k_entries);
  std::unordered_map<std::uint64_t, std::uint32_t> ref;
  std::vector<std::uint64_t> live;
  std::mt19937_64 rng(7);
  std::vector<std::uint64_t> next_id(4, 1);
  for (int step = 0; step < 200'000; ++step) {
    const bool add = live.empty() || (live.size() < k_entries && rng() % 100 < 52);
    if (add) {
      const std::uint16_t bot = static_cast<std::uint16_t>(rng() % next_id.size());
      const std::uint64_t key = bot_shaped_id(bot, next_id[bot]++);
      const auto value = static_cast<std::uint32_t>(rng());
      if (step % 2 == 0) {
        t.insert_new(key, value);
      } else {
        ASSERT_TRUE(t.insert(key, value));
      }
      ref[key] = value;
      live.push_back(key);
    } else {
      // Mostly recent ids go; some old ones linger.
      const std::size_t recent = std::min<std::size_t>(live.size(), 8);
      const std::size_t pick = rng() % 4 == 0 ? rng() % live.size() : live.size() - 1 - rng() % recent;
      const std::uint64_t key = live[pick];
      live[pick] = live.back();
      live.pop_back();
      ASSERT_TRUE(t.erase(key));
      ref.erase(key);
    }
    ASSERT_EQ(t.size(), ref.size());
    if (step % 64 == 0) {
      for (const auto& [k, v] : ref) ASSERT_EQ(t.find(k), v) << "step " << step;
      ASSERT_EQ(t.find(bot_shaped_id(0, next_id[0])), id_table::k_absent);
    }
  }
}

}  // namespace
}  // namespace tickrail::core
