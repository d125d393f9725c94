// MA crossover on a scripted mid path: entries on crosses, exits, shorts
// only when allowed, the trailing stop, and one sample per interval.
#include "tickrail/strategies/ma_crossover.hpp"

#include <gtest/gtest.h>

#include "support/strategy_fixture.hpp"

namespace tickrail::strategies {
namespace {

using core::regime;
using core::side;

constexpr std::int64_t k_s = 1'000'000'000;

core::order_book book_mid(core::ticks mid) {
  core::order_book b(64, 4096);
  (void)b.set_level(side::buy, mid - 1, 5);
  (void)b.set_level(side::sell, mid + 1, 5);
  b.mark_synced(1);
  return b;
}

ma_crossover_params params(bool shorts) {
  ma_crossover_params p;
  p.fast = 2;
  p.slow = 4;
  p.sample_interval_ns = k_s;
  p.size_lots = 10;
  p.trail_ppm = 50'000;  // 5 %: out of the way of the cross tests
  p.allow_shorts = shorts;
  return p;
}

// Feeds one mid per second; returns the intents of the last step.
struct driver {
  explicit driver(ma_crossover& m) : ma(m) {}
  ma_crossover& ma;
  intent_sink sink;
  std::int64_t t = 0;
  void step(core::ticks mid, core::lots position) {
    sink.clear();
    t += k_s;
    ma.on_book(book_mid(mid), {position, position != 0 ? 100'000 : 0}, at(t), regime::calm, sink);
  }
};

TEST(ma_crossover, buys_the_up_cross_and_sells_the_down_cross) {
  order_ids ids(1, 1);
  ma_crossover ma(params(false), 0, 9, ids);
  driver d(ma);
  for (core::ticks m : {100'000, 99'900, 99'800, 99'700, 99'600}) d.step(m, 0);  // falling: fast < slow
  EXPECT_EQ(ma.last_sign(), -1);
  EXPECT_TRUE(d.sink.intents().empty());  // the first sign is not a cross
  d.step(99'900, 0);
  d.step(100'200, 0);  // fast crosses above slow
  ASSERT_EQ(d.sink.intents().size(), 1u);
  EXPECT_EQ(d.sink.intents()[0].order_side, side::buy);
  EXPECT_EQ(d.sink.intents()[0].qty_lots, 10);
  EXPECT_EQ(d.sink.intents()[0].flags, 0);
  d.step(100'300, 10);
  d.step(100'000, 10);
  d.step(99'700, 10);  // crosses below: sell the long, no short
  ASSERT_EQ(d.sink.intents().size(), 1u);
  EXPECT_EQ(d.sink.intents()[0].order_side, side::sell);
  EXPECT_EQ(d.sink.intents()[0].flags, core::k_order_reduce_only);
}

TEST(ma_crossover, shorts_when_allowed_and_samples_once_per_interval) {
  order_ids ids(1, 1);
  ma_crossover ma(params(true), 0, 9, ids);
  driver d(ma);
  for (core::ticks m : {100'000, 100'100, 100'200, 100'300, 100'400}) d.step(m, 0);  // rising
  d.step(100'100, 0);
  d.step(99'800, 0);  // crosses below, flat: short
  ASSERT_EQ(d.sink.intents().size(), 1u);
  EXPECT_EQ(d.sink.intents()[0].order_side, side::sell);
  EXPECT_EQ(d.sink.intents()[0].flags, 0);
  // A book inside the interval does not sample: a mid that would cross the
  // averages back up changes nothing until the next interval.
  d.sink.clear();
  ma.on_book(book_mid(104'000), {-10, 100'000}, at(d.t + k_s / 2), regime::calm, d.sink);
  EXPECT_TRUE(d.sink.intents().empty());
  EXPECT_EQ(ma.last_sign(), -1);
  d.step(104'000, -10);  // sampled now: crosses up, buys back the short and goes long
  ASSERT_EQ(d.sink.intents().size(), 2u);
  EXPECT_EQ(d.sink.intents()[0].flags, core::k_order_reduce_only);
  EXPECT_EQ(d.sink.intents()[1].order_side, side::buy);
  EXPECT_EQ(d.sink.intents()[1].flags, 0);
}

TEST(ma_crossover, trailing_stop_closes_the_position) {
  order_ids ids(1, 1);
  ma_crossover_params p = params(false);
  p.trail_ppm = 10'000;  // 1 %
  ma_crossover ma(p, 0, 9, ids);
  driver d(ma);
  d.step(100'000, 10);
  d.step(102'000, 10);  // high 102000
  d.step(101'000, 10);  // -0.98 %: hold
  EXPECT_TRUE(d.sink.intents().empty());
  d.step(100'980, 10);  // -1 %: stop
  ASSERT_EQ(d.sink.intents().size(), 1u);
  EXPECT_EQ(d.sink.intents()[0].order_side, side::sell);
  EXPECT_EQ(d.sink.intents()[0].qty_lots, 10);
  EXPECT_EQ(d.sink.intents()[0].flags, core::k_order_reduce_only);
}

}  // namespace
}  // namespace tickrail::strategies
