// One bot running nine loop components (grid, three market makers,
// dip_buyer, min_order, take_profit, threshold_tp, sell_ladder,
// ma_crossover): cost per event through bot::on_event, as the strategy
// stage calls it — the book builder's apply included, so the figure is what
// one book event costs the strategy thread. Every 16th event is a fill of
// one of the bot's own orders (position, average entry, every component's
// on_exec).
//
// The mid walks ±1 tick per event around 200000 (BTC-PERPETUAL, 0.5 tick):
// most events change nothing, every few the quoting components re-price.
// This is the bench for the component dispatch itself (registry, fold over
// the components); market_maker_bench measures one component alone.
#include <cstring>
#include <random>
#include <vector>

#include "bench/common/bench_main.hpp"
#include "tests/support/risk_fixture.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/strategies/bot.hpp"

namespace tr = tickrail::core;
namespace ts = tickrail::strategies;

namespace {

constexpr std::size_t k_path = 1 << 16;
constexpr std::int64_t k_event_ns = 100'000;  // 10 k events/s

constexpr const char* k_config = R"(
[[bots]]
name = "bench"
instrument = "BTC-PERPETUAL"
start = ["grid", "main_mm", "fast_mm", "slow_mm", "dip_buyer", "min_order", "take_profit", "threshold_tp",
         "sell_ladder", "ma_crossover"]
[bots.grid]
levels = 5
spacing = 25
size = 100
[bots.main_mm]
size = 100
orders_per_side = 5
refresh_interval_ms = 1
[bots.fast_mm]
size = 100
refresh_interval_ms = 1
[bots.slow_mm]
size = 100
[bots.dip_buyer]
levels = [{below_pct = 1, size = 100}, {below_pct = 2, size = 200}]
[bots.min_order]
min_size = 100
check_interval_ms = 1
[bots.take_profit]
trigger_pct = 1
[bots.threshold_tp]
threshold = 100000
[bots.sell_ladder]
rungs = 4
[bots.ma_crossover]
fast = 5
slow = 20
sample_interval_ms = 1
size = 100
)";

const std::vector<tr::ticks>& mid_path() {
  static const std::vector<tr::ticks> path = [] {
    std::vector<tr::ticks> out(k_path);
    std::mt19937_64 rng(8);
    tr::ticks mid = 200'000;
    for (auto& m : out) {
      mid += static_cast<tr::ticks>(rng() % 3) - 1;
      m = mid;
    }
    return out;
  }();
  return path;
}

tr::event book_event(std::int64_t now, std::int64_t change_id) {
  tr::event e;
  std::memset(&e, 0, sizeof(e));
  e.header.sequence = change_id;
  e.header.type = tr::event_type::market_data;
  e.header.instrument = tickrail::test::k_perp;
  e.header.local_ts_ns = now;
  e.header.exchange_ts_ns = now;
  e.md.change_id = change_id;
  e.md.prev_change_id = change_id - 1;
  return e;
}

void BM_bot_on_event(benchmark::State& state) {
  const tr::instrument_catalog catalog = tickrail::test::make_risk_catalog();
  auto configs = ts::parse_bots_toml(k_config, "bench.toml", catalog);
  if (!configs.ok() || configs->size() != 1) {
    state.SkipWithError("config");
    return;
  }
  tr::book_builder books(catalog.size());
  ts::bot bot(configs->front(), catalog, 1000);
  ts::intent_sink sink;
  const auto& path = mid_path();
  std::int64_t now = 1'000'000'000;
  std::int64_t change_id = 1;

  tr::event snap = book_event(now, change_id);
  snap.md.kind = tr::md_kind::book_snapshot;
  snap.md.prev_change_id = -1;
  snap.md.count = 2;
  tr::ticks previous = path[0];
  snap.md.levels[0] = {previous - 1, 50, tr::side::buy, tr::book_action::new_level, {}};
  snap.md.levels[1] = {previous + 1, 50, tr::side::sell, tr::book_action::new_level, {}};
  (void)books.apply(snap);
  bot.on_event(snap, books, sink);
  const auto request = ts::parse_signal_request("start_bot", "", "");
  const auto command = request.ok() ? ts::to_signal_command(*request, catalog[tickrail::test::k_perp], 1, 0)
                                    : absl::StatusOr<tr::command>(request.status());
  if (!command.ok()) {
    state.SkipWithError("signal");
    return;
  }
  tr::event start;
  std::memset(&start, 0, sizeof(start));
  start.header = {0, now, now, tr::event_type::command, 0, tr::no_instrument, 0};
  start.cmd = *command;
  sink.clear();
  bot.on_event(start, books, sink);

  std::size_t i = 0;
  std::uint64_t intents = 0;
  tr::side fill_side = tr::side::buy;
  for (auto _ : state) {
    now += k_event_ns;
    tr::event e;
    if ((i & 15) == 15) {
      std::memset(&e, 0, sizeof(e));
      e.header = {static_cast<tr::sequence_t>(i), now, now, tr::event_type::exec_report, 0, tickrail::test::k_perp, 0};
      e.exec.kind = tr::exec_kind::fill;
      e.exec.cl_ord_id = tr::make_client_order_id(1, 5);
      e.exec.order_side = fill_side;
      e.exec.last_qty_lots = 10;
      e.exec.last_price_ticks = previous;
      fill_side = fill_side == tr::side::buy ? tr::side::sell : tr::side::buy;
    } else {
      const tr::ticks mid = path[i & (k_path - 1)];
      e = book_event(now, ++change_id);
      e.md.kind = tr::md_kind::book_change;
      if (mid != previous) {
        e.md.count = 4;
        e.md.levels[0] = {previous - 1, 0, tr::side::buy, tr::book_action::delete_level, {}};
        e.md.levels[1] = {previous + 1, 0, tr::side::sell, tr::book_action::delete_level, {}};
        e.md.levels[2] = {mid - 1, 50, tr::side::buy, tr::book_action::new_level, {}};
        e.md.levels[3] = {mid + 1, 50, tr::side::sell, tr::book_action::new_level, {}};
        previous = mid;
      } else {
        e.md.count = 1;
        e.md.levels[0] = {mid - 1, 60, tr::side::buy, tr::book_action::change_level, {}};
      }
      (void)books.apply(e);
    }
    ++i;
    sink.clear();
    bot.on_event(e, books, sink);
    intents += sink.intents().size();
  }
  benchmark::DoNotOptimize(intents);
  state.counters["intents_per_event"] =
      benchmark::Counter(static_cast<double>(intents), benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_bot_on_event)->Name("bot_on_event")->Repetitions(9)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  return tickrail::bench::run(argc, argv, {}, "one bot, ten loop components started, a fill every 16 events");
}
