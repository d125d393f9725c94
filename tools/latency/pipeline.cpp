#include "latency/pipeline.hpp"

#include "latency/mutex_ring.hpp"
#include "latency/stream.hpp"

#include "engine/hot_path.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>

#include "absl/strings/str_cat.h"
#include "tickrail/binance/feed_parser.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/risk_limits.hpp"
#include "tickrail/core/risk_stage.hpp"
#include "tickrail/core/sequencer.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "tickrail/deribit/order_encoder.hpp"
#include "tickrail/strategies/bot_config.hpp"
#include "tickrail/strategies/signals.hpp"
#include "tickrail/strategies/strategy_stage.hpp"

namespace tickrail::latency {

namespace {

struct no_strategy_records {
  bool operator()(const strategies::strategy_record&) noexcept { return true; }
};
struct no_risk_records {
  bool operator()(const core::risk_record&) noexcept { return true; }
};

// Limits wide enough that what the market maker quotes passes: the
// harness measures the path of an order, not risk saying no.
std::string risk_toml(const core::instrument& inst) {
  const bool binance = inst.where == core::venue::binance_usdm;
  return absl::StrCat(R"([risk]
max_open_orders = 4000
runaway_max_orders = 65536
runaway_window_ms = 1000
max_divergence = 65536
kill_loss = 0.99
daily_loss_limit = 1000000
daily_reset_hour_utc = 0
funding_warn = 0.0005
funding_extreme = 0.0015
[risk.venues.)",
                      binance ? "binance_usdm" : "deribit", R"(]
orders_per_second = 1000000
order_burst = 1000000
[risk.instruments.")",
                      inst.symbol, R"("]
)",
                      binance ? "venue = \"binance_usdm\"\n" : "", R"(max_order_qty = )", inst.format_qty(100'000), R"(
max_position = )",
                      inst.format_qty(100'000'000), R"(
max_order_notional = 100000000
max_open_orders = 4000
collar_pct = 50
circuit_breaker_drop_pct = 90
circuit_breaker_window_ms = 60000
)");
}

std::string bot_toml(const core::instrument& inst) {
  return absl::StrCat("[[bots]]\nname = \"latency\"\ninstrument = \"", inst.symbol, "\"\n",
                      inst.where == core::venue::binance_usdm ? "venue = \"binance_usdm\"\n" : "",
                      // Binance refuses orders under 100 USDT notional: 0.01 BTC there.
                      "start = [\"fast_mm\"]\n[bots.fast_mm]\nsize = ",
                      inst.format_qty(inst.where == core::venue::binance_usdm ? 10 : 1),
                      "\nrefresh_interval_ms = 1\nrequote_tolerance_ticks = 1\n");
}

// How far one stage had got, and when: (sequence reached, TSC ns) after
// each poll that moved it on. Written only by that stage's thread, read
// after the workers stopped; preallocated, so full means "stop noting".
class progress_log {
 public:
  explicit progress_log(std::size_t capacity) : entries_(capacity) {}
  void note(core::sequence_t reached, std::int64_t at) noexcept {
    if (size_ < entries_.size()) entries_[size_++] = {reached, at};
  }
  // When the stage first reached `seq` (or beyond); -1 when never noted.
  [[nodiscard]] std::int64_t when(core::sequence_t seq) const noexcept {
    const auto end = entries_.begin() + static_cast<std::ptrdiff_t>(size_);
    const auto it = std::lower_bound(
        entries_.begin(), end, seq,
        [](const std::pair<core::sequence_t, std::int64_t>& e, core::sequence_t s) { return e.first < s; });
    return it == end ? -1 : it->second;
  }

 private:
  std::vector<std::pair<core::sequence_t, std::int64_t>> entries_;
  std::size_t size_ = 0;
};

// One encoded order, as the encode stage saw it.
struct order_note {
  core::sequence_t order_seq;    // its slot in the order ring
  core::sequence_t trigger_seq;  // the sequenced event that caused it
  std::int64_t receipt_ns;       // that event's receipt
  std::int64_t ready_ns;         // bytes ready
};

// What every queue kind shares: the logs the stage wrappers write and the
// order notes the encode stage takes, all sized up front.
struct stage_logs {
  explicit stage_logs(std::size_t frames)
      : sequenced_at(events_for(frames), -1),
        sequenced_type(events_for(frames), core::event_type::timer),
        strategy(events_for(frames)),
        risk(events_for(frames)),
        orders(events_for(frames)) {}
  // Room for every event of `frames` frames plus acknowledgements and
  // timers, up to 4 M (≈ 300 MB of logs); orders past that are counted as
  // unlogged, not measured.
  static std::size_t events_for(std::size_t frames) { return std::min<std::size_t>(2 * frames + 65'536, 4u << 20); }

  std::vector<std::int64_t> sequenced_at;        // by pipeline sequence: when it was sequenced
  std::vector<core::event_type> sequenced_type;  // and what it was
  progress_log strategy;                         // last sequenced event consumed
  progress_log risk;                             // last order slot claimed
  std::vector<order_note> orders;
  std::size_t order_count = 0;
  std::uint64_t unlogged = 0;
};

// The order gateway's stand-in: encodes every request into Deribit order
// text (the production encoder), notes "bytes ready", and answers the way
// the venue would at once — places rest (open), edits take, cancels cancel —
// on the exec ring, so the next round of quotes meets acknowledged orders.
template <template <typename> class Ring>
struct encode_stage {
  encode_stage(Ring<core::order_request>& o, Ring<core::event>& e, const deribit::order_encoder& enc,
               const harness_clock& c, stage_logs& l)
      : orders(o), exec(e), encoder(enc), clock(c), logs(l) {}

  Ring<core::order_request>& orders;
  Ring<core::event>& exec;
  const deribit::order_encoder& encoder;
  const harness_clock& clock;
  stage_logs& logs;
  std::array<char, deribit::order_encoder::k_max_frame> frame{};
  std::int64_t request_id = 0;
  std::atomic<std::int64_t> record_from_ns{0};
  std::array<core::order_request, 64> acks{};
  std::size_t pending_acks = 0;
  std::atomic<std::uint64_t> orders_done{0}, errors{0}, acks_dropped{0};

  // Encodes the whole batch first, noting each order as its bytes are
  // ready; the venue's answers are made after the batch, so the stand-in
  // venue's work is not counted in the next order's latency.
  std::size_t poll() noexcept {
    pending_acks = 0;
    const std::size_t n = orders.poll(
        0,
        [this](const core::order_request& r, core::sequence_t seq, bool) {
          deribit::encoded_order out;
          const core::order_request* req = &r;
          core::order_request patched;
          if (r.intent.kind == core::intent_kind::replace && r.venue_order_id[0] == '\0') {
            patched = r;  // an edit racing its own acknowledgement: the id the venue will have given
            venue_id(r.intent.cl_ord_id, patched.venue_order_id);
            req = &patched;
          }
          if (encoder.encode(*req, ++request_id, frame, out) != deribit::encode_error::ok) {
            errors.store(errors.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
            return;
          }
          const std::int64_t ready = clock.now_ns();
          if (r.intent.trigger_local_ts_ns >= record_from_ns.load(std::memory_order_relaxed)) {
            if (logs.order_count < logs.orders.size()) {
              logs.orders[logs.order_count++] = {seq, r.intent.trigger_sequence, r.intent.trigger_local_ts_ns, ready};
            } else {
              ++logs.unlogged;
            }
          }
          acks[pending_acks++] = r;
        },
        acks.size());
    if (n > 0) orders_done.store(orders_done.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    const std::int64_t now = clock.now_ns();
    for (std::size_t i = 0; i < pending_acks; ++i) acknowledge(acks[i], now);
    return n;
  }

  static void venue_id(core::client_order_id id, char (&out)[core::k_venue_order_id_size]) noexcept {
    out[0] = 'L';
    *std::to_chars(out + 1, out + sizeof(out) - 1, id & 0xFFFFFFFFFFFFull).ptr = '\0';
  }

  void acknowledge(const core::order_request& r, std::int64_t now) noexcept {
    const core::order_intent& in = r.intent;
    if (in.kind != core::intent_kind::place && in.kind != core::intent_kind::replace &&
        in.kind != core::intent_kind::cancel) {
      return;
    }
    core::event e{};
    e.header = core::make_header(core::event_type::exec_report, in.instrument, now);
    core::exec_report& x = e.exec;
    x.kind = core::exec_kind::order_ack;
    x.state = in.kind == core::intent_kind::cancel ? core::order_state::cancelled : core::order_state::open;
    x.order_side = in.order_side;
    x.type = in.type;
    x.cl_ord_id = in.cl_ord_id;
    x.request_id = request_id;
    x.price_ticks = in.price_ticks;
    x.qty_lots = in.qty_lots;
    venue_id(in.cl_ord_id, x.venue_order_id);
    if (!exec.try_push(e))
      acks_dropped.store(acks_dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

// The sequencer, noting when each event it sequenced was published and
// what it was (reading back the slots it has just written: an event's
// pipeline sequence is its slot's sequence, as the sequencer is the ring's
// only producer and starts at 0).
template <typename Sequencer, typename Out>
struct timed_sequencer {
  Sequencer& stage;
  Out& out;
  const harness_clock& clock;
  stage_logs& logs;
  std::size_t poll() noexcept {
    const std::size_t n = stage.poll();
    if (n == 0) return 0;
    const std::int64_t now = clock.now_ns();
    const core::sequence_t end = stage.next_sequence();
    for (core::sequence_t s = end - static_cast<core::sequence_t>(n); s < end; ++s) {
      const auto i = static_cast<std::size_t>(s);
      if (i >= logs.sequenced_at.size()) break;
      logs.sequenced_at[i] = now;
      logs.sequenced_type[i] = out.slot(s).header.type;
    }
    return n;
  }
};

// A stage noting how far it has got (`reached()`) whenever that moved.
template <typename Stage, typename Reached>
struct timed_stage {
  Stage& stage;
  Reached reached;
  const harness_clock& clock;
  progress_log& log;
  core::sequence_t last = core::initial_cursor;
  std::size_t poll() noexcept {
    const std::size_t n = stage.poll();
    const core::sequence_t now_at = reached();
    if (now_at != last) {
      last = now_at;
      log.note(now_at, clock.now_ns());
    }
    return n;
  }
};

}  // namespace

// What does not depend on the queue kind: the parsers, the clock, the
// logs, the results.
struct pipeline::impl {
  impl(const core::instrument_catalog& cat, core::instrument_id id, harness_clock& c, std::size_t frames)
      : clock(c), logs(frames) {
    if (cat[id].where == core::venue::binance_usdm) {
      binance = std::make_unique<binance::feed_parser>(cat);
    } else {
      deribit = std::make_unique<deribit::feed_parser>(cat);
    }
  }
  virtual ~impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  // Claims room for `n` events on the md ring and copies them in; false
  // when there is none.
  virtual bool publish_md(std::span<const core::event> events) noexcept = 0;
  // An operator command on the command ring (the sequencer's third input).
  virtual bool push_command(const core::event& e) noexcept = 0;
  // One pass over the stages in pipeline order on the calling thread.
  virtual std::size_t poll_all() noexcept = 0;
  virtual std::vector<core::stage_ref> stages() = 0;
  virtual std::size_t in_flight() const noexcept = 0;
  virtual void block_consumers(std::int64_t us) noexcept = 0;
  virtual void record_from(std::int64_t ns) noexcept = 0;
  virtual pipeline_counters stage_counters() const noexcept = 0;  // after the workers stopped
  virtual std::uint64_t orders_done() const noexcept = 0;         // any thread

  harness_clock& clock;
  stage_logs logs;
  std::unique_ptr<deribit::feed_parser> deribit;
  std::unique_ptr<binance::feed_parser> binance;
  core::latency_histogram parse_hist, tick_to_order;
  stage_breakdown split;
  pipeline_counters feed_counters;
};

template <template <typename> class Ring>
struct pipeline::stages_on final : pipeline::impl {
  stages_on(const core::instrument_catalog& cat, core::instrument_id id, harness_clock& c, std::size_t frames,
            std::size_t capacity, core::risk_limits lim, const std::vector<strategies::bot_config>& bots)
      : impl(cat, id, c, frames),
        hot(hot_config(capacity), cat, std::move(lim), bots, core::risk_persisted_state{}, c, no_strategy_records{},
            no_risk_records{}),
        encoder(cat, "tr"),
        encode(hot.orders, hot.exec, encoder, c, logs),
        timed_seq{hot.seq, hot.sequenced, c, logs},
        timed_strategy{hot.strategy, strategy_reached{&hot.sequenced}, c, logs.strategy},
        timed_risk{hot.risk, risk_reached{&hot.orders}, c, logs.risk} {}

  // The engine's hot path (tools/engine/hot_path.hpp) as the harness runs
  // it: a 1 ms timer, deep books for generated streams.
  static engine::hot_path_config hot_config(std::size_t capacity) {
    engine::hot_path_config h;
    h.ring_capacity = capacity;
    h.cmd_capacity = 64;
    h.timer_interval_ns = 1'000'000;
    h.risk_order_capacity = 8192;
    h.book_levels = 16384;
    h.first_order_counter = 1;
    return h;
  }

  struct strategy_reached {
    Ring<core::event>* in;
    core::sequence_t operator()() const noexcept { return in->next(0) - 1; }
  };
  struct risk_reached {
    Ring<core::order_request>* out;
    core::sequence_t operator()() const noexcept { return out->claimed(); }
  };

  bool publish_md(std::span<const core::event> events) noexcept override {
    const core::sequence_t last = hot.md.try_claim(events.size());
    if (last == core::no_sequence) return false;
    core::sequence_t s = last - static_cast<core::sequence_t>(events.size()) + 1;
    for (const core::event& e : events) hot.md.slot(s++) = e;
    hot.md.publish(last);
    return true;
  }
  bool push_command(const core::event& e) noexcept override { return hot.cmd.try_push(e); }
  std::size_t poll_all() noexcept override {
    return timed_seq.poll() + timed_strategy.poll() + timed_risk.poll() + encode.poll();
  }
  std::vector<core::stage_ref> stages() override {
    return {core::stage_ref("sequencer", timed_seq), core::stage_ref("strategy", timed_strategy),
            core::stage_ref("risk", timed_risk), core::stage_ref("encode", encode)};
  }
  std::size_t in_flight() const noexcept override { return hot.in_flight(); }
  void block_consumers(std::int64_t us) noexcept override {
    if constexpr (std::is_same_v<Ring<core::event>, mutex_ring<core::event>>) {
      // The three stages with one input each; the sequencer merges four
      // and must not sleep on one of them.
      hot.sequenced.set_blocking(std::chrono::microseconds(us));
      hot.risk_in.set_blocking(std::chrono::microseconds(us));
      hot.orders.set_blocking(std::chrono::microseconds(us));
    }
  }
  void record_from(std::int64_t ns) noexcept override { encode.record_from_ns.store(ns, std::memory_order_release); }
  std::uint64_t orders_done() const noexcept override { return encode.orders_done.load(std::memory_order_relaxed); }
  pipeline_counters stage_counters() const noexcept override {
    pipeline_counters c = feed_counters;
    c.orders = orders_done();
    c.encode_errors = encode.errors.load(std::memory_order_relaxed);
    c.acks_dropped = encode.acks_dropped.load(std::memory_order_relaxed);
    c.intents = hot.strategy.counters().intents;
    const core::risk_metrics& rm = hot.risk_engine.metrics();
    for (std::size_t r = 1; r < rm.decisions.size(); ++r) c.risk_rejects += rm.decisions[r].get();
    return c;
  }

  engine::hot_path<harness_clock, Ring, no_strategy_records, no_risk_records> hot;
  deribit::order_encoder encoder;
  encode_stage<Ring> encode;
  timed_sequencer<core::sequencer<harness_clock, Ring>, Ring<core::event>> timed_seq;
  timed_stage<strategies::strategy_stage<no_strategy_records, Ring>, strategy_reached> timed_strategy;
  timed_stage<core::risk_stage<no_risk_records, Ring>, risk_reached> timed_risk;
};

absl::StatusOr<std::unique_ptr<pipeline>> pipeline::make(const core::instrument_catalog& catalog,
                                                         core::instrument_id traded, harness_clock& clock,
                                                         queue_kind queues, std::size_t frames,
                                                         std::size_t ring_capacity) {
  const core::instrument& inst = catalog[traded];
  auto limits = core::parse_risk_limits_toml(risk_toml(inst), "tickrail-latency risk limits", catalog);
  if (!limits.ok()) return limits.status();
  auto configs = strategies::parse_bots_toml(bot_toml(inst), "tickrail-latency bot", catalog);
  if (!configs.ok()) return configs.status();
  std::unique_ptr<impl> m;
  if (queues == queue_kind::mutex) {
    m = std::make_unique<stages_on<mutex_ring>>(catalog, traded, clock, frames, ring_capacity, std::move(*limits),
                                                *configs);
  } else {
    m = std::make_unique<stages_on<core::ring>>(catalog, traded, clock, frames, ring_capacity, std::move(*limits),
                                                *configs);
  }
  // Start the bot through the command ring, as an operator would.
  auto request = strategies::parse_signal_request("start_bot", "", "");
  if (!request.ok()) return request.status();
  auto command = strategies::to_signal_command(*request, inst, 1, 1);
  if (!command.ok()) return command.status();
  core::event e{};
  e.header = core::make_header(core::event_type::command, core::no_instrument, clock.now_ns());
  e.cmd = *command;
  if (!m->push_command(e)) return absl::InternalError("command ring full");
  return std::unique_ptr<pipeline>(new pipeline(std::move(m)));
}

pipeline::pipeline(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
pipeline::~pipeline() = default;

bool pipeline::inject(const char* data, std::size_t len, std::size_t capacity) noexcept {
  impl& m = *impl_;
  const std::int64_t receipt = m.clock.now_ns();
  const core::feed_error err = m.deribit ? m.deribit->parse_padded(data, len, capacity, receipt)
                                         : m.binance->parse_padded(data, len, capacity, receipt);
  const std::int64_t parsed = m.clock.now_ns();
  ++m.feed_counters.frames;
  if (err != core::feed_error::ok) {
    if (err != core::feed_error::ignored) ++m.feed_counters.parse_errors;
    return true;
  }
  const std::span<const core::event> events = m.deribit ? m.deribit->events() : m.binance->events();
  m.parse_hist.record(static_cast<std::uint64_t>(std::max<std::int64_t>(parsed - receipt, 0)));
  if (events.empty()) return true;  // e.g. updates buffered until the depth snapshot
  if (!m.publish_md(events)) return false;
  m.feed_counters.events += events.size();
  return true;
}

[[gnu::noinline]] std::size_t pipeline::replay_inline(const input_stream& stream, std::size_t first,
                                                      std::size_t last) noexcept {
  impl& m = *impl_;
  std::size_t refused = 0;
  for (std::size_t i = first; i < last && i < stream.frames.size(); ++i) {
    const auto [offset, length] = stream.frames[i];
    if (m.clock.is_virtual()) m.clock.advance();
    if (!inject(stream.bytes.data() + offset, length, length + k_frame_padding)) ++refused;
    for (int round = 0; round < 1000; ++round) {
      if (m.poll_all() == 0) break;
    }
  }
  return refused;
}

std::vector<core::stage_ref> pipeline::stages() { return impl_->stages(); }

void pipeline::block_consumers(std::int64_t us) noexcept { impl_->block_consumers(us); }

void pipeline::record_from(std::int64_t ns) noexcept {
  impl_->parse_hist.reset();
  impl_->record_from(ns);
}

void pipeline::finish() noexcept {
  impl& m = *impl_;
  stage_logs& l = m.logs;
  m.tick_to_order.reset();
  m.split = stage_breakdown{};
  m.split.unlogged = l.unlogged;
  const auto span = [](std::int64_t from, std::int64_t to) {
    return static_cast<std::uint64_t>(std::max<std::int64_t>(to - from, 0));
  };
  for (std::size_t i = 0; i < l.order_count; ++i) {
    const order_note& o = l.orders[i];
    const auto t = static_cast<std::size_t>(o.trigger_seq);
    if (o.trigger_seq < 0 || t >= l.sequenced_at.size() || l.sequenced_at[t] < 0) {
      ++m.split.unlogged;
      continue;
    }
    if (l.sequenced_type[t] != core::event_type::market_data) {
      ++m.split.other_orders;
      continue;
    }
    const std::int64_t sequenced = l.sequenced_at[t];
    const std::int64_t strategy = l.strategy.when(o.trigger_seq);
    const std::int64_t risk = l.risk.when(o.order_seq);
    if (strategy < 0 || risk < 0) {
      ++m.split.unlogged;
      continue;
    }
    m.tick_to_order.record(span(o.receipt_ns, o.ready_ns));
    m.split.to_sequenced.record(span(o.receipt_ns, sequenced));
    m.split.strategy.record(span(sequenced, strategy));
    m.split.risk.record(span(strategy, risk));
    m.split.encode.record(span(risk, o.ready_ns));
  }
}

const core::latency_histogram& pipeline::tick_to_order() const noexcept { return impl_->tick_to_order; }
const stage_breakdown& pipeline::breakdown() const noexcept { return impl_->split; }
const core::latency_histogram& pipeline::parse() const noexcept { return impl_->parse_hist; }
pipeline_counters pipeline::counters() const noexcept { return impl_->stage_counters(); }

std::uint64_t pipeline::orders_done() const noexcept { return impl_->orders_done(); }

std::size_t pipeline::in_flight() const noexcept { return impl_->in_flight(); }

}  // namespace tickrail::latency
