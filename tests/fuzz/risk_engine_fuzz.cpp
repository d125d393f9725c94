// Fuzz target: arbitrary bytes as a stream of risk-stage input events —
// intents of every kind and type, references, tickers, fills and order
// updates (including ones for orders risk never saw, overfills, extreme and
// negative numbers), equity updates and operator commands — through one
// risk_engine. Never a crash or undefined behaviour (ASan/UBSan in the fuzz
// preset, DCHECKs on), and the bookkeeping stays sane: resting quantities
// never go negative and the open-order count matches its per-instrument sum.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "fuzz_input.hpp"
#include "support/risk_fixture.hpp"
#include "tickrail/core/risk.hpp"

namespace tr = tickrail::core;
namespace tt = tickrail::test;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tr::instrument_catalog catalog = tt::make_risk_catalog();
  static const tr::risk_limits limits = [] {
    auto parsed = tr::parse_risk_limits_toml(tt::k_risk_toml, "risk.toml", catalog);
    if (!parsed.ok()) std::abort();
    tr::risk_limits l = *std::move(parsed);
    l.runaway_max_orders = 50;
    l.rates[0] = {100, 20};
    return l;
  }();
  tr::risk_engine engine(catalog, &limits, {}, 32);
  tickrail::fuzz::byte_reader r{data, size};
  std::int64_t ts = 1;
  tr::order_request out{};
  for (int step = 0; step < 4096 && r.n > 0; ++step) {
    const auto op = r.take<std::uint8_t>();
    const auto id = static_cast<tr::instrument_id>(r.take<std::uint8_t>() % 6);  // 4, 5: unknown
    const tr::side s = (op & 0x80) != 0 ? tr::side::sell : tr::side::buy;
    const auto cl = static_cast<tr::client_order_id>(r.take<std::uint8_t>());
    ts += r.take<std::uint16_t>() * 1000;
    tr::event e{};
    switch (op % 12) {
      case 0:
      case 1: {
        e = tt::place(id, s, r.value(5), r.value(100'000), cl, ts,
                      static_cast<tr::order_type>(r.take<std::uint8_t>() % 6), r.take<std::uint8_t>() & 3);
        e.intent.trigger_price_ticks = r.value(100'000);
        e.intent.bot = static_cast<std::uint16_t>(r.take<std::uint8_t>() % 3);
        break;
      }
      case 2: e = tt::cancel(id, cl, ts); break;
      case 3: e = tt::replace(id, s, r.value(5), r.value(100'000), cl, ts); break;
      case 4: e = tt::reference(id, r.value(99'990), r.value(100'010), ts, (op & 0x40) != 0); break;
      case 5: e = tt::ticker_mark(id, r.value(100'000), ts); break;
      case 6: e = tt::ticker_funding(id, r.value(0), ts); break;
      case 7: e = tt::fill(id, cl, s, r.value(3), r.value(100'000), ts); break;
      case 8:
        e = tt::order_update(id, cl, s, static_cast<tr::order_state>(r.take<std::uint8_t>() % 9), r.value(5),
                             r.value(0), r.value(100'000), ts);
        e.header.flags = r.take<std::uint8_t>() & 1;
        break;
      case 9:
        e = tt::portfolio(static_cast<std::uint8_t>(op & 1), r.value(100'000'000), r.value(1'700'000'000'000'000'000),
                          ts);
        break;
      case 10:
        e = tt::command(static_cast<tr::command_kind>(r.take<std::uint8_t>() % tr::k_command_kind_count), ts,
                        r.take<std::uint8_t>() % 7);
        break;
      default:
        e = tt::exec(tr::exec_kind::position, id, 0, ts);
        e.exec.qty_lots = r.value(0);
        break;
    }
    (void)engine.on_event(e, out);
    engine.clear_records();
    std::uint32_t open = 0;
    for (tr::instrument_id i = 0; i < catalog.size(); ++i) {
      if (engine.resting(i, tr::side::buy) < 0 || engine.resting(i, tr::side::sell) < 0) std::abort();
      open += engine.open_orders(i);
    }
    if (open != engine.open_orders()) std::abort();
  }
  return 0;
}
