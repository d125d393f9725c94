#include "tickrail/core/order_book.hpp"

#include <algorithm>
#include <cstring>

#include "tickrail/core/check.hpp"

namespace tickrail::core {
namespace {

// Both sides sort ascending by this key, best level last: bids by price,
// asks by negated price.
constexpr ticks key(side s, ticks price) noexcept { return s == side::buy ? price : -price; }

// How many levels below the top to probe linearly before binary search.
constexpr std::size_t k_top_probe = 8;

}  // namespace

order_book::order_book(std::size_t max_levels)
    : bids_(std::make_unique<book_level[]>(max_levels)),
      asks_(std::make_unique<book_level[]>(max_levels)),
      max_levels_(max_levels) {
  TR_CHECK(max_levels >= 1, "an order book needs room for at least one level per side");
}

std::size_t order_book::find(side s, const book_level* levels, std::size_t count, ticks price) const noexcept {
  const ticks k = key(s, price);
  std::size_t i = count;
  const std::size_t probe_end = count > k_top_probe ? count - k_top_probe : 0;
  while (i > probe_end && key(s, levels[i - 1].price_ticks) >= k) --i;
  if (i > probe_end || i == 0) return i;
  const book_level* it = std::lower_bound(levels, levels + probe_end, k, [s](const book_level& l, ticks target) {
    return key(s, l.price_ticks) < target;
  });
  return static_cast<std::size_t>(it - levels);
}

book_result order_book::set_level(side s, ticks price, lots qty) noexcept {
  if (qty < 0) return book_result::negative_quantity;
  book_level* levels = s == side::buy ? bids_.get() : asks_.get();
  std::size_t& count = s == side::buy ? bid_count_ : ask_count_;
  const std::size_t i = find(s, levels, count, price);
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
    // Drop the worst level (index 0) to make room below position i.
    std::memmove(levels, levels + 1, (i - 1) * sizeof(book_level));
    levels[i - 1] = {price, qty};
    return book_result::truncated;
  }
  std::memmove(levels + i + 1, levels + i, (count - i) * sizeof(book_level));
  levels[i] = {price, qty};
  ++count;
  return book_result::ok;
}

void order_book::clear() noexcept {
  bid_count_ = 0;
  ask_count_ = 0;
}

void order_book::reset() noexcept {
  clear();
  truncated_ = 0;
  last_update_id_ = 0;
  stale_ = false;
  synced_ = false;
}

std::size_t order_book::top(side s, std::span<book_level> out) const noexcept {
  const std::size_t n = std::min(out.size(), depth(s));
  for (std::size_t i = 0; i < n; ++i) out[i] = level(s, i);
  return n;
}

}  // namespace tickrail::core
