// Deribit book-change parse: ours against the same work done by the usual
// JSON libraries, in one binary and run.
//
// Input: the recorded BTC-PERPETUAL `book.*.100ms` change from
// ../shared/data/deribit/samples.jsonl (read in place). Every competitor
// extracts the same facts: method, channel, type, timestamp, change ids and
// each level's action, price and amount.
//
//   ours              deribit::feed_parser: full parse into events, prices
//                     and amounts converted exactly to ticks and lots
//   simdjson_bare     simdjson On-Demand walking the same fields, numbers as
//                     doubles, no conversion, no events (the floor for an
//                     On-Demand parser)
//   rapidjson         RapidJSON DOM parse + the same walk
//   nlohmann          nlohmann::json parse + the same walk
#include <rapidjson/document.h>
#include <simdjson.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/common/bench_main.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace {

std::string recorded_change() {
  std::ifstream in(TICKRAIL_SOURCE_DIR "/../shared/data/deribit/samples.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"book.BTC-PERPETUAL.100ms\"") != std::string::npos &&
        line.find("\"change\"") != std::string::npos) {
      return line;
    }
  }
  std::fprintf(stderr, "feed_parse_bench: BTC-PERPETUAL change not found in ../shared/data/deribit/samples.jsonl\n");
  std::exit(2);
}

const std::string& frame() {
  static const std::string f = recorded_change();
  return f;
}

// What every competitor folds its extraction into, so nothing is optimised away.
struct sink {
  double sum = 0;
  std::int64_t ids = 0;
  std::size_t levels = 0;
};

void BM_parse_deribit_change_ours(benchmark::State& state) {
  tickrail::core::instrument_catalog catalog;
  if (!tickrail::deribit::load_instruments_file(TICKRAIL_SOURCE_DIR "/config/instruments/deribit.json", catalog).ok()) {
    state.SkipWithError("instruments");
    return;
  }
  tickrail::deribit::feed_parser parser(catalog);
  // A padded receive buffer, as the WebSocket client provides: no copy.
  const std::string& f = frame();
  std::string buffer(f.size() + tickrail::deribit::feed_parser::k_padding, '\0');
  std::memcpy(buffer.data(), f.data(), f.size());
  sink s;
  for (auto _ : state) {
    if (parser.parse_padded(buffer.data(), f.size(), buffer.size(), 0) != tickrail::core::feed_error::ok) {
      state.SkipWithError("parse failed");
      break;
    }
    const auto& md = parser.events()[0].md;
    s.ids += md.change_id + md.prev_change_id;
    s.levels += md.count;
    s.sum += static_cast<double>(md.levels[0].price_ticks);
  }
  benchmark::DoNotOptimize(s);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

void BM_parse_deribit_change_simdjson_bare(benchmark::State& state) {
  namespace od = simdjson::ondemand;
  od::parser parser;
  const std::string& f = frame();
  simdjson::padded_string padded(f);
  sink s;
  for (auto _ : state) {
    od::document doc = parser.iterate(padded);
    std::string_view method = doc["method"].get_string();
    od::object params = doc["params"].get_object();
    std::string_view channel = params["channel"].get_string();
    od::object data = params["data"].get_object();
    for (auto field : data) {
      std::string_view key = field.unescaped_key();
      if (key == "bids" || key == "asks") {
        for (auto level : field.value().get_array()) {
          std::size_t i = 0;
          for (auto item : level.get_array()) {
            if (i == 0) {
              std::string_view action = item.get_string();
              s.levels += action.size();
            } else {
              s.sum += item.get_double();
            }
            ++i;
          }
        }
      } else if (key == "type") {
        std::string_view type = field.value().get_string();
        s.ids += static_cast<std::int64_t>(type.size());
      } else if (key == "timestamp" || key == "change_id" || key == "prev_change_id") {
        s.ids += field.value().get_int64();
      }
    }
    s.ids += static_cast<std::int64_t>(method.size() + channel.size());
  }
  benchmark::DoNotOptimize(s);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

template <typename Level>
void fold_rapidjson_level(const Level& level, sink& s) {
  s.levels += level[0].GetStringLength();
  s.sum += level[1].GetDouble() + level[2].GetDouble();
}

void BM_parse_deribit_change_rapidjson(benchmark::State& state) {
  const std::string& f = frame();
  sink s;
  rapidjson::Document doc;
  for (auto _ : state) {
    doc.Parse(f.data(), f.size());
    if (doc.HasParseError()) {
      state.SkipWithError("rapidjson parse");
      break;
    }
    const auto& params = doc["params"];
    const auto& data = params["data"];
    s.ids += static_cast<std::int64_t>(doc["method"].GetStringLength() + params["channel"].GetStringLength());
    s.ids += static_cast<std::int64_t>(data["type"].GetStringLength());
    s.ids += data["timestamp"].GetInt64() + data["change_id"].GetInt64() + data["prev_change_id"].GetInt64();
    for (const auto& level : data["bids"].GetArray()) fold_rapidjson_level(level, s);
    for (const auto& level : data["asks"].GetArray()) fold_rapidjson_level(level, s);
  }
  benchmark::DoNotOptimize(s);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

void BM_parse_deribit_change_nlohmann(benchmark::State& state) {
  const std::string& f = frame();
  sink s;
  for (auto _ : state) {
    const nlohmann::json doc = nlohmann::json::parse(f);
    const auto& params = doc["params"];
    const auto& data = params["data"];
    s.ids += static_cast<std::int64_t>(doc["method"].get_ref<const std::string&>().size() +
                                       params["channel"].get_ref<const std::string&>().size());
    s.ids += static_cast<std::int64_t>(data["type"].get_ref<const std::string&>().size());
    s.ids += data["timestamp"].get<std::int64_t>() + data["change_id"].get<std::int64_t>() +
             data["prev_change_id"].get<std::int64_t>();
    for (const char* side : {"bids", "asks"}) {
      for (const auto& level : data[side]) {
        s.levels += level[0].get_ref<const std::string&>().size();
        s.sum += level[1].get<double>() + level[2].get<double>();
      }
    }
  }
  benchmark::DoNotOptimize(s);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * f.size()));
}

constexpr int k_repetitions = 9;

BENCHMARK(BM_parse_deribit_change_ours)->Name("ours")->Repetitions(k_repetitions)->DisplayAggregatesOnly(true);
BENCHMARK(BM_parse_deribit_change_simdjson_bare)
    ->Name("simdjson_bare")
    ->Repetitions(k_repetitions)
    ->DisplayAggregatesOnly(true);
BENCHMARK(BM_parse_deribit_change_rapidjson)
    ->Name("rapidjson")
    ->Repetitions(k_repetitions)
    ->DisplayAggregatesOnly(true);
BENCHMARK(BM_parse_deribit_change_nlohmann)->Name("nlohmann")->Repetitions(k_repetitions)->DisplayAggregatesOnly(true);

}  // namespace

int main(int argc, char** argv) {
  return tickrail::bench::run(argc, argv,
                              {{"ours / simdjson_bare (target <= 1.2)", "ours", "simdjson_bare"},
                               {"rapidjson / ours (target >= 2.5)", "rapidjson", "ours"},
                               {"nlohmann / ours", "nlohmann", "ours"}},
                              "Deribit BTC-PERPETUAL book change, " + std::to_string(frame().size()) + " bytes");
}
