// Buy ladder (one shot, growing rungs, regime scaled) and the ratcheting
// sell ladder on scripted books and positions.
#include "tickrail/strategies/ladders.hpp"

#include <gtest/gtest.h>

#include "support/strategy_fixture.hpp"

namespace tickrail::strategies {
namespace {

using core::regime;
using core::side;

TEST(ladder, one_shot_rungs_grow_deeper_and_scale_with_the_regime) {
  ladder_params p;
  p.rungs = 3;
  p.first_below_ppm = 10'000;
  p.step_ppm = 10'000;
  p.size_lots = 10;
  p.size_growth_permille = 1500;
  order_ids ids(1, 1);
  ladder l(p, 0, 6, ids);
  intent_sink sink;
  EXPECT_EQ(l.fire(100'000, at(1), regime::calm, sink), 3u);
  const core::ticks prices[] = {99'000, 98'000, 97'000};
  const core::lots sizes[] = {10, 15, 22};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sink.intents()[i].order_side, side::buy);
    EXPECT_EQ(sink.intents()[i].price_ticks, prices[i]);
    EXPECT_EQ(sink.intents()[i].qty_lots, sizes[i]);
  }
  sink.clear();
  EXPECT_EQ(l.fire(100'000, at(2), regime::transition, sink), 3u);
  EXPECT_EQ(sink.intents()[0].qty_lots, 5);
  sink.clear();
  EXPECT_EQ(l.fire(100'000, at(3), regime::stress, sink), 0u);
  EXPECT_EQ(l.fire(0, at(4), regime::calm, sink), 0u);
}

TEST(sell_ladder, splits_the_position_and_ratchets_up_never_down) {
  sell_ladder_params p;
  p.rungs = 3;
  p.first_above_ppm = 10'000;
  p.step_ppm = 10'000;
  p.ratchet_ppm = 5'000;
  order_ids ids(1, 1);
  sell_ladder s(p, 0, 7, ids);
  intent_sink sink;
  const position_view pos{100, 100'000};
  s.on_book(book_at(99'990, 100'010), pos, at(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 3u);
  const core::ticks prices[] = {101'000, 102'000, 103'000};
  const core::lots sizes[] = {33, 33, 34};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sink.intents()[i].order_side, side::sell);
    EXPECT_EQ(sink.intents()[i].flags, core::k_order_reduce_only);
    EXPECT_EQ(sink.intents()[i].price_ticks, prices[i]);
    EXPECT_EQ(sink.intents()[i].qty_lots, sizes[i]);
  }
  const core::client_order_id first = sink.intents()[0].cl_ord_id;
  sink.clear();
  s.on_book(book_at(100'490, 100'510), pos, at(2), regime::calm, sink);  // +0.5 %: not beyond
  EXPECT_TRUE(sink.intents().empty());
  s.on_book(book_at(100'491, 100'511), pos, at(3), regime::calm, sink);  // beyond: edit up
  ASSERT_EQ(sink.intents().size(), 3u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::replace);
  EXPECT_EQ(sink.intents()[0].cl_ord_id, first);
  EXPECT_EQ(sink.intents()[0].price_ticks, 101'506);  // mid 100501 × 1.01, truncated
  sink.clear();
  s.on_book(book_at(95'000, 95'010), pos, at(4), regime::calm, sink);  // a fall: never down
  EXPECT_TRUE(sink.intents().empty());
  EXPECT_EQ(s.reference(), 100'501);
  // Rungs fill one by one; when all are done the next position gets a new ladder.
  for (core::client_order_id id = first; id < first + 3; ++id) {
    core::exec_report x{};
    x.kind = core::exec_kind::fill;
    x.cl_ord_id = id;
    x.last_qty_lots = 34;
    s.on_exec(x);
  }
  EXPECT_EQ(s.working(), 0u);
  EXPECT_EQ(s.reference(), 0);
}

}  // namespace
}  // namespace tickrail::strategies
