// tools/latency/stream.hpp — what tickrail-latency injects: raw venue frames
// held in memory (with simdjson padding after each, so parsing reads them in
// place), prepared before the clock starts.
//
//   generated Deribit   book.BTC-PERPETUAL.raw: a 20-level snapshot, then
//                       changes of 1–3 levels around a mid that walks a tick
//                       at a time (seeded), a ticker every 100 frames
//   Binance capture     ../shared/data/binance/btcusdt_20240808.gz (REST
//                       snapshot, depthUpdate, bookTicker, trade), in order
//   Deribit JSONL file  one frame per line, e.g. recorded from tickrail-venue
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "tickrail/core/instrument.hpp"

namespace tickrail::latency {

inline constexpr std::size_t k_frame_padding = 64;  // simdjson's

struct input_stream {
  std::string name;
  core::venue venue = core::venue::deribit;
  std::string bytes;                                        // frames, each followed by padding
  std::vector<std::pair<std::size_t, std::size_t>> frames;  // offset, length

  void add(std::string_view frame);
  [[nodiscard]] std::string_view frame(std::size_t i) const noexcept {
    return {bytes.data() + frames[i].first, frames[i].second};
  }
};

input_stream generate_deribit(const core::instrument& inst, std::size_t frames, std::uint64_t seed);
// A capture (`<ns> <frame>` lines, gzip or plain) or a JSONL file of frames.
absl::StatusOr<input_stream> load_capture(const std::string& path, core::venue venue, std::size_t max_frames);

}  // namespace tickrail::latency
