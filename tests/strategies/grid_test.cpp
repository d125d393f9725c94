// Grid maker on scripted books and fills: placement around the anchor,
// regime scaling and gating, the answer to a filled level, re-anchoring on
// drift, and silence on a book that is not valid.
#include "tickrail/strategies/grid.hpp"

#include <gtest/gtest.h>

#include "support/strategy_fixture.hpp"

namespace tickrail::strategies {
namespace {

using core::regime;
using core::side;

core::event_header header(std::int64_t seq) { return {seq, 0, seq * 10, core::event_type::market_data, 0, 0, 0}; }

grid_params params() {
  grid_params p;
  p.levels = 3;
  p.spacing_ticks = 100;
  p.size_lots = 10;
  p.drift_threshold_ppm = 20'000;
  return p;
}

TEST(grid, places_symmetric_levels_around_the_first_mid) {
  order_ids ids(3, 1000);
  grid g(params(), 0, 1, ids);
  intent_sink sink;
  g.on_book(book_at(99990, 100010), header(1), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 6u);
  const core::ticks expected[] = {99900, 100100, 99800, 100200, 99700, 100300};
  core::client_order_id last = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    const core::order_intent& in = sink.intents()[i];
    EXPECT_EQ(in.kind, core::intent_kind::place);
    EXPECT_EQ(in.price_ticks, expected[i]);
    EXPECT_EQ(in.order_side, i % 2 == 0 ? side::buy : side::sell);
    EXPECT_EQ(in.qty_lots, 10);
    EXPECT_EQ(in.flags, core::k_order_post_only);
    EXPECT_EQ(in.bot, 3);
    EXPECT_EQ(core::bot_of(in.cl_ord_id), 3);
    EXPECT_GT(in.cl_ord_id, last);
    EXPECT_EQ(in.trigger_sequence, 1);
    last = in.cl_ord_id;
  }
  EXPECT_EQ(g.anchor(), 100000);
  // The same book again: nothing to do.
  sink.clear();
  g.on_book(book_at(99990, 100010), header(2), regime::calm, sink);
  EXPECT_TRUE(sink.intents().empty());
}

TEST(grid, regime_scales_and_gates_each_side) {
  struct row {
    regime r;
    core::lots buy, sell;
  };
  for (const row& x : {row{regime::transition, 5, 8}, row{regime::aftermath, 3, 8}, row{regime::stress, 0, 10},
                       row{regime::black, 0, 0}}) {
    order_ids ids(1, 1);
    grid g(params(), 0, 1, ids);
    intent_sink sink;
    g.on_book(book_at(99990, 100010), header(1), x.r, sink);
    std::size_t buys = 0, sells = 0;
    for (const auto& in : sink.intents()) {
      if (in.order_side == side::buy) {
        ++buys;
        EXPECT_EQ(in.qty_lots, x.buy) << core::to_string(x.r);
      } else {
        ++sells;
        EXPECT_EQ(in.qty_lots, x.sell) << core::to_string(x.r);
      }
    }
    EXPECT_EQ(buys, x.buy > 0 ? 3u : 0u) << core::to_string(x.r);
    EXPECT_EQ(sells, x.sell > 0 ? 3u : 0u) << core::to_string(x.r);
  }
}

TEST(grid, a_filled_level_is_answered_one_spacing_inward) {
  order_ids ids(1, 1);
  grid g(params(), 0, 1, ids);
  intent_sink sink;
  g.on_book(book_at(99990, 100010), header(1), regime::calm, sink);
  const core::order_intent buy = sink.intents()[0];  // 99900
  sink.clear();
  g.on_exec(fill_of(buy.cl_ord_id, 4, buy.price_ticks), header(2), regime::calm, sink);  // partial: nothing yet
  EXPECT_TRUE(sink.intents().empty());
  g.on_exec(fill_of(buy.cl_ord_id, 6, buy.price_ticks), header(3), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 1u);
  EXPECT_EQ(sink.intents()[0].order_side, side::sell);
  EXPECT_EQ(sink.intents()[0].price_ticks, 100000);
  EXPECT_EQ(sink.intents()[0].qty_lots, 10);
  // In STRESS the answering buy of a filled sell is gated.
  sink.clear();
  order_ids ids2(1, 1);
  grid g2(params(), 0, 1, ids2);
  g2.on_book(book_at(99990, 100010), header(1), regime::calm, sink);
  const core::order_intent first_sell = sink.intents()[1];
  sink.clear();
  g2.on_exec(fill_of(first_sell.cl_ord_id, 10, first_sell.price_ticks), header(2), regime::stress, sink);
  EXPECT_TRUE(sink.intents().empty());
  EXPECT_EQ(g2.working(), 5u);
}

TEST(grid, drift_beyond_the_threshold_cancels_and_reanchors) {
  order_ids ids(1, 1);
  grid g(params(), 0, 1, ids);
  intent_sink sink;
  g.on_book(book_at(99990, 100010), header(1), regime::calm, sink);
  sink.clear();
  g.on_book(book_at(101990, 102010), header(2), regime::calm, sink);  // +2.0 %: not beyond
  EXPECT_TRUE(sink.intents().empty());
  g.on_book(book_at(101991, 102011), header(3), regime::calm, sink);  // beyond
  ASSERT_EQ(sink.intents().size(), 12u);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(sink.intents()[i].kind, core::intent_kind::cancel);
  EXPECT_EQ(g.anchor(), 102001);
  EXPECT_EQ(sink.intents()[6].price_ticks, 101901);
  // Venue confirms the cancels: only the new grid is working.
  for (std::size_t i = 0; i < 6; ++i) {
    core::exec_report x{};
    x.kind = core::exec_kind::order_update;
    x.state = core::order_state::cancelled;
    x.cl_ord_id = sink.intents()[i].cl_ord_id;
    g.on_exec(x, header(4), regime::calm, sink);
  }
  EXPECT_EQ(g.working(), 6u);
}

TEST(grid, explicit_anchor_and_invalid_books) {
  grid_params p = params();
  p.anchor_ticks = 90'000;
  order_ids ids(1, 1);
  grid g(p, 0, 1, ids);
  intent_sink sink;
  core::order_book stale = book_at(99990, 100010);
  stale.mark_stale();
  g.on_book(stale, header(1), regime::calm, sink);
  EXPECT_TRUE(sink.intents().empty());
  core::order_book crossed = book_at(100020, 100010);
  g.on_book(crossed, header(2), regime::calm, sink);
  EXPECT_TRUE(sink.intents().empty());
  g.on_book(book_at(89990, 90010), header(3), regime::calm, sink);
  ASSERT_EQ(sink.intents().size(), 6u);
  EXPECT_EQ(sink.intents()[0].price_ticks, 89'900);
  sink.clear();
  g.set_anchor(95'000, header(4), regime::calm, sink);
  EXPECT_EQ(sink.intents().size(), 12u);  // 6 cancels, 6 places around 95000
  EXPECT_EQ(sink.intents()[6].price_ticks, 94'900);
  sink.clear();
  g.stop(header(5), sink);
  EXPECT_EQ(sink.intents().size(), 6u);  // the new grid's 6 (the old ones already had cancels sent)
}

}  // namespace
}  // namespace tickrail::strategies
