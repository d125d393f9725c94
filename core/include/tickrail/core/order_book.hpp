// tickrail/core/order_book.hpp — L2 order book for one instrument, by price
// level in integer ticks.
//
// Each side is a preallocated array of (price, qty) kept sorted with the
// BEST level at the END: bids ascending, asks descending. Market data
// overwhelmingly touches the top of the book, so the common update is a probe
// of the last few entries and, for an insert or delete, a memmove of the few
// levels above it. Deeper updates fall back to binary search. No allocation
// after construction: a side holds at most `max_levels` levels; an insert
// beyond that drops the worst level (counted in truncated()).
//
// The book also carries its feed state: `stale` (a gap was seen: nothing may
// quote off it until a fresh snapshot arrives) and the last applied update id
// used by the venue's chaining rule (Deribit change_id / prev_change_id,
// Binance u / pu), and reports a crossed book (best bid >= best ask) after an
// update as not valid rather than publishing it.
//
// Thread-safety: none; owned by the sequencer+book stage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "tickrail/core/events.hpp"

namespace tickrail::core {

struct book_level {
  ticks price_ticks = 0;
  lots qty_lots = 0;
  friend constexpr bool operator==(const book_level&, const book_level&) = default;
};

enum class [[nodiscard]] book_result : std::uint8_t {
  ok = 0,
  negative_quantity,  // rejected: a level cannot hold less than nothing
  truncated,          // applied, but the side was full and its worst level was dropped
  dropped,            // not applied: side full and the level is worse than all held
};

class order_book {
 public:
  static constexpr std::size_t k_default_max_levels = 4096;

  explicit order_book(std::size_t max_levels = k_default_max_levels);

  // Sets the quantity at `price` on `s`; 0 deletes the level (a delete of an
  // absent level is a no-op, as venues resend deletes). O(1) at the top of
  // the book, O(log n + k) for a level k from the top.
  book_result set_level(side s, ticks price, lots qty) noexcept;

  // Empties both sides (before applying a snapshot). Keeps stale/update id.
  void clear() noexcept;

  [[nodiscard]] std::size_t depth(side s) const noexcept { return s == side::buy ? bid_count_ : ask_count_; }
  // Level `i` from the top (0 = best). Requires i < depth(s).
  [[nodiscard]] book_level level(side s, std::size_t i) const noexcept {
    const book_level* levels = s == side::buy ? bids_.get() : asks_.get();
    return levels[depth(s) - 1 - i];
  }
  // Best level, or {0, 0} when the side is empty.
  [[nodiscard]] book_level best(side s) const noexcept {
    return depth(s) == 0 ? book_level{} : level(s, 0);
  }
  // Copies up to out.size() levels from the top; returns how many.
  std::size_t top(side s, std::span<book_level> out) const noexcept;

  // Best bid >= best ask (both sides non-empty).
  [[nodiscard]] bool crossed() const noexcept {
    return bid_count_ != 0 && ask_count_ != 0 && best(side::buy).price_ticks >= best(side::sell).price_ticks;
  }
  // Safe to quote from: synced, not stale, not crossed.
  [[nodiscard]] bool valid() const noexcept { return synced_ && !stale_ && !crossed(); }

  // Feed state, driven by the venue's sequencing rule (see the feed handlers).
  [[nodiscard]] bool stale() const noexcept { return stale_; }
  [[nodiscard]] bool synced() const noexcept { return synced_; }
  [[nodiscard]] std::int64_t last_update_id() const noexcept { return last_update_id_; }
  // A gap: the book is unusable until resynced from a snapshot.
  void mark_stale() noexcept { stale_ = true; }
  // A snapshot (or the first chained update after one) has been applied.
  void mark_synced(std::int64_t update_id) noexcept {
    synced_ = true;
    stale_ = false;
    last_update_id_ = update_id;
  }
  void set_last_update_id(std::int64_t update_id) noexcept { last_update_id_ = update_id; }
  // Forget everything, e.g. on resubscribe.
  void reset() noexcept;

  [[nodiscard]] std::size_t max_levels() const noexcept { return max_levels_; }
  [[nodiscard]] std::uint64_t truncated() const noexcept { return truncated_; }

 private:
  // Index of the first level (from the front) whose price is not worse than
  // `price`, i.e. where `price` is or would be inserted.
  std::size_t find(side s, const book_level* levels, std::size_t count, ticks price) const noexcept;

  std::unique_ptr<book_level[]> bids_;  // ascending: best (highest) last
  std::unique_ptr<book_level[]> asks_;  // descending: best (lowest) last
  std::size_t bid_count_ = 0;
  std::size_t ask_count_ = 0;
  std::size_t max_levels_;
  std::uint64_t truncated_ = 0;
  std::int64_t last_update_id_ = 0;
  bool stale_ = false;
  bool synced_ = false;
};

}  // namespace tickrail::core
