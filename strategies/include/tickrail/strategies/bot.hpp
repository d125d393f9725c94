// tickrail/strategies/bot.hpp — one configured bot: its components, its
// regime, its position, the orders it has live, and the signals that start
// and stop it.
//
// The strategy stage calls on_event for every sequenced event after the book
// builder applied it (strategy_stage.hpp). What the bot does with each:
//
//   book frame (its instrument, complete, valid)
//       every running loop component sees the book and the bot's position;
//       the regime classifier (if configured) closes a candle when the
//       event time crosses a candle boundary and polls — until the first
//       venue candle arrives (below); the last mid is tracked either way.
//   ticker   marks (options), index and funding for the options and the
//            classifier.
//   exec     reports for its own orders (the bot field of the client order
//            id): fills move the position and average entry (a
//            core::position: the one average-entry rule) and each option's, terminal reports retire the
//            order; every component sees every report of the bot and
//            ignores ids it does not own. Portfolio reports give equity.
//   command  (bot = this id or 0xFFFF) signal: the payload's regime and
//            anchor apply first; a regime-only payload stops the loops and
//            leaves orders in place; otherwise the steps run through the
//            signal_sequencer. regime_set, anchor_price, cancel_all, stop
//            and kill (which stops the loops; risk cancels) act directly.
//            candle (candle_command.hpp; header.instrument = this bot's
//            instrument, else ignored; ignored without a classifier): a
//            period other than the classifier's candle period, or a
//            malformed payload, is refused (candles_refused); one not newer
//            than the last accepted open time is dropped (candles_stale).
//            An accepted close is pushed into the candle window and the
//            classifier polls with the same inputs as for a sampled candle
//            (the candle's funding when it has one, else the ticker's). The
//            first accepted one clears the sampled closes and ends
//            sampling: from then on the venue's candles are the history.
//
// The components come from a component list (registry.hpp): basic_bot<List>
// stores one optional component per entry (constructed when configured) and
// dispatches every hook with a fold over the list — no virtual call, no
// allocation. `bot` is the production list's (components.hpp); a test
// instantiates basic_bot on a list extended with its own component
// (bot_impl.hpp has the definitions).
//
// Loops vs one-shots (each component's `loop` trait): grid, the market
// makers, dip_buyer, min_order, take_profit, threshold_tp, sell_ladder
// (`tp`) and ma_crossover run on every book once started; ladder, bracket
// and the options signals act once when run. `start_bot` starts the config's `start` list. cancel_all stops
// every loop, cancels every live order of the bot (component-owned orders
// through their component, the rest directly) and holds later signals until
// the venue confirmed each cancel.
//
// No allocation after construction; no clock (event times only).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/id_table.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/position.hpp"
#include "tickrail/strategies/bot_config.hpp"
#include "tickrail/strategies/candle_command.hpp"
#include "tickrail/strategies/components.hpp"
#include "tickrail/strategies/signals.hpp"

namespace tickrail::strategies {

struct bot_counters {
  std::uint64_t signals_run = 0;
  std::uint64_t signals_refused = 0;   // unconfigured component, or nothing to act on (no book, no option)
  std::uint64_t commands_refused = 0;  // malformed signal commands
  std::uint64_t cancel_timeouts = 0;   // cancel_all not confirmed in time: rest of the request dropped
  std::uint64_t untracked_orders = 0;  // registry full: sent, but out of cancel_all's reach
                                       //   (risk's max_open_orders keeps this at 0)
  std::uint64_t regime_changes = 0;
  std::uint64_t candles_accepted = 0;  // venue candles pushed into the classifier's window
  std::uint64_t candles_refused = 0;   // malformed, or a period other than the classifier's
  std::uint64_t candles_stale = 0;     // not newer than the last accepted one (re-fetch, reordering)
};

template <typename List>
class basic_bot {
 public:
  using components = List;
  using config_type = basic_bot_config<List>;
  static constexpr std::size_t k_max_live_orders = 1024;
  static constexpr std::size_t k_max_option_positions = 16;

  // `first_order_counter` seeds the client order ids (ms since the epoch ×
  // 1000 at start-up, so a restart never reuses one). The catalog must
  // outlive the bot. Not movable: components hold the id counter by reference.
  basic_bot(const config_type& config, const core::instrument_catalog& catalog, std::uint64_t first_order_counter);
  basic_bot(const basic_bot&) = delete;
  basic_bot& operator=(const basic_bot&) = delete;

  void on_event(const core::event& e, const core::book_builder& books, intent_sink& sink) noexcept;

  // The regime change the last on_event made (classifier, signal or
  // command), once; the stage records it and tells risk.
  [[nodiscard]] std::optional<regime_change> take_regime_change() noexcept;

  [[nodiscard]] std::uint16_t id() const noexcept { return config_.id; }
  [[nodiscard]] const config_type& config() const noexcept { return config_; }
  [[nodiscard]] core::regime regime() const noexcept { return classifier_.effective(); }
  [[nodiscard]] bool running(component_id c) const noexcept { return running_[static_cast<std::size_t>(c)]; }
  [[nodiscard]] bool any_running() const noexcept;
  // Quantity and average entry of the bot's core::position in its instrument.
  [[nodiscard]] position_view position() const noexcept { return view_of(position_); }
  [[nodiscard]] std::uint32_t open_orders() const noexcept { return static_cast<std::uint32_t>(live_.size()); }
  [[nodiscard]] const bot_counters& counters() const noexcept { return counters_; }
  [[nodiscard]] const signal_sequencer& sequencer() const noexcept { return sequencer_; }
  // The classifier's candle window; nullptr without a classifier.
  [[nodiscard]] const candle_window* candles() const noexcept { return candles_ ? &*candles_ : nullptr; }
  // Component C, if configured (tests look inside).
  template <typename C>
  [[nodiscard]] const std::optional<C>& component() const noexcept {
    return std::get<static_cast<std::size_t>(List::template id_of<C>) - 1>(components_);
  }

 private:
  // Calls f(component&, std::integral_constant<std::size_t, id>) for every
  // configured component, in list order (a fold: one inlined call each).
  template <typename F>
  void each(F&& f) noexcept;

  void on_book(const core::order_book& book, const core::event_header& h, intent_sink& sink) noexcept;
  void on_timer(const core::event_header& h, intent_sink& sink) noexcept;
  void on_ticker(const core::event& e) noexcept;
  void on_exec(const core::event& e, intent_sink& sink) noexcept;
  void on_command(const core::event& e, intent_sink& sink) noexcept;
  void run_signals(const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept;
  void run(signal s, const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept;
  void start(component_id c, const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept;
  void run_options(std::uint8_t action, const core::event_header& h, intent_sink& sink) noexcept;
  void open_option(option_signal sig, const core::event_header& h, intent_sink& sink) noexcept;
  void trim_option(const core::event_header& h, intent_sink& sink) noexcept;
  void set_anchor(core::ticks anchor, const core::event_header& h, intent_sink& sink) noexcept;
  void set_regime(core::regime r, const core::event_header& h) noexcept;
  void stop_loops() noexcept;
  void cancel_everything(const core::event_header& h, intent_sink& sink) noexcept;
  void candle(core::ticks mid, const core::event_header& h) noexcept;
  void on_candle(const core::event& e) noexcept;
  void poll_classifier(core::ticks price, std::int64_t funding_8h_e9, const core::event_header& h) noexcept;
  // Registers what on_event pushed into the sink since `from`.
  void track(intent_sink& sink, std::size_t from) noexcept;
  void apply_fill(const core::exec_report& x, core::instrument_id instrument) noexcept;
  [[nodiscard]] option_position* option_slot(core::instrument_id id, bool create) noexcept;
  [[nodiscard]] core::regime_multipliers multipliers() const noexcept;

  config_type config_;
  const core::instrument_catalog& catalog_;
  order_ids ids_;

  typename List::storage components_;
  std::array<bool, List::count> running_{};
  signal_sequencer sequencer_;
  regime_classifier classifier_;
  std::optional<candle_window> candles_;
  std::int64_t candle_index_ = -1;  // local_ts_ns / candle_ns of the open candle
  bool venue_candles_ = false;      // a venue candle was accepted: no more sampling from mids
  std::int64_t last_candle_open_ms_ = -1;
  core::ticks last_mid_ = 0;
  std::optional<regime_change> regime_change_;
  core::ticks request_anchor_ = 0;  // anchorPrice of the request being run (ladder reference)

  // Live orders of this bot: client order id → (side | cancel sent << 1).
  core::id_table live_;
  core::position position_{};  // in the bot's instrument
  std::array<option_position, k_max_option_positions> options_{};
  std::vector<core::ticks> marks_;  // by instrument id; 0 = none
  core::ticks index_ticks_ = 0;     // the bot instrument's index price
  std::int64_t funding_8h_e9_ = 0;
  std::int64_t equity_e8_ = 0;
  std::int64_t venue_now_ms_ = 0;  // latest venue timestamp seen (option expiries)
  bot_counters counters_{};
};

extern template class basic_bot<production_components>;
using bot = basic_bot<production_components>;

}  // namespace tickrail::strategies
