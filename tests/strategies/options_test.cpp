// Option selection (weekly Friday expiry at least 7 days out, strike by
// strength snapped to the listed grid), premium-based sizing in lots, limit
// at the mark on the tick step, and trim targets.
#include "tickrail/strategies/options.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tickrail::strategies {
namespace {

using core::option_kind;

constexpr std::int64_t k_now = 1795323600000;       // Sun 2026-11-22 05:00 UTC
constexpr std::int64_t k_nov27 = 1795766400000;     // Fri 08:00, only 5 days out
constexpr std::int64_t k_dec01 = 1796112000000;     // Tue 08:00 (a daily)
constexpr std::int64_t k_dec04 = 1796371200000;     // Fri 08:00, 12 days out: the one
constexpr std::int64_t k_dec11 = 1796976000000;     // Fri 08:00
constexpr std::int64_t k_dec04_9h = 1796374800000;  // Fri 09:00: not a weekly time

core::instrument option(option_kind kind, std::int64_t expiry, std::int64_t strike) {
  core::instrument inst;
  inst.where = core::venue::deribit;
  inst.kind = core::instrument_kind::option;
  inst.option = kind;
  inst.symbol =
      "BTC-" + std::to_string(expiry) + "-" + std::to_string(strike) + (kind == option_kind::call ? "-C" : "-P");
  inst.base_currency = "BTC";
  inst.quote_currency = inst.settlement_currency = "BTC";
  EXPECT_EQ(core::increment::parse("0.0001", inst.tick), core::fp_error::ok);
  EXPECT_EQ(core::increment::parse("0.1", inst.lot), core::fp_error::ok);
  inst.tick_steps = {{50, 5}};
  inst.strike = {strike, 0};
  inst.expiry_ms = expiry;
  return inst;
}

core::instrument_catalog catalog() {
  core::instrument_catalog c;
  for (std::int64_t expiry : {k_nov27, k_dec01, k_dec04, k_dec11, k_dec04_9h}) {
    for (std::int64_t strike = 80'000; strike <= 120'000; strike += 5'000) {
      for (option_kind kind : {option_kind::call, option_kind::put})
        EXPECT_TRUE(c.add(option(kind, expiry, strike)).ok());
    }
  }
  return c;
}

TEST(options, weekly_expiry_rule) {
  EXPECT_TRUE(is_weekly_expiry(k_dec04));
  EXPECT_TRUE(is_weekly_expiry(k_nov27));
  EXPECT_FALSE(is_weekly_expiry(k_dec01));
  EXPECT_FALSE(is_weekly_expiry(k_dec04_9h));
}

TEST(options, nearest_friday_at_least_a_week_out_and_strike_by_strength) {
  const core::instrument_catalog c = catalog();
  const options_params p;
  const core::decimal spot{100'000, 0};
  struct row {
    option_kind kind;
    int strength;
    core::decimal underlying;
    std::int64_t strike;
  };
  for (const row& r : {row{option_kind::call, 1, spot, 100'000}, row{option_kind::call, 2, spot, 105'000},
                       row{option_kind::call, 3, spot, 110'000}, row{option_kind::put, 2, spot, 95'000},
                       row{option_kind::put, 3, spot, 90'000}, row{option_kind::call, 2, {1'010'000, 1}, 105'000},
                       row{option_kind::put, 1, {1'031'000, 1}, 105'000}}) {
    const core::instrument* o =
        choose_option(c, core::venue::deribit, "BTC", r.kind, k_now, r.underlying, r.strength, p);
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->expiry_ms, k_dec04) << o->symbol;
    EXPECT_EQ(o->option, r.kind);
    EXPECT_EQ(o->strike, (core::decimal{r.strike, 0})) << o->symbol << " strength " << r.strength;
  }
  EXPECT_EQ(choose_option(c, core::venue::deribit, "ETH", option_kind::call, k_now, spot, 1, p), nullptr);
  EXPECT_EQ(choose_option(c, core::venue::deribit, "BTC", option_kind::call, k_now, spot, 4, p), nullptr);
  // A week before the last Friday listed, nothing qualifies.
  EXPECT_EQ(choose_option(c, core::venue::deribit, "BTC", option_kind::call, k_dec11 - 6 * 86'400'000, spot, 1, p),
            nullptr);
}

TEST(options, size_order_and_trim) {
  const core::instrument o = option(option_kind::put, k_dec04, 90'000);
  // 1 % of 1 BTC at a mark of 0.005 BTC buys 2 contracts = 20 lots of 0.1.
  EXPECT_EQ(option_size_lots(o, 100'000'000, 50, 10'000), 20);
  EXPECT_EQ(option_size_lots(o, 100'000'000, 51, 10'000), 19);  // rounded down
  EXPECT_EQ(option_size_lots(o, 1'000, 50, 10'000), 0);
  order_ids ids(1, 1);
  const core::event_header h{1, 0, 1, core::event_type::command, 0, 0, 0};
  const auto buy = option_order(o, core::side::buy, 20, 61, 1, 9, ids, h);
  ASSERT_TRUE(buy.has_value());
  EXPECT_EQ(buy->price_ticks, 60);  // 0.0061 snaps down to the 0.0005 step
  const auto sell = option_order(o, core::side::sell, 20, 61, 1, 9, ids, h);
  EXPECT_EQ(sell->price_ticks, 65);
  EXPECT_FALSE(option_order(o, core::side::buy, 0, 61, 1, 9, ids, h).has_value());

  const option_position positions[] = {{1, 30, 60}, {2, -50, 70}, {3, 10, 80}};
  const option_position* largest = trim_target(positions, core::no_instrument);
  ASSERT_NE(largest, nullptr);
  EXPECT_EQ(largest->instrument, 2);
  EXPECT_EQ(trim_target(positions, 3)->instrument, 3);
  EXPECT_EQ(trim_target(positions, 9), nullptr);
  EXPECT_EQ(trim_lots(*largest, 0, 500'000), 25);
  EXPECT_EQ(trim_lots(*largest, 100, 0), 50);  // never more than held
  EXPECT_EQ(trim_lots(*largest, 7, 0), 7);
}

TEST(options, signals_open_hedge_and_trim) {
  const core::instrument_catalog c = catalog();
  std::vector<core::ticks> marks(c.size(), 50);  // 0.005 BTC everywhere
  const option_market m{k_now, {100'000, 0}, 100'000'000, marks};
  const options_params p;
  order_ids ids(1, 1);
  const core::event_header h{1, 0, 1, core::event_type::command, 0, 0, 0};
  const auto calm = core::multipliers(core::regime::calm);

  const auto call = open_option(c, option_signal::long_call, 0, "BTC", 2, m, p, calm, 1, 9, ids, h);
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(c[call->instrument].option, option_kind::call);
  EXPECT_EQ(c[call->instrument].strike, (core::decimal{105'000, 0}));
  EXPECT_EQ(call->order_side, core::side::buy);
  EXPECT_EQ(call->qty_lots, 20);
  EXPECT_EQ(call->price_ticks, 50);

  const auto hedge_long = open_option(c, option_signal::hedge, 500, "BTC", 3, m, p, calm, 1, 9, ids, h);
  ASSERT_TRUE(hedge_long.has_value());
  EXPECT_EQ(c[hedge_long->instrument].option, option_kind::put);
  EXPECT_EQ(c[hedge_long->instrument].strike, (core::decimal{90'000, 0}));
  const auto hedge_short = open_option(c, option_signal::hedge, -500, "BTC", 1, m, p, calm, 1, 9, ids, h);
  EXPECT_EQ(c[hedge_short->instrument].option, option_kind::call);
  EXPECT_FALSE(open_option(c, option_signal::hedge, 0, "BTC", 1, m, p, calm, 1, 9, ids, h).has_value());
  // STRESS gates every buy, protective puts included: a zero is never undone.
  EXPECT_FALSE(
      open_option(c, option_signal::long_put, 0, "BTC", 1, m, p, core::multipliers(core::regime::stress), 1, 9, ids, h)
          .has_value());

  const option_position held{call->instrument, 40, 61};
  const auto trim = trim_option(c, held, 0, 250'000, calm, 1, 9, ids, h);
  ASSERT_TRUE(trim.has_value());
  EXPECT_EQ(trim->order_side, core::side::sell);
  EXPECT_EQ(trim->qty_lots, 10);
  EXPECT_EQ(trim->price_ticks, 65);  // a sell at the mark snaps up to the step
}

}  // namespace
}  // namespace tickrail::strategies
