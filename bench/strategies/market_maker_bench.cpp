// Market maker, 10 levels per side: cost per book event, ours against the
// same quoting logic written the way the Python/Node bots do it (doubles,
// string labels in a hash map, a vector of intents built per event), same
// mid path, same run.
//
// The mid walks ±1 tick per event around 100000 with the tolerance at 2
// ticks and a 1 ms refresh: most events change nothing (the common case on
// a real feed), every few an edit of all 20 quotes.
#include <cmath>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/common/bench_main.hpp"
#include "tickrail/strategies/market_maker.hpp"

namespace tr = tickrail::core;
namespace ts = tickrail::strategies;

namespace {

constexpr std::size_t k_path = 1 << 16;
constexpr std::int64_t k_event_ns = 100'000;  // 10 k events/s of book updates

const std::vector<tr::ticks>& mid_path() {
  static const std::vector<tr::ticks> path = [] {
    std::vector<tr::ticks> out(k_path);
    std::mt19937_64 rng(8);
    tr::ticks mid = 100'000;
    for (auto& m : out) {
      mid += static_cast<tr::ticks>(rng() % 3) - 1;
      m = mid;
    }
    return out;
  }();
  return path;
}

ts::market_maker_params params() {
  ts::market_maker_params p;
  p.half_spread_ticks = 10;
  p.level_step_ticks = 5;
  p.orders_per_side = 10;
  p.size_lots = 10;
  p.refresh_interval_ns = 1'000'000;
  p.requote_tolerance_ticks = 2;
  p.inventory_skew_permille = 200;
  return p;
}

void BM_market_maker_ours(benchmark::State& state) {
  ts::order_ids ids(1, 1);
  ts::market_maker mm(params(), 0, 1, ids);
  ts::intent_sink sink;
  tr::order_book book(64, 4096);
  const auto& path = mid_path();
  std::size_t i = 0;
  std::int64_t now = 0;
  std::uint64_t intents = 0;
  tr::ticks previous = path[0];
  (void)book.set_level(tr::side::buy, previous - 1, 5);
  (void)book.set_level(tr::side::sell, previous + 1, 5);
  book.mark_synced(1);
  for (auto _ : state) {
    // The top of book moves with the mid: two level updates, as a feed delivers.
    const tr::ticks mid = path[i++ & (k_path - 1)];
    if (mid != previous) {
      (void)book.set_level(tr::side::buy, previous - 1, 0);
      (void)book.set_level(tr::side::sell, previous + 1, 0);
      (void)book.set_level(tr::side::buy, mid - 1, 5);
      (void)book.set_level(tr::side::sell, mid + 1, 5);
      previous = mid;
    }
    now += k_event_ns;
    const tr::event_header h{static_cast<tr::sequence_t>(i), 0, now, tr::event_type::market_data, 0, 0, 0};
    sink.clear();
    mm.on_book(book, 0, h, tr::regime::calm, sink);
    intents += sink.intents().size();
  }
  benchmark::DoNotOptimize(intents);
  state.counters["intents_per_event"] =
      benchmark::Counter(static_cast<double>(intents), benchmark::Counter::kAvgIterations);
}

// The bot version: doubles, labels as strings, a map of working orders by
// label, a freshly built vector of intents per event.
struct naive_intent {
  std::string action, label;
  bool buy;
  double price, amount;
};

class naive_market_maker {
 public:
  std::vector<naive_intent> on_book(double bid, double ask, double position, double now_s) {
    std::vector<naive_intent> out;
    const double mid = (bid + ask) / 2;
    const double skew = half_spread_ * skew_ * position / size_;
    for (int k = 0; k < levels_; ++k) {
      for (bool buy : {true, false}) {
        const double offset = half_spread_ + k * step_;
        const double target = buy ? mid - skew - offset : mid - skew + offset;
        const std::string key = std::string(buy ? "bid" : "ask") + std::to_string(k);
        auto it = quotes_.find(key);
        if (it == quotes_.end()) {
          const std::string label = "tr-1-" + std::to_string(next_id_++);
          quotes_[key] = {label, target, now_s};
          out.push_back({"buy_or_sell", label, buy, target, size_});
        } else if (std::fabs(it->second.price - target) > tolerance_ && now_s - it->second.sent >= refresh_s_) {
          it->second.price = target;
          it->second.sent = now_s;
          out.push_back({"edit", it->second.label, buy, target, size_});
        }
      }
    }
    return out;
  }

 private:
  struct quote {
    std::string label;
    double price, sent;
  };
  std::unordered_map<std::string, quote> quotes_;
  double half_spread_ = 5.0, step_ = 2.5, size_ = 100, skew_ = 0.2, tolerance_ = 1.0, refresh_s_ = 0.001;
  int levels_ = 10;
  long next_id_ = 1;
};

void BM_market_maker_naive(benchmark::State& state) {
  naive_market_maker mm;
  const auto& path = mid_path();
  std::size_t i = 0;
  double now_s = 0;
  std::uint64_t intents = 0;
  for (auto _ : state) {
    const double mid = static_cast<double>(path[i++ & (k_path - 1)]) * 0.5;
    now_s += 1e-4;
    intents += mm.on_book(mid - 0.5, mid + 0.5, 0, now_s).size();
  }
  benchmark::DoNotOptimize(intents);
  state.counters["intents_per_event"] =
      benchmark::Counter(static_cast<double>(intents), benchmark::Counter::kAvgIterations);
}

BENCHMARK(BM_market_maker_ours)->Name("market_maker_ours")->Repetitions(9)->ReportAggregatesOnly(true);
BENCHMARK(BM_market_maker_naive)->Name("market_maker_naive")->Repetitions(9)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  return tickrail::bench::run(argc, argv,
                              {{"naive / ours (ns per book event)", "market_maker_naive", "market_maker_ours"}},
                              "10 levels per side, tolerance 2 ticks, refresh 1 ms, 10 k events/s");
}
