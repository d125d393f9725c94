#include "latency/stream.hpp"

#include <map>
#include <random>

#include "absl/strings/str_cat.h"
#include "tickrail/core/capture_reader.hpp"

namespace tickrail::latency {

void input_stream::add(std::string_view frame) {
  frames.emplace_back(bytes.size(), frame.size());
  bytes.append(frame);
  bytes.append(k_frame_padding, '\0');
}

namespace {

constexpr int k_levels = 20;

struct book_writer {
  const core::instrument& inst;
  std::string bids, asks;
  void level(std::string& side, const char* action, core::ticks px, core::lots qty) {
    if (!side.empty()) side += ',';
    absl::StrAppend(&side, "[\"", action, "\",", inst.format_price(px), ",", inst.format_qty(qty), "]");
  }
};

}  // namespace

input_stream generate_deribit(const core::instrument& inst, std::size_t frames, std::uint64_t seed) {
  input_stream s;
  s.name = "deribit-generated:" + inst.symbol;
  s.venue = core::venue::deribit;
  std::mt19937_64 rng(seed);
  std::map<core::ticks, core::lots> bids, asks;  // price → lots
  core::ticks mid = 74'000;                      // 37000 USD on a 0.5 tick
  const auto qty = [&] { return static_cast<core::lots>(1 + rng() % 500); };
  for (int k = 1; k <= k_levels; ++k) {
    bids[mid - k] = qty();
    asks[mid + k] = qty();
  }
  std::int64_t change_id = 1'000'000;
  std::int64_t ts = 1'795'323'600'000;
  const std::string channel = "book." + inst.symbol + ".raw";
  const auto frame = [&](std::string_view type, const book_writer& w, bool first) {
    std::string f =
        absl::StrCat(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":")", channel,
                     R"(","data":{"type":")", absl::string_view(type.data(), type.size()), R"(","timestamp":)", ts);
    if (!first) absl::StrAppend(&f, R"(,"prev_change_id":)", change_id - 1);
    absl::StrAppend(&f, R"(,"instrument_name":")", inst.symbol, R"(","change_id":)", change_id, R"(,"bids":[)", w.bids,
                    R"(],"asks":[)", w.asks, "]}}}");
    return f;
  };
  {
    book_writer w{inst, {}, {}};
    for (auto it = bids.rbegin(); it != bids.rend(); ++it) w.level(w.bids, "new", it->first, it->second);
    for (const auto& [px, q] : asks) w.level(w.asks, "new", px, q);
    s.add(frame("snapshot", w, true));
  }
  while (s.frames.size() < frames) {
    ++change_id;
    ts += 1 + static_cast<std::int64_t>(rng() % 3);
    book_writer w{inst, {}, {}};
    const unsigned r = static_cast<unsigned>(rng() % 10);
    if (r < 3) {
      // The mid moves a tick: the touched side loses its best level, the
      // other gains one, both ends keep 20 levels.
      const bool up = (rng() & 1) != 0;
      if (up) {
        const core::ticks gone = asks.begin()->first;
        asks.erase(asks.begin());
        w.level(w.asks, "delete", gone, 0);
        const core::ticks far = asks.rbegin()->first + 1;
        asks[far] = qty();
        w.level(w.asks, "new", far, asks[far]);
        bids[gone] = qty();
        w.level(w.bids, "new", gone, bids[gone]);
        const core::ticks low = bids.begin()->first;
        bids.erase(bids.begin());
        w.level(w.bids, "delete", low, 0);
        ++mid;
      } else {
        const core::ticks gone = bids.rbegin()->first;
        bids.erase(gone);
        w.level(w.bids, "delete", gone, 0);
        const core::ticks far = bids.begin()->first - 1;
        bids[far] = qty();
        w.level(w.bids, "new", far, bids[far]);
        asks[gone] = qty();
        w.level(w.asks, "new", gone, asks[gone]);
        const core::ticks high = asks.rbegin()->first;
        asks.erase(high);
        w.level(w.asks, "delete", high, 0);
        --mid;
      }
    } else {
      // Quantities change at 1–3 of the top five levels.
      const int n = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < n; ++i) {
        const bool bid = (rng() & 1) != 0;
        const int depth = static_cast<int>(rng() % 5);
        auto& side = bid ? bids : asks;
        auto it = side.begin();
        if (bid) {
          auto rit = side.rbegin();
          std::advance(rit, depth);
          it = std::prev(rit.base());
        } else {
          std::advance(it, depth);
        }
        it->second = qty();
        w.level(bid ? w.bids : w.asks, "change", it->first, it->second);
      }
    }
    s.add(frame("change", w, false));
    if (s.frames.size() % 100 == 0 && s.frames.size() < frames) {
      const std::string mark = inst.format_price(mid);
      s.add(absl::StrCat(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"ticker.)", inst.symbol,
                         R"(.raw","data":{"timestamp":)", ts, R"(,"instrument_name":")", inst.symbol,
                         R"(","mark_price":)", mark, R"(,"index_price":)", mark, R"(,"best_bid_price":)",
                         inst.format_price(bids.rbegin()->first), R"(,"best_ask_price":)",
                         inst.format_price(asks.begin()->first), R"(,"last_price":)", mark, "}}}"));
    }
  }
  return s;
}

absl::StatusOr<input_stream> load_capture(const std::string& path, core::venue venue, std::size_t max_frames) {
  auto reader = core::capture_reader::open(path);
  if (!reader.ok()) return reader.status();
  input_stream s;
  s.name = path;
  s.venue = venue;
  std::int64_t ns = 0;
  std::string_view frame;
  while (s.frames.size() < max_frames && (*reader)->next(ns, frame)) s.add(frame);
  if (!(*reader)->error().empty()) return absl::DataLossError(absl::StrCat(path, ": ", (*reader)->error()));
  if (s.frames.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no frames"));
  return s;
}

}  // namespace tickrail::latency
