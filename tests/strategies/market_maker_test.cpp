// Market maker on scripted books: quote placement per level, no churn inside
// the tolerance or before the refresh interval, inventory skew, regime gating
// (cancel the gated side), re-quote of an emptied level, and profiles.
#include "tickrail/strategies/market_maker.hpp"

#include <gtest/gtest.h>

#include "support/strategy_fixture.hpp"

namespace tickrail::strategies {
namespace {

using core::regime;
using core::side;

constexpr std::int64_t k_ms = 1'000'000;

core::event_header at_ms(std::int64_t ms) { return {ms, 0, ms * k_ms, core::event_type::market_data, 0, 0, 0}; }

market_maker_params params() {
  market_maker_params p;
  p.half_spread_ticks = 10;
  p.level_step_ticks = 5;
  p.orders_per_side = 2;
  p.size_lots = 10;
  p.refresh_interval_ns = 100 * k_ms;
  p.requote_tolerance_ticks = 3;
  p.inventory_skew_permille = 500;
  return p;
}

TEST(market_maker, quotes_each_level_then_requotes_only_beyond_tolerance_and_interval) {
  order_ids ids(2, 1);
  market_maker mm(params(), 0, 4, ids);
  intent_sink sink;
  mm.on_book(book_at(99990, 100010), 0, at_ms(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 4u);
  const core::ticks expected[] = {99990, 100010, 99985, 100015};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(sink.intents()[i].kind, core::intent_kind::place);
    EXPECT_EQ(sink.intents()[i].price_ticks, expected[i]);
    EXPECT_EQ(sink.intents()[i].qty_lots, 10);
    EXPECT_EQ(sink.intents()[i].component, 4);
  }
  const core::client_order_id first_bid = sink.intents()[0].cl_ord_id;

  sink.clear();
  mm.on_book(book_at(99995, 100015), 0, at_ms(50), regime::calm, sink);  // moved 5, but only 49 ms later
  EXPECT_TRUE(sink.intents().empty());
  mm.on_book(book_at(99993, 100013), 0, at_ms(150), regime::calm, sink);  // due, but moved 3: within tolerance
  EXPECT_TRUE(sink.intents().empty());
  mm.on_book(book_at(99995, 100015), 0, at_ms(151), regime::calm, sink);  // moved 5 and due: edit
  ASSERT_EQ(sink.intents().size(), 4u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::replace);
  EXPECT_EQ(sink.intents()[0].cl_ord_id, first_bid);
  EXPECT_EQ(sink.intents()[0].price_ticks, 99995);
}

TEST(market_maker, inventory_skew_leans_away_from_the_heavy_side) {
  order_ids ids(1, 1);
  market_maker mm(params(), 0, 1, ids);
  intent_sink sink;
  // Long 20 lots = 2 clips; 0.5 of the half spread per clip: 10 ticks down.
  mm.on_book(book_at(99990, 100010), 20, at_ms(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 4u);
  EXPECT_EQ(sink.intents()[0].price_ticks, 99980);
  EXPECT_EQ(sink.intents()[1].price_ticks, 100000);
  sink.clear();
  order_ids ids2(1, 1);
  market_maker short_mm(params(), 0, 1, ids2);
  short_mm.on_book(book_at(99990, 100010), -20, at_ms(1), regime::calm, sink);
  EXPECT_EQ(sink.intents()[0].price_ticks, 100000);
  EXPECT_EQ(sink.intents()[1].price_ticks, 100020);
}

TEST(market_maker, skew_never_quotes_across_the_touch) {
  // Short 90 lots = 9 clips: a 45-tick skew would put the bids 35 ticks
  // above the mid, through the ask. They stop one tick inside it instead.
  order_ids ids(1, 1);
  market_maker mm(params(), 0, 1, ids);
  intent_sink sink;
  mm.on_book(book_at(99990, 100010), -90, at_ms(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 4u);
  for (const auto& in : sink.intents()) {
    if (in.order_side == side::buy) {
      EXPECT_EQ(in.price_ticks, 100009);
    }
    if (in.order_side == side::sell) {
      EXPECT_GT(in.price_ticks, 100010);
    }
  }
  sink.clear();
  order_ids ids2(1, 1);
  market_maker long_mm(params(), 0, 1, ids2);
  long_mm.on_book(book_at(99990, 100010), 90, at_ms(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 4u);
  for (const auto& in : sink.intents()) {
    if (in.order_side == side::sell) {
      EXPECT_EQ(in.price_ticks, 99991);
    }
    if (in.order_side == side::buy) {
      EXPECT_LT(in.price_ticks, 99990);
    }
  }
}

TEST(market_maker, gated_side_is_cancelled_and_emptied_levels_are_requoted) {
  order_ids ids(1, 1);
  market_maker mm(params(), 0, 1, ids);
  intent_sink sink;
  mm.on_book(book_at(99990, 100010), 0, at_ms(1), regime::calm, sink);
  const core::client_order_id bid0 = sink.intents()[0].cl_ord_id;
  const core::client_order_id ask0 = sink.intents()[1].cl_ord_id;
  sink.clear();
  mm.on_book(book_at(99990, 100010), 0, at_ms(2), regime::stress, sink);  // buys gated
  ASSERT_EQ(sink.intents().size(), 2u);
  for (const auto& in : sink.intents()) {
    EXPECT_EQ(in.kind, core::intent_kind::cancel);
    EXPECT_EQ(in.order_side, side::buy);
  }
  // A sell level fills: it is quoted again on the next book.
  core::exec_report fill{};
  fill.kind = core::exec_kind::fill;
  fill.cl_ord_id = ask0;
  fill.last_qty_lots = 10;
  mm.on_exec(fill);
  sink.clear();
  mm.on_book(book_at(99990, 100010), 0, at_ms(3), regime::stress, sink);
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].kind, core::intent_kind::place);
  EXPECT_EQ(sink.intents()[0].order_side, side::sell);
  EXPECT_EQ(sink.intents()[0].price_ticks, 100010);
  // The venue confirms the buy cancels; back in CALM both sides quote again.
  core::exec_report cancelled{};
  cancelled.kind = core::exec_kind::order_update;
  cancelled.state = core::order_state::cancelled;
  cancelled.cl_ord_id = bid0;
  mm.on_exec(cancelled);
  sink.clear();
  mm.on_book(book_at(99990, 100010), 0, at_ms(4), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 1u);  // the other bid still waits for its cancel confirmation
  EXPECT_EQ(sink.intents()[0].order_side, side::buy);
  EXPECT_EQ(sink.intents()[0].price_ticks, 99990);
}

TEST(market_maker, profiles) {
  ASSERT_TRUE(market_maker_profile("main").has_value());
  EXPECT_EQ(market_maker_profile("main")->orders_per_side, 3u);
  EXPECT_EQ(market_maker_profile("fast")->half_spread_ticks, 4);
  EXPECT_EQ(market_maker_profile("slow")->refresh_interval_ns, 5'000'000'000);
  EXPECT_FALSE(market_maker_profile("medium").has_value());
}

}  // namespace
}  // namespace tickrail::strategies
