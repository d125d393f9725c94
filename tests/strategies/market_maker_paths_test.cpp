// Market maker paths market_maker_test does not reach: a level whose cancel
// is still unconfirmed is not re-used — not even once the refresh interval
// has passed and the market has moved beyond the tolerance (an edit of an
// order being cancelled would race the cancel at the venue).
#include <gtest/gtest.h>

#include <vector>

#include "support/strategy_fixture.hpp"
#include "tickrail/strategies/market_maker.hpp"

namespace tickrail::strategies {
namespace {

constexpr std::int64_t k_ms = 1'000'000;

core::event_header at_ms(std::int64_t ms) { return {ms, 0, ms * k_ms, core::event_type::market_data, 0, 0, 0}; }

TEST(market_maker_paths, a_level_waiting_for_its_cancel_is_not_requoted_after_the_refresh_interval) {
  market_maker_params p;
  p.half_spread_ticks = 10;
  p.level_step_ticks = 5;
  p.orders_per_side = 2;
  p.size_lots = 10;
  p.refresh_interval_ns = 100 * k_ms;
  p.requote_tolerance_ticks = 3;
  p.inventory_skew_permille = 0;
  order_ids ids(1, 1);
  market_maker mm(p, 0, 1, ids);
  intent_sink sink;

  mm.on_book(book_at(99990, 100010), 0, at_ms(1), core::regime::calm, sink);
  std::vector<core::client_order_id> bids;
  for (const auto& in : sink.intents()) {
    if (in.order_side == core::side::buy) bids.push_back(in.cl_ord_id);
  }
  ASSERT_EQ(bids.size(), 2u);
  sink.clear();
  mm.on_book(book_at(99990, 100010), 0, at_ms(2), core::regime::stress, sink);  // buys gated: both cancelled
  ASSERT_EQ(sink.intents().size(), 2u);

  // Only the first cancel is confirmed.
  core::exec_report cancelled{};
  cancelled.kind = core::exec_kind::order_update;
  cancelled.state = core::order_state::cancelled;
  cancelled.cl_ord_id = bids[0];
  mm.on_exec(cancelled);

  // Long after the refresh interval, 20 ticks higher, back in CALM.
  sink.clear();
  mm.on_book(book_at(100010, 100030), 0, at_ms(500), core::regime::calm, sink);
  std::size_t buy_places = 0;
  for (const auto& in : sink.intents()) {
    EXPECT_NE(in.cl_ord_id, bids[1]) << "an intent for the order whose cancel is unconfirmed";
    if (in.order_side == core::side::buy) {
      EXPECT_EQ(in.kind, core::intent_kind::place);
      ++buy_places;
    }
  }
  EXPECT_EQ(buy_places, 1u);
}

}  // namespace
}  // namespace tickrail::strategies
