// Order book level updates: ours against a std::map book, same operation
// stream, same run. The stream is what real depth feeds look like: most
// updates within a few ticks of the top, a tail deep in the book, a quarter
// deletes, the mid drifting (the same generator as the differential test).
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "bench/common/bench_main.hpp"
#include "tickrail/core/order_book.hpp"

namespace tr = tickrail::core;

namespace {

struct op {
  tr::side s;
  tr::ticks price;
  tr::lots qty;
};

const std::vector<op>& operations() {
  static const std::vector<op> ops = [] {
    std::vector<op> out;
    std::mt19937_64 rng(20240808);
    tr::ticks mid = 1'000'000;
    std::normal_distribution<double> near(0.0, 6.0);
    std::uniform_int_distribution<tr::ticks> deep(1, 1500);
    std::uniform_int_distribution<int> pick(0, 99);
    std::uniform_int_distribution<tr::lots> qty(1, 5000);
    for (int i = 0; i < (1 << 20); ++i) {
      if (i % 1000 == 0) mid += pick(rng) < 50 ? -1 : 1;
      const tr::side s = pick(rng) < 50 ? tr::side::buy : tr::side::sell;
      const tr::ticks distance = pick(rng) < 80 ? static_cast<tr::ticks>(std::abs(near(rng))) : deep(rng);
      out.push_back({s, s == tr::side::buy ? mid - 1 - distance : mid + 1 + distance, pick(rng) < 25 ? 0 : qty(rng)});
    }
    return out;
  }();
  return ops;
}

struct map_book {
  std::map<tr::ticks, tr::lots, std::greater<>> bids;
  std::map<tr::ticks, tr::lots> asks;
  void set(tr::side s, tr::ticks price, tr::lots qty) {
    if (s == tr::side::buy) {
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
  tr::ticks top() const { return (bids.empty() ? 0 : bids.begin()->first) + (asks.empty() ? 0 : asks.begin()->first); }
};

// Each iteration applies the whole stream (2^20 updates) and reads the top
// of book after every update, as the strategy does.
void BM_book_update_ours(benchmark::State& state) {
  const auto& ops = operations();
  tr::order_book book(8192);
  tr::ticks check = 0;
  for (auto _ : state) {
    for (const op& o : ops) {
      (void)book.set_level(o.s, o.price, o.qty);
      check += book.best(tr::side::buy).price_ticks + book.best(tr::side::sell).price_ticks;
    }
  }
  benchmark::DoNotOptimize(check);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ops.size()));
}

void BM_book_update_map(benchmark::State& state) {
  const auto& ops = operations();
  map_book book;
  tr::ticks check = 0;
  for (auto _ : state) {
    for (const op& o : ops) {
      book.set(o.s, o.price, o.qty);
      check += book.top();
    }
  }
  benchmark::DoNotOptimize(check);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * ops.size()));
}

BENCHMARK(BM_book_update_ours)
    ->Name("book_ours")
    ->Repetitions(9)
    ->DisplayAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_book_update_map)
    ->Name("book_map")
    ->Repetitions(9)
    ->DisplayAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  return tickrail::bench::run(argc, argv, {{"map / ours (target >= 3)", "book_map", "book_ours"}},
                              "2^20 level updates per iteration, top of book read after each");
}
