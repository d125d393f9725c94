// The order book against a naive std::map model (differential, 10^6 random
// operations), plus its edge behaviour: deletes of absent levels, capacity,
// crossed and stale states.
#include "tickrail/core/order_book.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <random>
#include <span>
#include <vector>

namespace tickrail::core {
namespace {

struct model_book {
  std::map<ticks, lots, std::greater<>> bids;  // best first
  std::map<ticks, lots> asks;                  // best first
  void set(side s, ticks price, lots qty) {
    if (s == side::buy) {
      if (qty == 0)
        bids.erase(price);
      else
        bids[price] = qty;
    } else {
      if (qty == 0)
        asks.erase(price);
      else
        asks[price] = qty;
    }
  }
};

template <typename Map>
void expect_same_side(const order_book& book, side s, const Map& model, std::size_t levels_to_check) {
  ASSERT_EQ(book.depth(s), model.size());
  static std::vector<book_level> got(1 << 16);
  const std::size_t n = book.top(s, std::span<book_level>(got.data(), std::min(levels_to_check, got.size())));
  ASSERT_EQ(n, std::min(levels_to_check, model.size()));
  std::size_t i = 0;
  for (auto it = model.begin(); it != model.end() && i < n; ++it, ++i) {
    ASSERT_EQ(got[i], (book_level{it->first, it->second})) << "side " << int(s) << " level " << i;
  }
  if (!model.empty()) {
    ASSERT_EQ(book.best(s), (book_level{model.begin()->first, model.begin()->second}));
    ASSERT_EQ(book.level(s, 0), book.best(s));
  }
}

void expect_same(const order_book& book, const model_book& model, std::size_t levels_to_check) {
  expect_same_side(book, side::buy, model.bids, levels_to_check);
  expect_same_side(book, side::sell, model.asks, levels_to_check);
}

// Prices cluster near a drifting mid (as real updates do) with a tail deep
// into the book; a quarter of operations delete. `deep_ticks` beyond the
// window puts levels in the overflow store too.
void run_differential(order_book& book, ticks deep_ticks, int operations, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  model_book model;
  ticks mid = 1'000'000;
  int crossings = 0;
  std::normal_distribution<double> near(0.0, 6.0);
  std::uniform_int_distribution<ticks> deep(1, deep_ticks);
  std::uniform_int_distribution<int> pick(0, 99);
  std::uniform_int_distribution<lots> qty(1, 5000);
  for (int op = 0; op < operations; ++op) {
    if (op % 1000 == 0) mid += pick(rng) < 50 ? -1 : 1;
    const side s = pick(rng) < 50 ? side::buy : side::sell;
    const ticks distance = pick(rng) < 80 ? static_cast<ticks>(std::abs(near(rng))) : deep(rng);
    const ticks price = s == side::buy ? mid - 1 - distance : mid + 1 + distance;
    const lots q = pick(rng) < 25 ? 0 : qty(rng);
    ASSERT_EQ(book.set_level(s, price, q), book_result::ok);
    model.set(s, price, q);
    ASSERT_EQ(book.qty_at(s, price), q) << "ladder or overflow, set or deleted";
    const auto model_qty = [](const auto& levels, ticks p) -> lots {
      const auto it = levels.find(p);
      return it == levels.end() ? 0 : it->second;
    };
    ASSERT_EQ(book.qty_at(s == side::buy ? side::sell : side::buy, price),
              s == side::buy ? model_qty(model.asks, price) : model_qty(model.bids, price));
    // Top of book and depth after every operation; the whole book now and then.
    ASSERT_NO_FATAL_FAILURE(expect_same(book, model, op % 10'000 == 0 ? SIZE_MAX : 10));
    // The mid drifts, so resting levels can end up crossed: the book must
    // say so exactly when the model is crossed.
    const bool model_crossed =
        !model.bids.empty() && !model.asks.empty() && model.bids.begin()->first >= model.asks.begin()->first;
    ASSERT_EQ(book.crossed(), model_crossed);
    crossings += model_crossed ? 1 : 0;
  }
  ASSERT_NO_FATAL_FAILURE(expect_same(book, model, SIZE_MAX));
  EXPECT_GT(book.depth(side::buy), 500u) << "the test must exercise deep books";
  EXPECT_GT(crossings, 0) << "the test must exercise crossed states";
}

TEST(order_book, matches_a_map_model_over_a_million_random_operations) {
  order_book book(4096);
  run_differential(book, 1500, 1'000'000, 20240808);
}

TEST(order_book, matches_the_model_across_ladder_and_overflow) {
  // A 4096-tick window with levels up to 20000 ticks away: most deep levels
  // live in the overflow, and best/level/top must merge both stores.
  order_book book(16384, 4096);
  run_differential(book, 20'000, 300'000, 7);
}

TEST(order_book, recentres_when_emptied) {
  order_book book(16, 4096);
  ASSERT_EQ(book.set_level(side::buy, 1'000'000, 1), book_result::ok);
  ASSERT_EQ(book.set_level(side::buy, 1'000'000, 0), book_result::ok);
  // Empty again: the next level may be anywhere and still land in the ladder.
  ASSERT_EQ(book.set_level(side::sell, 5, 2), book_result::ok);
  ASSERT_EQ(book.set_level(side::sell, 6, 3), book_result::ok);
  EXPECT_EQ(book.best(side::sell), (book_level{5, 2}));
  book.clear();
  ASSERT_EQ(book.set_level(side::buy, -50, 4), book_result::ok) << "negative prices (spreads) are prices too";
  EXPECT_EQ(book.best(side::buy), (book_level{-50, 4}));
  EXPECT_EQ(book.depth(side::sell), 0u);
}

TEST(order_book, crossed_books_are_flagged_and_not_valid) {
  order_book book;
  book.mark_synced(1);
  ASSERT_EQ(book.set_level(side::buy, 100, 5), book_result::ok);
  ASSERT_EQ(book.set_level(side::sell, 101, 5), book_result::ok);
  EXPECT_TRUE(book.valid());
  ASSERT_EQ(book.set_level(side::buy, 101, 1), book_result::ok);
  EXPECT_TRUE(book.crossed());
  EXPECT_FALSE(book.valid());
  ASSERT_EQ(book.set_level(side::buy, 101, 0), book_result::ok);
  EXPECT_TRUE(book.valid());
}

TEST(order_book, stale_until_resynced) {
  order_book book;
  EXPECT_FALSE(book.valid()) << "never synced";
  book.mark_synced(42);
  ASSERT_EQ(book.set_level(side::buy, 100, 5), book_result::ok);
  ASSERT_EQ(book.set_level(side::sell, 102, 5), book_result::ok);
  EXPECT_TRUE(book.valid());
  EXPECT_EQ(book.last_update_id(), 42);
  book.mark_stale();
  EXPECT_FALSE(book.valid());
  book.clear();
  book.mark_synced(50);
  EXPECT_TRUE(book.valid());
  book.reset();
  EXPECT_FALSE(book.synced());
  EXPECT_EQ(book.depth(side::buy), 0u);
}

TEST(order_book, deletes_of_absent_levels_and_bad_quantities) {
  order_book book;
  EXPECT_EQ(book.set_level(side::sell, 100, 0), book_result::ok);
  EXPECT_EQ(book.depth(side::sell), 0u);
  EXPECT_EQ(book.set_level(side::sell, 100, -1), book_result::negative_quantity);
  EXPECT_EQ(book.depth(side::sell), 0u);
  EXPECT_EQ(book.best(side::sell), book_level{}) << "empty side";
}

TEST(order_book, a_full_overflow_keeps_its_best_levels) {
  order_book book(4, 4096);  // window around the first price: [10000-2048, 10000+2048)
  ASSERT_EQ(book.set_level(side::buy, 10'000, 1), book_result::ok);
  for (ticks p = 100; p < 104; ++p) ASSERT_EQ(book.set_level(side::buy, p, 1), book_result::ok);  // overflow
  EXPECT_EQ(book.set_level(side::buy, 99, 1), book_result::dropped) << "worse than all held";
  EXPECT_EQ(book.set_level(side::buy, 105, 7), book_result::truncated) << "better: the worst (100) goes";
  EXPECT_EQ(book.depth(side::buy), 5u);
  EXPECT_EQ(book.level(side::buy, 0), (book_level{10'000, 1}));
  EXPECT_EQ(book.level(side::buy, 1), (book_level{105, 7}));
  EXPECT_EQ(book.level(side::buy, 4), (book_level{101, 1}));
  EXPECT_EQ(book.set_level(side::buy, 102, 9), book_result::ok) << "updates in place need no room";
  EXPECT_EQ(book.truncated(), 2u);
  book_level out[8];
  EXPECT_EQ(book.top(side::buy, out), 5u);
  EXPECT_EQ(out[3], (book_level{102, 9}));
  EXPECT_EQ(book.set_level(side::buy, 50'000, 3), book_result::truncated)
      << "above the window: overflow (full: its worst goes), and best";
  EXPECT_EQ(book.best(side::buy), (book_level{50'000, 3}));
}

}  // namespace
}  // namespace tickrail::core
