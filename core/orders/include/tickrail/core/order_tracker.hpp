// tickrail/core/order_tracker.hpp — the gateway's order state machine: one
// record per order it sent, every venue report checked against it before it
// reaches the exec ring.
//
//   pending_new ──ack──▶ open ──fill──▶ partially_filled ──▶ filled
//        │                 │  ▲                │
//        │                 ▼  │ (venue report / error)
//        │           pending_cancel ──▶ cancelled
//        │           pending_replace ─▶ open | partially_filled (new terms)
//        └──error──▶ rejected
//
// The venue answers a request twice — the RPC reply and the user.orders
// notification — in either order, and reconnects replay reports. So:
//   * terminal states (filled, cancelled, rejected) never change again;
//   * a report with fewer filled lots than already seen is stale;
//   * a report that changes nothing is a duplicate;
//   * a fill is applied once per (instrument, trade_seq) (dedup memory of the
//     last `fill_memory` fills), whichever of reply, notification or
//     reconciliation brings it first.
// Duplicates and stale reports are not forwarded. A forwarded report is
// rewritten to the canonical view: its state is the tracker's (an open
// report during a cancel stays pending_cancel), and its client order id and
// venue order id are filled in from each other.
//
// Fills move a per-instrument position (signed lots) and its average entry
// price; a venue position snapshot that disagrees replaces them and says so
// (the gateway raises an alert).
//
// Requests are remembered by JSON-RPC id (the last k_request_memory), so an
// error reply maps to the order it concerns: a failed place is rejected, a
// failed cancel or edit leaves the order as it was.
//
// Fixed capacity from construction; no allocation afterwards. One owner (the
// gateway I/O thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "tickrail/core/events.hpp"
#include "tickrail/core/fifo.hpp"
#include "tickrail/core/id_table.hpp"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/position.hpp"

namespace tickrail::core {

enum class report_verdict : std::uint8_t {
  applied,    // forward it (rewritten)
  duplicate,  // already known
  stale,      // older than what is known
  foreign,    // an order that is not ours and not tracked
};

class order_tracker {
 public:
  enum class pending : std::uint8_t { none, cancel, replace };

  struct order {
    client_order_id id = 0;
    instrument_id instrument = no_instrument;
    side order_side = side::buy;
    order_type type = order_type::limit;
    order_state state = order_state::pending_new;  // the venue's view (no pending_*)
    pending in_flight = pending::none;
    lots qty_lots = 0;
    lots filled_lots = 0;
    ticks price_ticks = 0;
    lots replace_qty_lots = 0;  // terms of an edit in flight
    ticks replace_price_ticks = 0;
    char venue_order_id[k_venue_order_id_size] = {};
    [[nodiscard]] order_state visible_state() const noexcept {
      if (is_terminal(state)) return state;
      if (in_flight == pending::cancel) return order_state::pending_cancel;
      if (in_flight == pending::replace) return order_state::pending_replace;
      return state;
    }
  };

  using position = core::position;  // position.hpp: the one average-entry rule

  struct counters {
    std::uint64_t applied = 0, duplicates = 0, stale = 0, foreign = 0, adopted = 0;
    std::uint64_t fills = 0, duplicate_fills = 0, position_corrections = 0, evicted = 0;
  };

  static constexpr std::size_t k_request_memory = 4096;

  order_tracker(std::size_t max_orders, std::size_t max_instruments, std::size_t fill_memory = 65536);

  // The gateway sent `r` as JSON-RPC request `request_id`. place → a new
  // pending_new order (false when the tracker is full of live orders);
  // cancel / replace → pending on the known order (false when unknown).
  // Fills the request's venue order id when the tracker knows it.
  bool on_sent(order_request& r, std::int64_t request_id) noexcept;

  // A venue report (order_ack, order_update, fill, position, portfolio).
  // Rewrites `e` to the canonical view when applied.
  report_verdict on_report(event& e) noexcept;

  // A JSON-RPC error for `request_id`: fills `out` with the reject to forward
  // (state rejected for a place, the order's state otherwise) and returns
  // true; false when the request is unknown or not about one order.
  bool on_error(std::int64_t request_id, std::int32_t code, std::int64_t local_ts_ns, event& out) noexcept;

  // A venue position snapshot (reconciliation). True when it differed from
  // the tracked position (which it now replaces).
  bool on_position_snapshot(instrument_id instrument, lots qty_lots, ticks avg_entry_ticks) noexcept;

  [[nodiscard]] const order* find(client_order_id id) const noexcept;
  [[nodiscard]] const order* find_venue(std::string_view venue_order_id) const noexcept;
  [[nodiscard]] client_order_id order_of_request(std::int64_t request_id) const noexcept;
  [[nodiscard]] const position& position_of(instrument_id instrument) const noexcept;
  [[nodiscard]] const counters& stats() const noexcept { return counters_; }
  [[nodiscard]] std::size_t live_orders() const noexcept { return live_; }

  // Every order not in a terminal state.
  template <typename F>
  void for_each_live(F&& f) const {
    for (std::size_t i = 0; i < pool_.size(); ++i) {
      if (pool_[i].id != 0 && !is_terminal(pool_[i].state)) f(pool_[i]);
    }
  }

  // The order was reported terminal by a listing that omits it (reconnect:
  // open on our side, absent from the venue's open orders): cancelled, as
  // the forwarded event `out` says. False when unknown or already terminal.
  bool close_missing(client_order_id id, std::int64_t local_ts_ns, event& out) noexcept;

 private:
  struct request_slot {
    std::int64_t request_id = -1;
    client_order_id order = 0;
    intent_kind kind = intent_kind::place;
  };

  std::uint32_t allocate() noexcept;
  void retire(std::uint32_t index) noexcept;
  void index_venue_id(std::uint32_t index) noexcept;
  report_verdict on_order_report(event& e) noexcept;
  report_verdict on_fill(event& e) noexcept;
  void apply_fill(instrument_id instrument, side s, lots qty, ticks price) noexcept;
  std::uint32_t adopt(const event& e) noexcept;
  // An exec report event describing `o` as the tracker knows it.
  static exec_report& report_of(const order& o, exec_kind kind, std::int64_t local_ts_ns, event& out) noexcept;

  std::vector<order> pool_;
  std::vector<std::uint32_t> free_;
  fifo<std::uint32_t> retired_;  // terminal orders, oldest first reused
  id_table by_id_;
  id_table by_venue_id_;  // hash of the venue order id → index
  std::vector<request_slot> requests_;
  std::vector<position> positions_;
  id_table fills_seen_;
  fifo<std::uint64_t> fill_fifo_;
  std::size_t live_ = 0;
  counters counters_;
};

}  // namespace tickrail::core
