// tools/soak/synthetic_feed.hpp — tickrail-soak's market data: a paced,
// Deribit-like book stream for one instrument, published on the md ring
// exactly as deribit::feed_parser publishes the venue's frames.
//
//   synthetic venue book ─frame─▶ md_builder ─events─▶ [md ring] ─▶ sequencer
//            ▲
//   [resync ring] instrument ids whose book found a gap (from the strategy
//                 stage): answered with a fresh snapshot, as a resubscribe is
//
// Frames, as book.<instrument>.raw and ticker.<instrument>.100ms carry them:
//   * a book_snapshot first: k_levels a side, one tick apart, a one-tick
//     spread; change_id starts the chain, prev_change_id -1; "new" levels
//     (two events: more levels than fit inline, so fragments are exercised);
//   * then book_change frames, change_id = prev_change_id + 1: one level's
//     new amount ("change"), or — at most once per 10 ms of TSC time —
//     a one-tick move of the whole book ("new" and "delete" on both sides);
//   * a ticker every 100 ms: best bid/ask and amounts, mark, index, last,
//     funding (perpetuals), open interest.
// Events carry what the parser would give them: header.local_ts_ns = the TSC
// when the frame was received (made, here), exchange_ts_ns = a venue
// millisecond, header.venue = deribit, kinds, fragment bits and change ids.
//
// The mid is a random walk of a seeded PRNG (splitmix64), pulled back
// towards where it started. Moving at most every 10 ms keeps its drift per
// second the same at any rate — about 10 steps a second, near BTC's usual
// volatility on a 0.5 USD tick — so risk's collar and circuit breaker see a
// market, not a runaway. The stream is deterministic for a
// seed and a rate except where TSC time decides (pacing, moves, tickers):
// this is an I/O stage, allowed the clock (DESIGN §2).
//
// Pacing: `events_per_s` (0 = as fast as the md ring takes them). Paced, a
// frame the ring has no room for is dropped and counted, as the engine's
// feed drops a frame; a dropped book change breaks the chain, so the next
// book frame is a fresh snapshot. Unpaced, the frame waits for room.
//
// poll() runs on the feed's worker, allocation-free; counters are relaxed
// atomics any thread may read.
#pragma once

#include <cstddef>
#include <cstdint>

#include "tickrail/core/clock.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/md_builder.hpp"
#include "tickrail/core/relaxed_counter.hpp"
#include "tickrail/core/ring.hpp"

namespace tickrail::soak {

// TSC ns → venue time (ns since the Unix epoch), from one reading of both
// clocks at start-up. Read-only after construction; any thread.
struct venue_clock {
  std::int64_t wall_base_ns = 0;
  std::int64_t tsc_base_ns = 0;
  [[nodiscard]] std::int64_t venue_ns(std::int64_t tsc_ns) const noexcept {
    return wall_base_ns + (tsc_ns - tsc_base_ns);
  }
  // Deribit timestamps are milliseconds: what a parsed frame carries.
  [[nodiscard]] std::int64_t venue_ms_ns(std::int64_t tsc_ns) const noexcept {
    return venue_ns(tsc_ns) / 1'000'000 * 1'000'000;
  }
};

struct feed_counters {
  core::relaxed_counter frames;          // published
  core::relaxed_counter events;          // published (a snapshot is two)
  core::relaxed_counter dropped_frames;  // due, but the md ring was full (paced only)
  core::relaxed_counter dropped_events;
  core::relaxed_counter snapshots;  // published, the first included
  core::relaxed_counter resyncs;    // requests from the books
  core::relaxed_counter tickers;
};

class synthetic_feed {
 public:
  static constexpr int k_levels = 5;                                 // a side
  static constexpr std::int64_t k_ticker_interval_ns = 100'000'000;  // ticker.<instrument>.100ms
  static constexpr std::int64_t k_move_interval_ns = 10'000'000;     // at most one move of the mid per 10 ms
  static constexpr std::int64_t k_pull_ticks = 2000;                 // the walk's pull back to the start
  static constexpr std::size_t k_max_frames_per_poll = 64;
  static constexpr std::int64_t k_first_change_id = 1'000'000;

  // `start_mid_ticks`: where the book's best bid starts (a multiple of the
  // instrument's price step there). `md`: producer side; `resync`: consumer
  // 0. Allocates its frame buffer here and nowhere else.
  synthetic_feed(const core::instrument& inst, core::ticks start_mid_ticks, double events_per_s, std::uint64_t seed,
                 core::ring<core::event>& md, core::ring<core::instrument_id>& resync, const core::tsc_clock& clock,
                 venue_clock venue);

  std::size_t poll() noexcept;

  [[nodiscard]] const feed_counters& counters() const noexcept { return counters_; }

 private:
  enum class frame_kind : std::uint8_t { snapshot, change, ticker };

  std::uint64_t next_random() noexcept;
  core::lots random_qty() noexcept { return static_cast<core::lots>(next_random() % 1000) + 1; }

  frame_kind build_frame(std::int64_t now) noexcept;
  void build_snapshot(std::int64_t now) noexcept;
  void build_change(std::int64_t now) noexcept;
  void build_ticker(std::int64_t now) noexcept;
  void move_book(bool up) noexcept;
  [[nodiscard]] core::event_header header(std::int64_t now, std::int64_t exchange_ns) const noexcept;
  [[nodiscard]] bool publish() noexcept;

  const core::instrument& inst_;
  core::ring<core::event>& md_;
  core::ring<core::instrument_id>& resync_;
  const core::tsc_clock& clock_;
  venue_clock venue_;
  double events_per_ns_;
  std::uint64_t rng_;
  core::md_builder frame_;

  // The venue's book: best bid (ask = bid + step), and the amounts of the
  // levels by distance from the top.
  core::ticks step_;
  core::ticks start_bid_;
  core::ticks bid_;
  core::lots bid_qty_[k_levels]{};
  core::lots ask_qty_[k_levels]{};
  std::int64_t last_change_id_ = 0;
  bool need_snapshot_ = true;
  bool pending_ = false;  // unpaced: a built frame waits for room

  std::int64_t start_ns_ = 0;
  std::int64_t last_move_ns_ = 0;
  std::int64_t next_ticker_ns_ = 0;
  std::int64_t produced_events_ = 0;  // published or dropped: what pacing counts
  frame_kind pending_kind_ = frame_kind::snapshot;
  feed_counters counters_;
};

}  // namespace tickrail::soak
