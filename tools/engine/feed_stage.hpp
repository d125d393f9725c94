// tools/engine/feed_stage.hpp — the market-data stage of the engine's I/O
// worker: its own Deribit connection, frames parsed into events on the md
// ring.
//
//   venue (WSS) ─frame─▶ session ─▶ feed_parser ─events─▶ [md ring] ─▶ sequencer
//                          ▲
//   [resync ring] ─────────┘ instrument ids whose book found a gap: the
//                            channel is unsubscribed and subscribed again,
//                            and the venue answers with a fresh snapshot
//
// The connection is a deribit::session: heartbeats answered, reconnects with
// backoff, exactly the same channels after a reconnect. Authenticated in a
// trading run (book.*.raw needs it on Deribit); public (public/subscribe,
// book.*.100ms, nothing private) in --dry-run.
//
// Receipt time: the TSC when the frame came off the socket, before parsing
// — the start of tick-to-order. A frame whose events do not fit the md ring
// is dropped and counted: the book's change-id chain then breaks, and the
// resync above repairs it (the feed never blocks on the hot path).
//
// poll() and everything it calls run on the I/O worker's thread; the
// counters are relaxed atomics any thread may read.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "tickrail/core/clock.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/relaxed_counter.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "tickrail/deribit/order_encoder.hpp"
#include "tickrail/deribit/session.hpp"

namespace tickrail::engine {

struct feed_counters {
  core::relaxed_counter frames, events, parse_errors, dropped_frames, resyncs;
};

// Top of book and mark of one instrument as the feed last saw them, for
// status lines (relaxed; each value individually current).
struct feed_quote {
  std::atomic<core::ticks> best_bid{0}, best_ask{0}, mark{0};
};

class feed_stage final : private deribit::session_listener {
 public:
  // `channels` are subscribed on connect; `resync` carries instrument ids
  // from the strategy stage (consumer 0). `quotes` has one entry per
  // catalog instrument.
  feed_stage(deribit::session_config config, const core::instrument_catalog& catalog, std::string label_prefix,
             std::string book_interval, core::ring<core::event>& md, core::ring<core::instrument_id>& resync,
             const core::tsc_clock& clock, std::vector<feed_quote>& quotes);
  ~feed_stage() override;
  feed_stage(const feed_stage&) = delete;
  feed_stage& operator=(const feed_stage&) = delete;

  void start();
  void stop();
  std::size_t poll() noexcept;

  [[nodiscard]] const deribit::session& connection() const noexcept { return session_; }
  [[nodiscard]] const feed_counters& counters() const noexcept { return counters_; }
  [[nodiscard]] const std::string& last_state_change() const noexcept { return last_state_; }

 private:
  void on_state(deribit::session_state state, std::string_view why) override;
  void on_exec(std::span<const core::event>, bool) override {}
  void on_request_failed(std::int64_t, std::int32_t, deribit::rpc_reason) override {}
  void on_reconciled() override {}
  void on_market_data(std::string_view frame, std::int64_t local_ts_ns) override;
  void note_quote(const core::event& e) noexcept;

  boost::asio::io_context io_;
  const core::instrument_catalog& catalog_;
  deribit::order_encoder labels_;
  deribit::session session_;
  deribit::feed_parser parser_;
  std::string book_interval_;
  core::ring<core::event>& md_;
  core::ring<core::instrument_id>& resync_;
  const core::tsc_clock& clock_;
  std::vector<feed_quote>& quotes_;
  std::size_t work_ = 0;
  std::string last_state_;
  feed_counters counters_;
};

}  // namespace tickrail::engine
