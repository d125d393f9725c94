// Order encode: a place request (limit, post_only) into Deribit JSON-RPC
// text, ns per order. Ours (order_encoder: integer ticks/lots to exact
// decimal text, into a preallocated buffer) against the two ways a bot
// usually builds it: one fmt::format string from doubles, and an
// nlohmann::json object dumped. Same orders, same run; before timing, every
// competitor's text is parsed back and checked to say the same thing.
#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/common/bench_main.hpp"
#include "tickrail/deribit/instruments.hpp"
#include "tickrail/deribit/order_encoder.hpp"

namespace {

namespace tr = tickrail;
constexpr int k_batch = 256;

const tr::core::instrument_catalog& catalog() {
  static const tr::core::instrument_catalog c = [] {
    tr::core::instrument_catalog cat;
    if (!tr::deribit::load_instruments_file(TICKRAIL_SOURCE_DIR "/config/instruments/deribit.json", cat).ok())
      std::abort();
    return cat;
  }();
  return c;
}

const tr::core::instrument& perpetual() { return *catalog().find(tr::core::venue::deribit, "BTC-PERPETUAL"); }

std::vector<tr::core::order_request> orders() {
  std::vector<tr::core::order_request> out(k_batch);
  for (int i = 0; i < k_batch; ++i) {
    tr::core::order_request& r = out[static_cast<std::size_t>(i)];
    r.intent.kind = tr::core::intent_kind::place;
    r.intent.order_side = i % 2 == 0 ? tr::core::side::buy : tr::core::side::sell;
    r.intent.type = tr::core::order_type::limit;
    r.intent.flags = tr::core::k_order_post_only;
    r.intent.instrument = perpetual().id;
    r.intent.price_ticks = 74'000 + (i * 37) % 500;  // 37000.0 .. 37249.5
    r.intent.qty_lots = 1 + i % 9;
    r.intent.cl_ord_id = tr::core::make_client_order_id(3, 1'795'323'600'000ull + static_cast<unsigned>(i));
  }
  return out;
}

// What a bot written around doubles sends for the same order.
struct double_order {
  bool buy;
  double amount, price;
  std::uint16_t bot;
  std::uint64_t counter;
};
std::vector<double_order> as_doubles(const std::vector<tr::core::order_request>& rs) {
  std::vector<double_order> out;
  for (const auto& r : rs) {
    out.push_back({r.intent.order_side == tr::core::side::buy, perpetual().lot.to_double(r.intent.qty_lots),
                   perpetual().tick.to_double(r.intent.price_ticks), tr::core::bot_of(r.intent.cl_ord_id),
                   r.intent.cl_ord_id & ((1ull << 48) - 1)});
  }
  return out;
}

std::string with_fmt(const double_order& o, std::int64_t id) {
  return fmt::format(
      R"({{"jsonrpc":"2.0","id":{},"method":"{}","params":{{"instrument_name":"{}","amount":{},"type":"limit",)"
      R"("label":"{}","price":{},"time_in_force":"good_til_cancelled","post_only":true,"reject_post_only":true}}}})",
      id, o.buy ? "private/buy" : "private/sell", "BTC-PERPETUAL", o.amount, fmt::format("tr-{}-{}", o.bot, o.counter),
      o.price);
}

std::string with_nlohmann(const double_order& o, std::int64_t id) {
  nlohmann::json j;
  j["jsonrpc"] = "2.0";
  j["id"] = id;
  j["method"] = o.buy ? "private/buy" : "private/sell";
  j["params"] = {{"instrument_name", "BTC-PERPETUAL"},
                 {"amount", o.amount},
                 {"type", "limit"},
                 {"label", "tr-" + std::to_string(o.bot) + "-" + std::to_string(o.counter)},
                 {"price", o.price},
                 {"time_in_force", "good_til_cancelled"},
                 {"post_only", true},
                 {"reject_post_only", true}};
  return j.dump();
}

// The three texts must say the same thing (numbers compared as numbers).
void check_equivalent() {
  const tr::deribit::order_encoder enc(catalog(), "tr");
  const auto rs = orders();
  const auto ds = as_doubles(rs);
  std::array<char, tr::deribit::order_encoder::k_max_frame> buf{};
  for (std::size_t i = 0; i < rs.size(); ++i) {
    tr::deribit::encoded_order out;
    if (enc.encode(rs[i], static_cast<std::int64_t>(i), buf, out) != tr::deribit::encode_error::ok) std::abort();
    const auto ours = nlohmann::json::parse(std::string_view(buf.data(), out.size));
    if (ours != nlohmann::json::parse(with_fmt(ds[i], static_cast<std::int64_t>(i))) ||
        ours != nlohmann::json::parse(with_nlohmann(ds[i], static_cast<std::int64_t>(i)))) {
      std::fprintf(stderr, "competitors disagree on order %zu\n", i);
      std::abort();
    }
  }
}

void BM_encode_ours(benchmark::State& state) {
  const tr::deribit::order_encoder enc(catalog(), "tr");
  const auto rs = orders();
  std::array<char, tr::deribit::order_encoder::k_max_frame> buf{};
  std::int64_t id = 0;
  for (auto _ : state) {
    for (const auto& r : rs) {
      tr::deribit::encoded_order out;
      benchmark::DoNotOptimize(enc.encode(r, ++id, buf, out));
      benchmark::DoNotOptimize(buf.data());
    }
  }
  state.counters["ns_per_order"] = benchmark::Counter(static_cast<double>(state.iterations()) * k_batch,
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_encode_fmt(benchmark::State& state) {
  const auto ds = as_doubles(orders());
  std::int64_t id = 0;
  for (auto _ : state) {
    for (const auto& d : ds) benchmark::DoNotOptimize(with_fmt(d, ++id));
  }
  state.counters["ns_per_order"] = benchmark::Counter(static_cast<double>(state.iterations()) * k_batch,
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_encode_nlohmann(benchmark::State& state) {
  const auto ds = as_doubles(orders());
  std::int64_t id = 0;
  for (auto _ : state) {
    for (const auto& d : ds) benchmark::DoNotOptimize(with_nlohmann(d, ++id));
  }
  state.counters["ns_per_order"] = benchmark::Counter(static_cast<double>(state.iterations()) * k_batch,
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_encode_ours)->Name("encode_ours")->Repetitions(9)->ReportAggregatesOnly(true);
BENCHMARK(BM_encode_fmt)->Name("encode_fmt")->Repetitions(9)->ReportAggregatesOnly(true);
BENCHMARK(BM_encode_nlohmann)->Name("encode_nlohmann")->Repetitions(9)->ReportAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  check_equivalent();
  return tickrail::bench::run(argc, argv,
                              {{"fmt::format / ours (per batch of 256 orders)", "encode_fmt", "encode_ours"},
                               {"nlohmann::json / ours (per batch of 256 orders)", "encode_nlohmann", "encode_ours"}},
                              "256 limit post_only orders per iteration; outputs checked equivalent");
}
