// tests/support/risk_fixture.hpp — a small instrument catalog, risk limits
// and event builders for the risk engine's tests and bench.
//
//   id 0  BTC-PERPETUAL  Deribit inverse perpetual: tick 0.5, lot 10 USD
//   id 1  BTCUSDT        Binance USD-M linear: tick 0.1, lot 0.001, min notional 100
//   id 2  BTC-OPT        Deribit option: tick 0.0001, 0.0005 above 0.005, lot 0.1
//   id 3  ETH-PERPETUAL  in the catalog, deliberately without risk limits
#pragma once

#include <cstdio>
#include <cstring>
#include <string>

#include "tickrail/core/check.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/risk_limits.hpp"

namespace tickrail::test {

inline core::instrument make_instrument(core::venue where, core::instrument_kind kind, const char* symbol,
                                        const char* tick, const char* lot, const char* quote, const char* settlement) {
  core::instrument inst;
  inst.where = where;
  inst.kind = kind;
  inst.symbol = symbol;
  inst.base_currency = "BTC";
  inst.quote_currency = quote;
  inst.settlement_currency = settlement;
  TR_CHECK(core::increment::parse(tick, inst.tick) == core::fp_error::ok, "tick");
  TR_CHECK(core::increment::parse(lot, inst.lot) == core::fp_error::ok, "lot");
  return inst;
}

inline core::instrument_catalog make_risk_catalog() {
  core::instrument_catalog catalog;
  auto perp = make_instrument(core::venue::deribit, core::instrument_kind::perpetual, "BTC-PERPETUAL", "0.5", "10",
                              "USD", "BTC");
  perp.contract_size = {10, 0};
  auto linear = make_instrument(core::venue::binance_usdm, core::instrument_kind::perpetual, "BTCUSDT", "0.1", "0.001",
                                "USDT", "USDT");
  linear.min_notional = {100, 0};
  auto option =
      make_instrument(core::venue::deribit, core::instrument_kind::option, "BTC-OPT", "0.0001", "0.1", "BTC", "BTC");
  option.option = core::option_kind::call;
  option.tick_steps = {{50, 5}};  // above 0.005 (50 ticks) in steps of 0.0005
  auto eth = make_instrument(core::venue::deribit, core::instrument_kind::perpetual, "ETH-PERPETUAL", "0.05", "1",
                             "USD", "ETH");
  TR_CHECK(catalog.add(perp).ok() && catalog.add(linear).ok() && catalog.add(option).ok() && catalog.add(eth).ok(),
           "catalog");
  return catalog;
}

inline constexpr core::instrument_id k_perp = 0, k_linear = 1, k_option = 2, k_eth = 3;

inline const char* k_risk_toml = R"(
[risk]
max_open_orders = 10
runaway_max_orders = 1000
runaway_window_ms = 1000
max_divergence = 1
kill_loss = 0.10
daily_loss_limit = 0.05
daily_reset_hour_utc = 0
funding_warn = 0.0005
funding_extreme = 0.0015

[risk.venues.deribit]
orders_per_second = 1000
order_burst = 1000

[risk.instruments."BTC-PERPETUAL"]
max_order_qty = 1000          # 100 lots
max_position = 3000           # 300 lots
max_order_notional = 2000     # USD: 200 lots
max_open_orders = 6
collar_pct = 1.0              # 1000 ticks at 50000
collar_ticks = 400            # 200 USD: the binding collar at 50000
circuit_breaker_drop_pct = 5
circuit_breaker_window_ms = 60000

[risk.instruments.BTCUSDT]
venue = "binance_usdm"
max_order_qty = "1"           # 1000 lots
max_position = 2              # 2000 lots
max_order_notional = 30000    # USDT: qty_lots × price_ticks ≤ 3e8
collar_pct = 2

[risk.instruments.BTC-OPT]
max_order_qty = 10
max_position = 20
max_order_notional = 1        # BTC of premium
collar_pct = 50
)";

// ---- event builders ---------------------------------------------------------------

inline core::event make_event(core::event_type type, core::instrument_id id, std::int64_t local_ns,
                              std::int64_t utc_ns = 0) {
  core::event e;
  std::memset(&e, 0, sizeof(e));
  e.header.sequence = local_ns;
  e.header.type = type;
  e.header.instrument = id;
  e.header.local_ts_ns = local_ns;
  e.header.exchange_ts_ns = utc_ns;
  return e;
}

inline core::event place(core::instrument_id id, core::side s, core::lots qty, core::ticks price,
                         core::client_order_id cl, std::int64_t ts = 1, core::order_type type = core::order_type::limit,
                         std::uint8_t flags = 0) {
  core::event e = make_event(core::event_type::intent, id, ts);
  e.intent.kind = core::intent_kind::place;
  e.intent.instrument = id;
  e.intent.order_side = s;
  e.intent.qty_lots = qty;
  e.intent.price_ticks = price;
  e.intent.cl_ord_id = cl;
  e.intent.type = type;
  e.intent.flags = flags;
  e.intent.trigger_sequence = ts;
  e.intent.trigger_local_ts_ns = ts;
  return e;
}

inline core::event cancel(core::instrument_id id, core::client_order_id cl, std::int64_t ts = 1) {
  core::event e = make_event(core::event_type::intent, id, ts);
  e.intent.kind = core::intent_kind::cancel;
  e.intent.instrument = id;
  e.intent.cl_ord_id = cl;
  return e;
}

inline core::event replace(core::instrument_id id, core::side s, core::lots qty, core::ticks price,
                           core::client_order_id cl, std::int64_t ts = 1) {
  core::event e = place(id, s, qty, price, cl, ts);
  e.intent.kind = core::intent_kind::replace;
  return e;
}

inline core::event reference(core::instrument_id id, core::ticks bid, core::ticks ask, std::int64_t ts = 1,
                             bool valid = true) {
  core::event e = make_event(core::event_type::reference, id, ts);
  e.ref.best_bid_ticks = bid;
  e.ref.best_ask_ticks = ask;
  e.ref.valid = valid ? 1 : 0;
  return e;
}

// A ticker carrying one field.
inline core::event ticker_with(core::instrument_id id, core::ticker_field field, std::int64_t value, std::int64_t ts) {
  core::event e = make_event(core::event_type::market_data, id, ts);
  e.md.kind = core::md_kind::ticker;
  (field == core::ticker_field::mark ? e.md.ticker.mark_ticks : e.md.ticker.funding_8h_e9) = value;
  e.md.ticker.present = static_cast<std::uint32_t>(field);
  return e;
}
inline core::event ticker_mark(core::instrument_id id, core::ticks mark, std::int64_t ts = 1) {
  return ticker_with(id, core::ticker_field::mark, mark, ts);
}
inline core::event ticker_funding(core::instrument_id id, std::int64_t funding_8h_e9, std::int64_t ts = 1) {
  return ticker_with(id, core::ticker_field::funding_8h, funding_8h_e9, ts);
}

inline core::event exec(core::exec_kind kind, core::instrument_id id, core::client_order_id cl, std::int64_t ts = 1) {
  core::event e = make_event(core::event_type::exec_report, id, ts);
  e.exec.kind = kind;
  e.exec.cl_ord_id = cl;
  return e;
}

inline core::event fill(core::instrument_id id, core::client_order_id cl, core::side s, core::lots qty,
                        core::ticks price, std::int64_t ts = 1) {
  core::event e = exec(core::exec_kind::fill, id, cl, ts);
  e.exec.order_side = s;
  e.exec.last_qty_lots = qty;
  e.exec.last_price_ticks = price;
  return e;
}

inline core::event order_update(core::instrument_id id, core::client_order_id cl, core::side s, core::order_state state,
                                core::lots amount, core::lots filled, core::ticks price, std::int64_t ts = 1) {
  core::event e = exec(core::exec_kind::order_update, id, cl, ts);
  e.exec.order_side = s;
  e.exec.state = state;
  e.exec.qty_lots = amount;
  e.exec.filled_lots = filled;
  e.exec.price_ticks = price;
  std::snprintf(e.exec.venue_order_id, sizeof(e.exec.venue_order_id), "V%llu", static_cast<unsigned long long>(cl));
  return e;
}

inline core::event portfolio(std::uint8_t venue, std::int64_t equity_e8, std::int64_t utc_ns, std::int64_t ts = 1) {
  core::event e = make_event(core::event_type::exec_report, core::no_instrument, ts, utc_ns);
  e.header.venue = venue;
  e.exec.kind = core::exec_kind::portfolio;
  e.exec.equity_e8 = equity_e8;
  return e;
}

inline core::event command(core::command_kind kind, std::int64_t ts = 1, std::uint8_t regime = 0) {
  core::event e = make_event(core::event_type::command, core::no_instrument, ts);
  e.cmd.kind = kind;
  e.cmd.regime = regime;
  return e;
}

}  // namespace tickrail::test
