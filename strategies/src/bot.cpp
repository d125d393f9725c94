#include "tickrail/strategies/bot.hpp"

#include <algorithm>
#include <cstdlib>

namespace tickrail::strategies {
namespace {

constexpr std::int64_t k_day_ns = 24LL * 3600 * 1'000'000'000;
constexpr std::int64_t k_4h_ns = 4LL * 3600 * 1'000'000'000;
constexpr std::uint32_t k_live_sell = 1u << 0;
constexpr std::uint32_t k_live_cancel_sent = 1u << 1;

constexpr auto idx(component_id c) noexcept { return static_cast<std::size_t>(c); }
constexpr auto comp(component_id c) noexcept { return static_cast<std::uint16_t>(c); }

constexpr component_id k_loops[] = {component_id::grid,        component_id::main_mm,      component_id::fast_mm,
                                    component_id::slow_mm,     component_id::dip_buyer,    component_id::min_order,
                                    component_id::take_profit, component_id::threshold_tp, component_id::sell_ladder,
                                    component_id::ma_crossover};

[[nodiscard]] bool is_loop(component_id c) noexcept {
  return std::find(std::begin(k_loops), std::end(k_loops), c) != std::end(k_loops);
}

// Running position and average entry from fills: adding to the position
// moves the average; reducing keeps it; crossing zero restarts it at the
// fill price.
void add_position_fill(position_view& p, core::int128_t& cost, core::side s, core::lots qty, core::ticks px) noexcept {
  if (qty <= 0 || px <= 0) return;
  const core::lots signed_qty = s == core::side::buy ? qty : -qty;
  const core::lots before = p.position_lots;
  core::lots after = 0;
  if (__builtin_add_overflow(before, signed_qty, &after)) return;  // corrupt report: ignored
  if (before == 0 || (before > 0) == (signed_qty > 0)) {
    cost += static_cast<core::int128_t>(qty) * px;
  } else if ((after > 0) == (before > 0) && after != 0) {
    cost -= static_cast<core::int128_t>(qty) * p.avg_entry_ticks;  // reduced at the old average
  } else {
    cost = after == 0 ? 0 : static_cast<core::int128_t>(std::llabs(after)) * px;  // closed or flipped
  }
  p.position_lots = after;
  p.avg_entry_ticks = after == 0 ? 0 : static_cast<core::ticks>(cost / std::llabs(after));
}

}  // namespace

bot::bot(const bot_config& config, const core::instrument_catalog& catalog, std::uint64_t first_order_counter)
    : config_(config),
      catalog_(catalog),
      ids_(config.id, first_order_counter),
      sequencer_(config.cancel_timeout_ns),
      classifier_(config.classifier ? config.classifier->params : classifier_params{}, config.initial_regime),
      live_(k_max_live_orders),
      marks_(catalog.size(), 0) {
  const core::instrument_id in = config_.instrument;
  if (config_.grid) grid_.emplace(*config_.grid, in, comp(component_id::grid), ids_);
  if (config_.main_mm) main_mm_.emplace(*config_.main_mm, in, comp(component_id::main_mm), ids_);
  if (config_.fast_mm) fast_mm_.emplace(*config_.fast_mm, in, comp(component_id::fast_mm), ids_);
  if (config_.slow_mm) slow_mm_.emplace(*config_.slow_mm, in, comp(component_id::slow_mm), ids_);
  if (config_.dip_buyer) dip_buyer_.emplace(*config_.dip_buyer, in, comp(component_id::dip_buyer), ids_);
  if (config_.min_order) min_order_.emplace(*config_.min_order, in, comp(component_id::min_order), ids_);
  if (config_.take_profit) take_profit_.emplace(*config_.take_profit, in, comp(component_id::take_profit), ids_);
  if (config_.threshold_tp) threshold_tp_.emplace(*config_.threshold_tp, in, comp(component_id::threshold_tp), ids_);
  if (config_.ladder) ladder_.emplace(*config_.ladder, in, comp(component_id::ladder), ids_);
  if (config_.sell_ladder) sell_ladder_.emplace(*config_.sell_ladder, in, comp(component_id::sell_ladder), ids_);
  if (config_.ma_crossover) ma_crossover_.emplace(*config_.ma_crossover, in, comp(component_id::ma_crossover), ids_);
  if (config_.bracket) bracket_.emplace(*config_.bracket, in, comp(component_id::bracket), ids_);
  if (config_.classifier) {
    const std::int64_t candles = k_day_ns / config_.classifier->candle_ns + 2;
    candles_.emplace(config_.classifier->candle_ns, static_cast<std::size_t>(candles));
  }
}

bool bot::any_running() const noexcept {
  return std::any_of(running_.begin(), running_.end(), [](bool r) { return r; });
}

std::optional<regime_change> bot::take_regime_change() noexcept {
  std::optional<regime_change> out = regime_change_;
  regime_change_.reset();
  return out;
}

core::regime_multipliers bot::multipliers() const noexcept {
  // Option exposure: the sign of the largest option position's kind.
  option_exposure exposure = option_exposure::none;
  core::lots largest = 0;
  for (const option_position& p : options_) {
    if (p.qty_lots <= 0 || p.instrument >= catalog_.size() || p.qty_lots <= largest) continue;
    largest = p.qty_lots;
    exposure = catalog_[p.instrument].option == core::option_kind::put ? option_exposure::put : option_exposure::call;
  }
  return stacked(regime(), exposure, config_.option_multipliers);
}

void bot::on_event(const core::event& e, const core::book_builder& books, intent_sink& sink) noexcept {
  const std::size_t first = sink.intents().size();
  if (e.header.exchange_ts_ns > 0) venue_now_ms_ = std::max(venue_now_ms_, e.header.exchange_ts_ns / 1'000'000);
  switch (e.header.type) {
    case core::event_type::market_data:
      if (e.md.kind == core::md_kind::ticker || e.md.kind == core::md_kind::quote) {
        on_ticker(e);
      } else if (e.header.instrument == config_.instrument && e.md.kind != core::md_kind::trade &&
                 (e.md.fragment & core::k_fragment_more_follows) == 0 && e.header.instrument < books.instruments()) {
        on_book(books.book(e.header.instrument), e.header, sink);
      }
      break;
    case core::event_type::exec_report: on_exec(e, sink); break;
    case core::event_type::command:
      if (e.cmd.bot == config_.id || e.cmd.bot == 0xFFFF) on_command(e, sink);
      break;
    default: break;
  }
  run_signals(e.header, books, sink);
  track(sink, first);
}

void bot::on_book(const core::order_book& book, const core::event_header& h, intent_sink& sink) noexcept {
  if (!book.valid()) return;
  const core::ticks mid = mid_of(book);
  if (mid <= 0) return;
  candle(mid, h);
  last_mid_ = mid;
  const sizing z = multipliers();
  if (running(component_id::grid)) grid_->on_book(book, h, z, sink);
  if (running(component_id::main_mm)) main_mm_->on_book(book, position_.position_lots, h, z, sink);
  if (running(component_id::fast_mm)) fast_mm_->on_book(book, position_.position_lots, h, z, sink);
  if (running(component_id::slow_mm)) slow_mm_->on_book(book, position_.position_lots, h, z, sink);
  if (running(component_id::dip_buyer)) dip_buyer_->on_book(book, h, z, sink);
  if (running(component_id::min_order)) min_order_->on_book(book, position_, h, z, sink);
  if (running(component_id::take_profit)) take_profit_->on_book(book, position_, h, z, sink);
  if (running(component_id::threshold_tp)) threshold_tp_->on_position(position_, h, z, sink);
  if (running(component_id::sell_ladder)) sell_ladder_->on_book(book, position_, h, z, sink);
  if (running(component_id::ma_crossover)) ma_crossover_->on_book(book, position_, h, z, sink);
}

void bot::candle(core::ticks mid, const core::event_header& h) noexcept {
  if (!candles_) return;
  const std::int64_t index = h.local_ts_ns / config_.classifier->candle_ns;
  if (candle_index_ < 0) candle_index_ = index;
  if (index == candle_index_ || last_mid_ <= 0) return;
  candle_index_ = index;
  candles_->push(last_mid_);  // the closed candle's last mid
  regime_inputs in;
  in.vol24h = candles_->annualised_vol(k_day_ns);
  in.vol4h = candles_->annualised_vol(k_4h_ns);
  in.funding = static_cast<double>(funding_8h_e9_) / 1e9;
  in.drawdown = candles_->drawdown(k_day_ns);
  in.price_ticks = mid;
  regime_change change;
  if (classifier_.poll(in, h.local_ts_ns, change)) {
    regime_change_ = change;
    ++counters_.regime_changes;
  }
}

void bot::on_ticker(const core::event& e) noexcept {
  const core::ticker_fields& t = e.md.ticker;
  const core::instrument_id id = e.header.instrument;
  if (id < marks_.size() && (t.present & static_cast<std::uint32_t>(core::ticker_field::mark)) != 0) {
    marks_[id] = t.mark_ticks;
    if (option_position* p = option_slot(id, false)) p->mark_ticks = t.mark_ticks;
  }
  if (id != config_.instrument) return;
  if ((t.present & static_cast<std::uint32_t>(core::ticker_field::index)) != 0) index_ticks_ = t.index_ticks;
  if ((t.present & static_cast<std::uint32_t>(core::ticker_field::funding_8h)) != 0) funding_8h_e9_ = t.funding_8h_e9;
}

option_position* bot::option_slot(core::instrument_id id, bool create) noexcept {
  option_position* empty = nullptr;
  for (option_position& p : options_) {
    if (p.instrument == id) return &p;
    if (empty == nullptr && p.instrument == core::no_instrument) empty = &p;
  }
  if (!create || empty == nullptr) return nullptr;
  empty->instrument = id;
  empty->qty_lots = 0;
  empty->mark_ticks = id < marks_.size() ? marks_[id] : 0;
  return empty;
}

void bot::apply_fill(const core::exec_report& x, core::instrument_id instrument) noexcept {
  if (instrument == config_.instrument) {
    add_position_fill(position_, entry_cost_, x.order_side, x.last_qty_lots, x.last_price_ticks);
    return;
  }
  if (instrument >= catalog_.size() || catalog_[instrument].kind != core::instrument_kind::option) return;
  option_position* p = option_slot(instrument, true);
  if (p == nullptr || x.last_qty_lots <= 0) return;
  const core::lots d = x.order_side == core::side::buy ? x.last_qty_lots : -x.last_qty_lots;
  if (__builtin_add_overflow(p->qty_lots, d, &p->qty_lots)) p->qty_lots = INT64_MIN;  // trim_target skips it
  if (p->qty_lots == 0) *p = option_position{};
}

void bot::on_exec(const core::event& e, intent_sink& sink) noexcept {
  const core::exec_report& x = e.exec;
  if (x.kind == core::exec_kind::portfolio) {
    equity_e8_ = x.equity_e8;
    return;
  }
  if (x.cl_ord_id == 0 || core::bot_of(x.cl_ord_id) != config_.id) return;
  if (x.kind == core::exec_kind::fill) apply_fill(x, e.header.instrument);
  if (ends_order(x)) live_.erase(x.cl_ord_id);

  const core::event_header& h = e.header;
  // A stopped loop still learns what happened to its orders, but places
  // nothing in answer (a fill answered would be the loop running).
  const auto gate = [this](component_id c) { return running(c) ? sizing(multipliers()) : sizing(core::regime::black); };
  if (grid_) grid_->on_exec(x, h, gate(component_id::grid), sink);
  if (main_mm_) main_mm_->on_exec(x);
  if (fast_mm_) fast_mm_->on_exec(x);
  if (slow_mm_) slow_mm_->on_exec(x);
  if (dip_buyer_) dip_buyer_->on_exec(x, h, gate(component_id::dip_buyer), sink);
  if (min_order_) min_order_->on_exec(x);
  if (threshold_tp_) threshold_tp_->on_exec(x);
  if (sell_ladder_) sell_ladder_->on_exec(x);
  if (bracket_) bracket_->on_exec(x, h, sink);  // protection legs run whatever the loops do
}

void bot::on_command(const core::event& e, intent_sink& sink) noexcept {
  const core::command& c = e.cmd;
  const core::event_header& h = e.header;
  switch (c.kind) {
    case core::command_kind::signal: {
      signal_request request;
      core::ticks anchor = 0;
      if (!from_signal_command(c, request, anchor)) {
        ++counters_.commands_refused;
        return;
      }
      if (request.regime) set_regime(*request.regime, h);
      if (anchor > 0) set_anchor(anchor, h, sink);
      if (request.regime_only()) {
        stop_loops();
        return;
      }
      request_anchor_ = anchor;
      sequencer_.start(request);
      return;
    }
    case core::command_kind::regime_set:
      if (c.regime < core::k_regime_count) set_regime(static_cast<core::regime>(c.regime), h);
      return;
    case core::command_kind::anchor_price:
      if (c.args[0] > 0) set_anchor(c.args[0], h, sink);
      return;
    case core::command_kind::cancel_all:
    case core::command_kind::stop:
      stop_loops();
      cancel_everything(h, sink);
      sequencer_.start(signal_request{});  // abandon a request in progress
      return;
    case core::command_kind::kill:
      stop_loops();  // risk cancels every order and latches
      sequencer_.start(signal_request{});
      return;
    default: return;
  }
}

void bot::run_signals(const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept {
  const bool was_waiting = sequencer_.waiting_on_cancels();
  while (const std::optional<signal> s = sequencer_.next(open_orders(), h.local_ts_ns)) run(*s, h, books, sink);
  if (was_waiting && sequencer_.timed_out() && !sequencer_.busy()) {
    ++counters_.cancel_timeouts;
    sequencer_.start(signal_request{});  // count once
  }
}

void bot::run(signal s, const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept {
  ++counters_.signals_run;
  switch (s) {
    case signal::start_bot:
      for (const component_id c : config_.start) start(c, h, books, sink);
      return;
    case signal::grid: start(component_id::grid, h, books, sink); return;
    case signal::main_mm: start(component_id::main_mm, h, books, sink); return;
    case signal::fast_mm: start(component_id::fast_mm, h, books, sink); return;
    case signal::slow_mm: start(component_id::slow_mm, h, books, sink); return;
    case signal::dip_buyer: start(component_id::dip_buyer, h, books, sink); return;
    case signal::min_order: start(component_id::min_order, h, books, sink); return;
    case signal::threshold_tp: start(component_id::threshold_tp, h, books, sink); return;
    case signal::tp: start(component_id::sell_ladder, h, books, sink); return;
    case signal::ladder: start(component_id::ladder, h, books, sink); return;
    case signal::hedge: open_option(option_signal::hedge, h, sink); return;
    case signal::options_long_call: open_option(option_signal::long_call, h, sink); return;
    case signal::options_long_put: open_option(option_signal::long_put, h, sink); return;
    case signal::options_trim: trim_option(h, sink); return;
    case signal::cancel_all:
      stop_loops();
      cancel_everything(h, sink);
      return;
  }
}

void bot::start(component_id c, const core::event_header& h, const core::book_builder& books,
                intent_sink& sink) noexcept {
  if (!config_.configured(c)) {
    ++counters_.signals_refused;
    return;
  }
  const sizing z = multipliers();
  if (is_loop(c)) {
    if (running(c)) return;  // already running: a payload anchor was applied to it directly
    running_[idx(c)] = true;
    // A payload anchor given with the signal is where a starting grid or
    // dip buyer centres (it applied before the signal ran).
    if (request_anchor_ > 0 && c == component_id::grid) grid_->set_anchor(request_anchor_, h, z, sink);
    if (request_anchor_ > 0 && c == component_id::dip_buyer) dip_buyer_->set_anchor(request_anchor_, h, z, sink);
    return;
  }
  if (c == component_id::ladder) {
    const core::instrument_id in = config_.instrument;
    const core::ticks reference =
        request_anchor_ > 0 ? request_anchor_ : in < books.instruments() ? mid_of(books.book(in)) : 0;
    if (reference <= 0 || ladder_->fire(reference, h, z, sink) == 0) ++counters_.signals_refused;
  } else if (c == component_id::bracket) {
    if (bracket_->state() == bracket_state::entry_working || bracket_->state() == bracket_state::protected_ ||
        bracket_->state() == bracket_state::closing) {
      ++counters_.signals_refused;  // one bracket at a time
      return;
    }
    bracket_.emplace(*config_.bracket, config_.instrument, comp(component_id::bracket), ids_);
    if (!bracket_->start(h, z, sink)) ++counters_.signals_refused;
  }
}

void bot::open_option(option_signal sig, const core::event_header& h, intent_sink& sink) noexcept {
  if (!config_.options || venue_now_ms_ <= 0 || index_ticks_ <= 0) {
    ++counters_.signals_refused;
    return;
  }
  const core::decimal tick = catalog_[config_.instrument].tick.value();
  core::int128_t underlying = static_cast<core::int128_t>(index_ticks_) * tick.mantissa;
  if (underlying > INT64_MAX) underlying = INT64_MAX;
  option_market m;
  m.now_ms = venue_now_ms_;
  m.underlying = core::decimal{static_cast<std::int64_t>(underlying), tick.scale};
  m.equity_e8 = equity_e8_;
  m.marks = marks_;
  const std::optional<core::order_intent> in = strategies::open_option(
      catalog_, sig, position_.position_lots, config_.options->currency, config_.options->strength, m,
      config_.options->params, multipliers(), config_.id, comp(component_id::options), ids_, h);
  if (!in || !sink.push(*in)) ++counters_.signals_refused;
}

void bot::trim_option(const core::event_header& h, intent_sink& sink) noexcept {
  const option_position* target = config_.options ? trim_target(options_, core::no_instrument) : nullptr;
  if (target == nullptr) {
    ++counters_.signals_refused;
    return;
  }
  core::lots contracts = 0;
  if (config_.options->trim_contracts.mantissa > 0 &&
      catalog_[target->instrument].lot.to_units(config_.options->trim_contracts, core::rounding::down, contracts) !=
          core::fp_error::ok) {
    contracts = 0;
  }
  if (config_.options->trim_contracts.mantissa > 0 && contracts <= 0) {
    ++counters_.signals_refused;  // less than one lot of that option
    return;
  }
  const std::optional<core::order_intent> in =
      strategies::trim_option(catalog_, *target, contracts, config_.options->trim_pct_ppm, multipliers(), config_.id,
                              comp(component_id::options), ids_, h);
  if (!in || !sink.push(*in)) ++counters_.signals_refused;
}

void bot::set_anchor(core::ticks anchor, const core::event_header& h, intent_sink& sink) noexcept {
  const sizing z = multipliers();
  if (grid_ && running(component_id::grid)) grid_->set_anchor(anchor, h, z, sink);
  if (dip_buyer_ && running(component_id::dip_buyer)) dip_buyer_->set_anchor(anchor, h, z, sink);
}

void bot::set_regime(core::regime r, const core::event_header& h) noexcept {
  regime_change change;
  if (classifier_.set_manual(r, h.local_ts_ns, change)) {
    regime_change_ = change;
    ++counters_.regime_changes;
  }
}

void bot::stop_loops() noexcept {
  for (const component_id c : k_loops) running_[idx(c)] = false;
}

void bot::cancel_everything(const core::event_header& h, intent_sink& sink) noexcept {
  // Components that keep state about their orders cancel them themselves
  // (so they start clean next time); the registry covers the rest.
  const std::size_t first = sink.intents().size();
  if (grid_) grid_->stop(h, sink);
  if (main_mm_) main_mm_->stop(h, sink);
  if (fast_mm_) fast_mm_->stop(h, sink);
  if (slow_mm_) slow_mm_->stop(h, sink);
  track(sink, first);
  live_.for_each([&](std::uint64_t id, std::uint32_t& state) {
    if ((state & k_live_cancel_sent) != 0) return;
    core::order_intent in = make_intent(core::intent_kind::cancel, config_.instrument, config_.id, comp(component_id::bot), h);
    in.cl_ord_id = id;
    in.order_side = (state & k_live_sell) != 0 ? core::side::sell : core::side::buy;
    if (sink.push(in)) state |= k_live_cancel_sent;
  });
}

void bot::track(intent_sink& sink, std::size_t from) noexcept {
  const auto intents = sink.intents();
  for (std::size_t i = from; i < intents.size(); ++i) {
    const core::order_intent& in = intents[i];
    if (in.bot != config_.id) continue;
    if (in.kind == core::intent_kind::place) {
      const std::uint32_t state = in.order_side == core::side::sell ? k_live_sell : 0;
      if (live_.find(in.cl_ord_id) == core::id_table::k_absent && !live_.insert(in.cl_ord_id, state)) {
        ++counters_.untracked_orders;
      }
    } else if (in.kind == core::intent_kind::cancel) {
      if (std::uint32_t* state = live_.lookup(in.cl_ord_id)) *state |= k_live_cancel_sent;
    }
  }
}

}  // namespace tickrail::strategies
