// Pre-trade risk engine: one table of boundary cases per check, state
// transitions (kill, halt, reduce-only, regimes, daily loss, breaker), and a
// randomized property test of the position limit and reduce-only rules.
#include "tickrail/core/risk.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "support/risk_fixture.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail {
namespace {

using core::command_kind;
using core::order_state;
using core::risk_reason;
using core::side;
using namespace test;

class risk_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = core::parse_risk_limits_toml(k_risk_toml, "risk.toml", catalog_);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    limits_ = *std::move(parsed);
    restart({});
  }

  void restart(const core::risk_persisted_state& state) {
    engine_ = std::make_unique<core::risk_engine>(catalog_, &limits_, state, 64);
  }

  // Feeds a non-intent event; true when it produced an order request.
  bool feed(const core::event& e) { return engine_->on_event(e, out_); }

  risk_reason submit(const core::event& e) {
    return engine_->on_event(e, out_) ? risk_reason::accepted : engine_->last_decision();
  }

  // Mid 50000.0 (100000 ticks) and mark on the perpetual; mid 60000.0 on
  // BTCUSDT; mark 0.006 on the option.
  void with_references(std::int64_t ts = 1) {
    feed(reference(k_perp, 99990, 100010, ts));
    feed(ticker_mark(k_perp, 100000, ts));
    feed(reference(k_linear, 599990, 600010, ts));
    feed(ticker_mark(k_linear, 600000, ts));
    feed(ticker_mark(k_option, 60, ts));
  }

  std::size_t count_records(core::risk_record_kind kind) const {
    std::size_t n = 0;
    for (const auto& r : engine_->records()) n += r.kind == kind;
    return n;
  }

  core::instrument_catalog catalog_ = make_risk_catalog();
  core::risk_limits limits_;
  std::unique_ptr<core::risk_engine> engine_;
  core::order_request out_{};
};

struct boundary_case {
  const char* name;
  core::instrument_id instrument;
  side order_side;
  core::lots qty;
  core::ticks price;
  risk_reason expected;
};

TEST_F(risk_test, per_order_checks_at_their_boundaries) {
  const boundary_case cases[] = {
      // max order quantity: 100 lots (1000 USD) on the perpetual
      {"qty at limit", k_perp, side::buy, 100, 100000, risk_reason::accepted},
      {"qty one lot over", k_perp, side::buy, 101, 100000, risk_reason::max_order_qty},
      {"zero qty", k_perp, side::buy, 0, 100000, risk_reason::invalid_quantity},
      {"negative qty", k_perp, side::sell, -5, 100000, risk_reason::invalid_quantity},
      {"zero price", k_perp, side::buy, 1, 0, risk_reason::invalid_price},
      {"negative price", k_perp, side::buy, 1, -1, risk_reason::invalid_price},
      // collar: 400 ticks binds before 1 % (1000 ticks), against mid and mark
      {"collar buy at limit", k_perp, side::buy, 1, 100400, risk_reason::accepted},
      {"collar buy one tick over", k_perp, side::buy, 1, 100401, risk_reason::price_collar},
      {"collar sell at limit", k_perp, side::sell, 1, 99600, risk_reason::accepted},
      {"collar sell one tick under", k_perp, side::sell, 1, 99599, risk_reason::price_collar},
      // collar 2 % on BTCUSDT: 12000 ticks around 600000
      {"pct collar at limit", k_linear, side::buy, 2, 612000, risk_reason::accepted},
      {"pct collar one tick over", k_linear, side::buy, 2, 612001, risk_reason::price_collar},
      // notional on BTCUSDT: qty_lots × price_ticks ≤ 3e8
      {"notional at limit", k_linear, side::buy, 500, 600000, risk_reason::accepted},
      {"notional one lot over", k_linear, side::buy, 501, 600000, risk_reason::max_order_notional},
      // min notional (the instrument's 100 USDT): ceil(100 / 0.0001) = 1e6 units
      {"min notional under", k_linear, side::sell, 1, 600000, risk_reason::min_notional},
      {"min notional over", k_linear, side::sell, 2, 600000, risk_reason::accepted},
      // tick steps on the option: 0.0001 below 0.005, 0.0005 above
      {"option on step", k_option, side::buy, 1, 65, risk_reason::accepted},
      {"option off step", k_option, side::buy, 1, 61, risk_reason::off_tick},
      {"option fine tick below the step", k_option, side::buy, 1, 49, risk_reason::accepted},
      {"option collar 50 % under", k_option, side::buy, 1, 29, risk_reason::price_collar},
      {"unconfigured instrument", k_eth, side::buy, 1, 100, risk_reason::unknown_instrument},
      {"instrument not in catalog", 77, side::buy, 1, 100, risk_reason::unknown_instrument},
  };
  std::uint64_t id = 1;
  for (const boundary_case& c : cases) {
    SetUp();
    with_references();
    const risk_reason got = submit(place(c.instrument, c.order_side, c.qty, c.price, id++));
    EXPECT_EQ(core::to_string(got), core::to_string(c.expected)) << c.name;
  }
}

TEST_F(risk_test, missing_reference_price_rejects_and_mark_alone_is_enough) {
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100000, 1)), risk_reason::no_reference_price);
  // A stale book gives no mid.
  feed(reference(k_perp, 99990, 100010, 1, /*valid=*/false));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100000, 2)), risk_reason::no_reference_price);
  // A crossed book gives no mid either.
  feed(reference(k_perp, 100010, 99990, 1));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100000, 3)), risk_reason::no_reference_price);
  feed(ticker_mark(k_perp, 100000));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100400, 4)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100401, 5)), risk_reason::price_collar);
  // Mid and mark both apply: mid 100300 lets 100401 pass, mark 100000 does not.
  feed(reference(k_perp, 100290, 100310));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100401, 6)), risk_reason::price_collar);
}

TEST_F(risk_test, off_tick_rounds_to_the_passive_side_when_configured) {
  limits_.off_tick = core::off_tick_policy::round;
  with_references();
  ASSERT_EQ(submit(place(k_option, side::buy, 1, 61, 1)), risk_reason::accepted);
  EXPECT_EQ(out_.intent.price_ticks, 60);
  ASSERT_EQ(submit(place(k_option, side::sell, 1, 61, 2)), risk_reason::accepted);
  EXPECT_EQ(out_.intent.price_ticks, 65);
}

TEST_F(risk_test, max_position_counts_resting_orders_in_the_worst_case) {
  with_references();
  // Position +200 lots from a filled order, then 60 lots resting.
  ASSERT_EQ(submit(place(k_perp, side::buy, 100, 100000, 1)), risk_reason::accepted);
  feed(fill(k_perp, 1, side::buy, 100, 100000));
  feed(order_update(k_perp, 1, side::buy, order_state::filled, 100, 100, 100000));
  ASSERT_EQ(submit(place(k_perp, side::buy, 100, 100000, 2)), risk_reason::accepted);
  feed(fill(k_perp, 2, side::buy, 100, 100000));
  feed(order_update(k_perp, 2, side::buy, order_state::filled, 100, 100, 100000));
  EXPECT_EQ(engine_->position(k_perp), 200);
  ASSERT_EQ(submit(place(k_perp, side::buy, 60, 99900, 3)), risk_reason::accepted);
  EXPECT_EQ(engine_->resting(k_perp, side::buy), 60);
  EXPECT_EQ(submit(place(k_perp, side::buy, 41, 99900, 4)), risk_reason::max_position);
  EXPECT_EQ(submit(place(k_perp, side::buy, 40, 99900, 5)), risk_reason::accepted);  // exactly 300
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 6)), risk_reason::max_position);
  // Sells reduce: a short of 300 from +200 needs 500 lots of sells; 100 per order.
  EXPECT_EQ(submit(place(k_perp, side::sell, 100, 100100, 7)), risk_reason::accepted);
  // A cancel frees the room it held.
  EXPECT_EQ(submit(cancel(k_perp, 5)), risk_reason::accepted);
  feed(order_update(k_perp, 5, side::buy, order_state::cancelled, 40, 0, 99900));
  EXPECT_EQ(engine_->resting(k_perp, side::buy), 60);
  EXPECT_EQ(submit(place(k_perp, side::buy, 40, 99900, 8)), risk_reason::accepted);
}

TEST_F(risk_test, partial_fills_move_quantity_from_resting_to_position) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::sell, 100, 100100, 1)), risk_reason::accepted);
  feed(order_update(k_perp, 1, side::sell, order_state::open, 100, 0, 100100));
  feed(fill(k_perp, 1, side::sell, 30, 100100));
  EXPECT_EQ(engine_->position(k_perp), -30);
  EXPECT_EQ(engine_->resting(k_perp, side::sell), 70);
  // The order update after the fill agrees; applying it again changes nothing.
  const core::event update = order_update(k_perp, 1, side::sell, order_state::partially_filled, 100, 30, 100100);
  feed(update);
  feed(update);
  EXPECT_EQ(engine_->resting(k_perp, side::sell), 70);
  EXPECT_EQ(engine_->open_orders(k_perp), 1u);
}

TEST_F(risk_test, open_order_limits_per_instrument_and_overall) {
  with_references();
  std::uint64_t id = 1;
  for (int i = 0; i < 6; ++i) ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900 - i, id++)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99800, id++)), risk_reason::max_open_orders);  // 6 per instrument
  for (int i = 0; i < 4; ++i) ASSERT_EQ(submit(place(k_linear, side::buy, 2, 599000, id++)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_linear, side::buy, 2, 599000, id++)), risk_reason::max_open_orders);  // 10 overall
  EXPECT_EQ(engine_->open_orders(), 10u);
}

TEST_F(risk_test, self_trade_against_our_resting_opposite_orders) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::sell, 1, 100200, 1)), risk_reason::accepted);
  ASSERT_EQ(submit(place(k_perp, side::sell, 1, 100300, 2)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100200, 3)), risk_reason::self_trade);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100199, 4)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 0, 5, 1, core::order_type::market)), risk_reason::self_trade);
  // When the lowest sell goes, the next one is the boundary.
  feed(order_update(k_perp, 1, side::sell, order_state::cancelled, 1, 0, 100200));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100299, 6)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 100300, 7)), risk_reason::self_trade);
}

TEST_F(risk_test, duplicate_replayed_and_foreign_client_order_ids) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900, 42)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 42)), risk_reason::duplicate_client_id);
  feed(order_update(k_perp, 42, side::buy, order_state::cancelled, 1, 0, 99900));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 42)), risk_reason::duplicate_client_id);  // still remembered
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 0)), risk_reason::invalid_client_id);
  // Ids are per bot and strictly increasing: a lower one is a replay.
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 41)), risk_reason::duplicate_client_id);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 43)), risk_reason::accepted);
  // Another bot's counter is its own; its ids carry it in the top bits.
  core::event other = place(k_perp, side::buy, 1, 99900, core::make_client_order_id(7, 5));
  EXPECT_EQ(submit(other), risk_reason::invalid_client_id);  // intent says bot 0
  other.intent.bot = 7;
  EXPECT_EQ(submit(other), risk_reason::accepted);
}

TEST_F(risk_test, order_rate_bucket_refills_with_time_and_exempts_cancels) {
  limits_.rates[0] = {5, 10};  // Deribit: 5 orders/s, burst 10
  limits_.max_open_orders = 20;
  limits_.instruments[k_perp].max_open_orders = 20;
  engine_->set_limits(&limits_);  // the bucket's rate and burst are taken when limits are set
  with_references();
  std::uint64_t id = 1;
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900 + i, id++, 1000)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99910, id++, 1000)), risk_reason::rate_limited);
  EXPECT_EQ(submit(cancel(k_perp, 1, 1000)), risk_reason::accepted);
  // 199.999 ms later: not yet one token; at 200 ms exactly one.
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99911, id++, 1000 + 199'999'999)), risk_reason::rate_limited);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99912, id++, 1000 + 200'000'000)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99913, id++, 1000 + 200'000'000)), risk_reason::rate_limited);
  // Binance has no bucket configured.
  EXPECT_EQ(submit(place(k_linear, side::buy, 2, 599000, id++, 1000 + 200'000'000)), risk_reason::accepted);
}

TEST_F(risk_test, order_rate_bucket_refill_is_exact_over_long_gaps_and_follows_reloads) {
  // 1 order/s with a burst of 5000: a long idle refills at the rate, not to
  // the burst at once.
  limits_.rates[0] = {1, 5000};
  limits_.max_open_orders = 65536;
  limits_.instruments[k_perp].max_open_orders = 65536;
  limits_.instruments[k_perp].max_position_lots = 1'000'000'000;
  limits_.runaway_max_orders = 65536;
  restart({});  // a new engine takes these limits (its order table holds 64: each order is cancelled below)
  with_references();
  std::uint64_t id = 1;
  const auto burst_until_limited = [&](std::int64_t ts) {
    int passed = 0;
    for (;;) {
      const std::uint64_t cl = id++;
      if (submit(place(k_perp, side::buy, 1, 99900, cl, ts)) != risk_reason::accepted) return passed;
      ++passed;
      feed(order_update(k_perp, cl, side::buy, core::order_state::cancelled, 1, 0, 99900, ts));
    }
  };
  EXPECT_EQ(burst_until_limited(1000), 5000);
  // 1000 s later: exactly 1000 tokens.
  EXPECT_EQ(burst_until_limited(1000 + 1'000'000'000'000), 1000);
  // A gap far beyond the fill time: full again, without overflow.
  EXPECT_EQ(burst_until_limited(std::int64_t{1} << 61), 5000);
  // A burst lowered by a reload caps the bucket from the next order on.
  core::risk_limits lowered = limits_;
  lowered.rates[0] = {1, 3};
  engine_->set_limits(&lowered);
  EXPECT_EQ(burst_until_limited((std::int64_t{1} << 61) + 10'000'000'000'000), 3);
}

TEST_F(risk_test, a_reused_order_slot_does_not_carry_the_previous_venue_order_id) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900, 1)), risk_reason::accepted);
  feed(order_update(k_perp, 1, side::buy, core::order_state::open, 1, 0, 99900));
  ASSERT_EQ(submit(cancel(k_perp, 1)), risk_reason::accepted);
  EXPECT_STREQ(out_.venue_order_id, "V1");
  feed(order_update(k_perp, 1, side::buy, core::order_state::cancelled, 1, 0, 99900));
  // The next order takes the freed slot; before its acknowledgement it has
  // no venue id, so a cancel goes by label.
  ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900, 2)), risk_reason::accepted);
  ASSERT_EQ(submit(cancel(k_perp, 2)), risk_reason::accepted);
  EXPECT_STREQ(out_.venue_order_id, "");
  EXPECT_EQ(out_.intent.cl_ord_id, 2u);
}

TEST_F(risk_test, regime_gates_sides_and_zero_is_never_ungated) {
  with_references();
  feed(command(command_kind::regime_set, 1, static_cast<std::uint8_t>(core::regime::stress)));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 1)), risk_reason::regime_gated);
  EXPECT_EQ(submit(place(k_perp, side::sell, 1, 100100, 2)), risk_reason::accepted);
  feed(command(command_kind::regime_set, 1, static_cast<std::uint8_t>(core::regime::black)));
  EXPECT_EQ(submit(place(k_perp, side::sell, 1, 100100, 3)), risk_reason::regime_gated);
  // Even a reducing order: BLACK's sell multiplier is zero.
  EXPECT_EQ(submit(place(k_perp, side::sell, 1, 100100, 4, 1, core::order_type::limit, core::k_order_reduce_only)),
            risk_reason::regime_gated);
  EXPECT_EQ(submit(cancel(k_perp, 2)), risk_reason::accepted);
  feed(command(command_kind::regime_set, 1, static_cast<std::uint8_t>(core::regime::transition)));
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 5)), risk_reason::accepted);
}

TEST_F(risk_test, reduce_only_admits_only_orders_that_shrink_the_position) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::buy, 50, 100000, 1)), risk_reason::accepted);
  feed(fill(k_perp, 1, side::buy, 50, 100000));
  feed(order_update(k_perp, 1, side::buy, order_state::filled, 50, 50, 100000));
  feed(command(command_kind::reduce_only_on));
  EXPECT_EQ(engine_->state(), core::trading_state::reducing);
  EXPECT_EQ(engine_->current_health(), core::health::degraded);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 2)), risk_reason::reduce_only);
  EXPECT_EQ(submit(place(k_perp, side::sell, 51, 100100, 3)), risk_reason::reduce_only);
  EXPECT_EQ(submit(place(k_perp, side::sell, 30, 100100, 4)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::sell, 21, 100100, 5)), risk_reason::reduce_only);  // 30 resting + 21 > 50
  EXPECT_EQ(submit(place(k_perp, side::sell, 20, 100100, 6)), risk_reason::accepted);
  feed(command(command_kind::reduce_only_off));
  EXPECT_EQ(engine_->current_health(), core::health::ok);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 7)), risk_reason::accepted);
  // The intent's own reduce_only flag applies the same rule.
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 8, 1, core::order_type::limit, core::k_order_reduce_only)),
            risk_reason::reduce_only);
}

TEST_F(risk_test, kill_blocks_everything_but_cancels_and_survives_restart) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900, 1)), risk_reason::accepted);
  ASSERT_TRUE(feed(command(command_kind::kill)));  // emits cancel_all
  EXPECT_EQ(out_.intent.kind, core::intent_kind::cancel_all);
  EXPECT_EQ(count_records(core::risk_record_kind::kill), 1u);
  EXPECT_TRUE(engine_->killed());
  EXPECT_EQ(engine_->effective_regime(), core::regime::black);
  EXPECT_EQ(engine_->current_health(), core::health::halted);
  EXPECT_EQ(submit(place(k_perp, side::sell, 1, 100100, 2, 1, core::order_type::limit, core::k_order_reduce_only)),
            risk_reason::kill_switch);
  EXPECT_EQ(submit(replace(k_perp, side::buy, 1, 99901, 1)), risk_reason::kill_switch);
  EXPECT_EQ(submit(cancel(k_perp, 1)), risk_reason::accepted);

  const core::risk_persisted_state saved = engine_->persisted();
  EXPECT_TRUE(saved.killed);
  EXPECT_EQ(saved.cause, core::kill_cause::operator_command);
  restart(saved);
  with_references();
  EXPECT_TRUE(engine_->killed());
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 3)), risk_reason::kill_switch);
  feed(command(command_kind::reset_kill));
  EXPECT_FALSE(engine_->killed());
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 4)), risk_reason::accepted);
}

TEST_F(risk_test, equity_drawdown_from_the_high_water_mark_kills_at_exactly_kill_loss) {
  with_references();
  const std::int64_t day = 1'700'000'000'000'000'000;
  feed(portfolio(0, 100'000'000, day));
  feed(portfolio(0, 120'000'000, day + 1));  // HWM 1.2 BTC
  EXPECT_EQ(engine_->persisted().hwm_equity_e8[0], 120'000'000);
  EXPECT_FALSE(feed(portfolio(0, 108'000'001, day + 2)));  // just under 10 %
  EXPECT_FALSE(engine_->killed());
  EXPECT_TRUE(feed(portfolio(0, 108'000'000, day + 3)));  // exactly 10 %: kill + cancel_all
  EXPECT_EQ(out_.intent.kind, core::intent_kind::cancel_all);
  EXPECT_TRUE(engine_->killed());
  EXPECT_EQ(engine_->cause_of_kill(), core::kill_cause::equity_drawdown);
  // The HWM survives a restart, so the drawdown is measured from it again.
  core::risk_persisted_state saved = engine_->persisted();
  saved.killed = false;
  restart(saved);
  with_references();
  EXPECT_TRUE(feed(portfolio(0, 107'000'000, day + 4)));
  EXPECT_TRUE(engine_->killed());
}

TEST_F(risk_test, daily_loss_limit_turns_reduce_only_until_the_next_reset) {
  with_references();
  const std::int64_t midnight = 1'700'006'400'000'000'000;        // 2023-11-15 00:00 UTC
  feed(portfolio(0, 100'000'000, midnight + 3'600'000'000'000));  // 01:00, day start 1.0
  ASSERT_EQ(submit(place(k_perp, side::buy, 10, 100000, 1)), risk_reason::accepted);
  feed(fill(k_perp, 1, side::buy, 10, 100000));
  feed(portfolio(0, 95'000'001, midnight + 7'200'000'000'000));
  EXPECT_FALSE(engine_->daily_loss_breached());
  feed(portfolio(0, 95'000'000, midnight + 7'200'000'000'001));  // exactly 0.05 BTC down
  EXPECT_TRUE(engine_->daily_loss_breached());
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 2)), risk_reason::daily_loss);
  EXPECT_EQ(submit(place(k_perp, side::sell, 10, 100100, 3)), risk_reason::accepted);  // reduces
  // Next day at 00:00 UTC the limit resets from the equity then.
  feed(portfolio(0, 95'000'000, midnight + 86'400'000'000'000));
  EXPECT_FALSE(engine_->daily_loss_breached());
  EXPECT_EQ(count_records(core::risk_record_kind::day_rolled), 1u);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 4)), risk_reason::accepted);
}

TEST_F(risk_test, circuit_breaker_on_a_fast_drop_forces_black) {
  const std::int64_t s = 1'000'000'000;
  feed(ticker_mark(k_perp, 100000, s));
  feed(reference(k_perp, 99999, 100001, s));      // mid 100000
  feed(reference(k_perp, 95500, 95502, 30 * s));  // -4.5 % in 29 s
  EXPECT_EQ(engine_->effective_regime(), core::regime::calm);
  feed(reference(k_perp, 94999, 95001, 40 * s));  // -5 % in 39 s: trips
  EXPECT_EQ(engine_->effective_regime(), core::regime::black);
  EXPECT_EQ(count_records(core::risk_record_kind::circuit_breaker), 1u);
  EXPECT_EQ(submit(place(k_perp, side::sell, 1, 95000, 1, 40 * s)), risk_reason::regime_gated);
  // A bot's classifier calling CALM does not lift the breaker's BLACK...
  core::event from_bot = command(command_kind::regime_set, 41 * s, static_cast<std::uint8_t>(core::regime::calm));
  from_bot.header.flags = core::k_command_from_strategy;
  feed(from_bot);
  EXPECT_EQ(engine_->effective_regime(), core::regime::black);
  // ...an operator's regime_set does.
  feed(command(command_kind::regime_set, 41 * s, static_cast<std::uint8_t>(core::regime::aftermath)));
  EXPECT_EQ(engine_->effective_regime(), core::regime::aftermath);

  // The same fall spread over more than the window does not trip.
  SetUp();
  feed(reference(k_perp, 99999, 100001, s));
  feed(reference(k_perp, 97499, 97501, 40 * s));
  feed(reference(k_perp, 94999, 95001, 110 * s));  // 100000 left the 60 s window
  EXPECT_EQ(engine_->effective_regime(), core::regime::calm);
}

TEST_F(risk_test, funding_alerts_on_upward_crossings) {
  feed(ticker_funding(k_perp, 400'000));  // 0.0004: quiet
  EXPECT_EQ(engine_->records().size(), 0u);
  feed(ticker_funding(k_perp, -500'000));  // |−0.0005| warns
  EXPECT_EQ(count_records(core::risk_record_kind::funding_warn), 1u);
  feed(ticker_funding(k_perp, 600'000));  // still warn level: no repeat
  EXPECT_EQ(count_records(core::risk_record_kind::funding_warn), 1u);
  feed(ticker_funding(k_perp, 1'500'000));
  EXPECT_EQ(count_records(core::risk_record_kind::funding_extreme), 1u);
}

TEST_F(risk_test, runaway_guard_halts_after_k_orders_in_the_window) {
  limits_.runaway_max_orders = 5;
  with_references();
  const std::int64_t ms = 1'000'000;
  std::uint64_t id = 1;
  for (int i = 0; i < 5; ++i)
    ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900 - i, id++, (i + 1) * 100 * ms)), risk_reason::accepted);
  // Sixth within one second of the first: runaway, and HALTED from then on.
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99800, id++, 1000 * ms)), risk_reason::runaway);
  EXPECT_EQ(engine_->state(), core::trading_state::halted);
  EXPECT_EQ(engine_->cause_of_halt(), core::halt_cause::runaway);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99800, id++, 5000 * ms)), risk_reason::halted);
  EXPECT_EQ(submit(cancel(k_perp, 1, 5000 * ms)), risk_reason::accepted);
  feed(command(command_kind::reset_kill, 5000 * ms));
  EXPECT_EQ(engine_->state(), core::trading_state::active);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99800, id++, 5000 * ms)), risk_reason::accepted);
}

TEST_F(risk_test, runaway_guard_lets_the_same_count_through_when_spread_out) {
  limits_.runaway_max_orders = 5;
  with_references();
  const std::int64_t ms = 1'000'000;
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(submit(place(k_perp, side::buy, 1, 99900, static_cast<std::uint64_t>(i + 1), (i + 1) * 201 * ms)),
              risk_reason::accepted)
        << i;
    feed(order_update(k_perp, static_cast<std::uint64_t>(i + 1), side::buy, order_state::cancelled, 1, 0, 99900));
  }
}

TEST_F(risk_test, reports_that_diverge_from_what_risk_passed_halt_trading) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::buy, 10, 99900, 1)), risk_reason::accepted);
  // Not ours (no label) is ignored; a late report of a finished order is fine.
  feed(order_update(k_perp, 0, side::buy, order_state::open, 10, 0, 99900));
  feed(order_update(k_perp, 1, side::buy, order_state::cancelled, 10, 0, 99900));
  feed(order_update(k_perp, 1, side::buy, order_state::cancelled, 10, 0, 99900));
  EXPECT_EQ(engine_->state(), core::trading_state::active);
  // An order of ours risk never passed: one is tolerated (max_divergence = 1) ...
  feed(order_update(k_perp, 999, side::buy, order_state::open, 10, 0, 99900));
  EXPECT_EQ(engine_->state(), core::trading_state::active);
  // ... an overfill is the second.
  ASSERT_EQ(submit(place(k_perp, side::sell, 10, 100100, 2)), risk_reason::accepted);
  feed(fill(k_perp, 2, side::sell, 11, 100100));
  EXPECT_EQ(engine_->state(), core::trading_state::halted);
  EXPECT_EQ(engine_->cause_of_halt(), core::halt_cause::divergence);
  EXPECT_EQ(engine_->current_health(), core::health::halted);
}

TEST_F(risk_test, absurd_venue_quantities_are_divergence_not_arithmetic) {
  limits_.max_divergence = 10;
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::buy, 10, 99900, 1)), risk_reason::accepted);
  feed(fill(k_perp, 1, side::buy, INT64_MAX / 2, 99900));  // found by risk_engine_fuzz: overflowed the position
  feed(fill(k_perp, 1, side::buy, INT64_MAX / 2, 99900));
  EXPECT_EQ(engine_->position(k_perp), 0);
  EXPECT_EQ(engine_->metrics().divergences.get(), 2u);
  feed(order_update(k_perp, 1, side::buy, order_state::open, INT64_MIN, 0, 99900));
  EXPECT_EQ(engine_->resting(k_perp, side::buy), 10);
  EXPECT_EQ(engine_->metrics().divergences.get(), 3u);
}

TEST_F(risk_test, reconciled_open_orders_are_adopted) {
  with_references();
  core::event e = order_update(k_perp, 77, side::buy, order_state::open, 100, 20, 99900);
  e.header.flags = core::k_exec_reconciled;
  feed(e);
  EXPECT_EQ(engine_->state(), core::trading_state::active);
  EXPECT_EQ(engine_->resting(k_perp, side::buy), 80);
  EXPECT_EQ(submit(cancel(k_perp, 77)), risk_reason::accepted);
  EXPECT_STREQ(out_.venue_order_id, "V77");
}

TEST_F(risk_test, replace_is_checked_without_the_quantity_it_supersedes) {
  with_references();
  ASSERT_EQ(submit(place(k_perp, side::buy, 100, 99900, 1)), risk_reason::accepted);
  ASSERT_EQ(submit(place(k_perp, side::buy, 100, 99900, 2)), risk_reason::accepted);
  ASSERT_EQ(submit(place(k_perp, side::buy, 100, 99900, 3)), risk_reason::accepted);  // 300 resting
  feed(order_update(k_perp, 3, side::buy, order_state::open, 100, 0, 99900));
  EXPECT_EQ(submit(replace(k_perp, side::buy, 100, 99950, 3)), risk_reason::accepted);
  EXPECT_STREQ(out_.venue_order_id, "V3");
  EXPECT_EQ(engine_->resting(k_perp, side::buy), 300);
  EXPECT_EQ(submit(replace(k_perp, side::buy, 100, 100401, 3)), risk_reason::price_collar);
  EXPECT_EQ(submit(replace(k_perp, side::buy, 90, 99950, 404)), risk_reason::unknown_order);
  EXPECT_EQ(submit(cancel(k_perp, 404)), risk_reason::unknown_order);
}

TEST_F(risk_test, reloaded_limits_apply_from_the_next_intent) {
  with_references();
  EXPECT_EQ(submit(place(k_perp, side::buy, 100, 99900, 1)), risk_reason::accepted);
  core::risk_limits tighter = limits_;
  tighter.instruments[k_perp].max_order_qty_lots = 10;
  engine_->set_limits(&tighter);
  EXPECT_EQ(count_records(core::risk_record_kind::limits_reloaded), 1u);
  EXPECT_EQ(submit(place(k_perp, side::buy, 11, 99900, 2)), risk_reason::max_order_qty);
  EXPECT_EQ(submit(place(k_perp, side::buy, 10, 99900, 3)), risk_reason::accepted);
}

TEST_F(risk_test, rejects_are_counted_by_reason) {
  with_references();
  (void)submit(place(k_perp, side::buy, 101, 99900, 1));
  (void)submit(place(k_perp, side::buy, 101, 99900, 2));
  (void)submit(place(k_perp, side::buy, 1, 99900, 3));
  const auto& m = engine_->metrics();
  EXPECT_EQ(m.decisions[static_cast<std::size_t>(risk_reason::max_order_qty)].get(), 2u);
  EXPECT_EQ(m.decisions[static_cast<std::size_t>(risk_reason::accepted)].get(), 1u);
  EXPECT_EQ(count_records(core::risk_record_kind::rejected), 2u);
}

// Random intents, venue acknowledgements, partial fills and cancels, only
// ever filling orders risk passed: position plus resting orders never exceed
// max_position on either side, and in reduce-only every passed order shrinks
// the position.
TEST_F(risk_test, property_position_and_resting_orders_never_exceed_limits) {
  std::mt19937_64 rng(20261122);
  limits_.max_divergence = 1'000'000;
  const core::lots max_position = limits_.instruments[k_perp].max_position_lots;
  struct live {
    side s;
    core::lots remaining;
    core::lots amount;
    core::lots filled;
    core::ticks price;
  };
  std::map<std::uint64_t, live> orders;
  core::lots position = 0;
  std::uint64_t next_id = 1;
  std::int64_t ts = 1;
  std::size_t accepted = 0;
  for (int step = 0; step < 200'000; ++step) {
    ts += 1'000'000;
    with_references(ts);
    const int action = static_cast<int>(rng() % 10);
    if (action == 0) feed(command(rng() % 2 ? command_kind::reduce_only_on : command_kind::reduce_only_off, ts));
    if (action <= 4) {
      const side s = rng() % 2 ? side::buy : side::sell;
      const core::lots qty = static_cast<core::lots>(rng() % 120) - 5;
      const core::ticks price = s == side::buy ? 99600 + static_cast<core::ticks>(rng() % 400)
                                               : 100001 + static_cast<core::ticks>(rng() % 400);
      const bool reducing = engine_->state() == core::trading_state::reducing;
      const core::lots before = position;
      if (submit(place(k_perp, s, qty, price, next_id, ts)) == risk_reason::accepted) {
        ++accepted;
        if (reducing) {
          EXPECT_TRUE(s == side::buy ? before < 0 && qty <= -before : before > 0 && qty <= before) << step;
        }
        orders[next_id] = {s, qty, qty, 0, price};
      }
      ++next_id;
    } else if (!orders.empty()) {
      auto it = orders.begin();
      std::advance(it, static_cast<long>(rng() % orders.size()));
      live& o = it->second;
      if (action <= 7) {  // partial or full fill
        const core::lots q = 1 + static_cast<core::lots>(rng() % static_cast<std::uint64_t>(o.remaining));
        feed(fill(k_perp, it->first, o.s, q, o.price, ts));
        position += o.s == side::buy ? q : -q;
        o.remaining -= q;
        o.filled += q;
        const auto state = o.remaining == 0 ? order_state::filled : order_state::partially_filled;
        feed(order_update(k_perp, it->first, o.s, state, o.amount, o.filled, o.price, ts));
        if (o.remaining == 0) orders.erase(it);
      } else {  // cancelled by the venue
        feed(order_update(k_perp, it->first, o.s, order_state::cancelled, o.amount, o.filled, o.price, ts));
        orders.erase(it);
      }
    }
    core::lots resting_buy = 0, resting_sell = 0;
    for (const auto& [id, o] : orders) (o.s == side::buy ? resting_buy : resting_sell) += o.remaining;
    ASSERT_EQ(engine_->position(k_perp), position) << step;
    ASSERT_EQ(engine_->resting(k_perp, side::buy), resting_buy) << step;
    ASSERT_EQ(engine_->resting(k_perp, side::sell), resting_sell) << step;
    ASSERT_LE(position + resting_buy, max_position) << step;
    ASSERT_LE(-(position - resting_sell), max_position) << step;
  }
  EXPECT_GT(accepted, 1000u);  // the property was exercised, not vacuous
}

TEST(risk_limits, parse_errors_name_file_line_and_key) {
  const core::instrument_catalog catalog = make_risk_catalog();
  struct bad {
    const char* toml;
    const char* expect;
  };
  const bad cases[] = {
      {"[risk]\nmax_open_orders = -1\n", "risk.toml:2: key 'risk.max_open_orders'"},
      {"[risk]\nbogus = 1\n", "unknown key"},
      {"[risk]\nkill_loss = 1.5\n", "risk.kill_loss"},
      {"[risk]\noff_tick = \"maybe\"\n", "risk.off_tick"},
      {"[risk.instruments.NOPE]\nmax_order_qty = 1\n", "no such instrument"},
      {"[risk.instruments.\"BTC-PERPETUAL\"]\nmax_order_qty = 10\nmax_position = 100\n",
       "max_order_notional': missing"},
      {"[risk.instruments.\"BTC-PERPETUAL\"]\nmax_order_qty = 10\nmax_position = 100\nmax_order_notional = 100\n",
       "collar_pct': missing"},
      {"[risk.instruments.\"BTC-PERPETUAL\"]\nmax_order_qty = 5\nmax_position = 100\nmax_order_notional = "
       "100\ncollar_pct = 1\n",
       "smaller than one lot"},
      {"[risk.instruments.\"BTC-PERPETUAL\"]\nmax_order_qty = 1000\nmax_position = 100\nmax_order_notional = "
       "100\ncollar_pct = 1\n",
       "larger than max_position"},
      {"[risk.instruments.\"BTC-PERPETUAL\"]\nmax_order_qty = \"1e\"\n", "not a decimal number"},
      {"[risk.venues.kraken]\norders_per_second = 1\n", "unknown venue"},
      {"[risk.venues.deribit]\norders_per_second = 1\n", "go together"},
      {"[risk]\nfunding_warn = 0.01\nfunding_extreme = 0.001\n", "smaller than funding_warn"},
      {"[risk\n", "risk.toml:1"},
      {"[other]\n", "no [risk] section"},
  };
  for (const bad& c : cases) {
    const auto result = core::parse_risk_limits_toml(c.toml, "risk.toml", catalog);
    ASSERT_FALSE(result.ok()) << c.toml;
    EXPECT_NE(result.status().message().find(c.expect), std::string::npos) << result.status() << "\n" << c.toml;
  }
}

TEST(risk_limits, compiled_thresholds) {
  const core::instrument_catalog catalog = make_risk_catalog();
  const auto limits = core::parse_risk_limits_toml(k_risk_toml, "risk.toml", catalog);
  ASSERT_TRUE(limits.ok()) << limits.status();
  const auto& perp = limits->instruments[k_perp];
  EXPECT_EQ(perp.model, core::notional_model::quantity);
  EXPECT_EQ(perp.max_order_qty_lots, 100);
  EXPECT_EQ(perp.max_position_lots, 300);
  EXPECT_EQ(perp.max_notional_units, 200);
  EXPECT_EQ(perp.collar_ppm, 10'000);
  EXPECT_EQ(perp.breaker_window_ns, 60'000'000'000);
  const auto& linear = limits->instruments[k_linear];
  EXPECT_EQ(linear.model, core::notional_model::product);
  EXPECT_EQ(linear.max_notional_units, 300'000'000);
  EXPECT_EQ(linear.min_notional_units, 1'000'000);
  EXPECT_EQ(linear.max_order_qty_lots, 1000);
  EXPECT_EQ(limits->instruments[k_option].max_notional_units, 100'000);
  EXPECT_FALSE(limits->instruments[k_eth].configured);
  EXPECT_EQ(limits->kill_loss_ppm, 100'000);
  EXPECT_EQ(limits->daily_loss_limit_e8, 5'000'000);
  EXPECT_EQ(limits->funding_warn_e9, 500'000);
  EXPECT_EQ(core::decimal_ratio_floor({7, 0}, {2, 0}), 3);
  EXPECT_EQ(core::decimal_ratio_ceil({7, 0}, {2, 0}), 4);
  EXPECT_EQ(core::decimal_ratio_ceil({6, 0}, {2, 0}), 3);
  EXPECT_EQ(core::decimal_ratio_floor({100, 0}, {1, 18}), core::k_no_limit);
}

TEST(risk_limits, default_config_parses_against_the_shipped_instruments) {
  // What the engine does at start-up: the shipped Deribit instruments, then
  // config/default.toml's [risk] section against them.
  // Compile-time (tests/CMakeLists.txt), so the binary runs outside ctest too.
  const std::string root = TICKRAIL_SOURCE_DIR;
  core::instrument_catalog catalog;
  ASSERT_TRUE(deribit::load_instruments_file(root + "/config/instruments/deribit.json", catalog).ok());
  const auto limits = core::load_risk_limits_file(root + "/config/default.toml", catalog);
  ASSERT_TRUE(limits.ok()) << limits.status();
  const core::instrument* perp = catalog.find(core::venue::deribit, "BTC-PERPETUAL");
  ASSERT_NE(perp, nullptr);
  EXPECT_TRUE(limits->instruments[perp->id].configured);
  EXPECT_EQ(limits->instruments[perp->id].model, core::notional_model::quantity);
  EXPECT_EQ(limits->instruments[perp->id].max_position_lots, 2000);
}

}  // namespace
}  // namespace tickrail
