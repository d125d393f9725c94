// tickrail/strategies/bot_impl.hpp — the definitions of basic_bot<List>
// (bot.hpp). bot.cpp instantiates them for the production list; include
// this only to instantiate the bot on another list (a test's).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <type_traits>
#include <utility>

#include "tickrail/strategies/bot.hpp"

namespace tickrail::strategies {
namespace bot_detail {

inline constexpr std::int64_t k_day_ns = 24LL * 3600 * 1'000'000'000;
inline constexpr std::int64_t k_4h_ns = 4LL * 3600 * 1'000'000'000;
inline constexpr std::uint32_t k_live_sell = 1u << 0;
inline constexpr std::uint32_t k_live_cancel_sent = 1u << 1;

}  // namespace bot_detail

template <typename List>
basic_bot<List>::basic_bot(const config_type& config, const core::instrument_catalog& catalog,
                           std::uint64_t first_order_counter)
    : config_(config),
      catalog_(catalog),
      ids_(config.id, first_order_counter),
      sequencer_(config.cancel_timeout_ns),
      classifier_(config.classifier ? config.classifier->params : classifier_params{}, config.initial_regime),
      live_(k_max_live_orders),
      marks_(catalog.size(), 0) {
  List::for_each([&]<typename C, std::size_t I>(std::type_identity<C>, std::integral_constant<std::size_t, I>) {
    if (const auto& params = std::get<I>(config_.tables)) {
      std::get<I>(components_).emplace(*params, config_.instrument, static_cast<std::uint16_t>(I + 1), ids_);
    }
  });
  if (config_.classifier) {
    const std::int64_t candles = bot_detail::k_day_ns / config_.classifier->candle_ns + 2;
    candles_.emplace(config_.classifier->candle_ns, static_cast<std::size_t>(candles));
  }
}

template <typename List>
template <typename F>
void basic_bot<List>::each(F&& f) noexcept {
  List::for_each([&]<typename C, std::size_t I>(std::type_identity<C>, std::integral_constant<std::size_t, I>) {
    if (std::optional<C>& slot = std::get<I>(components_)) f(*slot, std::integral_constant<std::size_t, I + 1>{});
  });
}

template <typename List>
bool basic_bot<List>::any_running() const noexcept {
  return std::any_of(running_.begin(), running_.end(), [](bool r) { return r; });
}

template <typename List>
std::optional<regime_change> basic_bot<List>::take_regime_change() noexcept {
  std::optional<regime_change> out = regime_change_;
  regime_change_.reset();
  return out;
}

template <typename List>
core::regime_multipliers basic_bot<List>::multipliers() const noexcept {
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

template <typename List>
void basic_bot<List>::on_event(const core::event& e, const core::book_builder& books, intent_sink& sink) noexcept {
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
    case core::event_type::timer: on_timer(e.header, sink); break;
    case core::event_type::command:
      if (e.cmd.bot == config_.id || e.cmd.bot == 0xFFFF) on_command(e, sink);
      break;
    default: break;
  }
  run_signals(e.header, books, sink);
  track(sink, first);
}

template <typename List>
void basic_bot<List>::on_book(const core::order_book& book, const core::event_header& h, intent_sink& sink) noexcept {
  if (!book.valid()) return;
  const core::ticks mid = book.mid();
  if (mid <= 0) return;
  candle(mid, h);
  last_mid_ = mid;
  const sizing z = multipliers();
  const bot_view v{&book, view_of(position_), 0};
  each([&]<typename C, std::size_t Id>(C& c, std::integral_constant<std::size_t, Id>) {
    if constexpr (C::loop) {
      if (running_[Id]) c.on_book(v, h, z, sink);
    }
  });
}

template <typename List>
void basic_bot<List>::on_timer(const core::event_header& h, intent_sink& sink) noexcept {
  const sizing z = multipliers();
  each([&]<typename C, std::size_t Id>(C& c, std::integral_constant<std::size_t, Id>) {
    if constexpr (C::loop) {
      if (running_[Id]) c.on_timer(h, z, sink);
    }
  });
}

template <typename List>
void basic_bot<List>::candle(core::ticks mid, const core::event_header& h) noexcept {
  if (!candles_ || venue_candles_) return;  // the venue's candles replace the sampled ones
  const std::int64_t index = h.local_ts_ns / config_.classifier->candle_ns;
  if (candle_index_ < 0) candle_index_ = index;
  if (index == candle_index_ || last_mid_ <= 0) return;
  candle_index_ = index;
  candles_->push(last_mid_);  // the closed candle's last mid
  poll_classifier(mid, funding_8h_e9_, h);
}

template <typename List>
void basic_bot<List>::on_candle(const core::event& e) noexcept {
  if (!candles_ || e.header.instrument != config_.instrument) return;  // not for this bot's classifier
  venue_candle c;
  std::int64_t period_ns = 0;
  if (!from_candle_command(e.cmd, c) || !core::ms_to_ns(c.period_ms, period_ns) ||
      period_ns != config_.classifier->candle_ns) {
    ++counters_.candles_refused;
    return;
  }
  if (venue_candles_ && c.open_ms <= last_candle_open_ms_) {
    ++counters_.candles_stale;  // a re-fetch repeats candles; out-of-order ones are dropped too
    return;
  }
  if (!venue_candles_) {
    // The first venue candle: the history arrives as a burst covering the
    // same hours the sampled candles did, so those go (no double counting).
    candles_->clear();
    venue_candles_ = true;
  }
  last_candle_open_ms_ = c.open_ms;
  ++counters_.candles_accepted;
  candles_->push(c.close_ticks);
  poll_classifier(c.close_ticks, c.funding_8h_e9 != k_funding_unknown ? c.funding_8h_e9 : funding_8h_e9_, e.header);
}

template <typename List>
void basic_bot<List>::poll_classifier(core::ticks price, std::int64_t funding_8h_e9,
                                      const core::event_header& h) noexcept {
  regime_inputs in;
  in.vol24h = candles_->annualised_vol(bot_detail::k_day_ns);
  in.vol4h = candles_->annualised_vol(bot_detail::k_4h_ns);
  in.funding = static_cast<double>(funding_8h_e9) / 1e9;
  in.drawdown = candles_->drawdown(bot_detail::k_day_ns);
  in.price_ticks = price;
  regime_change change;
  if (classifier_.poll(in, h.local_ts_ns, change)) {
    regime_change_ = change;
    ++counters_.regime_changes;
  }
}

template <typename List>
void basic_bot<List>::on_ticker(const core::event& e) noexcept {
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

template <typename List>
option_position* basic_bot<List>::option_slot(core::instrument_id id, bool create) noexcept {
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

template <typename List>
void basic_bot<List>::apply_fill(const core::exec_report& x, core::instrument_id instrument) noexcept {
  if (instrument == config_.instrument) {
    // A bot trades outright instruments: a non-positive fill price is
    // corrupt here (take-profit would trigger off it), so it is ignored.
    if (x.last_price_ticks > 0) (void)position_.apply_fill(x.order_side, x.last_qty_lots, x.last_price_ticks);
    return;
  }
  if (instrument >= catalog_.size() || catalog_[instrument].kind != core::instrument_kind::option) return;
  option_position* p = option_slot(instrument, true);
  if (p == nullptr || x.last_qty_lots <= 0) return;
  const core::lots d = x.order_side == core::side::buy ? x.last_qty_lots : -x.last_qty_lots;
  if (__builtin_add_overflow(p->qty_lots, d, &p->qty_lots)) p->qty_lots = INT64_MIN;  // trim_target skips it
  if (p->qty_lots == 0) *p = option_position{};
}

template <typename List>
void basic_bot<List>::on_exec(const core::event& e, intent_sink& sink) noexcept {
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
  // nothing in answer (a fill answered would be the loop running). The
  // bracket's protection legs run whatever the loops do (it ignores sizing).
  const sizing live = multipliers();
  const sizing gated = core::regime::black;
  each([&]<typename C, std::size_t Id>(C& c, std::integral_constant<std::size_t, Id>) {
    c.on_exec(x, h, running_[Id] ? live : gated, sink);
  });
}

template <typename List>
void basic_bot<List>::on_command(const core::event& e, intent_sink& sink) noexcept {
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
      for (std::size_t i = 0; i < request.step_count; ++i) {
        if (!List::known(request.steps[i])) {  // no component of this bot's list has that signal
          ++counters_.commands_refused;
          return;
        }
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
    case core::command_kind::candle: on_candle(e); return;
    default: return;
  }
}

template <typename List>
void basic_bot<List>::run_signals(const core::event_header& h, const core::book_builder& books,
                                  intent_sink& sink) noexcept {
  const bool was_waiting = sequencer_.waiting_on_cancels();
  while (const std::optional<signal> s = sequencer_.next(open_orders(), h.local_ts_ns)) run(*s, h, books, sink);
  if (was_waiting && sequencer_.timed_out() && !sequencer_.busy()) {
    ++counters_.cancel_timeouts;
    sequencer_.start(signal_request{});  // count once
  }
}

template <typename List>
void basic_bot<List>::run(signal s, const core::event_header& h, const core::book_builder& books,
                          intent_sink& sink) noexcept {
  ++counters_.signals_run;
  if (s == signal::start_bot) {
    for (const component_id c : config_.start) start(c, h, books, sink);
    return;
  }
  if (s == signal::cancel_all) {
    stop_loops();
    cancel_everything(h, sink);
    return;
  }
  // A component's signal: action 0 starts it, unless the bot runs its
  // signals (options).
  List::for_each([&]<typename C, std::size_t I>(std::type_identity<C>, std::integral_constant<std::size_t, I>) {
    if (static_cast<std::size_t>(s.component) != I + 1) return;
    if constexpr (C::run_by_bot) {
      static_assert(std::is_same_v<C, options_component>, "the bot runs the signals of options only");
      run_options(s.action, h, sink);
    } else {
      start(s.component, h, books, sink);
    }
  });
}

template <typename List>
void basic_bot<List>::run_options(std::uint8_t action, const core::event_header& h, intent_sink& sink) noexcept {
  switch (action) {
    case k_options_hedge: open_option(option_signal::hedge, h, sink); return;
    case k_options_long_call: open_option(option_signal::long_call, h, sink); return;
    case k_options_long_put: open_option(option_signal::long_put, h, sink); return;
    case k_options_trim: trim_option(h, sink); return;
    default: ++counters_.signals_refused; return;
  }
}

template <typename List>
void basic_bot<List>::start(component_id c, const core::event_header& h, const core::book_builder& books,
                            intent_sink& sink) noexcept {
  if (!config_.configured(c)) {
    ++counters_.signals_refused;
    return;
  }
  const sizing z = multipliers();
  const core::instrument_id in = config_.instrument;
  const bot_view v{in < books.instruments() ? &books.book(in) : nullptr, view_of(position_), request_anchor_};
  each([&]<typename C, std::size_t Id>(C& comp, std::integral_constant<std::size_t, Id>) {
    if (static_cast<std::size_t>(c) != Id) return;
    if constexpr (C::loop) {
      if (running_[Id]) return;  // already running: a payload anchor was applied to it directly
      running_[Id] = true;
    }
    // A loop sees the payload anchor given with its signal (it applied
    // before the signal ran: where a starting grid or dip buyer centres);
    // a one-shot acts now.
    if (!comp.start(v, h, z, sink)) ++counters_.signals_refused;
  });
}

template <typename List>
void basic_bot<List>::open_option(option_signal sig, const core::event_header& h, intent_sink& sink) noexcept {
  const std::optional<options_config>& options = config_.template get<options_component>();
  if (!options || venue_now_ms_ <= 0 || index_ticks_ <= 0) {
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
      catalog_, sig, position_.qty_lots, options->currency, options->strength, m, options->params, multipliers(),
      config_.id, static_cast<std::uint16_t>(List::template id_of<options_component>), ids_, h);
  if (!in || !sink.push(*in)) ++counters_.signals_refused;
}

template <typename List>
void basic_bot<List>::trim_option(const core::event_header& h, intent_sink& sink) noexcept {
  const std::optional<options_config>& options = config_.template get<options_component>();
  const option_position* target = options ? trim_target(options_, core::no_instrument) : nullptr;
  if (target == nullptr) {
    ++counters_.signals_refused;
    return;
  }
  core::lots contracts = 0;
  if (options->trim_contracts.mantissa > 0 &&
      catalog_[target->instrument].lot.to_units(options->trim_contracts, core::rounding::down, contracts) !=
          core::fp_error::ok) {
    contracts = 0;
  }
  if (options->trim_contracts.mantissa > 0 && contracts <= 0) {
    ++counters_.signals_refused;  // less than one lot of that option
    return;
  }
  const std::optional<core::order_intent> in =
      strategies::trim_option(catalog_, *target, contracts, options->trim_pct_ppm, multipliers(), config_.id,
                              static_cast<std::uint16_t>(List::template id_of<options_component>), ids_, h);
  if (!in || !sink.push(*in)) ++counters_.signals_refused;
}

template <typename List>
void basic_bot<List>::set_anchor(core::ticks anchor, const core::event_header& h, intent_sink& sink) noexcept {
  const sizing z = multipliers();
  each([&]<typename C, std::size_t Id>(C& c, std::integral_constant<std::size_t, Id>) {
    if (running_[Id]) c.on_anchor(anchor, h, z, sink);
  });
}

template <typename List>
void basic_bot<List>::set_regime(core::regime r, const core::event_header& h) noexcept {
  regime_change change;
  if (classifier_.set_manual(r, h.local_ts_ns, change)) {
    regime_change_ = change;
    ++counters_.regime_changes;
  }
}

template <typename List>
void basic_bot<List>::stop_loops() noexcept {
  for (std::size_t i = 0; i < List::count; ++i) {
    if (List::loops[i]) running_[i] = false;
  }
}

template <typename List>
void basic_bot<List>::cancel_everything(const core::event_header& h, intent_sink& sink) noexcept {
  // Components that keep state about their orders cancel them themselves
  // (so they start clean next time); the registry covers the rest.
  const std::size_t first = sink.intents().size();
  each([&]<typename C, std::size_t Id>(C& c, std::integral_constant<std::size_t, Id>) { c.stop(h, sink); });
  track(sink, first);
  live_.for_each([&](std::uint64_t id, std::uint32_t& state) {
    if ((state & bot_detail::k_live_cancel_sent) != 0) return;
    core::order_intent in = make_intent(core::intent_kind::cancel, config_.instrument, config_.id,
                                        static_cast<std::uint16_t>(component_id::bot), h);
    in.cl_ord_id = id;
    in.order_side = (state & bot_detail::k_live_sell) != 0 ? core::side::sell : core::side::buy;
    if (sink.push(in)) state |= bot_detail::k_live_cancel_sent;
  });
}

template <typename List>
void basic_bot<List>::track(intent_sink& sink, std::size_t from) noexcept {
  const auto intents = sink.intents();
  for (std::size_t i = from; i < intents.size(); ++i) {
    const core::order_intent& in = intents[i];
    if (in.bot != config_.id) continue;
    if (in.kind == core::intent_kind::place) {
      const std::uint32_t state = in.order_side == core::side::sell ? bot_detail::k_live_sell : 0;
      if (live_.find(in.cl_ord_id) == core::id_table::k_absent && !live_.insert(in.cl_ord_id, state)) {
        ++counters_.untracked_orders;
      }
    } else if (in.kind == core::intent_kind::cancel) {
      if (std::uint32_t* state = live_.lookup(in.cl_ord_id)) *state |= bot_detail::k_live_cancel_sent;
    }
  }
}

}  // namespace tickrail::strategies
