// Component building blocks: regime and options multipliers stacking,
// scaling, order ids.
#include "tickrail/strategies/component.hpp"

#include <gtest/gtest.h>

namespace tickrail::strategies {
namespace {

// Options multipliers stack on the regime's; a regime zero is never undone.
TEST(multipliers, stack_multiplicatively_and_never_ungate) {
  options_multipliers o;
  o.put = {1500, 700};
  o.call = {0, 1200};
  const auto calm_put = stacked(core::regime::calm, option_exposure::put, o);
  EXPECT_EQ(calm_put.buy_permille, 1500);
  EXPECT_EQ(calm_put.sell_permille, 700);
  const auto transition_put = stacked(core::regime::transition, option_exposure::put, o);
  EXPECT_EQ(transition_put.buy_permille, 750);   // 0.5 × 1.5
  EXPECT_EQ(transition_put.sell_permille, 560);  // 0.8 × 0.7
  const auto stress_put = stacked(core::regime::stress, option_exposure::put, o);
  EXPECT_EQ(stress_put.buy_permille, 0);  // STRESS buy gate survives a 1.5 multiplier
  EXPECT_EQ(scaled(10, stress_put, core::side::buy), 0);
  const auto calm_call = stacked(core::regime::calm, option_exposure::call, o);
  EXPECT_EQ(scaled(10, calm_call, core::side::buy), 0);
  EXPECT_EQ(scaled(10, calm_call, core::side::sell), 12);
  EXPECT_EQ(scaled(10, stacked(core::regime::black, option_exposure::none, o), core::side::sell), 0);
  EXPECT_EQ(scaled(7, stacked(core::regime::aftermath, option_exposure::none, o), core::side::buy), 2);  // 2.1 → 2
}

}  // namespace
}  // namespace tickrail::strategies

namespace tickrail::strategies {
namespace {

TEST(order_ids, carry_the_bot_and_increase) {
  order_ids ids(42, 7);
  const core::client_order_id a = ids.next(), b = ids.next();
  EXPECT_EQ(core::bot_of(a), 42);
  EXPECT_EQ(core::bot_of(b), 42);
  EXPECT_EQ(b, a + 1);
}

}  // namespace
}  // namespace tickrail::strategies
