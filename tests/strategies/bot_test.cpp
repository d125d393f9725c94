// The bot: [[bots]] config read into integer parameters (and refused with
// file:line:key errors), signals that start and stop components, regime-only
// payloads, the cancel_all barrier, positions from fills, options signals,
// the classifier (from sampled mids and from venue candle commands) and
// stacked option multipliers.
#include "tickrail/strategies/bot.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "support/risk_fixture.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail::strategies {
namespace {

using test::k_option;
using test::k_perp;

// Sun 2026-11-22 05:00 UTC in ns; Fri 2026-12-04 08:00 UTC in ms.
constexpr std::int64_t k_now_utc_ns = 1795323600000LL * 1'000'000;
constexpr std::int64_t k_dec04_ms = 1796371200000;

core::instrument_catalog catalog() {
  core::instrument_catalog c = test::make_risk_catalog();  // perp 0 (tick 0.5, lot 10), ..., BTC-OPT 2 (call)
  for (const core::option_kind kind : {core::option_kind::put, core::option_kind::call}) {
    for (const std::int64_t strike : {90'000, 95'000, 100'000, 105'000}) {
      core::instrument o =
          test::make_instrument(core::venue::deribit, core::instrument_kind::option, "", "0.0001", "0.1", "BTC", "BTC");
      o.symbol = "BTC-4DEC26-" + std::to_string(strike) + (kind == core::option_kind::put ? "-P" : "-C");
      o.option = kind;
      o.strike = {strike, 0};
      o.expiry_ms = k_dec04_ms;
      EXPECT_TRUE(c.add(o).ok());
    }
  }
  return c;
}

const core::instrument_catalog& shared_catalog() {
  static const core::instrument_catalog c = catalog();
  return c;
}

bot_config config_of(const std::string& toml) {
  auto bots = parse_bots_toml(toml, "bots.toml", shared_catalog());
  EXPECT_TRUE(bots.ok()) << bots.status();
  EXPECT_EQ(bots->size(), 1u);
  return bots->front();
}

std::string error_of(const std::string& toml) {
  auto bots = parse_bots_toml(toml, "bots.toml", shared_catalog());
  EXPECT_FALSE(bots.ok());
  return bots.ok() ? "" : std::string(bots.status().message());
}

// ---- config --------------------------------------------------------------------------

TEST(bot_config, reads_every_component_in_venue_units) {
  const bot_config b = config_of(R"(
[[bots]]
name = "btc-maker"
instrument = "BTC-PERPETUAL"
regime = "transition"
start = ["grid", "main_mm"]
cancel_timeout_ms = 5000
[bots.grid]
levels = 3
spacing = 25          # USD: 50 ticks of 0.5
size = 100            # USD: 10 lots of 10
drift_threshold_pct = 1.5
[bots.main_mm]
size = 50
inventory_skew_factor = 0.5
[bots.dip_buyer]
levels = [{below_pct = 1, size = 100}, {below_pct = 2.5, size = 200}]
[bots.take_profit]
trigger_pct = 2
trail_offset_pct = 0.5
cooldown_ms = 60000
[bots.options]
allocation_pct = 1
otm_pct = [0, 5, 10]
[bots.options_multipliers]
put_buy = 1.5
call_buy = 0
[bots.regime_classifier]
candle_ms = 60000
deescalate_after_polls = 2
)");
  EXPECT_EQ(b.name, "btc-maker");
  EXPECT_EQ(b.id, 1);
  EXPECT_EQ(b.instrument, k_perp);
  EXPECT_EQ(b.initial_regime, core::regime::transition);
  EXPECT_EQ(b.start, (std::vector<component_id>{component_id::grid, component_id::main_mm}));
  EXPECT_EQ(b.cancel_timeout_ns, 5'000'000'000);
  ASSERT_TRUE(b.get<grid_component>());
  EXPECT_EQ(b.get<grid_component>()->levels, 3u);
  EXPECT_EQ(b.get<grid_component>()->spacing_ticks, 50);
  EXPECT_EQ(b.get<grid_component>()->size_lots, 10);
  EXPECT_EQ(b.get<grid_component>()->drift_threshold_ppm, 15'000);
  ASSERT_TRUE(b.get<main_mm_component>());
  EXPECT_EQ(b.get<main_mm_component>()->half_spread_ticks, 10);  // the main profile's default
  EXPECT_EQ(b.get<main_mm_component>()->orders_per_side, 3u);
  EXPECT_EQ(b.get<main_mm_component>()->size_lots, 5);
  EXPECT_EQ(b.get<main_mm_component>()->inventory_skew_permille, 500);
  ASSERT_TRUE(b.get<dip_buyer_component>());
  EXPECT_EQ(b.get<dip_buyer_component>()->level_count, 2u);
  EXPECT_EQ(b.get<dip_buyer_component>()->levels[1].below_ppm, 25'000);
  EXPECT_EQ(b.get<dip_buyer_component>()->levels[1].size_lots, 20);
  ASSERT_TRUE(b.get<take_profit_component>());
  EXPECT_EQ(b.get<take_profit_component>()->trail_offset_ppm, 5'000);
  ASSERT_TRUE(b.get<options_component>());
  EXPECT_EQ(b.get<options_component>()->currency, "BTC");
  EXPECT_EQ(b.get<options_component>()->params.allocation_ppm, 10'000);
  EXPECT_EQ(b.option_multipliers.put.buy_permille, 1500);
  EXPECT_EQ(b.option_multipliers.call.buy_permille, 0);
  ASSERT_TRUE(b.classifier);
  EXPECT_EQ(b.classifier->candle_ns, 60'000'000'000);
  EXPECT_EQ(b.classifier->params.deescalate_after_polls, 2u);
  EXPECT_FALSE(b.configured(component_id::bracket));
}

TEST(bot_config, default_config_parses_against_the_shipped_instruments) {
  // Compile-time (tests/CMakeLists.txt), so the binary runs outside ctest too.
  const std::string root = TICKRAIL_SOURCE_DIR;
  core::instrument_catalog real;
  ASSERT_TRUE(deribit::load_instruments_file(root + "/config/instruments/deribit.json", real).ok());
  const auto bots = load_bots_file(root + "/config/default.toml", real);
  ASSERT_TRUE(bots.ok()) << bots.status();
  ASSERT_EQ(bots->size(), 1u);
  const bot_config& demo = bots->front();
  EXPECT_EQ(demo.name, "demo");
  EXPECT_EQ(demo.instrument, real.find(core::venue::deribit, "BTC-PERPETUAL")->id);
  ASSERT_TRUE(demo.get<main_mm_component>() && demo.get<grid_component>() && demo.classifier);
  EXPECT_EQ(demo.get<main_mm_component>()->size_lots, 10);    // 100 USD in 10-USD contracts
  EXPECT_EQ(demo.get<grid_component>()->spacing_ticks, 100);  // 50 USD at the 0.5 tick
}

TEST(bot_config, no_bots_is_an_empty_list) {
  auto bots = parse_bots_toml("[placement]\n", "x.toml", shared_catalog());
  ASSERT_TRUE(bots.ok());
  EXPECT_TRUE(bots->empty());
}

TEST(bot_config, refuses_bad_input_naming_file_line_and_key) {
  const std::string head = "[[bots]]\nname = \"b\"\ninstrument = \"BTC-PERPETUAL\"\n";
  struct row {
    std::string toml;
    std::string expect;
  } rows[] = {
      {head + "[bots.grid]\nspacing = 25\nsize = 100\nlevles = 3\n",
       "bots.toml:7: key 'bots.b.grid.levles': unknown key"},
      {head + "[bots.grid]\nspacing = 25.25\nsize = 100\n", "not a multiple of the tick size of BTC-PERPETUAL"},
      {head + "[bots.grid]\nspacing = 25\nsize = 5\n", "smaller than one lot"},
      {head + "[bots.grid]\nsize = 100\n", "bots.b.grid.spacing': required"},
      {head + "[bots.main_mm]\nsize = 100\norders_per_side = 0\n", "out of range (1..32)"},
      {head + "start = [\"grid\"]\n", "component grid has no [bots.b.grid] table"},
      {head + "start = [\"options\"]\n[bots.options]\n", "options run on their signals"},
      {head + "start = [\"warp\"]\n", "unknown component"},
      {head + "regime = \"panic\"\n", "unknown regime"},
      {"[[bots]]\nname = \"b\"\ninstrument = \"NOPE\"\n", "not in the deribit instrument catalog"},
      {"[[bots]]\ninstrument = \"BTC-PERPETUAL\"\n", "bots[0].name': required"},
      {"[[bots]]\nname = \"has space\"\ninstrument = \"BTC-PERPETUAL\"\n", "bots[0].name'"},
      {head + head, "duplicate bot name"},
      {head + "[bots.take_profit]\ntrigger_pct = -1\n", "must be positive"},
      {head + "[bots.ma_crossover]\nfast = 20\nslow = 5\nsize = 10\n", "must be smaller than slow"},
      {head + "[bots.regime_classifier]\ncandle_ms = 10\n", "out of range (1000.."},
      {head + "[bots.regime_classifier]\nstress_vol = 0.1\n", "transition_vol <= stress_vol"},
      {"bots = 3\n", "expected [[bots]] tables"},
      {head + "[bots.grid\n", "bots.toml:4"},
  };
  for (const row& r : rows) {
    const std::string err = error_of(r.toml);
    EXPECT_NE(err.find(r.expect), std::string::npos) << r.toml << "\n→ " << err;
  }
}

// ---- scenarios ------------------------------------------------------------------------

// A two-level snapshot of `id` at local time `ts`.
core::event snapshot(core::instrument_id id, core::ticks bid, core::ticks ask, std::int64_t ts,
                     std::int64_t change_id) {
  core::event e = test::make_event(core::event_type::market_data, id, ts, k_now_utc_ns + ts);
  e.md.kind = core::md_kind::book_snapshot;
  e.md.change_id = change_id;
  e.md.prev_change_id = -1;
  e.md.count = 2;
  e.md.levels[0] = {bid, 50, core::side::buy, core::book_action::new_level, {}};
  e.md.levels[1] = {ask, 50, core::side::sell, core::book_action::new_level, {}};
  return e;
}

core::event signal_cmd(const std::string& signals, const std::string& regime = "", const std::string& anchor = "",
                       std::int64_t ts = 1) {
  auto request = parse_signal_request(signals, regime, anchor);
  EXPECT_TRUE(request.ok()) << request.status();
  auto c = to_signal_command(*request, shared_catalog()[k_perp], 1, 7);
  EXPECT_TRUE(c.ok()) << c.status();
  core::event e = test::make_event(core::event_type::command, core::no_instrument, ts);
  e.cmd = *c;
  return e;
}

// Drives one bot with a book builder, as the strategy stage does.
struct harness {
  explicit harness(const std::string& toml)
      : config(config_of(toml)), books(shared_catalog().size()), b(config, shared_catalog(), 1000) {}

  std::vector<core::order_intent> feed(const core::event& e) {
    if (e.header.type == core::event_type::market_data) (void)books.apply(e);
    sink.clear();
    b.on_event(e, books, sink);
    return {sink.intents().begin(), sink.intents().end()};
  }
  std::vector<core::order_intent> book(core::ticks bid, core::ticks ask, std::int64_t ts) {
    return feed(snapshot(k_perp, bid, ask, ts, ++change_id));
  }

  bot_config config;
  core::book_builder books;
  bot b;
  intent_sink sink;
  std::int64_t change_id = 0;
};

std::size_t count(const std::vector<core::order_intent>& v, core::intent_kind kind) {
  std::size_t n = 0;
  for (const auto& in : v) n += in.kind == kind ? 1 : 0;
  return n;
}

const char* k_maker = R"(
[[bots]]
name = "maker"
instrument = "BTC-PERPETUAL"
start = ["fast_mm", "grid"]
cancel_timeout_ms = 1000
[bots.fast_mm]
size = 20
[bots.grid]
levels = 2
spacing = 50
size = 10
)";

TEST(bot, nothing_runs_until_a_signal_then_start_bot_starts_the_start_list) {
  harness h(k_maker);
  EXPECT_TRUE(h.book(200'000, 200'010, 10).empty());  // configured, not started
  EXPECT_TRUE(h.feed(signal_cmd("start_bot", "", "", 20)).empty());
  EXPECT_TRUE(h.b.running(component_id::fast_mm));
  EXPECT_TRUE(h.b.running(component_id::grid));
  const auto out = h.book(200'000, 200'010, 30);
  // fast_mm: one bid + one ask (2 lots); grid: 2 levels a side at 100 ticks spacing.
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(count(out, core::intent_kind::place), 6u);
  EXPECT_EQ(out[0].component, static_cast<std::uint16_t>(component_id::grid));
  EXPECT_EQ(out[0].price_ticks, 200'005 - 100);
  EXPECT_EQ(out[4].component, static_cast<std::uint16_t>(component_id::fast_mm));
  EXPECT_EQ(out[4].qty_lots, 2);
  for (const auto& in : out) EXPECT_EQ(core::bot_of(in.cl_ord_id), 1);
  EXPECT_EQ(h.b.open_orders(), 6u);
}

TEST(bot, a_regime_only_payload_stops_the_loops_and_leaves_orders_in_place) {
  harness h(k_maker);
  (void)h.feed(signal_cmd("start_bot", "", "", 1));
  ASSERT_EQ(h.book(200'000, 200'010, 2).size(), 6u);
  EXPECT_TRUE(h.feed(signal_cmd("", "STRESS", "", 3)).empty());  // no cancels
  EXPECT_EQ(h.b.regime(), core::regime::stress);
  const auto change = h.b.take_regime_change();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->to, core::regime::stress);
  EXPECT_EQ(change->source, regime_source::manual);
  EXPECT_FALSE(h.b.any_running());
  EXPECT_EQ(h.b.open_orders(), 6u);
  // The market moves far: a running grid would re-anchor; stopped, nothing.
  EXPECT_TRUE(h.book(260'000, 260'010, 4'000'000'000).empty());
}

TEST(bot, cancel_all_then_start_bot_waits_for_every_cancel_confirmation) {
  harness h(k_maker);
  (void)h.feed(signal_cmd("start_bot", "", "", 1));
  const auto placed = h.book(200'000, 200'010, 2);
  ASSERT_EQ(placed.size(), 6u);

  const auto cancels = h.feed(signal_cmd("cancel_all,start_bot", "", "", 3));
  ASSERT_EQ(cancels.size(), 6u);
  EXPECT_EQ(count(cancels, core::intent_kind::cancel), 6u);
  EXPECT_TRUE(h.b.sequencer().waiting_on_cancels());
  EXPECT_FALSE(h.b.any_running());
  // Confirm all but one: start_bot still held, books place nothing.
  for (std::size_t i = 0; i + 1 < placed.size(); ++i) {
    EXPECT_TRUE(h.feed(test::order_update(k_perp, placed[i].cl_ord_id, placed[i].order_side,
                                          core::order_state::cancelled, 0, 0, 0, 4))
                    .empty());
  }
  EXPECT_TRUE(h.book(200'000, 200'010, 5).empty());
  EXPECT_TRUE(h.b.sequencer().waiting_on_cancels());
  (void)h.feed(test::order_update(k_perp, placed.back().cl_ord_id, placed.back().order_side,
                                  core::order_state::cancelled, 0, 0, 0, 6));
  EXPECT_EQ(h.b.open_orders(), 0u);
  EXPECT_TRUE(h.b.running(component_id::grid));
  const auto again = h.book(200'000, 200'010, 7);
  EXPECT_EQ(count(again, core::intent_kind::place), 6u);  // a clean restart, fresh ids
  for (const auto& in : again) EXPECT_GT(in.cl_ord_id, placed.back().cl_ord_id);
}

TEST(bot, cancel_all_gives_up_on_the_rest_of_the_request_after_the_timeout) {
  harness h(k_maker);
  (void)h.feed(signal_cmd("start_bot", "", "", 1));
  ASSERT_EQ(h.book(200'000, 200'010, 2).size(), 6u);
  (void)h.feed(signal_cmd("cancel_all,start_bot", "", "", 10));
  EXPECT_TRUE(h.book(200'000, 200'010, 10 + 999'999'999).empty());
  EXPECT_TRUE(h.book(200'000, 200'010, 10 + 1'000'000'000).empty());  // timed out: start_bot dropped
  EXPECT_EQ(h.b.counters().cancel_timeouts, 1u);
  EXPECT_FALSE(h.b.any_running());
  EXPECT_FALSE(h.b.sequencer().busy());
}

TEST(bot, a_signal_for_an_unconfigured_component_is_refused_and_counted) {
  harness h(k_maker);
  EXPECT_TRUE(h.feed(signal_cmd("dip_buyer,slow_mm", "", "", 1)).empty());
  EXPECT_EQ(h.b.counters().signals_refused, 2u);
  EXPECT_FALSE(h.b.any_running());
  core::event bad = signal_cmd("grid", "", "", 2);
  bad.cmd.text[0] = 99;  // not a signal code
  EXPECT_TRUE(h.feed(bad).empty());
  EXPECT_EQ(h.b.counters().commands_refused, 1u);
}

TEST(bot, commands_for_another_bot_are_ignored) {
  harness h(k_maker);
  core::event e = signal_cmd("start_bot", "", "", 1);
  e.cmd.bot = 2;
  (void)h.feed(e);
  EXPECT_FALSE(h.b.any_running());
}

TEST(bot, anchor_in_the_payload_applies_before_the_signal) {
  harness h(k_maker);
  (void)h.book(200'000, 200'010, 1);
  // grid with anchorPrice 100250 USD = 200 500 ticks: centred there, not on the mid.
  const auto out = h.feed(signal_cmd("grid", "", "100250", 2));
  ASSERT_EQ(out.size(), 4u);
  std::vector<core::ticks> prices;
  for (const auto& in : out) prices.push_back(in.price_ticks);
  EXPECT_EQ(prices, (std::vector<core::ticks>{200'400, 200'600, 200'300, 200'700}));
  // An anchor-only payload re-centres the running grid now.
  const auto moved = h.feed(signal_cmd("", "", "100000", 3));
  EXPECT_EQ(count(moved, core::intent_kind::cancel), 4u);
  ASSERT_EQ(count(moved, core::intent_kind::place), 4u);
  EXPECT_EQ(moved[4].price_ticks, 199'900);
  EXPECT_TRUE(h.b.running(component_id::grid));
}

TEST(bot, fills_move_the_position_and_average_entry) {
  harness h(R"(
[[bots]]
name = "tp"
instrument = "BTC-PERPETUAL"
start = ["threshold_tp"]
[bots.threshold_tp]
threshold = 500          # USD: 50 lots
sell_pct = 50
)");
  const core::client_order_id id = core::make_client_order_id(1, 5);
  (void)h.feed(test::fill(k_perp, id, core::side::buy, 40, 200'000, 1));
  (void)h.feed(test::fill(k_perp, id, core::side::buy, 20, 200'300, 2));
  EXPECT_EQ(h.b.position().position_lots, 60);
  EXPECT_EQ(h.b.position().avg_entry_ticks, 200'100);  // (8 000 000 + 4 006 000) / 60, exact
  (void)h.feed(test::fill(k_perp, id, core::side::sell, 10, 201'000, 3));
  EXPECT_EQ(h.b.position().position_lots, 50);
  EXPECT_EQ(h.b.position().avg_entry_ticks, 200'100);  // reducing keeps the average
  // Another bot's fill is not ours.
  (void)h.feed(test::fill(k_perp, core::make_client_order_id(2, 5), core::side::buy, 99, 1, 4));
  EXPECT_EQ(h.b.position().position_lots, 50);
  // Started, the threshold component sells half once the position exceeds 50 lots.
  (void)h.feed(signal_cmd("threshold_tp", "", "", 5));
  (void)h.feed(test::fill(k_perp, id, core::side::buy, 10, 200'000, 6));
  const auto out = h.book(200'000, 200'010, 7);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].order_side, core::side::sell);
  EXPECT_EQ(out[0].qty_lots, 30);
  EXPECT_EQ(out[0].flags & core::k_order_reduce_only, core::k_order_reduce_only);
  // Flip through zero: the average restarts at the fill price.
  (void)h.feed(test::fill(k_perp, id, core::side::sell, 80, 199'000, 8));
  EXPECT_EQ(h.b.position().position_lots, -20);
  EXPECT_EQ(h.b.position().avg_entry_ticks, 199'000);
}

// The bot's average entry is core::position's: the same rule, and the same
// example, as order_tracker_test's average_entry_rounds_to_the_nearest_tick.
TEST(bot, average_entry_is_core_positions_rounded_to_the_nearest_tick) {
  harness h(R"(
[[bots]]
name = "avg"
instrument = "BTC-PERPETUAL"
)");
  const core::client_order_id id = core::make_client_order_id(1, 5);
  (void)h.feed(test::fill(k_perp, id, core::side::buy, 1, 100, 1));
  (void)h.feed(test::fill(k_perp, id, core::side::buy, 2, 101, 2));
  EXPECT_EQ(h.b.position().position_lots, 3);
  EXPECT_EQ(h.b.position().avg_entry_ticks, 101);  // 302 / 3 = 100.67 → 101 (truncation would say 100)
  // Reducing keeps the entry of what is left: 302 − 302 × 1 / 3 = 202 over 2 → 101.
  (void)h.feed(test::fill(k_perp, id, core::side::sell, 1, 105, 3));
  EXPECT_EQ(h.b.position().position_lots, 2);
  EXPECT_EQ(h.b.position().avg_entry_ticks, 101);
}

const char* k_options = R"(
[[bots]]
name = "hedger"
instrument = "BTC-PERPETUAL"
[bots.options]
allocation_pct = 10
strength = 2
otm_pct = [0, 5, 10]
trim_pct = 50
[bots.options_multipliers]
put_buy = 0
)";

core::event index_ticker(core::ticks index, std::int64_t ts) {
  core::event e = test::ticker_with(k_perp, core::ticker_field::index, 0, ts);
  e.md.ticker.index_ticks = index;
  e.header.exchange_ts_ns = k_now_utc_ns;
  return e;
}

TEST(bot, hedge_buys_a_put_against_a_long_position_sized_from_equity) {
  harness h(k_options);
  const core::instrument* put95 = shared_catalog().find(core::venue::deribit, "BTC-4DEC26-95000-P");
  ASSERT_NE(put95, nullptr);
  EXPECT_TRUE(h.feed(signal_cmd("hedge", "", "", 1)).empty());  // no index, no equity yet
  EXPECT_EQ(h.b.counters().signals_refused, 1u);

  (void)h.feed(index_ticker(200'000, 2));                          // 100 000 USD
  (void)h.feed(test::ticker_mark(put95->id, 100, 3));              // 0.0100 BTC
  (void)h.feed(test::portfolio(0, 100'000'000, k_now_utc_ns, 4));  // 1 BTC equity
  (void)h.feed(test::fill(k_perp, core::make_client_order_id(1, 1), core::side::buy, 10, 200'000, 5));
  const auto out = h.feed(signal_cmd("hedge", "", "", 6));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].instrument, put95->id);  // 5 % below 100 000
  EXPECT_EQ(out[0].order_side, core::side::buy);
  EXPECT_EQ(out[0].qty_lots, 100);  // 0.1 BTC / 0.01 = 10 contracts = 100 lots of 0.1
  EXPECT_EQ(out[0].price_ticks, 100);
  EXPECT_EQ(out[0].component, static_cast<std::uint16_t>(component_id::options));

  // Once the put fills, the put multipliers stack: put_buy = 0 gates every buy.
  (void)h.feed(test::fill(put95->id, out[0].cl_ord_id, core::side::buy, 100, 100, 7));
  EXPECT_TRUE(h.feed(signal_cmd("options_long_call", "", "", 8)).empty());
  EXPECT_EQ(h.b.counters().signals_refused, 2u);

  // options_trim sells half of the largest option position at its mark.
  const auto trim = h.feed(signal_cmd("options_trim", "", "", 9));
  ASSERT_EQ(trim.size(), 1u);
  EXPECT_EQ(trim[0].instrument, put95->id);
  EXPECT_EQ(trim[0].order_side, core::side::sell);
  EXPECT_EQ(trim[0].qty_lots, 50);
}

TEST(bot, the_classifier_escalates_on_volatile_candles_and_sizes_follow) {
  harness h(R"(
[[bots]]
name = "regimes"
instrument = "BTC-PERPETUAL"
start = ["fast_mm"]
[bots.fast_mm]
size = 100
[bots.regime_classifier]
candle_ms = 60000
transition_vol = 0.5
stress_vol = 1.0
black_vol = 50
)");
  (void)h.feed(signal_cmd("start_bot", "", "", 1));
  const std::int64_t minute = 60'000'000'000;
  std::optional<regime_change> change;
  std::vector<core::order_intent> out;
  // Mid swings 2 % every minute: far beyond 100 % annualised.
  for (int i = 0; i < 12 && !change; ++i) {
    const core::ticks mid = i % 2 == 0 ? 200'000 : 204'000;
    out = h.book(mid - 5, mid + 5, (i + 1) * minute);
    change = h.b.take_regime_change();
  }
  ASSERT_TRUE(change);
  EXPECT_EQ(change->source, regime_source::classifier);
  EXPECT_EQ(change->to, core::regime::stress);
  EXPECT_GT(change->inputs.vol24h, 1.0);
  EXPECT_EQ(h.b.regime(), core::regime::stress);
  EXPECT_EQ(h.b.counters().regime_changes, 1u);
  // The book that closed the candle is quoted in the new regime: STRESS
  // gates buys (0.0/1.0), so the working bid is cancelled and none placed.
  bool bid_cancelled = false;
  for (const auto& in : out) {
    EXPECT_FALSE(in.kind != core::intent_kind::cancel && in.order_side == core::side::buy);
    bid_cancelled |= in.kind == core::intent_kind::cancel && in.order_side == core::side::buy;
  }
  EXPECT_TRUE(bid_cancelled);
  // The next book moves the mid, so the ask is requoted: the loop below must
  // see that requote (an empty result would prove nothing about buys).
  const auto requoted = h.book(199'995, 200'005, 14 * minute);
  ASSERT_FALSE(requoted.empty());
  EXPECT_GE(count(requoted, core::intent_kind::place) + count(requoted, core::intent_kind::replace), 1u);
  for (const auto& in : requoted) EXPECT_NE(in.order_side, core::side::buy);
}

// ---- venue candles (candle_command.hpp) ----------------------------------------------

constexpr std::int64_t k_hour_ms = 3'600'000;
constexpr std::int64_t k_hour_ns = k_hour_ms * 1'000'000;
constexpr std::int64_t k_day0_ms = 1'795'305'600'000;  // Sun 2026-11-22 00:00 UTC

// Hourly candles, default thresholds (transition 0.6, stress 1.0, black 1.5
// with a 15 % drawdown, extreme funding 0.001), quoting with fast_mm.
const char* k_hourly = R"(
[[bots]]
name = "hourly"
instrument = "BTC-PERPETUAL"
start = ["fast_mm"]
[bots.fast_mm]
size = 20
[bots.regime_classifier]
candle_ms = 3600000
)";

core::event candle_cmd(std::int64_t open_ms, core::ticks close, std::int64_t period_ms = k_hour_ms,
                       std::int64_t funding_8h_e9 = k_funding_unknown, core::instrument_id id = k_perp,
                       std::uint16_t bot = k_all_bots, std::int64_t ts = 1) {
  core::event e = test::make_event(core::event_type::command, id, ts);
  e.cmd = make_candle_command(bot, open_ms, close, period_ms, funding_8h_e9);
  return e;
}

// 25 hourly candles (24 h of returns) ending at hour 24, alternating by
// 10 ticks in 200'000: about 1 % annualised, CALM. Returns the next open time.
std::int64_t feed_calm_day(harness& h, std::int64_t funding_8h_e9 = k_funding_unknown) {
  for (int i = 0; i <= 24; ++i) {
    EXPECT_TRUE(h.feed(candle_cmd(k_day0_ms + i * k_hour_ms, i % 2 == 0 ? 200'000 : 200'010, k_hour_ms, funding_8h_e9))
                    .empty());
  }
  return k_day0_ms + 25 * k_hour_ms;
}

TEST(bot_candles, the_encoding_round_trips_and_malformed_payloads_are_refused) {
  const core::command c = make_candle_command(3, k_day0_ms, 200'000, k_hour_ms, 123);
  EXPECT_EQ(c.kind, core::command_kind::candle);
  EXPECT_EQ(c.bot, 3);
  EXPECT_EQ(c.args[0], k_day0_ms);
  EXPECT_EQ(c.args[1], 200'000);
  EXPECT_EQ(c.args[2], k_hour_ms);
  EXPECT_EQ(c.args[3], 123);
  EXPECT_EQ(make_candle_command(3, k_day0_ms, 200'000, k_hour_ms).args[3], INT64_MIN);
  venue_candle v;
  ASSERT_TRUE(from_candle_command(c, v));
  EXPECT_EQ(v.open_ms, k_day0_ms);
  EXPECT_EQ(v.close_ticks, 200'000);
  EXPECT_EQ(v.period_ms, k_hour_ms);
  EXPECT_EQ(v.funding_8h_e9, 123);
  EXPECT_FALSE(from_candle_command(make_candle_command(3, k_day0_ms, 0, k_hour_ms), v));
  EXPECT_FALSE(from_candle_command(make_candle_command(3, k_day0_ms, 200'000, 0), v));
  EXPECT_FALSE(from_candle_command(make_candle_command(3, -1, 200'000, k_hour_ms), v));
  core::command other = c;
  other.kind = core::command_kind::anchor_price;
  EXPECT_FALSE(from_candle_command(other, v));
  // Appended: the kinds before it keep their journalled values.
  EXPECT_EQ(static_cast<int>(core::command_kind::stop), 9);
  EXPECT_EQ(static_cast<int>(core::command_kind::candle), 10);
  EXPECT_EQ(core::k_command_kind_count, 11);
}

TEST(bot_candles, a_day_of_calm_history_stays_calm_then_one_violent_candle_escalates_at_once) {
  harness h(k_hourly);
  const std::int64_t next = feed_calm_day(h);
  EXPECT_EQ(h.b.counters().candles_accepted, 25u);
  ASSERT_NE(h.b.candles(), nullptr);
  EXPECT_EQ(h.b.candles()->size(), 25u);
  EXPECT_FALSE(h.b.take_regime_change());
  EXPECT_EQ(h.b.regime(), core::regime::calm);
  EXPECT_EQ(h.b.counters().regime_changes, 0u);

  // A 4 % hour on top of that history: vol4h ≈ 1.9 > stress_vol, on this
  // command, with no book event in between.
  (void)h.feed(candle_cmd(next, 208'000));
  const std::optional<regime_change> change = h.b.take_regime_change();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->source, regime_source::classifier);
  EXPECT_EQ(change->reason, regime_reason::escalate_vol);
  EXPECT_EQ(change->from, core::regime::calm);
  EXPECT_EQ(change->to, core::regime::stress);
  EXPECT_GT(change->inputs.vol4h, 1.0);
  EXPECT_EQ(change->inputs.price_ticks, 208'000);
  EXPECT_EQ(h.b.regime(), core::regime::stress);

  // The same candle without the history cannot classify: under three
  // candles there is no volatility yet. The history is what escalated.
  harness fresh(k_hourly);
  (void)fresh.feed(candle_cmd(next - k_hour_ms, 200'010));
  (void)fresh.feed(candle_cmd(next, 208'000));
  EXPECT_FALSE(fresh.b.take_regime_change());
  EXPECT_EQ(fresh.b.regime(), core::regime::calm);

  // Quotes follow: STRESS gates buys.
  (void)h.feed(signal_cmd("start_bot", "", "", 2));
  const auto out = h.book(207'995, 208'005, 3);
  ASSERT_FALSE(out.empty());
  for (const auto& in : out) EXPECT_NE(in.order_side, core::side::buy);
}

TEST(bot_candles, a_volatile_burst_escalates_on_the_first_candle_that_calls_for_it) {
  harness h(k_hourly);
  std::int64_t open = feed_calm_day(h);
  // 2 % swings every hour: each poll is STRESS from the second swing on
  // (one 2 % return over calm ones is only TRANSITION).
  std::vector<core::regime> seen;
  for (int i = 0; i < 4; ++i, open += k_hour_ms) {
    (void)h.feed(candle_cmd(open, i % 2 == 0 ? 204'000 : 200'000));
    seen.push_back(h.b.regime());
  }
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0], core::regime::transition);
  EXPECT_EQ(seen[1], core::regime::stress);
  EXPECT_EQ(seen[2], core::regime::stress);
  EXPECT_EQ(h.b.counters().regime_changes, 2u);
}

TEST(bot_candles, a_candle_of_another_period_is_refused_and_changes_nothing) {
  harness h(k_hourly);
  (void)h.feed(candle_cmd(k_day0_ms, 200'000, 60'000));         // one-minute candles
  (void)h.feed(candle_cmd(k_day0_ms, 200'000, 4 * k_hour_ms));  // four-hour candles
  (void)h.feed(candle_cmd(k_day0_ms, 0));                       // no close
  EXPECT_EQ(h.b.counters().candles_refused, 3u);
  EXPECT_EQ(h.b.counters().candles_accepted, 0u);
  EXPECT_EQ(h.b.candles()->size(), 0u);
  // Refused candles do not end sampling from mids: crossing two candle
  // boundaries still closes a sampled candle.
  (void)h.book(199'995, 200'005, 10);
  (void)h.book(199'995, 200'005, k_hour_ns + 10);
  (void)h.book(199'995, 200'005, 2 * k_hour_ns + 10);
  EXPECT_EQ(h.b.candles()->size(), 2u);
  // A wrong-period candle does not reach the classifier either: a volatile
  // history at the minute period would have escalated.
  for (int i = 0; i < 10; ++i) (void)h.feed(candle_cmd(k_day0_ms + i * 60'000, i % 2 == 0 ? 200'000 : 210'000, 60'000));
  EXPECT_EQ(h.b.regime(), core::regime::calm);
  EXPECT_EQ(h.b.counters().candles_refused, 13u);
}

TEST(bot_candles, duplicates_and_older_candles_are_ignored) {
  harness h(k_hourly);
  (void)h.feed(candle_cmd(k_day0_ms, 200'000));
  (void)h.feed(candle_cmd(k_day0_ms + k_hour_ms, 200'010));
  (void)h.feed(candle_cmd(k_day0_ms + 2 * k_hour_ms, 200'000));
  EXPECT_EQ(h.b.candles()->size(), 3u);
  // A re-fetch repeats the last candle and older ones, with other closes
  // (were they accepted, these swings would escalate).
  (void)h.feed(candle_cmd(k_day0_ms + 2 * k_hour_ms, 230'000));
  (void)h.feed(candle_cmd(k_day0_ms + k_hour_ms, 170'000));
  (void)h.feed(candle_cmd(k_day0_ms, 230'000));
  EXPECT_EQ(h.b.counters().candles_stale, 3u);
  EXPECT_EQ(h.b.counters().candles_accepted, 3u);
  EXPECT_EQ(h.b.candles()->size(), 3u);
  EXPECT_EQ(h.b.candles()->last(), 200'000);
  EXPECT_EQ(h.b.regime(), core::regime::calm);
  // The next hour is accepted.
  (void)h.feed(candle_cmd(k_day0_ms + 3 * k_hour_ms, 200'010));
  EXPECT_EQ(h.b.candles()->size(), 4u);
  EXPECT_EQ(h.b.candles()->last(), 200'010);
  EXPECT_EQ(h.b.counters().candles_accepted, 4u);
}

TEST(bot_candles, after_a_venue_candle_mids_no_longer_make_candles) {
  harness h(k_hourly);
  (void)h.feed(signal_cmd("start_bot", "", "", 1));
  // Sampled from mids: three boundaries crossed, three candles.
  for (int i = 0; i <= 3; ++i) (void)h.book(199'995, 200'005, i * k_hour_ns + 10);
  EXPECT_EQ(h.b.candles()->size(), 3u);
  // The first venue candle replaces the sampled history (they cover the
  // same hours)...
  (void)h.feed(candle_cmd(k_day0_ms, 200'000));
  EXPECT_EQ(h.b.candles()->size(), 1u);
  // ...and later books crossing boundaries push nothing, even swinging
  // hard (sampled, these would escalate), while the bot still quotes off them.
  std::size_t quoted = 0;
  for (int i = 4; i <= 12; ++i) {
    const core::ticks mid = i % 2 == 0 ? 200'000 : 210'000;
    quoted += h.book(mid - 5, mid + 5, i * k_hour_ns + 10).size();
  }
  EXPECT_GT(quoted, 0u);
  EXPECT_EQ(h.b.candles()->size(), 1u);
  EXPECT_EQ(h.b.regime(), core::regime::calm);
  EXPECT_EQ(h.b.counters().regime_changes, 0u);
  // Venue candles keep coming in.
  (void)h.feed(candle_cmd(k_day0_ms + k_hour_ms, 200'010));
  EXPECT_EQ(h.b.candles()->size(), 2u);
}

TEST(bot_candles, the_candles_funding_feeds_the_classifier_else_the_tickers) {
  harness h(k_hourly);
  const std::int64_t next = feed_calm_day(h, 0);
  ASSERT_EQ(h.b.regime(), core::regime::calm);
  // The ticker says extreme funding, but the candle says 0: the candle's wins.
  (void)h.feed(test::ticker_funding(k_perp, 2'000'000, 2));  // 0.002 ≥ 0.001
  (void)h.feed(candle_cmd(next, 200'000, k_hour_ms, 0));
  EXPECT_EQ(h.b.regime(), core::regime::calm);
  // Extreme funding on the candle forces STRESS on calm prices.
  (void)h.feed(candle_cmd(next + k_hour_ms, 200'010, k_hour_ms, -1'500'000));
  std::optional<regime_change> change = h.b.take_regime_change();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->to, core::regime::stress);
  EXPECT_EQ(change->reason, regime_reason::escalate_funding);
  EXPECT_DOUBLE_EQ(change->inputs.funding, -0.0015);
  EXPECT_LT(change->inputs.vol4h, 0.6);

  // Unknown funding on the candle: the ticker's is used.
  harness t(k_hourly);
  const std::int64_t open = feed_calm_day(t);
  (void)t.feed(test::ticker_funding(k_perp, 2'000'000, 2));
  EXPECT_EQ(t.b.regime(), core::regime::calm);  // tickers do not poll
  (void)t.feed(candle_cmd(open, 200'000));
  change = t.b.take_regime_change();
  ASSERT_TRUE(change);
  EXPECT_EQ(change->reason, regime_reason::escalate_funding);
  EXPECT_DOUBLE_EQ(change->inputs.funding, 0.002);
}

TEST(bot_candles, candles_for_another_instrument_or_bot_or_without_a_classifier_are_ignored) {
  harness h(k_hourly);
  (void)h.feed(candle_cmd(k_day0_ms, 200'000, k_hour_ms, k_funding_unknown, k_option));
  (void)h.feed(candle_cmd(k_day0_ms, 200'000, k_hour_ms, k_funding_unknown, k_perp, 2));  // bot 2
  EXPECT_EQ(h.b.counters().candles_accepted + h.b.counters().candles_refused, 0u);
  EXPECT_EQ(h.b.candles()->size(), 0u);
  (void)h.feed(candle_cmd(k_day0_ms, 200'000, k_hour_ms, k_funding_unknown, k_perp, 1));  // this bot, by id
  EXPECT_EQ(h.b.counters().candles_accepted, 1u);

  harness plain(k_maker);  // no [bots.regime_classifier]
  EXPECT_EQ(plain.b.candles(), nullptr);
  (void)plain.feed(candle_cmd(k_day0_ms, 200'000));
  EXPECT_EQ(plain.b.counters().candles_accepted + plain.b.counters().candles_refused, 0u);
  EXPECT_EQ(plain.b.regime(), core::regime::calm);
}

}  // namespace
}  // namespace tickrail::strategies
