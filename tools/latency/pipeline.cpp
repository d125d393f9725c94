#include "latency/pipeline.hpp"

#include "latency/stream.hpp"

#include <array>
#include <charconv>
#include <atomic>
#include <cstring>
#include <string>

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
[risk.venues.)", binance ? "binance_usdm" : "deribit", R"(]
orders_per_second = 1000000
order_burst = 1000000
[risk.instruments.")", inst.symbol, R"("]
)", binance ? "venue = \"binance_usdm\"\n" : "", R"(max_order_qty = )", inst.format_qty(100'000), R"(
max_position = )", inst.format_qty(100'000'000), R"(
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

// The order gateway's stand-in: encodes every request into Deribit order
// text (the production encoder), stamps "bytes ready", and answers the way
// the venue would at once — places rest (open), edits take, cancels cancel —
// on the exec ring, so the next round of quotes meets acknowledged orders.
struct encode_stage {
  encode_stage(core::ring<core::order_request>& o, core::ring<core::event>& e, const deribit::order_encoder& enc,
               const harness_clock& c)
      : orders(o), exec(e), encoder(enc), clock(c) {}

  core::ring<core::order_request>& orders;
  core::ring<core::event>& exec;
  const deribit::order_encoder& encoder;
  const harness_clock& clock;
  core::latency_histogram latency;
  std::array<char, deribit::order_encoder::k_max_frame> frame{};
  std::int64_t request_id = 0;
  std::atomic<std::int64_t> record_from_ns{0};
  std::array<core::order_request, 64> acks{};
  std::size_t pending_acks = 0;
  std::atomic<std::uint64_t> orders_done{0}, errors{0}, acks_dropped{0};

  // Encodes the whole batch first, stamping each order as its bytes are
  // ready; the venue's answers are made after the batch, so the stand-in
  // venue's work is not counted in the next order's latency.
  std::size_t poll() noexcept {
    pending_acks = 0;
    const std::size_t n = orders.poll(
        0,
        [this](const core::order_request& r, core::sequence_t, bool) {
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
            latency.record(static_cast<std::uint64_t>(std::max<std::int64_t>(ready - r.intent.trigger_local_ts_ns, 0)));
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
    e.header = core::event_header{-1, 0, now, core::event_type::exec_report, 0, in.instrument, 0};
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
    if (!exec.try_push(e)) acks_dropped.store(acks_dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

}  // namespace

struct pipeline::impl {
  impl(const core::instrument_catalog& cat, core::instrument_id id, harness_clock& c, std::size_t capacity,
       core::risk_limits lim, std::vector<std::unique_ptr<strategies::bot>> b)
      : catalog(cat),
        traded(id),
        clock(c),
        limits(std::move(lim)),
        md(capacity, 1),
        exec(capacity, 1),
        cmd(64, 1),
        feedback(capacity, 1),
        sequenced(capacity, 1),
        risk_in(capacity, 1),
        orders(capacity, 1),
        books(cat.size(), 16384),
        bots(std::move(b)),
        engine(cat, &limits, core::risk_persisted_state{}, 8192),
        encoder(cat, "tr"),
        seq({{&md, 0}, {&exec, 0}, {&cmd, 0}, {&feedback, 0}}, sequenced, c, 1'000'000),
        strategy(sequenced, 0, risk_in, books, bots, no_strategy_records{}),
        risk(risk_in, 0, orders, engine, no_risk_records{}, nullptr, &feedback),
        encode(orders, exec, encoder, c) {
    if (cat[id].where == core::venue::binance_usdm) {
      binance = std::make_unique<binance::feed_parser>(cat);
    } else {
      deribit = std::make_unique<deribit::feed_parser>(cat);
    }
  }

  const core::instrument_catalog& catalog;
  core::instrument_id traded;
  harness_clock& clock;
  core::risk_limits limits;
  core::ring<core::event> md, exec, cmd, feedback, sequenced, risk_in;
  core::ring<core::order_request> orders;
  core::book_builder books;
  std::vector<std::unique_ptr<strategies::bot>> bots;
  core::risk_engine engine;
  deribit::order_encoder encoder;
  core::sequencer<harness_clock> seq;
  strategies::strategy_stage<no_strategy_records> strategy;
  core::risk_stage<no_risk_records> risk;
  encode_stage encode;
  std::unique_ptr<deribit::feed_parser> deribit;
  std::unique_ptr<binance::feed_parser> binance;
  core::latency_histogram parse_hist;
  pipeline_counters feed_counters;
};

absl::StatusOr<std::unique_ptr<pipeline>> pipeline::make(const core::instrument_catalog& catalog,
                                                         core::instrument_id traded, harness_clock& clock,
                                                         std::size_t ring_capacity) {
  const core::instrument& inst = catalog[traded];
  auto limits = core::parse_risk_limits_toml(risk_toml(inst), "tickrail-latency risk limits", catalog);
  if (!limits.ok()) return limits.status();
  auto configs = strategies::parse_bots_toml(bot_toml(inst), "tickrail-latency bot", catalog);
  if (!configs.ok()) return configs.status();
  std::vector<std::unique_ptr<strategies::bot>> bots;
  bots.push_back(std::make_unique<strategies::bot>(configs->front(), catalog, 1));
  auto p = std::unique_ptr<pipeline>(
      new pipeline(std::make_unique<impl>(catalog, traded, clock, ring_capacity, std::move(*limits), std::move(bots))));
  // Start the bot through the command ring, as an operator would.
  auto request = strategies::parse_signal_request("start_bot", "", "");
  if (!request.ok()) return request.status();
  auto command = strategies::to_signal_command(*request, inst, 1, 1);
  if (!command.ok()) return command.status();
  core::event e{};
  e.header = core::event_header{-1, 0, clock.now_ns(), core::event_type::command, 0, core::no_instrument, 0};
  e.cmd = *command;
  if (!p->impl_->cmd.try_push(e)) return absl::InternalError("command ring full");
  return p;
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
  const core::sequence_t last = m.md.try_claim(events.size());
  if (last == core::no_sequence) return false;
  core::sequence_t s = last - static_cast<core::sequence_t>(events.size()) + 1;
  for (const core::event& e : events) m.md.slot(s++) = e;
  m.md.publish(last);
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
      if (m.seq.poll() + m.strategy.poll() + m.risk.poll() + m.encode.poll() == 0) break;
    }
  }
  return refused;
}

std::vector<core::stage_ref> pipeline::stages() {
  return {core::stage_ref("sequencer", impl_->seq), core::stage_ref("strategy", impl_->strategy),
          core::stage_ref("risk", impl_->risk), core::stage_ref("encode", impl_->encode)};
}

void pipeline::record_from(std::int64_t ns) noexcept {
  impl_->parse_hist.reset();
  impl_->encode.record_from_ns.store(ns, std::memory_order_release);
}

const core::latency_histogram& pipeline::tick_to_order() const noexcept { return impl_->encode.latency; }
const core::latency_histogram& pipeline::parse() const noexcept { return impl_->parse_hist; }

pipeline_counters pipeline::counters() const noexcept {
  pipeline_counters c = impl_->feed_counters;
  c.orders = impl_->encode.orders_done.load(std::memory_order_relaxed);
  c.encode_errors = impl_->encode.errors.load(std::memory_order_relaxed);
  c.acks_dropped = impl_->encode.acks_dropped.load(std::memory_order_relaxed);
  c.intents = impl_->strategy.counters().intents;
  const core::risk_metrics& rm = impl_->engine.metrics();
  for (std::size_t r = 1; r < rm.decisions.size(); ++r) c.risk_rejects += rm.decisions[r].get();
  return c;
}

std::uint64_t pipeline::orders_done() const noexcept {
  return impl_->encode.orders_done.load(std::memory_order_relaxed);
}

std::size_t pipeline::in_flight() const noexcept {
  const impl& m = *impl_;
  return m.md.occupancy() + m.exec.occupancy() + m.feedback.occupancy() + m.sequenced.occupancy() +
         m.risk_in.occupancy() + m.orders.occupancy();
}

}  // namespace tickrail::latency
