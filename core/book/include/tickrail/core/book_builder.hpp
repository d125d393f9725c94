// tickrail/core/book_builder.hpp — the book half of the book+strategy stage:
// applies market-data events to one L2 book per instrument, enforcing the
// venue's sequencing.
//
// Rules, the same for every venue (adapters normalise their ids to them):
//   * book_snapshot: the first fragment clears the book; the last marks it
//     synced at the snapshot's change_id (and ends a stale period: a resync).
//   * book_change: accepted only on a synced, non-stale book whose last
//     change_id equals the event's prev_change_id. Deribit's change ids are
//     not consecutive, so "prev != last" is the gap test, never "not +1".
//     A gap marks the book stale, queues one resync request for the
//     instrument, and drops the rest of that frame and every change until a
//     snapshot arrives.
//   * a book crossed after a complete frame is counted and reported, and
//     order_book::valid() keeps it from being quoted on.
// Fragments of one frame are applied as they come; the book is only read
// between frames (same stage), so a half-applied frame is never observed.
//
// No allocation after construction. Single-threaded (the stage's worker).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "tickrail/core/events.hpp"
#include "tickrail/core/fifo.hpp"
#include "tickrail/core/order_book.hpp"

namespace tickrail::core {

struct book_counters {
  std::uint64_t frames = 0;         // complete book frames applied
  std::uint64_t level_updates = 0;  // levels applied
  std::uint64_t gaps = 0;           // chain breaks detected
  std::uint64_t resyncs = 0;        // snapshots that ended a stale period
  std::uint64_t crossed = 0;        // frames after which the book was crossed
  std::uint64_t dropped = 0;        // book events ignored: stale, unsynced or gap remainder
  std::uint64_t bad_levels = 0;     // negative quantities
  std::uint64_t truncated = 0;      // levels beyond the book's capacity
};

enum class book_outcome : std::uint8_t {
  applied,   // a complete frame was applied and the book is valid
  partial,   // a fragment with more to follow
  crossed,   // applied; the book is crossed (not valid)
  gap,       // chain broken: book stale, resync requested
  dropped,   // ignored (stale, not yet synced, or rest of a gapped frame)
  not_book,  // ticker, trade, quote: nothing to apply
};

class book_builder {
 public:
  // One book per instrument id in [0, instruments).
  explicit book_builder(std::size_t instruments, std::size_t max_levels = order_book::k_default_max_levels);

  book_outcome apply(const event& e) noexcept;

  [[nodiscard]] const order_book& book(instrument_id id) const noexcept { return states_[id].book; }
  [[nodiscard]] const book_counters& counters(instrument_id id) const noexcept { return states_[id].counters; }
  [[nodiscard]] std::size_t instruments() const noexcept { return states_.size(); }

  // Oldest pending resync request; false when none. The feed side answers it
  // (Deribit: resubscribe; Binance: a fresh REST snapshot).
  [[nodiscard]] bool take_resync_request(instrument_id& id) noexcept;

 private:
  struct state {
    explicit state(std::size_t max_levels) : book(max_levels) {}
    order_book book;
    book_counters counters;
    bool skipping_frame = false;  // rest of a gapped or dropped frame
    bool resync_pending = false;
  };

  void request_resync(instrument_id id) noexcept;
  void apply_levels(state& s, const market_data& md) noexcept;

  std::vector<state> states_;
  fifo<instrument_id> resync_queue_;  // pending requests, one per instrument at most
};

}  // namespace tickrail::core
