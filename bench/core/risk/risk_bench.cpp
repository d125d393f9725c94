// Pre-trade risk: nanoseconds per order through every check, ours against a
// line-by-line port of what the Python/Node bots do (string-keyed maps,
// doubles, deques of timestamps), same order stream, same run.
//
// Each iteration places a batch of 256 orders that pass every check —
// alternating buys below and sells above the mid, so the self-trade check
// has resting opposite orders to compare with — timed around the batch
// (manual time; the `per_order` counter divides by 256). The venue's cancel confirmations that
// keep the book of open orders from growing run outside the timed region.
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "bench/common/bench_main.hpp"
#include "tests/support/risk_fixture.hpp"
#include "tickrail/core/risk.hpp"

namespace tr = tickrail::core;
namespace tt = tickrail::test;

namespace {

constexpr int k_batch = 256;

// The batch time is what is measured; `per_order` shows it divided by the
// batch size (seconds, printed with an SI prefix: "15.2n" = 15.2 ns).
void per_order(benchmark::State& state) {
  state.counters["per_order"] =
      benchmark::Counter(k_batch, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

tr::risk_limits bench_limits(const tr::instrument_catalog& catalog) {
  auto parsed = tr::parse_risk_limits_toml(tt::k_risk_toml, "risk.toml", catalog);
  TR_CHECK(parsed.ok(), "fixture limits");
  tr::risk_limits limits = *std::move(parsed);
  limits.max_open_orders = 1024;
  limits.runaway_max_orders = 65536;
  limits.runaway_window_ns = 1'000'000;
  limits.rates[0] = {1'000'000, 1'000'000};
  tr::instrument_limits& perp = limits.instruments[tt::k_perp];
  perp.max_open_orders = 1024;
  perp.max_position_lots = 1'000'000;
  return limits;
}

// The order a batch places at index i: buys at 49950 and below, sells at
// 50050 and above, 1..8 lots.
tr::event order_at(int i, std::uint64_t id, std::int64_t ts) {
  const bool buy = (i & 1) == 0;
  return tt::place(tt::k_perp, buy ? tr::side::buy : tr::side::sell, 1 + (i & 7),
                   buy ? 99900 - (i & 15) : 100100 + (i & 15), id, ts);
}

void BM_risk_order_ours(benchmark::State& state) {
  const tr::instrument_catalog catalog = tt::make_risk_catalog();
  const tr::risk_limits limits = bench_limits(catalog);
  tr::risk_engine engine(catalog, &limits, {}, 2048);
  tr::order_request out{};
  std::int64_t ts = 1;
  (void)engine.on_event(tt::reference(tt::k_perp, 99990, 100010, ts), out);
  (void)engine.on_event(tt::ticker_mark(tt::k_perp, 100000, ts), out);
  std::uint64_t id = 1;
  std::vector<tr::event> batch(k_batch);
  std::vector<tr::event> confirmations(
      k_batch, tt::order_update(tt::k_perp, 0, tr::side::buy, tr::order_state::cancelled, 1, 0, 99900, ts));
  std::int64_t passed = 0;
  for (auto _ : state) {
    for (int i = 0; i < k_batch; ++i) {
      ts += 1000;
      batch[static_cast<std::size_t>(i)] = order_at(i, id + static_cast<std::uint64_t>(i), ts);
    }
    const auto start = std::chrono::steady_clock::now();
    for (const tr::event& e : batch) passed += engine.on_event(e, out) ? 1 : 0;
    const auto stop = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(out);
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    for (int i = 0; i < k_batch; ++i) {
      const tr::event& o = batch[static_cast<std::size_t>(i)];
      tr::event& c = confirmations[static_cast<std::size_t>(i)];
      c.exec.cl_ord_id = o.intent.cl_ord_id;
      c.exec.order_side = o.intent.order_side;
      c.exec.qty_lots = o.intent.qty_lots;
      c.exec.price_ticks = o.intent.price_ticks;
      (void)engine.on_event(c, out);
    }
    id += k_batch;
    engine.clear_records();
  }
  per_order(state);
  if (passed != static_cast<std::int64_t>(state.iterations()) * k_batch) state.SkipWithError("an order did not pass");
}

// What a bot does, ported to C++ without changing its data structures:
// labels as strings, state in string-keyed maps, prices as doubles, rate
// and runaway windows as deques of timestamps.
class naive_risk {
 public:
  struct order {
    bool buy;
    double price;
    double qty;
  };
  struct instrument_state {
    double position = 0, resting_buy = 0, resting_sell = 0, mid = 0, mark = 0;
    std::map<std::string, order> orders;
  };

  bool check_place(const std::string& symbol, bool buy, double qty, double price, const std::string& label,
                   double now_s) {
    if (killed_ || state_ == "HALTED") return false;
    auto it = instruments_.find(symbol);
    if (it == instruments_.end()) return false;
    instrument_state& st = it->second;
    if (qty <= 0 || price <= 0 || qty > max_qty_) return false;
    if (regime_ == "STRESS" && buy) return false;
    if (regime_ == "BLACK") return false;
    if (st.mid <= 0 && st.mark <= 0) return false;
    for (double ref : {st.mid, st.mark}) {
      if (ref > 0 && (std::fabs(price - ref) / ref > collar_pct_ / 100.0 || std::fabs(price - ref) > collar_abs_))
        return false;
    }
    if (qty > max_notional_usd_) return false;
    const double worst = buy ? st.position + st.resting_buy + qty : -(st.position - st.resting_sell - qty);
    if (worst > max_position_) return false;
    if (st.orders.size() + 1 > max_open_) return false;
    for (const auto& [l, o] : st.orders) {
      if (o.buy != buy && (buy ? price >= o.price : price <= o.price)) return false;
    }
    if (labels_.count(label) != 0) return false;
    while (!sent_.empty() && sent_.front() < now_s - 1.0) sent_.pop_front();
    if (sent_.size() >= max_per_second_) return false;
    sent_.push_back(now_s);
    labels_.insert(label);
    st.orders.emplace(label, order{buy, price, qty});
    (buy ? st.resting_buy : st.resting_sell) += qty;
    return true;
  }

  void on_cancelled(const std::string& symbol, const std::string& label) {
    instrument_state& st = instruments_[symbol];
    auto it = st.orders.find(label);
    if (it == st.orders.end()) return;
    (it->second.buy ? st.resting_buy : st.resting_sell) -= it->second.qty;
    st.orders.erase(it);
  }

  std::unordered_map<std::string, instrument_state> instruments_;
  std::unordered_set<std::string> labels_;
  std::deque<double> sent_;
  bool killed_ = false;
  std::string state_ = "ACTIVE", regime_ = "CALM";
  double max_qty_ = 1000, max_notional_usd_ = 2000, max_position_ = 1e7, collar_pct_ = 1.0, collar_abs_ = 200;
  std::size_t max_open_ = 1024, max_per_second_ = 1'000'000;
};

void BM_risk_order_naive(benchmark::State& state) {
  naive_risk risk;
  const std::string symbol = "BTC-PERPETUAL";
  risk.instruments_[symbol].mid = 50000.0;
  risk.instruments_[symbol].mark = 50000.0;
  std::uint64_t id = 1;
  double now_s = 0;
  struct pending {
    std::string symbol;
    bool buy;
    double qty, price;
    std::uint64_t id;
  };
  std::vector<pending> batch(k_batch);
  std::int64_t passed = 0;
  for (auto _ : state) {
    for (int i = 0; i < k_batch; ++i) {
      const tr::event e = order_at(i, id + static_cast<std::uint64_t>(i), 0);
      batch[static_cast<std::size_t>(i)] = {symbol, e.intent.order_side == tr::side::buy,
                                            static_cast<double>(e.intent.qty_lots * 10),
                                            static_cast<double>(e.intent.price_ticks) * 0.5, e.intent.cl_ord_id};
    }
    const auto start = std::chrono::steady_clock::now();
    for (const pending& p : batch) {
      now_s += 1e-6;
      passed += risk.check_place(p.symbol, p.buy, p.qty, p.price, "tr-" + std::to_string(p.id), now_s) ? 1 : 0;
    }
    const auto stop = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(stop - start).count());
    for (const pending& p : batch) risk.on_cancelled(symbol, "tr-" + std::to_string(p.id));
    id += k_batch;
  }
  per_order(state);
  if (passed != static_cast<std::int64_t>(state.iterations()) * k_batch) state.SkipWithError("an order did not pass");
}

BENCHMARK(BM_risk_order_ours)->Name("risk_order_ours")->UseManualTime()->Repetitions(9)->ReportAggregatesOnly(true);
BENCHMARK(BM_risk_order_naive)->Name("risk_order_naive")->UseManualTime()->Repetitions(9)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  return tickrail::bench::run(argc, argv,
                              {{"naive / ours (time per batch of 256 orders)", "risk_order_naive", "risk_order_ours"}},
                              "256 orders per timed batch, every check run and passed");
}
