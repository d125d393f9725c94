#include "tickrail/core/order_book.hpp"
#include "tickrail/core/risk.hpp"

#include <algorithm>
#include <cstring>

// What the risk input stream does to the engine's state besides intents:
// execution reports (positions, resting quantities, divergence), equity
// (high-water mark, drawdown kill, daily loss), operator commands, market
// data (reference prices, collar bands, circuit breaker, funding alerts),
// and the kill / halt / trading-state transitions. The intent path is in
// risk.cpp.

namespace tickrail::core {
namespace {

constexpr std::int64_t k_ppm = 1'000'000;

constexpr lots k_max_report_lots = lots{1} << 40;
bool sane_lots(lots v) noexcept { return v >= -k_max_report_lots && v <= k_max_report_lots; }

// a ± b clamped to the int64 range (prices from the venue are untrusted).
ticks saturating_add(ticks a, ticks b) noexcept {
  ticks out = 0;
  return __builtin_add_overflow(a, b, &out) ? (b > 0 ? INT64_MAX : INT64_MIN) : out;
}

// How far from `ref` a price may be: within collar_ticks and within
// collar_ppm of ref (each when set). |p − ref| × 1e6 ≤ ref × ppm is exactly
// |p − ref| ≤ floor(ref × ppm / 1e6) for integers.
ticks collar_distance(ticks ref, const instrument_limits& lim) noexcept {
  ticks d = lim.collar_ticks > 0 ? lim.collar_ticks : INT64_MAX / 4;
  if (lim.collar_ppm > 0) {
    const int128_t pct = static_cast<int128_t>(ref) * lim.collar_ppm / k_ppm;
    if (pct < d) d = static_cast<ticks>(pct);
  }
  return d;
}

}  // namespace

// ---- execution reports -------------------------------------------------------------

void risk_engine::on_exec(const event& ev) noexcept {
  if ((ev.header.flags & k_exec_risk_feedback) != 0) return;  // our own reject, come round
  const exec_report& x = ev.exec;
  const bool reconciled = (ev.header.flags & k_exec_reconciled) != 0;
  const instrument_id id = ev.header.instrument;
  // Venue numbers are untrusted: quantities beyond any real order (2^40
  // lots) are a corrupt report — counted as divergence and not applied, so
  // the sums below cannot overflow (65536 orders × 2^40 < 2^63).
  if (!sane_lots(x.qty_lots) || !sane_lots(x.filled_lots) || !sane_lots(x.last_qty_lots)) {
    note_divergence();
    return;
  }
  switch (x.kind) {
    case exec_kind::portfolio:
      if (ev.header.venue < k_venue_count) on_equity(ev.header.venue, x.equity_e8);
      return;
    case exec_kind::position:
      if (id < inst_.size()) inst_[id].position = x.qty_lots;
      return;
    case exec_kind::fill: {
      if (id < inst_.size() && x.last_qty_lots > 0) {
        lots& position = inst_[id].position;
        const lots next = position + (x.order_side == side::buy ? x.last_qty_lots : -x.last_qty_lots);
        if (!sane_lots(next)) {
          note_divergence();
          return;
        }
        position = next;
      }
      const std::uint32_t index = orders_.find(x.cl_ord_id);
      if (index == id_table::k_absent) {
        if (x.cl_ord_id != 0 && !reconciled && !passed_before(x.cl_ord_id)) note_divergence();
        return;
      }
      tracked_order& o = pool_[index];
      o.fills_lots += std::max<lots>(x.last_qty_lots, 0);
      if (o.fills_lots > o.amount_lots) note_divergence();  // more filled than we ever sent
      set_remaining(o, std::clamp<lots>(o.amount_lots - o.fills_lots, 0, o.remaining_lots));
      return;
    }
    case exec_kind::order_ack:
    case exec_kind::order_update: {
      if (x.cl_ord_id == 0) return;  // not ours
      std::uint32_t index = orders_.find(x.cl_ord_id);
      if (index == id_table::k_absent) {
        if (passed_before(x.cl_ord_id)) return;  // late report of a finished order
        if (!reconciled) {
          note_divergence();
          return;
        }
        if (is_terminal(x.state) || id >= inst_.size() || free_.empty() || orders_.full()) return;
        // Adopt an open order of ours found at reconciliation.
        order_intent adopted{};
        adopted.cl_ord_id = x.cl_ord_id;
        adopted.instrument = id;
        adopted.order_side = x.order_side;
        adopted.qty_lots = std::max<lots>(x.qty_lots - x.filled_lots, 0);
        index = track(adopted, x.price_ticks, x.state);
        note_id(x.cl_ord_id);
        pool_[index].amount_lots = x.qty_lots;
        pool_[index].fills_lots = x.filled_lots;
      }
      tracked_order& o = pool_[index];
      std::memcpy(venue_ids_[index].data(), x.venue_order_id, sizeof(x.venue_order_id));
      if (is_terminal(x.state)) {
        untrack(index);
        return;
      }
      if (x.qty_lots > 0) {
        o.amount_lots = x.qty_lots;
        set_remaining(o, std::max<lots>(x.qty_lots - std::max(x.filled_lots, o.fills_lots), 0));
      }
      if (x.price_ticks > 0 && x.price_ticks != o.price_ticks) {
        o.price_ticks = x.price_ticks;
        refresh_best(o.instrument, o.order_side);
      }
      // A cancel or edit in flight stays pending until the venue says otherwise.
      if (o.state != order_state::pending_cancel || x.state != order_state::open) o.state = x.state;
      return;
    }
    case exec_kind::reject: {
      const std::uint32_t index = orders_.find(x.cl_ord_id);
      if (index == id_table::k_absent) return;
      tracked_order& o = pool_[index];
      if (o.state == order_state::pending_new) {
        untrack(index);
      } else if (o.state == order_state::pending_cancel || o.state == order_state::pending_replace) {
        o.state = order_state::open;  // the cancel or edit failed; the order stands
      }
      return;
    }
  }
}

void risk_engine::on_equity(std::uint8_t venue_index, std::int64_t equity_e8) noexcept {
  venue_state& vs = venues_[venue_index];
  vs.equity_e8 = equity_e8;
  vs.have_equity = true;
  if (!vs.have_day_start) {
    vs.day_start_e8 = equity_e8;
    vs.have_day_start = true;
  }
  risk_record r{};
  r.venue = venue_index;
  r.local_ns = now_local_ns_;
  if (equity_e8 > vs.hwm_e8) {
    vs.hwm_e8 = equity_e8;
    r.value0 = equity_e8;
    emit(risk_record_kind::hwm, r);
  }
  const std::int64_t kill_ppm = limits_->kill_loss_ppm;
  if (!killed_ && kill_ppm > 0 && vs.hwm_e8 > 0 &&
      (static_cast<int128_t>(vs.hwm_e8) - equity_e8) * k_ppm >= static_cast<int128_t>(vs.hwm_e8) * kill_ppm) {
    kill(kill_cause::equity_drawdown, equity_e8, vs.hwm_e8);
    cancel_all_due_ = true;
  }
  const std::int64_t limit = limits_->daily_loss_limit_e8;
  if (!daily_loss_breached_ && limit > 0 && static_cast<int128_t>(vs.day_start_e8) - equity_e8 >= limit) {
    daily_loss_breached_ = true;
    publish_status();
    r.value0 = vs.day_start_e8;
    r.value1 = equity_e8;
    emit(risk_record_kind::daily_loss, r);
  }
}

// ---- commands and market data -------------------------------------------------------

void risk_engine::on_command(const event& ev, bool& emit_cancel_all) noexcept {
  const command& c = ev.cmd;
  switch (c.kind) {
    case command_kind::kill:
      kill(kill_cause::operator_command, 0, 0);
      emit_cancel_all = true;
      break;
    case command_kind::reset_kill: {
      const bool was = killed_ || state_ == trading_state::halted;
      killed_ = false;
      kill_cause_ = kill_cause::none;
      killed_utc_ns_ = 0;
      halt_cause_ = halt_cause::none;
      divergences_ = 0;
      if (state_ == trading_state::halted) set_state(trading_state::active);
      publish_status();
      if (was) {
        risk_record r{};
        r.local_ns = ev.header.local_ts_ns;
        emit(risk_record_kind::kill_reset, r);
      }
      break;
    }
    case command_kind::reduce_only_on:
      if (state_ == trading_state::active) set_state(trading_state::reducing);
      break;
    case command_kind::reduce_only_off:
      if (state_ == trading_state::reducing) set_state(trading_state::active);
      break;
    case command_kind::cancel_all: emit_cancel_all = true; break;
    case command_kind::regime_set:
      if ((ev.header.flags & k_command_from_strategy) != 0 && breaker_tripped_) break;  // breaker BLACK holds
      if (c.regime < k_regime_count) {
        regime_ = static_cast<regime>(c.regime);
        breaker_tripped_ = false;
        publish_status();
      }
      break;
    case command_kind::candle: break;  // for the bots' regime classifiers (strategies/candle_command.hpp)
    default: break;                    // reload_risk is applied by the stage before this event
  }
}

void risk_engine::on_market_data(const event& ev) noexcept {
  const market_data& md = ev.md;
  const instrument_id id = ev.header.instrument;
  if (id >= inst_.size() || (md.kind != md_kind::ticker && md.kind != md_kind::quote)) return;
  instrument_state& st = inst_[id];
  const ticker_fields& t = md.ticker;
  const auto has = [&](ticker_field f) { return (t.present & static_cast<std::uint32_t>(f)) != 0; };
  const bool mark = has(ticker_field::mark) && t.mark_ticks > 0;
  const bool top = has(ticker_field::best_bid) && has(ticker_field::best_ask);
  if (mark) {
    st.mark = t.mark_ticks;
    st.have_mark = true;
  }
  if (top) {
    st.bid = t.best_bid_ticks;
    st.ask = t.best_ask_ticks;
    st.book_valid = st.bid > 0 && st.ask > st.bid;
    if (st.book_valid) on_mid(id, midpoint(st.bid, st.ask));
  }
  if (mark || top) update_band(id);
  const bool have_funding = has(ticker_field::funding_8h) || has(ticker_field::funding);
  if (!have_funding || limits_->funding_warn_e9 <= 0) return;
  const std::int64_t f = has(ticker_field::funding_8h) ? t.funding_8h_e9 : t.funding_e9;
  const std::int64_t magnitude = f < 0 ? -f : f;
  const std::int64_t extreme = limits_->funding_extreme_e9;
  const std::uint8_t level = extreme > 0 && magnitude >= extreme ? 2 : magnitude >= limits_->funding_warn_e9 ? 1 : 0;
  if (level > st.funding_level) {
    risk_record r{};
    r.instrument = id;
    r.local_ns = ev.header.local_ts_ns;
    r.value0 = f;
    emit(level == 2 ? risk_record_kind::funding_extreme : risk_record_kind::funding_warn, r);
  }
  st.funding_level = level;
}

void risk_engine::on_reference(const event& ev) noexcept {
  const instrument_id id = ev.header.instrument;
  if (id >= inst_.size()) return;
  instrument_state& st = inst_[id];
  st.bid = ev.ref.best_bid_ticks;
  st.ask = ev.ref.best_ask_ticks;
  st.book_valid = ev.ref.valid != 0 && st.bid > 0 && st.ask > st.bid;
  if (st.book_valid) on_mid(id, midpoint(st.bid, st.ask));
  update_band(id);
}

void risk_engine::update_band(instrument_id id) noexcept {
  instrument_state& st = inst_[id];
  const instrument_limits& lim = limits_->of(id);
  st.have_band = st.book_valid || st.have_mark;
  st.band_lo = INT64_MIN;
  st.band_hi = INT64_MAX;
  if (st.book_valid) {
    const ticks mid = midpoint(st.bid, st.ask);
    const ticks d = collar_distance(mid, lim);
    st.band_lo = saturating_add(mid, -d);
    st.band_hi = saturating_add(mid, d);
  }
  if (st.have_mark) {
    const ticks d = collar_distance(st.mark, lim);
    st.band_lo = std::max(st.band_lo, saturating_add(st.mark, -d));
    st.band_hi = std::min(st.band_hi, saturating_add(st.mark, d));
  }
}

// Circuit breaker: the window's high is kept in 32 buckets of window/32 each
// (so the window is exact to one bucket), updated per mid in O(1) and read
// with 32 compares.
void risk_engine::on_mid(instrument_id id, ticks mid) noexcept {
  const instrument_limits& lim = limits_->of(id);
  if (lim.breaker_drop_ppm <= 0 || lim.breaker_window_ns <= 0) return;
  breaker_window& window = breakers_[id];
  const std::int64_t bucket_ns = std::max<std::int64_t>(lim.breaker_window_ns / k_breaker_buckets, 1);
  const std::int64_t epoch = now_local_ns_ / bucket_ns;
  breaker_bucket& b = window[static_cast<std::size_t>(epoch % k_breaker_buckets)];
  if (b.epoch != epoch) {
    b.epoch = epoch;
    b.high = mid;
  } else {
    b.high = std::max(b.high, mid);
  }
  ticks high = mid;
  for (const breaker_bucket& x : window) {
    if (x.epoch > epoch - static_cast<std::int64_t>(k_breaker_buckets)) high = std::max(high, x.high);
  }
  if (breaker_tripped_ || high <= mid) return;
  if ((static_cast<int128_t>(high) - mid) * k_ppm >= static_cast<int128_t>(high) * lim.breaker_drop_ppm) {
    breaker_tripped_ = true;
    publish_status();
    risk_record r{};
    r.instrument = id;
    r.local_ns = now_local_ns_;
    r.value0 = high;
    r.value1 = mid;
    emit(risk_record_kind::circuit_breaker, r);
  }
}

// ---- state changes ------------------------------------------------------------------

void risk_engine::kill(kill_cause cause, std::int64_t equity_e8, std::int64_t hwm_e8) noexcept {
  if (!killed_) {
    killed_ = true;
    kill_cause_ = cause;
    killed_utc_ns_ = now_utc_ns_;
  }
  risk_record r{};
  r.cause = static_cast<std::uint8_t>(cause);
  r.local_ns = now_local_ns_;
  r.value0 = equity_e8;
  r.value1 = hwm_e8;
  emit(risk_record_kind::kill, r);
  publish_status();
}

void risk_engine::halt(halt_cause cause, std::int64_t count) noexcept {
  if (state_ == trading_state::halted) return;
  halt_cause_ = cause;
  set_state(trading_state::halted);
  risk_record r{};
  r.cause = static_cast<std::uint8_t>(cause);
  r.local_ns = now_local_ns_;
  r.value0 = count;
  emit(risk_record_kind::halted, r);
}

void risk_engine::note_divergence() noexcept {
  ++divergences_;
  metrics_->divergences.add();
  if (divergences_ > limits_->max_divergence) halt(halt_cause::divergence, static_cast<std::int64_t>(divergences_));
}

void risk_engine::set_state(trading_state s) noexcept {
  if (s == state_) return;
  state_ = s;
  publish_status();
  risk_record r{};
  r.cause = static_cast<std::uint8_t>(s);
  r.local_ns = now_local_ns_;
  emit(risk_record_kind::trading_state, r);
}

void risk_engine::publish_status() noexcept {
  metrics_->state.store(static_cast<std::uint8_t>(state_), std::memory_order_relaxed);
  metrics_->killed.store(killed_ ? 1 : 0, std::memory_order_relaxed);
  metrics_->regime.store(static_cast<std::uint8_t>(effective_regime()), std::memory_order_relaxed);
  metrics_->open_orders.store(static_cast<std::uint32_t>(orders_.size()), std::memory_order_relaxed);
  const regime r = effective_regime();
  const bool open = !killed_ && state_ == trading_state::active && !daily_loss_breached_;
  for (const side s : {side::buy, side::sell}) side_open_[idx(s)] = open && !gates(r, s);
}

void risk_engine::fill_cancel_all(order_request& out, sequence_t trigger) noexcept {
  out = {};
  out.intent.trigger_sequence = trigger;
  out.intent.kind = intent_kind::cancel_all;
  out.intent.instrument = no_instrument;
  out.intent.bot = 0xFFFF;
}

}  // namespace tickrail::core
