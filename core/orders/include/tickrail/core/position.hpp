// tickrail/core/position.hpp — a signed position and its average entry price,
// moved by fills. The one copy of this arithmetic: the order tracker (what
// the gateway reconciles) and the bots (what take-profit and the ladders
// trigger on) both hold a core::position, so they can never disagree.
//
// Rounding, decided once:
//   - the open quantity's cost (Σ lots × ticks) is kept exactly in 128 bits;
//   - adding (or opening) adds lots × price to the cost;
//   - reducing removes the reduced share of the cost, cost × qty / open,
//     truncated toward zero, so the remainder keeps its entry price;
//   - closing to zero or going through it restarts the cost at the fill
//     price for what is left;
//   - the average entry is cost / |qty| rounded to the nearest tick, halves
//     up: buy 1 @ 100 then 2 @ 101 → cost 302 over 3 → 100.67 → 101.
// A fill with a non-positive quantity, or one that would overflow the
// position, is ignored (venue numbers are untrusted). Prices may be zero or
// negative (combo instruments trade there); a caller that cannot use such a
// fill (the bots' take-profit) filters it before. Single owner; no
// allocation.
#pragma once

#include "tickrail/core/events.hpp"
#include "tickrail/core/platform.hpp"

namespace tickrail::core {

struct position {
  lots qty_lots = 0;          // signed: negative is short
  ticks avg_entry_ticks = 0;  // of the open quantity; 0 when flat
  int128_t cost = 0;          // Σ lots × ticks of the open quantity

  // Applies one fill; false (and no change) when the fill is ignored.
  bool apply_fill(side s, lots qty, ticks price) noexcept {
    if (qty <= 0) return false;
    const lots signed_qty = s == side::buy ? qty : -qty;
    lots next = 0;
    if (__builtin_add_overflow(qty_lots, signed_qty, &next)) return false;
    if (qty_lots == 0 || (qty_lots > 0) == (signed_qty > 0)) {
      cost += static_cast<int128_t>(price) * qty;  // opening or adding
    } else if (next != 0 && (next > 0) == (qty_lots > 0)) {
      // reducing: the rest keeps its entry. cost × qty / open, split so the
      // product cannot overflow 128 bits (both factors stay below 2^64).
      const int128_t open = magnitude(qty_lots);
      cost -= cost / open * qty + cost % open * qty / open;
    } else {
      cost = static_cast<int128_t>(price) * magnitude(next);  // closed, or through zero
    }
    qty_lots = next;
    avg_entry_ticks = average(cost, qty_lots);
    return true;
  }

  // Replaces the position with a venue snapshot (reconciliation).
  void reset(lots qty, ticks avg_entry) noexcept {
    qty_lots = qty;
    avg_entry_ticks = qty == 0 ? 0 : avg_entry;
    cost = static_cast<int128_t>(avg_entry_ticks) * magnitude(qty);
  }

  // cost / |qty| to the nearest tick, halves up (for the usual positive
  // cost); 0 when flat.
  [[nodiscard]] static constexpr ticks average(int128_t cost, lots qty) noexcept {
    if (qty == 0) return 0;
    const int128_t q = magnitude(qty);
    return static_cast<ticks>((cost + q / 2) / q);
  }

 private:
  [[nodiscard]] static constexpr int128_t magnitude(lots q) noexcept { return q < 0 ? -static_cast<int128_t>(q) : q; }
};

}  // namespace tickrail::core
