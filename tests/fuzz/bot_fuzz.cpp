// Fuzz target: arbitrary bytes as a sequenced stream into a bot that runs
// every component — books (snapshots and changes, gaps, crossed, absurd
// prices), tickers for the perpetual and an option, execution reports for
// recent or random ids (fills, updates, rejects, portfolio), and commands
// (signals with any codes, regimes and anchors; regime_set, anchor_price,
// cancel_all, stop, kill; venue candles at any period, time and close).
// Never a crash or undefined behaviour (ASan/UBSan in the fuzz preset); every
// intent is well formed (the bot's id, a positive quantity and price where
// one is needed) and the bot's live-order count stays within its registry.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "feed_fuzz_common.hpp"
#include "fuzz_input.hpp"
#include "support/risk_fixture.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/strategies/bot.hpp"

namespace tr = tickrail::core;
namespace ts = tickrail::strategies;

namespace {

const char* k_config = R"(
[[bots]]
name = "all"
instrument = "BTC-PERPETUAL"
start = ["grid", "main_mm", "fast_mm", "dip_buyer", "min_order", "take_profit", "threshold_tp", "sell_ladder",
         "ma_crossover", "bracket"]
cancel_timeout_ms = 5
[bots.grid]
levels = 3
spacing = 50
size = 100
[bots.main_mm]
size = 50
inventory_skew_factor = 0.5
[bots.fast_mm]
size = 20
[bots.slow_mm]
size = 20
[bots.dip_buyer]
levels = [{below_pct = 1, size = 100}]
[bots.min_order]
min_size = 100
check_interval_ms = 1
[bots.take_profit]
cooldown_ms = 1
[bots.threshold_tp]
threshold = 500
[bots.ladder]
size = 100
[bots.sell_ladder]
rungs = 3
[bots.ma_crossover]
fast = 2
slow = 4
sample_interval_ms = 1
size = 100
allow_shorts = true
[bots.bracket]
size = 100
[bots.options]
allocation_pct = 5
[bots.options_multipliers]
put_buy = 0.5
[bots.regime_classifier]
candle_ms = 1000
)";

struct fixture {
  tr::instrument_catalog catalog = tickrail::test::make_risk_catalog();
  ts::bot_config config;
  fixture() {
    auto bots = ts::parse_bots_toml(k_config, "fuzz.toml", catalog);
    if (!bots.ok() || bots->size() != 1) std::abort();
    config = bots->front();
  }
};

void check(const ts::intent_sink& sink) {
  for (const tr::order_intent& in : sink.intents()) {
    if (in.bot != 1 || tr::bot_of(in.cl_ord_id) != 1) std::abort();
    if (in.kind == tr::intent_kind::place || in.kind == tr::intent_kind::replace) {
      if (in.qty_lots <= 0) std::abort();
      if (in.type == tr::order_type::limit && in.price_ticks <= 0) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture f;
  // The books (a 16k-tick ladder per side per instrument) are built once and
  // reset to "no snapshot yet" per input; the bot has no reset and is built
  // per input.
  static tr::book_builder books(f.catalog.size());
  tickrail::fuzz::reset_books(books);
  tickrail::fuzz::byte_reader r{data, size};
  ts::bot b(f.config, f.catalog, 1);
  ts::intent_sink sink;
  std::int64_t t = 0;
  std::int64_t change_id = 0;
  tr::client_order_id last_id = 0;
  for (int step = 0; step < 2048 && r.n > 0; ++step) {
    t += r.take<std::uint16_t>() * 1000;
    const auto op = r.take<std::uint8_t>();
    tr::event e{};
    e.header = {t, t, t, tr::event_type::none, 0, tickrail::test::k_perp, 0};
    switch (op % 4) {
      case 0: {  // book frame
        e.header.type = tr::event_type::market_data;
        const bool snapshot = (op & 0x10) != 0;
        e.md.kind = snapshot ? tr::md_kind::book_snapshot : tr::md_kind::book_change;
        e.md.prev_change_id = snapshot ? -1 : ((op & 0x20) != 0 ? change_id : r.value(change_id));
        e.md.change_id = ++change_id;
        e.md.count = static_cast<std::uint8_t>(r.take<std::uint8_t>() % (tr::k_md_inline_levels + 1));
        for (std::uint8_t i = 0; i < e.md.count; ++i) {
          const bool buy = (r.take<std::uint8_t>() & 1) != 0;
          e.md.levels[i] = {r.value(buy ? 199'990 : 200'010),
                            r.value(50),
                            buy ? tr::side::buy : tr::side::sell,
                            static_cast<tr::book_action>(r.take<std::uint8_t>() % 3),
                            {}};
        }
        (void)books.apply(e);
        break;
      }
      case 1: {  // ticker
        e.header.type = tr::event_type::market_data;
        e.header.instrument = (op & 0x10) != 0 ? tickrail::test::k_option : tickrail::test::k_perp;
        e.md.kind = tr::md_kind::ticker;
        e.md.ticker.present = r.take<std::uint16_t>();
        e.md.ticker.mark_ticks = r.value(200'000);
        e.md.ticker.index_ticks = r.value(200'000);
        e.md.ticker.funding_8h_e9 = r.value(0);
        break;
      }
      case 2: {  // execution report
        e.header.type = tr::event_type::exec_report;
        if ((op & 0x08) != 0) e.header.instrument = tickrail::test::k_option;
        e.exec.kind = static_cast<tr::exec_kind>(r.take<std::uint8_t>() % 6);
        e.exec.state = static_cast<tr::order_state>(r.take<std::uint8_t>() % 9);
        e.exec.order_side = (op & 0x10) != 0 ? tr::side::sell : tr::side::buy;
        e.exec.cl_ord_id = (op & 0x20) != 0 ? last_id - r.take<std::uint8_t>() % 16 : r.take<std::uint64_t>();
        e.exec.qty_lots = r.value(100);
        e.exec.filled_lots = r.value(0);
        e.exec.last_qty_lots = r.value(10);
        e.exec.last_price_ticks = r.value(200'000);
        e.exec.equity_e8 = r.value(100'000'000);
        break;
      }
      default: {  // command
        e.header.type = tr::event_type::command;
        e.header.instrument = tr::no_instrument;
        e.cmd.kind = static_cast<tr::command_kind>(r.take<std::uint8_t>() % tr::k_command_kind_count);
        e.cmd.bot = (op & 0x10) != 0 ? 0xFFFF : 1;
        e.cmd.regime = r.take<std::uint8_t>();
        e.cmd.args[0] = r.value(200'000);
        e.cmd.args[1] = r.take<std::uint8_t>() % 20;
        // Signal steps travel as (component id, action) byte pairs
        // (signals.cpp): mostly real components and small actions, so the
        // signal paths run; the modulo leaves a few unknown ones in.
        for (std::size_t i = 0; i + 1 < sizeof(e.cmd.text); i += 2) {
          e.cmd.text[i] = static_cast<char>(r.take<std::uint8_t>() % (ts::k_component_count + 2));
          e.cmd.text[i + 1] = static_cast<char>(r.take<std::uint8_t>() % 4);
        }
        if (e.cmd.kind == tr::command_kind::candle) {
          // Venue candles: mostly for the bot's instrument at the
          // classifier's period, open times near the stream's clock (so
          // some go backwards), any close and funding.
          e.header.instrument = (op & 0x20) != 0 ? tickrail::test::k_option : tickrail::test::k_perp;
          e.cmd.args[0] = r.value(t / 1'000'000);
          e.cmd.args[1] = r.value(200'000);
          e.cmd.args[2] = (op & 0x40) != 0 ? r.value(1000) : 1000;
          e.cmd.args[3] = (op & 0x80) != 0 ? ts::k_funding_unknown : r.value(0);
        }
        break;
      }
    }
    sink.clear();
    b.on_event(e, books, sink);
    check(sink);
    if (b.open_orders() > ts::bot::k_max_live_orders) std::abort();
    for (const tr::order_intent& in : sink.intents()) last_id = std::max(last_id, in.cl_ord_id);
    (void)b.take_regime_change();
  }
  return 0;
}
