#include "tickrail/core/order_book.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

#include "tickrail/core/check.hpp"

namespace tickrail::core {
namespace {

// Both overflow sides sort ascending by this key, best level last: bids by
// price, asks by negated price.
constexpr ticks key(side s, ticks price) noexcept { return s == side::buy ? price : -price; }

// How many overflow levels below the top to probe linearly before binary search.
constexpr std::size_t k_top_probe = 8;

constexpr std::uint64_t bits_up_to(unsigned bit) noexcept {  // bits 0..bit inclusive
  return bit == 63 ? ~std::uint64_t{0} : (std::uint64_t{1} << (bit + 1)) - 1;
}
constexpr std::uint64_t bits_from(unsigned bit) noexcept { return ~std::uint64_t{0} << bit; }

}  // namespace

order_book::order_book(std::size_t max_levels, std::size_t window_ticks)
    : window_(std::max<std::size_t>(4096, (window_ticks + 4095) / 4096 * 4096)),
      words_(window_ / 64),
      max_levels_(max_levels) {
  TR_CHECK(max_levels >= 1, "an order book needs room for at least one overflow level per side");
  for (side_book& b : sides_) {
    b.qty = std::make_unique<lots[]>(window_);
    b.bits = std::make_unique<std::uint64_t[]>(words_);
    b.summary = std::make_unique<std::uint64_t[]>(words_ / 64);
    b.overflow = std::make_unique<book_level[]>(max_levels);
  }
}

void order_book::set_bit(side_book& b, std::size_t i) noexcept {
  const std::size_t w = i / 64;
  b.bits[w] |= std::uint64_t{1} << (i % 64);
  b.summary[w / 64] |= std::uint64_t{1} << (w % 64);
}

void order_book::clear_bit(side_book& b, std::size_t i) noexcept {
  const std::size_t w = i / 64;
  b.bits[w] &= ~(std::uint64_t{1} << (i % 64));
  if (b.bits[w] == 0) b.summary[w / 64] &= ~(std::uint64_t{1} << (w % 64));
}

std::int64_t order_book::next_worse(side s, const side_book& b, std::int64_t from) const noexcept {
  if (s == side::buy) {  // bids: the highest non-empty index below `from`
    if (from <= 0) return -1;
    const auto i = static_cast<std::size_t>(from - 1);
    std::size_t w = i / 64;
    if (const std::uint64_t word = b.bits[w] & bits_up_to(i % 64)) {
      return static_cast<std::int64_t>(w * 64 + 63 - static_cast<unsigned>(std::countl_zero(word)));
    }
    if (w == 0) return -1;
    --w;  // search words [0, w] through the summary
    std::size_t sw = w / 64;
    std::uint64_t sword = b.summary[sw] & bits_up_to(w % 64);
    while (true) {
      if (sword != 0) {
        const std::size_t ww = sw * 64 + 63 - static_cast<unsigned>(std::countl_zero(sword));
        return static_cast<std::int64_t>(ww * 64 + 63 - static_cast<unsigned>(std::countl_zero(b.bits[ww])));
      }
      if (sw == 0) return -1;
      sword = b.summary[--sw];
    }
  }
  // asks: the lowest non-empty index above `from`
  const auto i = static_cast<std::size_t>(from + 1);
  if (i >= window_) return -1;
  std::size_t w = i / 64;
  if (const std::uint64_t word = b.bits[w] & bits_from(i % 64)) {
    return static_cast<std::int64_t>(w * 64 + static_cast<unsigned>(std::countr_zero(word)));
  }
  ++w;
  if (w >= words_) return -1;
  std::size_t sw = w / 64;
  std::uint64_t sword = b.summary[sw] & bits_from(w % 64);
  while (true) {
    if (sword != 0) {
      const std::size_t ww = sw * 64 + static_cast<unsigned>(std::countr_zero(sword));
      return static_cast<std::int64_t>(ww * 64 + static_cast<unsigned>(std::countr_zero(b.bits[ww])));
    }
    if (++sw >= words_ / 64) return -1;
    sword = b.summary[sw];
  }
}

std::size_t order_book::find_overflow(side s, const side_book& b, ticks price) const noexcept {
  const ticks k = key(s, price);
  const book_level* levels = b.overflow.get();
  std::size_t i = b.overflow_count;
  const std::size_t probe_end = i > k_top_probe ? i - k_top_probe : 0;
  while (i > probe_end && key(s, levels[i - 1].price_ticks) >= k) --i;
  if (i > probe_end || i == 0) return i;
  const book_level* it = std::lower_bound(
      levels, levels + probe_end, k, [s](const book_level& l, ticks target) { return key(s, l.price_ticks) < target; });
  return static_cast<std::size_t>(it - levels);
}

book_result order_book::set_overflow(side s, side_book& b, ticks price, lots qty) noexcept {
  book_level* levels = b.overflow.get();
  std::size_t& count = b.overflow_count;
  const std::size_t i = find_overflow(s, b, price);
  const bool exists = i < count && levels[i].price_ticks == price;
  if (qty == 0) {
    if (exists) {
      std::memmove(levels + i, levels + i + 1, (count - i - 1) * sizeof(book_level));
      --count;
    }
    return book_result::ok;
  }
  if (exists) {
    levels[i].qty_lots = qty;
    return book_result::ok;
  }
  if (count == max_levels_) {
    ++truncated_;
    if (i == 0) return book_result::dropped;  // worse than every level held
    std::memmove(levels, levels + 1, (i - 1) * sizeof(book_level));
    levels[i - 1] = {price, qty};
    return book_result::truncated;
  }
  std::memmove(levels + i + 1, levels + i, (count - i) * sizeof(book_level));
  levels[i] = {price, qty};
  ++count;
  return book_result::ok;
}

book_result order_book::set_level(side s, ticks price, lots qty) noexcept {
  if (qty < 0) return book_result::negative_quantity;
  side_book& b = sides_[index(s)];
  if (!placed_) {
    if (qty == 0) return book_result::ok;  // deleting from an empty book
    // Centre the window on the first price of a fresh book.
    base_ = price - static_cast<ticks>(window_ / 2);
    placed_ = true;
  }
  ticks offset = 0;
  book_result result = book_result::ok;
  if (!__builtin_sub_overflow(price, base_, &offset) && offset >= 0 && offset < static_cast<ticks>(window_)) {
    const auto i = static_cast<std::size_t>(offset);
    lots& level_qty = b.qty[i];
    if (qty == 0) {
      if (level_qty != 0) {
        level_qty = 0;
        clear_bit(b, i);
        --b.ladder_count;
        if (offset == b.best_index) {
          // The next best is the next non-empty index on the worse side.
          b.best_index = next_worse(s, b, offset);
        }
      }
    } else {
      if (level_qty == 0) {
        set_bit(b, i);
        ++b.ladder_count;
        const bool better = b.best_index < 0 || (s == side::buy ? offset > b.best_index : offset < b.best_index);
        if (better) b.best_index = offset;
      }
      level_qty = qty;
    }
  } else {
    result = set_overflow(s, b, price, qty);
  }
  if (qty == 0 && depth(side::buy) == 0 && depth(side::sell) == 0) placed_ = false;  // re-centre on the next level
  return result;
}

ticks order_book::mid() const noexcept {
  if (!valid() || depth(side::buy) == 0 || depth(side::sell) == 0) return 0;
  return midpoint(best(side::buy).price_ticks, best(side::sell).price_ticks);
}

book_level order_book::best(side s) const noexcept {
  const side_book& b = sides_[index(s)];
  const bool in_ladder = b.best_index >= 0;
  const bool in_overflow = b.overflow_count > 0;
  if (!in_ladder) return in_overflow ? b.overflow[b.overflow_count - 1] : book_level{};
  const book_level ladder{base_ + b.best_index, b.qty[static_cast<std::size_t>(b.best_index)]};
  if (!in_overflow) return ladder;
  const book_level& over = b.overflow[b.overflow_count - 1];
  return key(s, ladder.price_ticks) >= key(s, over.price_ticks) ? ladder : over;
}

// Visits levels best first, merging ladder and overflow, until visit() says stop.
template <typename Visit>
void order_book::walk(side s, Visit&& visit) const noexcept {
  const side_book& b = sides_[index(s)];
  std::int64_t li = b.best_index;
  std::size_t oi = b.overflow_count;  // next overflow level is oi - 1
  while (li >= 0 || oi > 0) {
    bool take_ladder = li >= 0;
    if (take_ladder && oi > 0) {
      take_ladder = key(s, base_ + li) >= key(s, b.overflow[oi - 1].price_ticks);
    }
    if (take_ladder) {
      if (!visit(book_level{base_ + li, b.qty[static_cast<std::size_t>(li)]})) return;
      li = next_worse(s, b, li);
    } else {
      if (!visit(b.overflow[--oi])) return;
    }
  }
}

lots order_book::qty_at(side s, ticks price) const noexcept {
  const side_book& b = sides_[index(s)];
  ticks offset = 0;
  if (placed_ && !__builtin_sub_overflow(price, base_, &offset) && offset >= 0 &&
      offset < static_cast<ticks>(window_)) {
    return b.qty[static_cast<std::size_t>(offset)];
  }
  const std::size_t i = find_overflow(s, b, price);
  return i < b.overflow_count && b.overflow[i].price_ticks == price ? b.overflow[i].qty_lots : 0;
}

book_level order_book::level(side s, std::size_t i) const noexcept {
  book_level found{};
  std::size_t seen = 0;
  walk(s, [&](const book_level& l) {
    if (seen++ == i) {
      found = l;
      return false;
    }
    return true;
  });
  return found;
}

std::size_t order_book::top(side s, std::span<book_level> out) const noexcept {
  std::size_t n = 0;
  if (out.empty()) return 0;
  walk(s, [&](const book_level& l) {
    out[n++] = l;
    return n < out.size();
  });
  return n;
}

void order_book::clear() noexcept {
  for (side_book& b : sides_) {
    // Clear only what is set: O(words + levels), not O(window).
    for (std::size_t w = 0; w < words_; ++w) {
      std::uint64_t word = b.bits[w];
      while (word != 0) {
        b.qty[w * 64 + static_cast<unsigned>(std::countr_zero(word))] = 0;
        word &= word - 1;
      }
      b.bits[w] = 0;
    }
    std::fill_n(b.summary.get(), words_ / 64, 0);
    b.ladder_count = 0;
    b.best_index = -1;
    b.overflow_count = 0;
  }
  placed_ = false;
}

void order_book::reset() noexcept {
  clear();
  truncated_ = 0;
  last_update_id_ = 0;
  stale_ = false;
  synced_ = false;
}

}  // namespace tickrail::core
