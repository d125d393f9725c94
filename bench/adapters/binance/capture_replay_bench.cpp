// The recorded Binance USD-M BTCUSDT capture (../shared/data, 93,954 frames,
// read in place and held in memory) replayed through the real parser and
// book stage, against a bare simdjson On-Demand walk of the same frames:
// frames/s and ns/frame, and the ratio to the bare parse cost (the issue 8
// tick-to-order target is stated against it).
#include <simdjson.h>

#include <string>
#include <vector>

#include "bench/common/bench_main.hpp"
#include "tickrail/binance/feed_parser.hpp"
#include "tickrail/binance/instruments.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/capture_reader.hpp"

namespace {

struct capture {
  std::string bytes;                                        // all frames, each followed by simdjson padding
  std::vector<std::pair<std::size_t, std::size_t>> frames;  // offset, length
};

const capture& recorded() {
  static const capture c = [] {
    capture out;
    auto reader =
        tickrail::core::capture_reader::open(TICKRAIL_SOURCE_DIR "/../shared/data/binance/btcusdt_20240808.gz");
    if (!reader.ok()) {
      std::fprintf(stderr, "capture_replay_bench: %s\n", std::string(reader.status().message()).c_str());
      std::exit(2);
    }
    std::int64_t ns = 0;
    std::string_view frame;
    while ((*reader)->next(ns, frame)) {
      out.frames.emplace_back(out.bytes.size(), frame.size());
      out.bytes.append(frame);
      out.bytes.append(tickrail::binance::feed_parser::k_padding, '\0');
    }
    return out;
  }();
  return c;
}

void BM_replay_ours(benchmark::State& state) {
  const capture& c = recorded();
  tickrail::core::instrument_catalog catalog;
  if (!tickrail::binance::load_exchange_info_file(TICKRAIL_SOURCE_DIR "/config/instruments/binance_usdm.json", catalog)
           .ok()) {
    state.SkipWithError("instruments");
    return;
  }
  std::uint64_t levels = 0;
  for (auto _ : state) {
    state.PauseTiming();  // a fresh parser and book per pass: replay from the start
    auto parser = std::make_unique<tickrail::binance::feed_parser>(catalog);
    auto books = std::make_unique<tickrail::core::book_builder>(catalog.size(), 16384);
    state.ResumeTiming();
    for (const auto& [offset, length] : c.frames) {
      const char* data = c.bytes.data() + offset;
      if (parser->parse_padded(data, length, length + tickrail::binance::feed_parser::k_padding, 0) !=
          tickrail::core::feed_error::ok) {
        state.SkipWithError("parse failed");
        return;
      }
      for (const tickrail::core::event& e : parser->events()) (void)books->apply(e);
    }
    levels += books->counters(0).level_updates;
  }
  benchmark::DoNotOptimize(levels);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.frames.size()));
  state.counters["ns_per_frame"] = benchmark::Counter(static_cast<double>(state.iterations() * c.frames.size()),
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The floor: simdjson visits every field and number of every frame (numbers
// as doubles), builds nothing.
void BM_replay_simdjson_bare(benchmark::State& state) {
  namespace od = simdjson::ondemand;
  const capture& c = recorded();
  od::parser parser;
  double sum = 0;
  for (auto _ : state) {
    for (const auto& [offset, length] : c.frames) {
      od::document doc = parser.iterate(c.bytes.data() + offset, length, length + simdjson::SIMDJSON_PADDING);
      od::object root = doc.get_object();
      for (auto field : root) {
        od::value v = field.value();
        if (v.type() == od::json_type::object) {
          for (auto inner : v.get_object()) {
            od::value iv = inner.value();
            const od::json_type t = iv.type();
            if (t == od::json_type::array) {
              for (auto level : iv.get_array()) {
                for (auto x : level.get_array()) sum += static_cast<double>(std::string_view(x.get_string()).size());
              }
            } else if (t == od::json_type::number) {
              sum += iv.get_double();
            } else if (t == od::json_type::string) {
              sum += static_cast<double>(std::string_view(iv.get_string()).size());
            }
          }
        } else if (v.type() == od::json_type::array) {
          for (auto level : v.get_array()) {
            for (auto x : level.get_array()) sum += static_cast<double>(std::string_view(x.get_string()).size());
          }
        } else if (v.type() == od::json_type::number) {
          sum += v.get_double();
        }
      }
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.frames.size()));
  state.counters["ns_per_frame"] = benchmark::Counter(static_cast<double>(state.iterations() * c.frames.size()),
                                                      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_replay_ours)
    ->Name("replay_ours")
    ->Repetitions(5)
    ->DisplayAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_replay_simdjson_bare)
    ->Name("replay_simdjson_bare")
    ->Repetitions(5)
    ->DisplayAggregatesOnly(true)
    ->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  return tickrail::bench::run(
      argc, argv, {{"ours (parse+book) / bare simdjson walk", "replay_ours", "replay_simdjson_bare"}},
      "Binance BTCUSDT capture, " + std::to_string(recorded().frames.size()) + " frames per pass");
}
