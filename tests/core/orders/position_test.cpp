// The one average-entry rule (position.hpp). Expected values are worked by
// hand from the rule in the header, never through the code under test.
#include "tickrail/core/position.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace tickrail::core {
namespace {

TEST(position, adding_rounds_the_average_to_the_nearest_tick) {
  position p;
  EXPECT_TRUE(p.apply_fill(side::buy, 1, 100));
  EXPECT_TRUE(p.apply_fill(side::buy, 2, 101));
  EXPECT_EQ(p.qty_lots, 3);
  EXPECT_EQ(p.cost, 302);             // 100 + 2 × 101
  EXPECT_EQ(p.avg_entry_ticks, 101);  // 100.67 → 101 (truncating would say 100)
}

TEST(position, halves_round_up) {
  position p;
  EXPECT_TRUE(p.apply_fill(side::sell, 1, 100));
  EXPECT_TRUE(p.apply_fill(side::sell, 1, 101));
  EXPECT_EQ(p.qty_lots, -2);
  EXPECT_EQ(p.avg_entry_ticks, 101);  // 100.5 → 101
}

TEST(position, reducing_keeps_the_remainders_entry) {
  position p;
  EXPECT_TRUE(p.apply_fill(side::buy, 1, 100));
  EXPECT_TRUE(p.apply_fill(side::buy, 2, 101));   // cost 302 over 3
  EXPECT_TRUE(p.apply_fill(side::sell, 1, 500));  // the exit price does not matter
  EXPECT_EQ(p.qty_lots, 2);
  EXPECT_EQ(p.cost, 202);  // 302 − 302 × 1 / 3 = 302 − 100 (truncated)
  EXPECT_EQ(p.avg_entry_ticks, 101);
}

TEST(position, through_zero_restarts_at_the_fill_price) {
  position p;
  EXPECT_TRUE(p.apply_fill(side::buy, 10, 1000));
  EXPECT_TRUE(p.apply_fill(side::sell, 25, 990));
  EXPECT_EQ(p.qty_lots, -15);
  EXPECT_EQ(p.cost, 14'850);
  EXPECT_EQ(p.avg_entry_ticks, 990);
  EXPECT_TRUE(p.apply_fill(side::buy, 15, 1));
  EXPECT_EQ(p.qty_lots, 0);
  EXPECT_EQ(p.cost, 0);
  EXPECT_EQ(p.avg_entry_ticks, 0);
}

TEST(position, untrusted_fills_are_ignored) {
  position p;
  EXPECT_TRUE(p.apply_fill(side::buy, 5, 100));
  EXPECT_FALSE(p.apply_fill(side::buy, 0, 100));
  EXPECT_FALSE(p.apply_fill(side::buy, -3, 100));
  EXPECT_FALSE(p.apply_fill(side::buy, INT64_MAX, 100));  // would overflow the position
  EXPECT_EQ(p.qty_lots, 5);
  EXPECT_EQ(p.avg_entry_ticks, 100);
}

TEST(position, zero_and_negative_prices_still_move_the_quantity) {
  position p;  // a combo instrument can trade at or below zero
  EXPECT_TRUE(p.apply_fill(side::buy, 2, 0));
  EXPECT_TRUE(p.apply_fill(side::buy, 2, -10));
  EXPECT_EQ(p.qty_lots, 4);
  EXPECT_EQ(p.cost, -20);
  EXPECT_EQ(p.avg_entry_ticks, -4);  // (-20 + 2) / 4, truncated toward zero
}

TEST(position, huge_reductions_do_not_overflow) {
  position p;
  constexpr lots k_big = 4'000'000'000'000'000'000;  // 4e18 lots
  constexpr ticks k_px = 3'000'000'000'000'000'000;  // 3e18 ticks
  EXPECT_TRUE(p.apply_fill(side::buy, k_big, k_px));
  EXPECT_TRUE(p.apply_fill(side::sell, k_big - 1, k_px));
  EXPECT_EQ(p.qty_lots, 1);
  EXPECT_EQ(p.avg_entry_ticks, k_px);
}

TEST(position, reset_takes_a_venue_snapshot) {
  position p;
  EXPECT_TRUE(p.apply_fill(side::buy, 3, 100));
  p.reset(-7, 995);
  EXPECT_EQ(p.qty_lots, -7);
  EXPECT_EQ(p.avg_entry_ticks, 995);
  EXPECT_EQ(p.cost, 6'965);
  p.reset(0, 995);
  EXPECT_EQ(p.avg_entry_ticks, 0);
  EXPECT_EQ(p.cost, 0);
}

}  // namespace
}  // namespace tickrail::core
