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
//       event time crosses a candle boundary and polls.
//   ticker   marks (options), index and funding for the options and the
//            classifier.
//   exec     reports for its own orders (the bot field of the client order
//            id): fills move the position and average entry (the
//            perpetual's and each option's), terminal reports retire the
//            order; every component sees every report of the bot and
//            ignores ids it does not own. Portfolio reports give equity.
//   command  (bot = this id or 0xFFFF) signal: the payload's regime and
//            anchor apply first; a regime-only payload stops the loops and
//            leaves orders in place; otherwise the steps run through the
//            signal_sequencer. regime_set, anchor_price, cancel_all, stop
//            and kill (which stops the loops; risk cancels) act directly.
//
// Loops vs one-shots: grid, the market makers, dip_buyer, min_order,
// take_profit, threshold_tp, sell_ladder (`tp`) and ma_crossover run on
// every book once started; ladder, bracket and the options signals act once
// when run. `start_bot` starts the config's `start` list. cancel_all stops
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
#include "tickrail/strategies/bot_config.hpp"
#include "tickrail/strategies/signals.hpp"

namespace tickrail::strategies {

struct bot_counters {
  std::uint64_t signals_run = 0;
  std::uint64_t signals_refused = 0;    // unconfigured component, or nothing to act on (no book, no option)
  std::uint64_t commands_refused = 0;   // malformed signal commands
  std::uint64_t cancel_timeouts = 0;    // cancel_all not confirmed in time: rest of the request dropped
  std::uint64_t untracked_orders = 0;   // registry full: sent, but out of cancel_all's reach
                                        //   (risk's max_open_orders keeps this at 0)
  std::uint64_t regime_changes = 0;
};

class bot {
 public:
  static constexpr std::size_t k_max_live_orders = 1024;
  static constexpr std::size_t k_max_option_positions = 16;

  // `first_order_counter` seeds the client order ids (ms since the epoch ×
  // 1000 at start-up, so a restart never reuses one). The catalog must
  // outlive the bot. Not movable: components hold the id counter by reference.
  bot(const bot_config& config, const core::instrument_catalog& catalog, std::uint64_t first_order_counter);
  bot(const bot&) = delete;
  bot& operator=(const bot&) = delete;

  void on_event(const core::event& e, const core::book_builder& books, intent_sink& sink) noexcept;

  // The regime change the last on_event made (classifier, signal or
  // command), once; the stage records it and tells risk.
  [[nodiscard]] std::optional<regime_change> take_regime_change() noexcept;

  [[nodiscard]] std::uint16_t id() const noexcept { return config_.id; }
  [[nodiscard]] const bot_config& config() const noexcept { return config_; }
  [[nodiscard]] core::regime regime() const noexcept { return classifier_.effective(); }
  [[nodiscard]] bool running(component_id c) const noexcept { return running_[static_cast<std::size_t>(c)]; }
  [[nodiscard]] bool any_running() const noexcept;
  [[nodiscard]] const position_view& position() const noexcept { return position_; }
  [[nodiscard]] std::uint32_t open_orders() const noexcept { return static_cast<std::uint32_t>(live_.size()); }
  [[nodiscard]] const bot_counters& counters() const noexcept { return counters_; }
  [[nodiscard]] const signal_sequencer& sequencer() const noexcept { return sequencer_; }

 private:
  void on_book(const core::order_book& book, const core::event_header& h, intent_sink& sink) noexcept;
  void on_ticker(const core::event& e) noexcept;
  void on_exec(const core::event& e, intent_sink& sink) noexcept;
  void on_command(const core::event& e, intent_sink& sink) noexcept;
  void run_signals(const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept;
  void run(signal s, const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept;
  void start(component_id c, const core::event_header& h, const core::book_builder& books, intent_sink& sink) noexcept;
  void open_option(option_signal sig, const core::event_header& h, intent_sink& sink) noexcept;
  void trim_option(const core::event_header& h, intent_sink& sink) noexcept;
  void set_anchor(core::ticks anchor, const core::event_header& h, intent_sink& sink) noexcept;
  void set_regime(core::regime r, const core::event_header& h) noexcept;
  void stop_loops() noexcept;
  void cancel_everything(const core::event_header& h, intent_sink& sink) noexcept;
  void candle(core::ticks mid, const core::event_header& h) noexcept;
  // Registers what on_event pushed into the sink since `from`.
  void track(intent_sink& sink, std::size_t from) noexcept;
  void apply_fill(const core::exec_report& x, core::instrument_id instrument) noexcept;
  [[nodiscard]] option_position* option_slot(core::instrument_id id, bool create) noexcept;
  [[nodiscard]] core::regime_multipliers multipliers() const noexcept;

  bot_config config_;
  const core::instrument_catalog& catalog_;
  order_ids ids_;

  std::optional<grid> grid_;
  std::optional<market_maker> main_mm_, fast_mm_, slow_mm_;
  std::optional<dip_buyer> dip_buyer_;
  std::optional<min_order> min_order_;
  std::optional<take_profit> take_profit_;
  std::optional<threshold_tp> threshold_tp_;
  std::optional<ladder> ladder_;
  std::optional<sell_ladder> sell_ladder_;
  std::optional<ma_crossover> ma_crossover_;
  std::optional<bracket> bracket_;

  std::array<bool, k_component_count> running_{};
  signal_sequencer sequencer_;
  regime_classifier classifier_;
  std::optional<candle_window> candles_;
  std::int64_t candle_index_ = -1;  // local_ts_ns / candle_ns of the open candle
  core::ticks last_mid_ = 0;
  std::optional<regime_change> regime_change_;
  core::ticks request_anchor_ = 0;  // anchorPrice of the request being run (ladder reference)

  // Live orders of this bot: client order id → (side | cancel sent << 1).
  core::id_table live_;
  position_view position_{};
  core::int128_t entry_cost_ = 0;  // Σ |qty| × price of the open position, for the average entry
  std::array<option_position, k_max_option_positions> options_{};
  std::vector<core::ticks> marks_;  // by instrument id; 0 = none
  core::ticks index_ticks_ = 0;     // the bot instrument's index price
  std::int64_t funding_8h_e9_ = 0;
  std::int64_t equity_e8_ = 0;
  std::int64_t venue_now_ms_ = 0;  // latest venue timestamp seen (option expiries)
  bot_counters counters_{};
};

}  // namespace tickrail::strategies
