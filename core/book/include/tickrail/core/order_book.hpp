// tickrail/core/order_book.hpp — L2 order book for one instrument, by price
// level in integer ticks.
//
// Two stores per side:
//   * a dense ladder over a window of `window_ticks` prices: quantity by
//     (price - base), plus a bitmap of non-empty levels with a summary word
//     per 64 words. Setting a level is O(1) wherever it is in the window; the
//     next best after a delete is a couple of bit scans. The window is placed
//     around the first price the book sees after being emptied, so a snapshot
//     re-centres it.
//   * an overflow array for prices outside the window (far-away resting
//     orders), sorted with the best level last and bounded by `max_levels`;
//     an insert into a full overflow drops its worst level (truncated()).
// Best level = the better of the ladder's best and the overflow's best.
// Measured against the earlier sorted-array-only book and a std::map book in
// bench/core/book/order_book_bench.cpp (docs/performance.md).
//
// The book also carries its feed state: `stale` (a gap was seen: nothing may
// quote off it until a fresh snapshot arrives) and the last applied update id
// used by the venue's chaining rule (Deribit change_id / prev_change_id,
// Binance u / pu), and reports a crossed book (best bid >= best ask) after an
// update as not valid rather than publishing it.
//
// No allocation after construction. Thread-safety: none; owned by the
// book+strategy stage (strategy_stage.hpp).
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

// The mid between a bid and an ask, rounded toward the bid; never
// overflows for bid <= ask. The one mid of the project: books, risk's
// reference prices and the strategies all use it.
[[nodiscard]] constexpr ticks midpoint(ticks bid, ticks ask) noexcept { return bid + (ask - bid) / 2; }

enum class [[nodiscard]] book_result : std::uint8_t{
    ok = 0,
    negative_quantity,  // rejected: a level cannot hold less than nothing
    truncated,          // applied, but the side was full and its worst level was dropped
    dropped,            // not applied: side full and the level is worse than all held
};

class order_book {
 public:
  static constexpr std::size_t k_default_max_levels = 4096;  // overflow levels per side
  static constexpr std::size_t k_default_window_ticks = 1u << 14;

  // `window_ticks` is rounded up to a multiple of 4096.
  explicit order_book(std::size_t max_levels = k_default_max_levels, std::size_t window_ticks = k_default_window_ticks);

  // Sets the quantity at `price` on `s`; 0 deletes the level (a delete of an
  // absent level is a no-op, as venues resend deletes). O(1) at the top of
  // the book, O(log n + k) for a level k from the top.
  book_result set_level(side s, ticks price, lots qty) noexcept;

  // Empties both sides (before applying a snapshot). Keeps stale/update id.
  void clear() noexcept;

  [[nodiscard]] std::size_t depth(side s) const noexcept {
    const side_book& b = sides_[index(s)];
    return b.ladder_count + b.overflow_count;
  }
  // Best level, or {0, 0} when the side is empty. O(1).
  [[nodiscard]] book_level best(side s) const noexcept;
  // Mid of a valid book with both sides (midpoint() of the bests), else 0.
  [[nodiscard]] ticks mid() const noexcept;
  // The quantity resting at `price` on `s` (0 when no level). O(1) inside
  // the window, O(log n) in the overflow.
  [[nodiscard]] lots qty_at(side s, ticks price) const noexcept;
  // Level `i` from the top (0 = best); requires i < depth(s). O(i) — for
  // depth-N views, not for walking a whole book (use top()).
  [[nodiscard]] book_level level(side s, std::size_t i) const noexcept;
  // Copies up to out.size() levels from the top, best first; returns how many.
  std::size_t top(side s, std::span<book_level> out) const noexcept;

  // Best bid >= best ask (both sides non-empty).
  [[nodiscard]] bool crossed() const noexcept {
    return depth(side::buy) != 0 && depth(side::sell) != 0 &&
           best(side::buy).price_ticks >= best(side::sell).price_ticks;
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
  [[nodiscard]] std::size_t window_ticks() const noexcept { return window_; }
  [[nodiscard]] std::uint64_t truncated() const noexcept { return truncated_; }

 private:
  struct side_book {
    std::unique_ptr<lots[]> qty;               // ladder: quantity by price - base_
    std::unique_ptr<std::uint64_t[]> bits;     // ladder: non-empty levels
    std::unique_ptr<std::uint64_t[]> summary;  // one bit per non-zero word of `bits`
    std::size_t ladder_count = 0;
    std::int64_t best_index = -1;            // ladder index of the best level, -1 if none
    std::unique_ptr<book_level[]> overflow;  // outside the window, best last
    std::size_t overflow_count = 0;
  };

  static constexpr std::size_t index(side s) noexcept { return s == side::buy ? 0 : 1; }
  book_result set_overflow(side s, side_book& b, ticks price, lots qty) noexcept;
  std::size_t find_overflow(side s, const side_book& b, ticks price) const noexcept;
  void set_bit(side_book& b, std::size_t i) noexcept;
  void clear_bit(side_book& b, std::size_t i) noexcept;
  // The next non-empty ladder index strictly worse than `from` (or the best
  // when from is -1 for asks / window_ for bids), -1 if none.
  std::int64_t next_worse(side s, const side_book& b, std::int64_t from) const noexcept;
  template <typename Visit>
  void walk(side s, Visit&& visit) const noexcept;

  side_book sides_[2];
  ticks base_ = 0;       // price of ladder index 0
  bool placed_ = false;  // base_ chosen for the current contents
  std::size_t window_;
  std::size_t words_;
  std::size_t max_levels_;
  std::uint64_t truncated_ = 0;
  std::int64_t last_update_id_ = 0;
  bool stale_ = false;
  bool synced_ = false;
};

}  // namespace tickrail::core
