// Bracket: legs placed from the average entry fill, the other leg cancelled
// when one fills, stop-loss retries then a market close, no legs without a
// fill, and a gated entry.
#include "tickrail/strategies/bracket.hpp"

#include <gtest/gtest.h>

#include "support/strategy_fixture.hpp"

namespace tickrail::strategies {
namespace {

using core::regime;
using core::side;

bracket_params long_params() {
  bracket_params p;
  p.entry_side = side::buy;
  p.entry_price_ticks = 100'000;
  p.size_lots = 10;
  p.stop_ppm = 10'000;
  p.take_ppm = 20'000;
  p.sl_retries = 3;
  return p;
}

TEST(bracket, legs_from_the_average_fill_and_one_cancels_the_other) {
  order_ids ids(1, 1);
  bracket b(long_params(), 0, 8, ids);
  intent_sink sink;
  ASSERT_TRUE(b.start(at(1), regime::calm, sink));
  ASSERT_EQ(sink.intents().size(), 1u);
  const core::client_order_id entry = sink.intents()[0].cl_ord_id;
  EXPECT_EQ(sink.intents()[0].price_ticks, 100'000);
  sink.clear();
  b.on_exec(fill_of(entry, 4, 100'000), at(2), sink);
  EXPECT_TRUE(sink.intents().empty());                // partial: legs wait for the whole entry
  b.on_exec(fill_of(entry, 6, 99'500), at(3), sink);  // average 99700
  ASSERT_EQ(sink.intents().size(), 2u);
  const core::order_intent& sl = sink.intents()[0];
  const core::order_intent& tp = sink.intents()[1];
  EXPECT_EQ(sl.type, core::order_type::stop_market);
  EXPECT_EQ(sl.order_side, side::sell);
  EXPECT_EQ(sl.trigger_price_ticks, 98'703);  // 99700 × 0.99
  EXPECT_EQ(sl.flags, core::k_order_reduce_only);
  EXPECT_EQ(sl.qty_lots, 10);
  EXPECT_EQ(tp.price_ticks, 101'694);  // 99700 × 1.02
  EXPECT_EQ(tp.flags, core::k_order_reduce_only);
  EXPECT_EQ(b.state(), bracket_state::protected_);
  const core::client_order_id sl_id = sl.cl_ord_id;
  const core::client_order_id tp_id = tp.cl_ord_id;
  sink.clear();
  b.on_exec(fill_of(tp_id, 10, 101'694), at(4), sink);
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::cancel);
  EXPECT_EQ(sink.intents()[0].cl_ord_id, sl_id);
  EXPECT_EQ(b.state(), bracket_state::done);
}

TEST(bracket, stop_loss_is_retried_then_the_position_is_closed) {
  order_ids ids(1, 1);
  bracket_params p = long_params();
  p.entry_price_ticks = 0;  // market entry
  bracket b(p, 0, 8, ids);
  intent_sink sink;
  ASSERT_TRUE(b.start(at(1), regime::calm, sink));
  EXPECT_EQ(sink.intents()[0].type, core::order_type::market);
  const core::client_order_id entry = sink.intents()[0].cl_ord_id;
  sink.clear();
  b.on_exec(fill_of(entry, 10, 100'000), at(2), sink);
  const core::client_order_id tp_id = sink.intents()[1].cl_ord_id;
  core::client_order_id sl_id = b.stop_id();
  for (int retry = 0; retry < 3; ++retry) {
    sink.clear();
    core::exec_report rej{};
    rej.kind = core::exec_kind::reject;
    rej.cl_ord_id = sl_id;
    b.on_exec(rej, at(3 + retry), sink);
    ASSERT_EQ(sink.intents().size(), 1u) << retry;
    EXPECT_EQ(sink.intents()[0].type, core::order_type::stop_market);
    EXPECT_NE(b.stop_id(), sl_id);
    sl_id = b.stop_id();
  }
  sink.clear();
  b.on_exec(update_of(sl_id, core::order_state::rejected), at(10), sink);  // fourth failure
  ASSERT_EQ(sink.intents().size(), 2u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::cancel);
  EXPECT_EQ(sink.intents()[0].cl_ord_id, tp_id);
  EXPECT_EQ(sink.intents()[1].type, core::order_type::market);
  EXPECT_EQ(sink.intents()[1].order_side, side::sell);
  EXPECT_EQ(sink.intents()[1].qty_lots, 10);
  EXPECT_EQ(sink.intents()[1].flags, core::k_order_reduce_only);
  EXPECT_EQ(b.state(), bracket_state::closing);
}

TEST(bracket, short_entry_mirrors_and_unfilled_entry_leaves_nothing) {
  order_ids ids(1, 1);
  bracket_params p = long_params();
  p.entry_side = side::sell;
  bracket b(p, 0, 8, ids);
  intent_sink sink;
  ASSERT_TRUE(b.start(at(1), regime::calm, sink));
  const core::client_order_id entry = sink.intents()[0].cl_ord_id;
  sink.clear();
  b.on_exec(fill_of(entry, 10, 100'000), at(2), sink);
  EXPECT_EQ(sink.intents()[0].trigger_price_ticks, 101'000);
  EXPECT_EQ(sink.intents()[0].order_side, side::buy);
  EXPECT_EQ(sink.intents()[1].price_ticks, 98'000);

  order_ids ids2(1, 1);
  bracket c(long_params(), 0, 8, ids2);
  sink.clear();
  ASSERT_TRUE(c.start(at(1), regime::calm, sink));
  const core::client_order_id entry2 = sink.intents()[0].cl_ord_id;
  sink.clear();
  c.on_exec(update_of(entry2, core::order_state::cancelled), at(2), sink);
  EXPECT_TRUE(sink.intents().empty());
  EXPECT_EQ(c.state(), bracket_state::done);

  order_ids ids3(1, 1);
  bracket d(long_params(), 0, 8, ids3);
  EXPECT_FALSE(d.start(at(1), regime::stress, sink));  // buys gated
  EXPECT_TRUE(sink.intents().empty());
}

TEST(bracket, nonsense_fill_prices_close_the_position_instead_of_leaving_it_unprotected) {
  order_ids ids(1, 1);
  bracket b(long_params(), 0, 8, ids);
  intent_sink sink;
  ASSERT_TRUE(b.start(at(1), regime::calm, sink));
  const core::client_order_id entry = sink.intents()[0].cl_ord_id;
  sink.clear();
  b.on_exec(fill_of(entry, 10, -5), at(2), sink);  // found by strategies_fuzz: legs priced below zero
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].type, core::order_type::market);
  EXPECT_EQ(sink.intents()[0].order_side, side::sell);
  EXPECT_EQ(sink.intents()[0].flags, core::k_order_reduce_only);
  EXPECT_EQ(b.state(), bracket_state::closing);
}

}  // namespace
}  // namespace tickrail::strategies
