// Fuzz target: arbitrary bytes as a stream of books, positions, execution
// reports (absurd quantities and prices included) and regimes through every
// strategy component at once. Never a crash or undefined behaviour (ASan/
// UBSan in the fuzz preset), and every intent is well formed: a positive
// quantity, a positive price on priced orders, the bot's id.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "fuzz_input.hpp"
#include "support/strategy_fixture.hpp"
#include "tickrail/strategies/bracket.hpp"
#include "tickrail/strategies/grid.hpp"
#include "tickrail/strategies/ladders.hpp"
#include "tickrail/strategies/ma_crossover.hpp"
#include "tickrail/strategies/market_maker.hpp"
#include "tickrail/strategies/position_components.hpp"

namespace tr = tickrail::core;
namespace ts = tickrail::strategies;

namespace {

void check(const ts::intent_sink& sink) {
  for (const tr::order_intent& in : sink.intents()) {
    if (tr::bot_of(in.cl_ord_id) != 1 || in.bot != 1) std::abort();
    if (in.kind == tr::intent_kind::place || in.kind == tr::intent_kind::replace) {
      if (in.qty_lots <= 0) std::abort();
      if (in.type == tr::order_type::limit && in.price_ticks <= 0) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  tickrail::fuzz::byte_reader r{data, size};
  ts::order_ids ids(1, 1);
  ts::grid grid({3, 100, 10, 0, 20'000, true}, 0, 1, ids);
  ts::market_maker_params mp;
  mp.orders_per_side = 3;
  mp.size_lots = 10;
  mp.inventory_skew_permille = 500;
  ts::market_maker mm(mp, 0, 2, ids);
  ts::dip_buyer_params dp;
  dp.levels[0] = {10'000, 5};
  dp.level_count = 1;
  ts::dip_buyer dip(dp, 0, 3, ids);
  ts::min_order floor({50, 1'000}, 0, 4, ids);
  ts::take_profit tp({20'000, 5'000, 1'000}, 0, 5, ids);
  ts::threshold_tp ttp({100, 250}, 0, 6, ids);
  ts::sell_ladder ladder({3, 10'000, 10'000, 5'000}, 0, 7, ids);
  ts::ma_crossover ma({2, 4, 1'000, 10, 20'000, true}, 0, 8, ids);
  ts::bracket_params bp;
  bp.size_lots = 10;
  ts::bracket br(bp, 0, 9, ids);
  ts::intent_sink sink;
  std::int64_t t = 0;
  tr::client_order_id last_id = 0;
  for (int step = 0; step < 2048 && r.n > 0; ++step) {
    sink.clear();
    t += r.take<std::uint16_t>();
    const tr::event_header h = tickrail::test::at(t);
    const auto op = r.take<std::uint8_t>();
    const auto regime = static_cast<tr::regime>(r.take<std::uint8_t>() % 5);
    const ts::position_view pos{r.value(0), r.value(100'000)};
    if (op % 3 == 0) {
      tr::order_book book(64, 4096);
      const tr::ticks bid = r.value(99'990), ask = r.value(100'010);
      if (bid > 0) (void)book.set_level(tr::side::buy, bid, 5);
      if (ask > 0) (void)book.set_level(tr::side::sell, ask, 5);
      book.mark_synced(1);
      if ((op & 0x80) != 0) book.mark_stale();
      grid.on_book(book, h, regime, sink);
      mm.on_book(book, pos.position_lots, h, regime, sink);
      dip.on_book(book, h, regime, sink);
      floor.on_book(book, pos, h, regime, sink);
      tp.on_book(book, pos, h, regime, sink);
      ladder.on_book(book, pos, h, regime, sink);
      ma.on_book(book, pos, h, regime, sink);
    } else if (op % 3 == 1) {
      // A report about one of the recent ids (or any id).
      const tr::client_order_id id = (op & 0x40) != 0 ? last_id - r.take<std::uint8_t>() % 8 : r.take<std::uint64_t>();
      tr::exec_report x = (op & 0x20) != 0
                              ? tickrail::test::fill_of(id, r.value(5), r.value(100'000))
                              : tickrail::test::update_of(id, static_cast<tr::order_state>(r.take<std::uint8_t>() % 9));
      x.qty_lots = r.value(10);
      x.filled_lots = r.value(0);
      grid.on_exec(x, h, regime, sink);
      mm.on_exec(x);
      dip.on_exec(x, h, regime, sink);
      floor.on_exec(x);
      ttp.on_exec(x);
      ladder.on_exec(x);
      br.on_exec(x, h, sink);
    } else {
      ttp.on_position(pos, h, regime, sink);
      (void)br.start(h, regime, sink);
      if ((op & 0x10) != 0) grid.set_anchor(r.value(100'000), h, regime, sink);
      if ((op & 0x08) != 0) grid.stop(h, sink);
      if ((op & 0x04) != 0) mm.stop(h, sink);
    }
    check(sink);
    for (const tr::order_intent& in : sink.intents()) last_id = std::max(last_id, in.cl_ord_id);
  }
  return 0;
}
