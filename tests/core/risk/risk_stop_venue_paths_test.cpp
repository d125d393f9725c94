// Risk paths risk_test does not reach (issue 27 path 8): stop and take
// orders (a missing or negative trigger price, the collar on the trigger,
// the notional taken at the trigger price), and a second venue beside
// Deribit — the shipped Binance USD-M BTCUSDT next to Deribit's
// BTC-PERPETUAL — whose equity, drawdown kill and daily roll are each
// measured against that venue's own figures.
//
// Expected values are literals worked out by hand from the rules in
// core/risk/src/risk.cpp and risk_inputs.cpp; the comments show the sums.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/risk_fixture.hpp"
#include "tickrail/binance/instruments.hpp"
#include "tickrail/core/risk.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail {
namespace {

using core::order_type;
using core::risk_reason;
using core::side;
using namespace test;

core::event stop(core::instrument_id id, side s, core::lots qty, core::ticks trigger, core::client_order_id cl,
                 order_type type = order_type::stop_market, core::ticks limit = 0) {
  core::event e = place(id, s, qty, limit, cl, 1, type);
  e.intent.trigger_price_ticks = trigger;
  return e;
}

// ---- stop and take orders (the fixture's catalog and limits) -----------------------

class risk_stop_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = core::parse_risk_limits_toml(k_risk_toml, "risk.toml", catalog_);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    limits_ = *std::move(parsed);
    engine_ = std::make_unique<core::risk_engine>(catalog_, &limits_, core::risk_persisted_state{}, 64);
    // BTCUSDT: book 59999.0 / 60001.0 (mid 600000 ticks of 0.1), mark 600000.
    // Collar 2 %: 600000 × 0.02 = 12000 ticks, so triggers in [588000, 612000].
    (void)engine_->on_event(reference(k_linear, 599990, 600010), out_);
    (void)engine_->on_event(ticker_mark(k_linear, 600000), out_);
  }
  risk_reason submit(const core::event& e) {
    return engine_->on_event(e, out_) ? risk_reason::accepted : engine_->last_decision();
  }

  core::instrument_catalog catalog_ = make_risk_catalog();
  core::risk_limits limits_;
  std::unique_ptr<core::risk_engine> engine_;
  core::order_request out_{};
};

TEST_F(risk_stop_test, a_stop_without_a_positive_trigger_price_is_invalid) {
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 0, 1)), risk_reason::invalid_price);
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, -600000, 2)), risk_reason::invalid_price);
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 0, 3, order_type::take_market)), risk_reason::invalid_price);
  // A stop-limit with a good limit still needs its trigger.
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 0, 4, order_type::stop_limit, 600000)), risk_reason::invalid_price);
  EXPECT_EQ(engine_->metrics().decisions[static_cast<std::size_t>(risk_reason::invalid_price)].get(), 4u);
  EXPECT_EQ(engine_->open_orders(), 0u);
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 605000, 5)), risk_reason::accepted);
  EXPECT_EQ(out_.intent.trigger_price_ticks, 605000);
  EXPECT_EQ(out_.intent.type, order_type::stop_market);
}

TEST_F(risk_stop_test, the_trigger_price_is_collared_like_a_limit_price) {
  // Buys only (a resting buy stop makes a sell stop a self-trade).
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 612001, 1)), risk_reason::price_collar);
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 587999, 2)), risk_reason::price_collar);
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 612001, 3, order_type::take_market)), risk_reason::price_collar);
  // The limit inside the band does not excuse a trigger outside it.
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 612001, 4, order_type::stop_limit, 600000)), risk_reason::price_collar);
  EXPECT_EQ(engine_->open_orders(), 0u);
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 612000, 5)), risk_reason::accepted);  // the band's edges
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 588000, 6)), risk_reason::accepted);
  EXPECT_EQ(submit(stop(k_linear, side::buy, 2, 611000, 7, order_type::stop_limit, 600000)), risk_reason::accepted);
  EXPECT_EQ(engine_->open_orders(), 3u);
}

// Max notional 30000 USDT = 3e8 units of lot × tick (0.001 × 0.1 USDT).
// A buy stop of 495 lots triggering at 612000: 495 × 612000 = 302'940'000,
// over; at the far touch (600010) it would be 297'004'950, under.
TEST_F(risk_stop_test, a_buy_stop_market_notional_is_taken_at_its_trigger_price) {
  EXPECT_EQ(submit(stop(k_linear, side::buy, 495, 612000, 1)), risk_reason::max_order_notional);
  // 490 × 612000 = 299'880'000: under.
  EXPECT_EQ(submit(stop(k_linear, side::buy, 490, 612000, 2)), risk_reason::accepted);
  // Min notional 100 USDT = 1e6 units: 1 × 600000 is under it.
  EXPECT_EQ(submit(stop(k_linear, side::buy, 1, 600000, 3)), risk_reason::min_notional);
}

// A sell stop of 505 lots triggering at 588000: 505 × 588000 = 296'940'000,
// under; at the far touch (599990) it would be 302'994'950, over.
TEST_F(risk_stop_test, a_sell_stop_market_notional_is_taken_at_its_trigger_price) {
  EXPECT_EQ(submit(stop(k_linear, side::sell, 505, 588000, 1)), risk_reason::accepted);
  EXPECT_EQ(engine_->resting(k_linear, side::sell), 505);
}

// ---- a second venue (the shipped instrument files) ----------------------------------

const char* k_two_venue_toml = R"(
[risk]
max_open_orders = 10
runaway_max_orders = 1000
runaway_window_ms = 1000
max_divergence = 1
kill_loss = 0.10
daily_loss_limit = 0.05
daily_reset_hour_utc = 0

[risk.venues.deribit]
orders_per_second = 1000
order_burst = 1000

[risk.venues.binance_usdm]
orders_per_second = 1000
order_burst = 1000

[risk.instruments."BTC-PERPETUAL"]
max_order_qty = 1000
max_position = 3000
max_order_notional = 2000
max_open_orders = 6
collar_pct = 1.0

[risk.instruments.BTCUSDT]
venue = "binance_usdm"
max_order_qty = "1"
max_position = 2
max_order_notional = 30000
collar_pct = 2
)";

constexpr auto k_deribit = static_cast<std::uint8_t>(core::venue::deribit);
constexpr auto k_binance = static_cast<std::uint8_t>(core::venue::binance_usdm);
constexpr std::int64_t k_midnight = 1'700'006'400'000'000'000;  // 2023-11-15 00:00 UTC
constexpr std::int64_t k_hour = 3'600'000'000'000;

class risk_venues_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string root = TICKRAIL_SOURCE_DIR;
    ASSERT_TRUE(deribit::load_instruments_file(root + "/config/instruments/deribit.json", catalog_).ok());
    ASSERT_TRUE(binance::load_exchange_info_file(root + "/config/instruments/binance_usdm.json", catalog_).ok());
    const core::instrument* perp = catalog_.find(core::venue::deribit, "BTC-PERPETUAL");
    const core::instrument* usdt = catalog_.find(core::venue::binance_usdm, "BTCUSDT");
    ASSERT_NE(perp, nullptr);
    ASSERT_NE(usdt, nullptr);
    perp_ = perp->id;
    usdt_ = usdt->id;
    auto parsed = core::parse_risk_limits_toml(k_two_venue_toml, "risk.toml", catalog_);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    limits_ = *std::move(parsed);
    engine_ = std::make_unique<core::risk_engine>(catalog_, &limits_, core::risk_persisted_state{}, 64);
    // BTC-PERPETUAL mid 50000.0 (ticks of 0.5); BTCUSDT mid 60000.0 (ticks of 0.1).
    feed(reference(perp_, 99990, 100010));
    feed(reference(usdt_, 599990, 600010));
  }
  bool feed(const core::event& e) { return engine_->on_event(e, out_); }
  risk_reason submit(const core::event& e) {
    return engine_->on_event(e, out_) ? risk_reason::accepted : engine_->last_decision();
  }
  std::vector<core::risk_record> records(core::risk_record_kind kind) const {
    std::vector<core::risk_record> out;
    for (const auto& r : engine_->records())
      if (r.kind == kind) out.push_back(r);
    return out;
  }

  core::instrument_catalog catalog_;
  core::instrument_id perp_ = 0, usdt_ = 0;
  core::risk_limits limits_;
  std::unique_ptr<core::risk_engine> engine_;
  core::order_request out_{};
};

// Equity in e8 of each venue's own currency: 10000 USDT on Binance, 1 BTC on
// Deribit. Each venue keeps its own high-water mark; a drawdown of 10 % is
// measured against the venue's own. (Against one shared mark, Deribit's
// 1 BTC would be 99.99 % below Binance's 10000.)
TEST_F(risk_venues_test, equity_and_the_drawdown_kill_are_measured_per_venue) {
  feed(portfolio(k_binance, 1'000'000'000'000, k_midnight + k_hour));
  EXPECT_FALSE(feed(portfolio(k_deribit, 100'000'000, k_midnight + k_hour + 1)));
  EXPECT_FALSE(engine_->killed());
  EXPECT_EQ(engine_->persisted().hwm_equity_e8[k_binance], 1'000'000'000'000);
  EXPECT_EQ(engine_->persisted().hwm_equity_e8[k_deribit], 100'000'000);
  feed(portfolio(k_deribit, 120'000'000, k_midnight + k_hour + 2));  // Deribit's mark 1.2 BTC
  EXPECT_EQ(engine_->persisted().hwm_equity_e8[k_deribit], 120'000'000);
  EXPECT_EQ(engine_->persisted().hwm_equity_e8[k_binance], 1'000'000'000'000);
  EXPECT_EQ(submit(place(usdt_, side::buy, 2, 600000, 1)), risk_reason::accepted);

  // Binance: 10 % of 10000 USDT is 1000; 9000.00000001 is just under it.
  EXPECT_FALSE(feed(portfolio(k_binance, 900'000'000'001, k_midnight + k_hour + 3)));
  EXPECT_FALSE(engine_->killed());
  EXPECT_TRUE(feed(portfolio(k_binance, 900'000'000'000, k_midnight + k_hour + 4)));  // kill + cancel_all
  EXPECT_EQ(out_.intent.kind, core::intent_kind::cancel_all);
  EXPECT_TRUE(engine_->killed());
  EXPECT_EQ(engine_->cause_of_kill(), core::kill_cause::equity_drawdown);
  const auto kills = records(core::risk_record_kind::kill);
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0].value0, 900'000'000'000);
  EXPECT_EQ(kills[0].value1, 1'000'000'000'000);
  // The kill stops both venues.
  EXPECT_EQ(submit(place(perp_, side::buy, 1, 99900, 2)), risk_reason::kill_switch);
  EXPECT_EQ(submit(place(usdt_, side::buy, 2, 600000, 3)), risk_reason::kill_switch);
}

TEST_F(risk_venues_test, a_deribit_drawdown_kills_at_its_own_mark_beside_a_richer_venue) {
  feed(portfolio(k_binance, 1'000'000'000'000, k_midnight + k_hour));
  feed(portfolio(k_deribit, 120'000'000, k_midnight + k_hour + 1));
  // 10 % of 1.2 BTC is 0.12: 1.08000001 under it, 1.08 at it.
  EXPECT_FALSE(feed(portfolio(k_deribit, 108'000'001, k_midnight + k_hour + 2)));
  EXPECT_FALSE(engine_->killed());
  EXPECT_TRUE(feed(portfolio(k_deribit, 108'000'000, k_midnight + k_hour + 3)));
  EXPECT_TRUE(engine_->killed());
  const auto kills = records(core::risk_record_kind::kill);
  ASSERT_EQ(kills.size(), 1u);
  EXPECT_EQ(kills[0].value1, 120'000'000);
}

// The daily loss limit (0.05 = 5'000'000 e8 of the venue's currency) is
// measured from each venue's own equity at the day's start, and the roll at
// 00:00 UTC takes each venue's equity then.
TEST_F(risk_venues_test, the_daily_loss_and_its_roll_are_kept_per_venue) {
  feed(portfolio(k_binance, 1'000'000'000'000, k_midnight + k_hour));  // 01:00
  feed(portfolio(k_deribit, 100'000'000, k_midnight + k_hour + 1));    // a shared start would be 10000 USDT
  EXPECT_FALSE(engine_->daily_loss_breached());
  feed(portfolio(k_binance, 999'995'000'001, k_midnight + 2 * k_hour));  // 4'999'999 down
  EXPECT_FALSE(engine_->daily_loss_breached());
  feed(portfolio(k_binance, 999'995'000'000, k_midnight + 2 * k_hour + 1));  // 5'000'000 down
  EXPECT_TRUE(engine_->daily_loss_breached());
  auto losses = records(core::risk_record_kind::daily_loss);
  ASSERT_EQ(losses.size(), 1u);
  EXPECT_EQ(losses[0].venue, k_binance);
  EXPECT_EQ(losses[0].value0, 1'000'000'000'000);
  EXPECT_EQ(losses[0].value1, 999'995'000'000);
  EXPECT_EQ(submit(place(usdt_, side::buy, 2, 600000, 1)), risk_reason::daily_loss);  // nothing to reduce

  // Deribit moves on the next day only: 1.02 BTC at 23:00.
  feed(portfolio(k_deribit, 102'000'000, k_midnight + 23 * k_hour));
  // Next day, 00:00: each venue's day starts from its own equity.
  feed(portfolio(k_binance, 999'995'000'000, k_midnight + 24 * k_hour));
  EXPECT_FALSE(engine_->daily_loss_breached());
  const auto rolled = records(core::risk_record_kind::day_rolled);
  ASSERT_EQ(rolled.size(), 2u);
  // One record per venue, in venue order, each with that venue's equity.
  EXPECT_EQ(rolled[0].venue, k_deribit);
  EXPECT_EQ(rolled[0].value0, 102'000'000);
  EXPECT_EQ(rolled[1].venue, k_binance);
  EXPECT_EQ(rolled[1].value0, 999'995'000'000);
  EXPECT_EQ(submit(place(usdt_, side::buy, 2, 600000, 2)), risk_reason::accepted);

  // Deribit 1.02 → 0.97000001 is 4'999'999 down from its new start: nothing.
  feed(portfolio(k_deribit, 97'000'001, k_midnight + 25 * k_hour));
  EXPECT_FALSE(engine_->daily_loss_breached());
  // Binance 9999.95 → 9999.90 is 5'000'000 down from its new start.
  feed(portfolio(k_binance, 999'990'000'000, k_midnight + 25 * k_hour + 1));
  EXPECT_TRUE(engine_->daily_loss_breached());
  losses = records(core::risk_record_kind::daily_loss);
  ASSERT_EQ(losses.size(), 2u);
  EXPECT_EQ(losses[1].venue, k_binance);
  EXPECT_EQ(losses[1].value0, 999'995'000'000);
}

}  // namespace
}  // namespace tickrail
