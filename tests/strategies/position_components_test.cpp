// dip_buyer, min_order, take_profit and threshold_tp on scripted books,
// positions and fills.
#include "tickrail/strategies/position_components.hpp"

#include <gtest/gtest.h>

#include "support/strategy_fixture.hpp"

namespace tickrail::strategies {
namespace {

using core::regime;
using core::side;

constexpr std::int64_t k_s = 1'000'000'000;

TEST(dip_buyer, scaled_bids_below_the_anchor_and_rebid_after_a_fill) {
  dip_buyer_params p;
  p.levels[0] = {10'000, 5};   // 1 % below, 5 lots
  p.levels[1] = {30'000, 10};  // 3 % below, 10 lots
  p.level_count = 2;
  order_ids ids(1, 1);
  dip_buyer d(p, 0, 2, ids);
  intent_sink sink;
  d.on_book(book_at(99990, 100010), at(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 2u);
  EXPECT_EQ(sink.intents()[0].price_ticks, 99000);
  EXPECT_EQ(sink.intents()[0].qty_lots, 5);
  EXPECT_EQ(sink.intents()[1].price_ticks, 97000);
  EXPECT_EQ(sink.intents()[1].qty_lots, 10);
  const core::client_order_id first = sink.intents()[0].cl_ord_id;
  sink.clear();
  d.on_book(book_at(98990, 99010), at(2), regime::calm, sink);  // anchored once: nothing
  EXPECT_TRUE(sink.intents().empty());
  d.on_exec(fill_of(first, 5), at(3), regime::transition, sink);
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].price_ticks, 99000);  // same level again
  EXPECT_EQ(sink.intents()[0].qty_lots, 2);         // 5 × 0.5, rounded down
  EXPECT_NE(sink.intents()[0].cl_ord_id, first);
  sink.clear();
  d.set_anchor(90'000, at(4), regime::stress, sink);  // buys gated: cancels only
  EXPECT_EQ(sink.intents().size(), 2u);
  for (const auto& in : sink.intents()) EXPECT_EQ(in.kind, core::intent_kind::cancel);
}

TEST(min_order, bids_exactly_the_gap_every_interval_and_trails_the_bid) {
  order_ids ids(1, 1);
  min_order m({100, 10 * k_s}, 0, 3, ids);
  intent_sink sink;
  m.on_book(book_at(99990, 100010), {40, 99000}, at(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::place);
  EXPECT_EQ(sink.intents()[0].qty_lots, 60);
  EXPECT_EQ(sink.intents()[0].price_ticks, 99990);
  const core::client_order_id id = sink.intents()[0].cl_ord_id;
  sink.clear();
  m.on_book(book_at(99995, 100015), {40, 99000}, at(5 * k_s), regime::calm, sink);  // before the interval
  EXPECT_TRUE(sink.intents().empty());
  m.on_book(book_at(99995, 100015), {40, 99000}, at(11 * k_s), regime::calm, sink);  // trails the bid
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::replace);
  EXPECT_EQ(sink.intents()[0].cl_ord_id, id);
  EXPECT_EQ(sink.intents()[0].price_ticks, 99995);
  m.on_exec(fill_of(id, 20));
  sink.clear();
  m.on_book(book_at(99995, 100015), {60, 99000}, at(22 * k_s), regime::calm, sink);  // gap 40: 20 filled + 40
  EXPECT_TRUE(sink.intents().empty());  // same price, remaining 40 = gap: nothing to change
  sink.clear();
  m.on_book(book_at(99995, 100015), {100, 99000}, at(33 * k_s), regime::calm, sink);  // floor reached
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::cancel);
}

TEST(take_profit, arms_trails_sells_on_pullback_and_cools_down) {
  order_ids ids(1, 1);
  take_profit tp({20'000, 5'000, 60 * k_s}, 0, 4, ids);
  intent_sink sink;
  const position_view pos{30, 100'000};                                   // long 30 at 100000
  tp.on_book(book_at(101'990, 101'998), pos, at(1), regime::calm, sink);  // +1.99 %: not armed
  EXPECT_FALSE(tp.armed());
  tp.on_book(book_at(101'999, 102'001), pos, at(2), regime::calm, sink);  // +2 %: armed
  EXPECT_TRUE(tp.armed());
  tp.on_book(book_at(104'999, 105'001), pos, at(3), regime::calm, sink);  // new high 105000
  EXPECT_EQ(tp.high_water(), 105'000);
  tp.on_book(book_at(104'476, 104'478), pos, at(4), regime::calm, sink);  // -0.4988 %: hold
  EXPECT_TRUE(sink.intents().empty());
  tp.on_book(book_at(104'474, 104'476), pos, at(5), regime::calm, sink);  // -0.5 %: sell
  ASSERT_EQ(sink.intents().size(), 1u);
  const core::order_intent& exit = sink.intents()[0];
  EXPECT_EQ(exit.type, core::order_type::market);
  EXPECT_EQ(exit.order_side, side::sell);
  EXPECT_EQ(exit.qty_lots, 30);
  EXPECT_EQ(exit.flags, core::k_order_reduce_only);
  EXPECT_FALSE(tp.armed());
  sink.clear();
  tp.on_book(book_at(109'999, 110'001), pos, at(30 * k_s), regime::calm, sink);  // cooling down
  EXPECT_FALSE(tp.armed());
  tp.on_book(book_at(109'999, 110'001), pos, at(61 * k_s), regime::calm, sink);  // re-armed
  EXPECT_TRUE(tp.armed());
  // BLACK gates the sell: it stays armed and sells nothing.
  tp.on_book(book_at(99'999, 100'001), pos, at(62 * k_s), regime::black, sink);
  EXPECT_TRUE(sink.intents().empty());
  EXPECT_TRUE(tp.armed());
}

TEST(threshold_tp, sells_a_share_above_the_threshold_one_order_at_a_time) {
  order_ids ids(1, 1);
  threshold_tp t({100, 250}, 0, 5, ids);
  intent_sink sink;
  t.on_position({100, 0}, at(1), regime::calm, sink);  // at the threshold: nothing
  EXPECT_TRUE(sink.intents().empty());
  t.on_position({160, 0}, at(2), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].qty_lots, 40);
  EXPECT_EQ(sink.intents()[0].flags, core::k_order_reduce_only);
  const core::client_order_id id = sink.intents()[0].cl_ord_id;
  sink.clear();
  t.on_position({160, 0}, at(3), regime::calm, sink);  // in flight: wait
  EXPECT_TRUE(sink.intents().empty());
  t.on_exec(update_of(id, core::order_state::filled));
  t.on_position({120, 0}, at(4), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].qty_lots, 30);
}

}  // namespace
}  // namespace tickrail::strategies
