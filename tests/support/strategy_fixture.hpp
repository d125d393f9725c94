// tests/support/strategy_fixture.hpp — scripted books, headers and execution
// reports for the strategy component tests.
#pragma once

#include <cstdint>

#include "tickrail/core/events.hpp"
#include "tickrail/core/order_book.hpp"

namespace tickrail::test {

// A valid (synced) two-level book: one bid, one ask, 5 lots each.
inline core::order_book book_at(core::ticks bid, core::ticks ask) {
  core::order_book b(64, 4096);
  (void)b.set_level(core::side::buy, bid, 5);
  (void)b.set_level(core::side::sell, ask, 5);
  b.mark_synced(1);
  return b;
}

// A header at local time `ns` (also the sequence number).
inline core::event_header at(std::int64_t ns) { return {ns, 0, ns, core::event_type::market_data, 0, 0, 0}; }

inline core::exec_report fill_of(core::client_order_id id, core::lots qty, core::ticks price = 0) {
  core::exec_report x{};
  x.kind = core::exec_kind::fill;
  x.cl_ord_id = id;
  x.last_qty_lots = qty;
  x.last_price_ticks = price;
  return x;
}

inline core::exec_report update_of(core::client_order_id id, core::order_state state) {
  core::exec_report x{};
  x.kind = core::exec_kind::order_update;
  x.cl_ord_id = id;
  x.state = state;
  return x;
}

}  // namespace tickrail::test

// The strategy tests live in tickrail::strategies and use these unqualified.
namespace tickrail::strategies {
using test::at;
using test::book_at;
using test::fill_of;
using test::update_of;
}  // namespace tickrail::strategies
