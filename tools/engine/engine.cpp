#include "engine/engine.hpp"

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "engine/feed_stage.hpp"
#include "engine/hot_path.hpp"
#include "engine/log.hpp"
#include "engine/slow_path.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/clock.hpp"
#include "tickrail/core/placement.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/ring_batch.hpp"
#include "tickrail/core/risk_stage.hpp"
#include "tickrail/core/sequencer.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/deribit/gateway.hpp"
#include "tickrail/deribit/instrument_fetch.hpp"
#include "tickrail/deribit/session.hpp"
#include "tickrail/sim/paper_gateway.hpp"
#include "tickrail/strategies/candle_command.hpp"
#include "tickrail/strategies/signals.hpp"
#include "tickrail/strategies/strategy_stage.hpp"

namespace tickrail::engine {

namespace {

using namespace std::chrono_literals;

constexpr std::size_t k_cmd_capacity = 1024;  // room for a day of 5-minute candles at start-up
constexpr std::size_t k_resync_capacity = 64;
constexpr std::size_t k_risk_order_capacity = 16384;
constexpr std::int64_t k_publish_interval_ns = 50'000'000;

struct strategy_sink {
  slow_path::producer* out;
  bool operator()(const strategies::strategy_record& r) noexcept {
    slow_record s;
    s.kind = slow_kind::regime;
    s.regime = r;
    return out->push(s);
  }
};

struct risk_sink {
  slow_path::producer* out;
  bool operator()(const core::risk_record& r) noexcept {
    slow_record s;
    s.kind = slow_kind::risk;
    s.risk = r;
    return out->push(s);
  }
};

// What the venue stage publishes for status lines (relaxed atomics; each
// value individually current).
struct instrument_board {
  std::atomic<core::lots> position{0};
  std::atomic<core::ticks> avg_entry{0};
};

struct status_board {
  explicit status_board(std::size_t instruments) : by_instrument(instruments) {}
  std::vector<instrument_board> by_instrument;
  std::atomic<std::uint64_t> live_orders{0}, acks{0}, sent{0}, fills{0};
  std::atomic<std::int64_t> realized_e8{0}, fees_e8{0};
  std::atomic<std::uint8_t> venue_state{static_cast<std::uint8_t>(deribit::session_state::stopped)};
  std::atomic<std::uint8_t> feed_state{static_cast<std::uint8_t>(deribit::session_state::stopped)};
};

bool inverse(const core::instrument& inst) {
  return inst.settlement_currency == inst.base_currency && inst.quote_currency != inst.settlement_currency;
}

double price_of(const core::instrument& inst, core::ticks t) {
  return static_cast<double>(t) * static_cast<double>(inst.tick.value().mantissa) /
         std::pow(10.0, inst.tick.value().scale);
}

double qty_of(const core::instrument& inst, core::lots l) {
  return static_cast<double>(l) * static_cast<double>(inst.lot.value().mantissa) /
         std::pow(10.0, inst.lot.value().scale);
}

// P&L of closing `qty` (venue units) opened at `entry` at `exit`, for a long
// (negate for a short), in the settlement currency. Status display only:
// doubles never reach risk or the strategies.
double close_pnl(const core::instrument& inst, double qty, double entry, double exit) {
  if (entry <= 0 || exit <= 0) return 0;
  return inverse(inst) ? qty * (1.0 / entry - 1.0 / exit) : qty * (exit - entry);
}

}  // namespace

struct engine::parts {
  parts(const engine_config& c, trading_config t, const core::instrument_catalog& cat,
        const core::risk_persisted_state& restored, store::bot_state_store* store, engine_options o)
      : config(c),
        catalog(cat),
        trading(std::move(t)),
        options(o),
        clock(core::tsc_clock::calibrate()),
        slow(cat, store, o.log, bot_names(trading)),
        strategy_producer(slow),
        risk_producer(slow),
        tap_producer(slow),
        hot(hot_config(c, o), cat, trading.limits, trading.bots, restored, clock, strategy_sink{&strategy_producer},
            risk_sink{&risk_producer}),
        resync(k_resync_capacity, 1),
        strategy_wrap{hot.strategy, hot.books, resync},
        quotes(cat.size()),
        board(cat.size()),
        tap_positions(cat.size()) {}

  static hot_path_config hot_config(const engine_config& c, const engine_options& o) {
    hot_path_config h;
    h.ring_capacity = c.ring_capacity;
    h.md_consumers = o.dry_run ? 2 : 1;  // the paper gateway keeps its own books
    h.exec_consumers = 2;                // the fill tap
    h.cmd_capacity = k_cmd_capacity;
    h.timer_interval_ns = c.timer_interval_ms * 1'000'000;
    h.risk_order_capacity = k_risk_order_capacity;
    // Client order ids start from the wall clock (µs), so a restart never
    // reuses one; read here, at start-up, never downstream.
    h.first_order_counter = static_cast<std::uint64_t>(core::wall_clock_ms()) * 1000;
    return h;
  }

  static std::vector<std::string> bot_names(const trading_config& t) {
    std::vector<std::string> out;
    for (const auto& b : t.bots) out.push_back(b.name);
    return out;
  }

  // ---- the venue stage: gateway (or paper), exec tap, status ----
  struct venue_stage {
    parts& p;
    std::int64_t next_publish_ns = 0;
    std::size_t poll() noexcept {
      const std::int64_t now = p.clock.now_ns();
      std::size_t n = p.gateway ? p.gateway->poll(now) : p.paper->poll(now);
      n += p.tap();
      if (p.swap_requested.load(std::memory_order_acquire)) {
        p.active_hist ^= 1;
        if (p.gateway) p.gateway->set_latency_sink(&p.hist[p.active_hist], &p.clock);
        p.swap_requested.store(false, std::memory_order_release);
      }
      if (now >= next_publish_ns) {
        next_publish_ns = now + k_publish_interval_ns;
        p.publish();
      }
      return n;
    }
  };

  // Second consumer of the exec ring, on the venue stage's thread: fills
  // for the slow path and P&L for status. Never gates the hot path — it
  // runs right after the producer, on the same thread.
  std::size_t tap() noexcept {
    return core::consume(hot.exec, 1, 256, [this](const core::event& e) noexcept {
      if (e.header.type != core::event_type::exec_report || e.header.instrument >= catalog.size()) return true;
      const core::exec_report& x = e.exec;
      core::position& pos = tap_positions[e.header.instrument];
      if (x.kind == core::exec_kind::fill && x.last_qty_lots > 0) {
        const core::instrument& inst = catalog[e.header.instrument];
        const core::lots before = pos.qty_lots;
        const core::ticks entry = pos.avg_entry_ticks;
        (void)pos.apply_fill(x.order_side, x.last_qty_lots, x.last_price_ticks);
        const bool reduces = before != 0 && ((before > 0) != (x.order_side == core::side::buy));
        if (reduces) {
          const core::lots closed = std::min<core::lots>(std::abs(before), x.last_qty_lots);
          const double pnl =
              close_pnl(inst, qty_of(inst, closed), price_of(inst, entry), price_of(inst, x.last_price_ticks)) *
              (before > 0 ? 1.0 : -1.0);
          realized_e8 += static_cast<std::int64_t>(pnl * 1e8);
        }
        fees_e8 += x.fee_e8;
        ++fills;
        if ((e.header.flags & core::k_exec_reconciled) != 0) ++reconciled_fills;
        slow_record r;
        r.kind = slow_kind::fill;
        r.fill = x;
        r.instrument = e.header.instrument;
        r.flags = e.header.flags;
        (void)tap_producer.push(r);
      } else if (x.kind == core::exec_kind::position) {
        pos.reset(x.qty_lots, x.price_ticks);  // the venue's snapshot wins
      }
      return true;
    });
  }

  void publish() noexcept {
    board.fills.store(fills, std::memory_order_relaxed);
    board.realized_e8.store(realized_e8, std::memory_order_relaxed);
    board.fees_e8.store(fees_e8, std::memory_order_relaxed);
    const core::order_tracker& tracker = gateway ? gateway->tracker() : paper->tracker();
    board.live_orders.store(tracker.live_orders(), std::memory_order_relaxed);
    for (const core::instrument_id id : trading.instruments) {
      const core::position& pos = tracker.position_of(id);
      board.by_instrument[id].position.store(pos.qty_lots, std::memory_order_relaxed);
      board.by_instrument[id].avg_entry.store(pos.avg_entry_ticks, std::memory_order_relaxed);
    }
    if (gateway) {
      board.acks.store(gateway->stats().acks, std::memory_order_relaxed);
      board.sent.store(gateway->stats().sent, std::memory_order_relaxed);
      board.venue_state.store(static_cast<std::uint8_t>(gateway->connection().state()), std::memory_order_relaxed);
    } else {
      board.acks.store(paper->stats().placed, std::memory_order_relaxed);
      board.sent.store(paper->stats().requests, std::memory_order_relaxed);
      board.venue_state.store(static_cast<std::uint8_t>(deribit::session_state::ready), std::memory_order_relaxed);
    }
  }

  // The feed's own stage wrapper publishes its state too (it may run on
  // another worker than the venue stage).
  struct feed_wrap {
    parts& p;
    std::size_t poll() noexcept {
      const std::size_t n = p.feed->poll();
      p.board.feed_state.store(static_cast<std::uint8_t>(p.feed->connection().state()), std::memory_order_relaxed);
      return n;
    }
  };

  // Polls the I/O stages on the calling thread (start-up and shutdown,
  // while no worker runs them) until `done` or the deadline.
  template <typename Done>
  bool poll_until(Done done, std::chrono::steady_clock::time_point deadline) {
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      if (options.stop_requested != nullptr && *options.stop_requested != 0 && !stopping) return false;
      const std::size_t n = venue.poll() + (feed ? feed_stage_ref.poll() : 0);
      if (n == 0) std::this_thread::sleep_for(1ms);
    }
    return true;
  }

  const engine_config& config;
  const core::instrument_catalog& catalog;
  trading_config trading;
  engine_options options;
  core::tsc_clock clock;
  slow_path slow;
  slow_path::producer strategy_producer, risk_producer, tap_producer;
  hot_path<core::tsc_clock, core::ring, strategy_sink, risk_sink> hot;
  core::ring<core::instrument_id> resync;
  strategy_with_resync<decltype(hot)::strategy_type> strategy_wrap;
  std::vector<feed_quote> quotes;
  status_board board;
  std::unique_ptr<feed_stage> feed;
  boost::asio::io_context io;
  std::unique_ptr<deribit::gateway> gateway;
  std::unique_ptr<sim::paper_gateway> paper;
  venue_stage venue{*this};
  feed_wrap feed_stage_ref{*this};
  std::unique_ptr<core::worker_group> workers;
  // tap state (venue stage's thread)
  std::vector<core::position> tap_positions;
  std::int64_t realized_e8 = 0, fees_e8 = 0;
  std::uint64_t fills = 0, reconciled_fills = 0;
  // The regime classifiers' venue candles, one feed per (instrument, period)
  // (caller's thread).
  struct candle_feed {
    core::instrument_id instrument;
    std::int64_t period_ms;
    std::string resolution;
    std::int64_t last_open_ms = 0;
    std::chrono::steady_clock::time_point next_fetch{};
  };
  std::vector<candle_feed> candle_feeds;
  // tick-to-order: the venue stage records into hist[active_hist]; status()
  // asks for a swap and reads the other
  core::latency_histogram hist[2];
  int active_hist = 0;
  std::atomic<bool> swap_requested{false};
  bool running = false;
  bool stopping = false;
  std::uint32_t next_reply_id = 1;
};

absl::StatusOr<std::unique_ptr<engine>> engine::create(const engine_config& config, trading_config trading,
                                                       const core::instrument_catalog& catalog,
                                                       const core::risk_persisted_state& restored,
                                                       store::bot_state_store* store, engine_options options) {
  if (trading.instruments.empty()) return absl::InvalidArgumentError("no instrument to trade: configure [[bots]]");
  auto p = std::make_unique<parts>(config, std::move(trading), catalog, restored, store, options);
  p->slow.set_initial(restored.killed);

  // The feed: its own connection for the instruments' book, ticker and trades.
  deribit::session_config feed_session = config.gateway.session;
  feed_session.authenticate = !options.dry_run;
  feed_session.cancel_on_disconnect = false;
  feed_session.currencies.clear();  // nothing to reconcile on a market-data connection
  feed_session.channels.clear();
  const std::string interval = options.dry_run ? "100ms" : config.book_interval;
  for (const core::instrument_id id : p->trading.instruments) {
    const core::instrument& inst = catalog[id];
    feed_session.channels.push_back(book_channel(inst, interval));
    feed_session.channels.push_back(absl::StrCat("ticker.", inst.symbol, ".100ms"));
    feed_session.channels.push_back(absl::StrCat("trades.", inst.symbol, ".", interval));
  }
  p->feed = std::make_unique<feed_stage>(std::move(feed_session), catalog, config.gateway.label_prefix, interval,
                                         p->hot.md, p->resync, p->clock, p->quotes);

  for (const strategies::bot_config& b : p->trading.bots) {
    if (!b.classifier) continue;
    const std::int64_t period_ms = b.classifier->candle_ns / 1'000'000;
    const bool known = std::any_of(p->candle_feeds.begin(), p->candle_feeds.end(), [&](const auto& f) {
      return f.instrument == b.instrument && f.period_ms == period_ms;
    });
    if (known) continue;
    if (const std::optional<std::string> r = deribit::chart_resolution(period_ms)) {
      p->candle_feeds.push_back({b.instrument, period_ms, *r});
    } else {
      log_line(options.log, absl::StrCat("classifier: bot ", b.name, ": the venue has no ", period_ms,
                                         " ms candles; the bot samples its own from the book"));
    }
  }

  if (options.dry_run) {
    sim::paper_config pc;
    pc.label_prefix = config.gateway.label_prefix;
    pc.start_equity = config.paper_equity;
    p->paper = std::make_unique<sim::paper_gateway>(catalog, pc, p->hot.orders, 0, p->hot.md, 1, p->hot.exec);
  } else {
    p->gateway = std::make_unique<deribit::gateway>(p->io, config.gateway, catalog, p->hot.orders, 0, p->hot.exec);
    p->gateway->set_latency_sink(&p->hist[0], &p->clock);
  }
  return std::unique_ptr<engine>(new engine(std::move(p)));
}

engine::engine(std::unique_ptr<parts> p) : p_(std::move(p)) {}

engine::~engine() {
  if (p_->workers) p_->workers->stop();
  p_->slow.stop();
}

absl::Status engine::connect_venue(std::chrono::steady_clock::time_point deadline) {
  parts& p = *p_;
  p.slow.start();
  if (p.paper) {
    p.paper->start(p.clock.now_ns());
    return absl::OkStatus();
  }
  p.gateway->start(p.clock.now_ns());
  // Ready (authenticated, configured, reconciled), and every orphan the
  // reconciliation found has been answered: nothing of an earlier run rests
  // when the strategies start quoting.
  deribit::session& s = p.gateway->connection();
  const auto settled = [&] { return s.ready() && s.orphan_cancels_pending() == 0; };
  if (!p.poll_until(settled, deadline)) {
    return absl::UnavailableError(absl::StrCat("venue session not ready: ", p.gateway->last_failure(),
                                               s.ready() ? " (orphan cancels unanswered)" : ""));
  }
  // A cancel can fail (rate limit, timeout, the order filled meanwhile):
  // list the open orders again until a listing finds none of ours left.
  for (int round = 0; p.gateway->stats().orphans > 0; ++round) {
    const std::uint64_t before = p.gateway->stats().orphans;
    s.reconcile(p.clock.now_ns());
    if (!p.poll_until(settled, deadline)) {
      return absl::UnavailableError(absl::StrCat("venue session not ready: ", p.gateway->last_failure()));
    }
    if (p.gateway->stats().orphans == before) break;  // this listing found none
    if (round == 4) {
      return absl::FailedPreconditionError(absl::StrCat(
          p.gateway->stats().orphans - before, " orders of an earlier run still rest after five cancel rounds"));
    }
  }
  return absl::OkStatus();
}

absl::Status engine::subscribe(std::chrono::steady_clock::time_point deadline) {
  parts& p = *p_;
  p.feed->start();
  if (!p.poll_until([&] { return p.feed->connection().ready(); }, deadline)) {
    return absl::UnavailableError(absl::StrCat("market data not subscribed: ", p.feed->last_state_change()));
  }
  return absl::OkStatus();
}

absl::Status engine::start_workers() {
  parts& p = *p_;
  const std::vector<core::stage_ref> stages = {
      core::stage_ref("sequencer", p.hot.seq), core::stage_ref("strategy", p.strategy_wrap),
      core::stage_ref("risk", p.hot.risk), core::stage_ref("feed", p.feed_stage_ref),
      core::stage_ref("gateway", p.venue)};
  const std::vector<int> cpus = core::allowed_cpus();
  auto group = core::worker_group::create(p.config.layout, stages, cpus);
  if (!group.ok()) return group.status();
  p.workers = std::move(*group);
  TR_RETURN_IF_ERROR(p.workers->start());
  p.running = true;
  return absl::OkStatus();
}

absl::Status engine::start_bots(const std::vector<std::string>& names) {
  parts& p = *p_;
  for (const std::string& name : names) {
    const auto it = std::find_if(p.trading.bots.begin(), p.trading.bots.end(),
                                 [&](const strategies::bot_config& b) { return b.name == name; });
    if (it == p.trading.bots.end()) return absl::NotFoundError(absl::StrCat("no bot named ", name));
    TR_ASSIGN_OR_RETURN(const strategies::signal_request request,
                        strategies::parse_signal_request("start_bot", "", ""));
    TR_ASSIGN_OR_RETURN(const core::command c,
                        strategies::to_signal_command(request, p.catalog[it->instrument], it->id, p.next_reply_id++));
    core::event e{};
    e.header = core::make_header(core::event_type::command, core::no_instrument, p.clock.now_ns());
    e.cmd = c;
    const auto give_up = std::chrono::steady_clock::now() + 2s;
    while (!p.hot.cmd.try_push(e)) {  // candle history may still be draining
      if (std::chrono::steady_clock::now() >= give_up) return absl::ResourceExhaustedError("command ring full");
      std::this_thread::sleep_for(1ms);
    }
  }
  return absl::OkStatus();
}

void engine::shutdown(bool cancel_orders, std::chrono::milliseconds timeout) {
  parts& p = *p_;
  p.stopping = true;  // its own waits run to their deadline despite the signal
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  if (p.running && cancel_orders) {
    // Stop the strategies through the stream: every bot stops its loops and
    // cancels its orders; risk passes the cancels; the gateway sends them.
    core::event e{};
    e.header = core::make_header(core::event_type::command, core::no_instrument, p.clock.now_ns());
    e.cmd = core::command{};
    e.cmd.kind = core::command_kind::stop;
    e.cmd.bot = 0xFFFF;
    const auto half = std::chrono::steady_clock::now() + timeout / 2;
    while (!p.hot.cmd.try_push(e) && std::chrono::steady_clock::now() < half) std::this_thread::sleep_for(1ms);
    // Until the stop has gone through and the venue lists none of ours.
    std::this_thread::sleep_for(50ms);
    while (std::chrono::steady_clock::now() < half) {
      const bool drained = p.hot.cmd.occupancy() == 0 && p.hot.sequenced.occupancy() == 0 &&
                           p.hot.risk_in.occupancy() == 0 && p.hot.orders.occupancy() == 0;
      if (drained && p.board.live_orders.load(std::memory_order_relaxed) == 0) break;
      std::this_thread::sleep_for(5ms);
    }
  }
  if (p.running) {
    // Without cancelling, the strategies simply stop with the workers and
    // their orders keep working on the venue (logout below does not fire
    // cancel-on-disconnect).
    p.workers->stop();
    p.running = false;
  }
  // Backstop on the venue: cancel_all (everything of the account), logout
  // (so cancel-on-disconnect does not need to fire), close.
  if (p.gateway && p.gateway->connection().state() != deribit::session_state::stopped) {
    p.gateway->stop(p.clock.now_ns(), cancel_orders);
    (void)p.poll_until([&] { return p.gateway->connection().state() == deribit::session_state::stopped; }, deadline);
  }
  if (p.feed && p.feed->connection().state() != deribit::session_state::stopped) {
    p.feed->stop();
    (void)p.poll_until([&] { return p.feed->connection().state() == deribit::session_state::stopped; },
                       std::min(deadline, std::chrono::steady_clock::now() + 2s));
  }
  p.publish();
  p.slow.stop();
  // The kill latch must survive a restart even if its slow-path record was
  // dropped: with the workers and the slow thread stopped, the risk engine
  // and the store are this thread's, and the engine says what it is.
  if (p.hot.risk_engine.killed() && !p.slow.status().killed.load(std::memory_order_relaxed)) {
    slow_record r;
    r.kind = slow_kind::risk;
    r.risk.kind = core::risk_record_kind::kill;
    r.risk.cause = static_cast<std::uint8_t>(p.hot.risk_engine.cause_of_kill());
    r.risk.utc_ns = core::wall_clock_ns();
    p.slow.persist_now(r);
  }
}

absl::Status engine::poll_candles() {
  parts& p = *p_;
  const auto now = std::chrono::steady_clock::now();
  absl::Status first_error = absl::OkStatus();
  for (parts::candle_feed& f : p.candle_feeds) {
    if (now < f.next_fetch) continue;
    const core::instrument& inst = p.catalog[f.instrument];
    const std::int64_t now_ms = core::wall_clock_ms();  // the venue's time, near enough to choose a window
    // A day and two candles of history at first, then what closed since.
    const std::int64_t from_ms = f.last_open_ms > 0 ? f.last_open_ms + 1 : now_ms - 86'400'000 - 2 * f.period_ms;
    std::string chart = absl::StrCat(R"({"jsonrpc":"2.0","id":1,"method":"public/get_tradingview_chart_data",)",
                                     R"("params":{"instrument_name":)");
    deribit::append_json_string(chart, inst.symbol);
    chart += absl::StrCat(R"(,"start_timestamp":)", from_ms, R"(,"end_timestamp":)", now_ms, R"(,"resolution":")",
                          f.resolution, R"("}})");
    std::string ticker = R"({"jsonrpc":"2.0","id":2,"method":"public/ticker","params":{"instrument_name":)";
    deribit::append_json_string(ticker, inst.symbol);
    ticker += "}}";
    const std::vector<std::string> requests = {chart, ticker};
    // Retry a failed fetch soon; otherwise just after the next candle closes.
    f.next_fetch = now + 30s;
    auto replies = deribit::rpc_once(p.config.gateway.session.endpoint, requests, 5s);
    if (!replies.ok()) {
      if (first_error.ok()) first_error = replies.status();
      continue;
    }
    auto candles = deribit::parse_chart_data((*replies)[0], inst);
    if (!candles.ok()) {
      if (first_error.ok()) first_error = candles.status();
      continue;
    }
    const std::int64_t funding = deribit::parse_ticker_funding_8h((*replies)[1]).value_or(INT64_MIN);
    std::size_t sent = 0;
    for (const deribit::candle& c : *candles) {
      // Only closed candles, each once.
      if (c.open_ms <= f.last_open_ms || c.open_ms + f.period_ms > now_ms) continue;
      core::event e{};
      e.header = core::make_header(core::event_type::command, f.instrument, p.clock.now_ns());
      e.cmd = strategies::make_candle_command(0xFFFF, c.open_ms, c.close_ticks, f.period_ms, funding);
      const auto give_up = std::chrono::steady_clock::now() + 2s;
      while (!p.hot.cmd.try_push(e)) {
        if (std::chrono::steady_clock::now() >= give_up) return absl::ResourceExhaustedError("command ring full");
        std::this_thread::sleep_for(1ms);
      }
      f.last_open_ms = c.open_ms;
      ++sent;
    }
    const std::int64_t next_close_ms = (now_ms / f.period_ms + 1) * f.period_ms;
    f.next_fetch = now + std::chrono::milliseconds(next_close_ms - now_ms) + 2s;
    if (sent > 0 && f.last_open_ms > 0) {
      log_line(p.options.log, absl::StrCat("classifier: ", sent, " ", f.resolution, "-minute candles of ", inst.symbol,
                                           " from the venue"));
    }
  }
  return first_error;
}

std::string engine::venue_summary() const {
  const parts& p = *p_;
  if (p.paper) return "paper gateway ready (PAPER: nothing private goes to the venue)";
  const deribit::gateway::counters& c = p.gateway->stats();
  return absl::StrCat("authenticated, cancel-on-disconnect ",
                      p.config.gateway.session.cancel_on_disconnect ? "on" : "OFF", "; reconciled: ", c.orphans,
                      " orphans (", c.orphans_cancelled, " cancelled), ", c.closed_missing,
                      " orders closed while away, ", p.reconciled_fills, " fills; position ",
                      p.catalog[p.trading.instruments.front()].format_qty(
                          p.gateway->tracker().position_of(p.trading.instruments.front()).qty_lots));
}

std::uint64_t engine::acks() const noexcept { return p_->board.acks.load(std::memory_order_relaxed); }

engine_status engine::status() {
  parts& p = *p_;
  engine_status s;
  s.mode = p.paper ? "PAPER" : "LIVE";
  s.venue_state = std::string(
      deribit::to_string(static_cast<deribit::session_state>(p.board.venue_state.load(std::memory_order_relaxed))));
  s.feed_state = std::string(
      deribit::to_string(static_cast<deribit::session_state>(p.board.feed_state.load(std::memory_order_relaxed))));
  const core::instrument_id id = p.trading.instruments.front();
  const core::instrument& inst = p.catalog[id];
  s.symbol = inst.symbol;
  s.settlement = inst.settlement_currency;
  const core::ticks bid = p.quotes[id].best_bid.load(std::memory_order_relaxed);
  const core::ticks ask = p.quotes[id].best_ask.load(std::memory_order_relaxed);
  const core::ticks mark = p.quotes[id].mark.load(std::memory_order_relaxed);
  s.mid = bid > 0 && ask > 0 ? inst.format_price(core::midpoint(bid, ask)) : "-";
  s.mark = mark > 0 ? inst.format_price(mark) : "-";
  const core::lots qty = p.board.by_instrument[id].position.load(std::memory_order_relaxed);
  const core::ticks avg = p.board.by_instrument[id].avg_entry.load(std::memory_order_relaxed);
  s.position = qty == 0 ? "0" : (qty > 0 ? "" : "-") + inst.format_qty(qty > 0 ? qty : -qty);
  s.avg_entry = qty == 0 ? "-" : inst.format_price(avg);
  s.open_orders = p.board.live_orders.load(std::memory_order_relaxed);
  s.fills = p.board.fills.load(std::memory_order_relaxed);
  s.acks = p.board.acks.load(std::memory_order_relaxed);
  s.orders_sent = p.board.sent.load(std::memory_order_relaxed);
  s.realized = static_cast<double>(p.board.realized_e8.load(std::memory_order_relaxed)) / 1e8;
  s.fees = static_cast<double>(p.board.fees_e8.load(std::memory_order_relaxed)) / 1e8;
  if (qty != 0 && mark > 0) {
    s.unrealized = close_pnl(inst, qty_of(inst, qty > 0 ? qty : -qty), price_of(inst, avg), price_of(inst, mark)) *
                   (qty > 0 ? 1.0 : -1.0);
  }
  const slow_status& slow = p.slow.status();
  s.regime = std::string(core::to_string(static_cast<core::regime>(slow.regime.load(std::memory_order_relaxed))));
  s.trading_state =
      std::string(core::to_string(static_cast<core::trading_state>(slow.state.load(std::memory_order_relaxed))));
  s.killed = slow.killed.load(std::memory_order_relaxed);
  s.slow_dropped = p.slow.dropped();
  s.feed_dropped = p.feed->counters().dropped_frames.get();
  s.resyncs = p.feed->counters().resyncs.get();
  if (p.running) {
    // Ask the venue stage to record into the other histogram, then read
    // the one it left (acquire pairs with its release after the swap).
    p.swap_requested.store(true, std::memory_order_release);
    const auto until = std::chrono::steady_clock::now() + 1s;
    while (p.swap_requested.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(100us);
    }
    if (!p.swap_requested.load(std::memory_order_acquire)) {
      const int idle = p.active_hist ^ 1;
      s.tick_to_order = p.hist[idle];
      p.hist[idle].reset();
    }
  }
  return s;
}

}  // namespace tickrail::engine
