// tools/engine/engine.hpp — the composition root: the one place the
// engine's rings, stages, workers, venue connections and slow path are
// built and wired (DESIGN §2).
//
//   feed_stage ─[md]──────────┐                                  ┌─[resync]─▶ feed_stage
//   venue_stage ─[exec]───────┼─▶ sequencer ─[sequenced]─▶ strategy ─[risk in]─▶ risk ─[orders]─▶ venue_stage
//   control (main) ─[cmd]─────┤       (timers)                 │                  │
//   risk ─[feedback]──────────┘                                ▼                  ▼
//                                             slow_path (regimes, risk records, fills) ─▶ store, log
//
// venue_stage is the Deribit gateway (session, credits, tracker, encoder),
// or in --dry-run the paper gateway (fills against the live book; the feed
// is then a public connection, so nothing private reaches the venue). It
// also taps the exec ring (its own second consumer) for fills and P&L, and
// publishes what the status line shows.
//
// Stages are named "sequencer", "strategy", "risk", "feed" and "gateway";
// [placement] maps them to workers and CPUs. Start-up runs on the caller's
// thread, in DESIGN §7's order; each step blocks until done or the deadline:
//   connect_venue()  auth, heartbeat, cancel-on-disconnect, reconciliation
//                    (orphans with our label prefix cancelled, fills of the
//                    last 24 h the engine has not seen published, flagged
//                    reconciled) — the venue session is ready
//   subscribe()      the feed connected and subscribed
//   start_workers()  the hot and I/O workers take over the stages
//   start_bots()     start_bot for each named bot, through the command ring
// shutdown(): stop command (bots stop and cancel their orders), wait for the
// order ring to drain, stop the workers, cancel_all and log out (optional),
// close the feed, flush the slow path.
#pragma once

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "engine/engine_config.hpp"
#include "tickrail/core/histogram.hpp"
#include "tickrail/core/risk.hpp"
#include "tickrail/store/bot_state.hpp"

namespace tickrail::engine {

struct engine_options {
  bool dry_run = false;
  std::FILE* log = stdout;
  // Set by a signal handler: start-up waits give up at once when it is set.
  const volatile std::sig_atomic_t* stop_requested = nullptr;
};

// One status line's worth, read on the caller's thread while the engine
// runs (each value individually current).
struct engine_status {
  std::string mode;         // LIVE or PAPER
  std::string venue_state;  // the trading session's state
  std::string feed_state;
  std::string symbol;     // the first traded instrument
  std::string mid, mark;  // as the venue writes prices; "-" before any
  std::string position, avg_entry;
  std::uint64_t open_orders = 0, fills = 0, acks = 0, orders_sent = 0;
  double realized = 0, unrealized = 0, fees = 0;  // settlement currency
  std::string settlement;
  std::string regime, trading_state;
  bool killed = false;
  std::uint64_t slow_dropped = 0, feed_dropped = 0, resyncs = 0;
  core::latency_histogram tick_to_order;  // since the last status()
};

class engine {
 public:
  static absl::StatusOr<std::unique_ptr<engine>> create(const engine_config& config, trading_config trading,
                                                        const core::instrument_catalog& catalog,
                                                        const core::risk_persisted_state& restored,
                                                        store::bot_state_store* store, engine_options options);
  ~engine();
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;

  absl::Status connect_venue(std::chrono::steady_clock::time_point deadline);
  absl::Status subscribe(std::chrono::steady_clock::time_point deadline);
  absl::Status start_workers();
  absl::Status start_bots(const std::vector<std::string>& names);
  void shutdown(bool cancel_orders, std::chrono::milliseconds timeout);

  // The regime classifiers' candles and funding from the venue
  // (public/get_tradingview_chart_data, public/ticker) into the pipeline as
  // sequenced candle commands: a day of history on the first call, then
  // each candle once it closed. Caller's thread (the one that starts bots),
  // after start_workers(); cheap when nothing is due, blocking up to a few
  // seconds when a fetch is. An error (venue unreachable, malformed reply)
  // changes nothing; the next call retries.
  absl::Status poll_candles();

  // Caller's thread, while running; takes the tick-to-order histogram of
  // the interval since the previous call.
  engine_status status();
  // What connect_venue() found, for the start-up log: orphans cancelled,
  // orders the venue no longer listed, fills reconciled. Before
  // start_workers() only (the caller's thread owns the venue stage then).
  [[nodiscard]] std::string venue_summary() const;
  // Orders the venue (or the paper gateway) acknowledged as live so far.
  [[nodiscard]] std::uint64_t acks() const noexcept;

  struct parts;

 private:
  explicit engine(std::unique_ptr<parts> p);
  std::unique_ptr<parts> p_;
};

}  // namespace tickrail::engine
