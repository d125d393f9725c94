// tickrail/strategies/position_components.hpp — the components that act on
// the bot's position rather than quote around the mid:
//
//   dip_buyer     scaled bids at configured distances below an anchor; a
//                 filled level is bid again at the same price.
//   min_order     position floor: every check_interval, while the position
//                 is below min_size, one trailing bid for exactly the gap at
//                 the best bid (edited as the bid moves, cancelled once the
//                 floor is reached).
//   take_profit   arms when the mid is trigger above the average entry,
//                 trails the high-water mark, sells the position at market
//                 (reduce-only) on a trail_offset pullback, re-arms after the
//                 cooldown.
//   threshold_tp  sells sell_pct of the position at market (reduce-only)
//                 when it exceeds threshold, one order at a time.
//
// Percentages are parts per million of the reference price (1 % = 10 000).
// Every size is scaled by the regime (buys by the buy multiplier, sells by
// the sell multiplier); a zero multiplier places nothing.
#pragma once

#include <array>
#include <cstdint>

#include "tickrail/core/order_book.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {

// ---- dip_buyer -------------------------------------------------------------------

struct dip_level {
  std::int64_t below_ppm = 0;  // distance below the anchor
  core::lots size_lots = 0;
};

struct dip_buyer_params {
  static constexpr std::size_t k_max_levels = 16;
  std::array<dip_level, k_max_levels> levels{};
  std::size_t level_count = 0;
  core::ticks anchor_ticks = 0;  // 0 = the first valid mid
};

class dip_buyer {
 public:
  dip_buyer(const dip_buyer_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids);
  void on_book(const core::order_book& book, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  void on_exec(const core::exec_report& x, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  void set_anchor(core::ticks anchor, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  [[nodiscard]] std::size_t working() const noexcept { return working_.size(); }

 private:
  void bid_level(std::size_t level, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  dip_buyer_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  working_orders working_;
  core::ticks anchor_ = 0;
};

// ---- min_order --------------------------------------------------------------------

struct min_order_params {
  core::lots min_size_lots = 0;
  std::int64_t check_interval_ns = 10'000'000'000;
};

class min_order {
 public:
  min_order(const min_order_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids);
  void on_book(const core::order_book& book, const position_view& pos, const core::event_header& h, sizing r,
               intent_sink& sink) noexcept;
  void on_exec(const core::exec_report& x) noexcept;
  [[nodiscard]] core::client_order_id working_id() const noexcept { return bid_.id; }

 private:
  min_order_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  working_order bid_{};
  std::int64_t last_check_ns_ = 0;
  bool checked_ = false;
};

// ---- take_profit --------------------------------------------------------------------

struct take_profit_params {
  std::int64_t trigger_ppm = 20'000;      // arm at entry × (1 + 2 %)
  std::int64_t trail_offset_ppm = 5'000;  // sell on a 0.5 % pullback from the high
  std::int64_t cooldown_ns = 60'000'000'000;
};

class take_profit {
 public:
  take_profit(const take_profit_params& params, core::instrument_id instrument, std::uint16_t component,
              order_ids& ids) noexcept
      : params_(params), instrument_(instrument), component_(component), ids_(ids) {}
  void on_book(const core::order_book& book, const position_view& pos, const core::event_header& h, sizing r,
               intent_sink& sink) noexcept;
  [[nodiscard]] bool armed() const noexcept { return armed_; }
  [[nodiscard]] core::ticks high_water() const noexcept { return high_; }

 private:
  take_profit_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  bool armed_ = false;
  core::ticks high_ = 0;
  std::int64_t cooldown_until_ns_ = INT64_MIN;
};

// ---- threshold_tp --------------------------------------------------------------------

struct threshold_tp_params {
  core::lots threshold_lots = 0;
  std::int64_t sell_permille = 250;  // 25 % of the position
};

class threshold_tp {
 public:
  threshold_tp(const threshold_tp_params& params, core::instrument_id instrument, std::uint16_t component,
               order_ids& ids) noexcept
      : params_(params), instrument_(instrument), component_(component), ids_(ids) {}
  void on_position(const position_view& pos, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  void on_exec(const core::exec_report& x) noexcept;
  [[nodiscard]] bool in_flight() const noexcept { return in_flight_ != 0; }

 private:
  threshold_tp_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  core::client_order_id in_flight_ = 0;
};

// ---- as bot components (registry.hpp) ----------------------------------------------

// A loop; an anchorPrice given with its start signal, or later while it
// runs, moves its anchor.
struct dip_buyer_component : anchored_loop<dip_buyer, dip_buyer_params> {
  using anchored_loop::anchored_loop;
  static constexpr std::string_view name = "dip_buyer";
  static constexpr std::array signals{signal_name{"dip_buyer"}};
  static absl::StatusOr<params> parse(const config_table& t);
};

struct min_order_component : component_hooks {
  using params = min_order_params;
  static constexpr std::string_view name = "min_order";
  static constexpr bool loop = true;
  static constexpr std::array signals{signal_name{"min_order"}};
  static absl::StatusOr<params> parse(const config_table& t);

  min_order_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_book(*v.book, v.position, h, z, sink);
  }
  void on_exec(const core::exec_report& x, const core::event_header&, sizing, intent_sink&) noexcept {
    impl.on_exec(x);
  }

  min_order impl;
};

// A loop with no signal of its own (started by the `start` list).
struct take_profit_component : component_hooks {
  using params = take_profit_params;
  static constexpr std::string_view name = "take_profit";
  static constexpr bool loop = true;
  static absl::StatusOr<params> parse(const config_table& t);

  take_profit_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_book(*v.book, v.position, h, z, sink);
  }

  take_profit impl;
};

// A loop on the position, checked on every book.
struct threshold_tp_component : component_hooks {
  using params = threshold_tp_params;
  static constexpr std::string_view name = "threshold_tp";
  static constexpr bool loop = true;
  static constexpr std::array signals{signal_name{"threshold_tp"}};
  static absl::StatusOr<params> parse(const config_table& t);

  threshold_tp_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_position(v.position, h, z, sink);
  }
  void on_exec(const core::exec_report& x, const core::event_header&, sizing, intent_sink&) noexcept {
    impl.on_exec(x);
  }

  threshold_tp impl;
};

// A reduce-only market sell of `qty` (the exit both take-profits send).
[[nodiscard]] core::order_intent market_exit(core::instrument_id instrument, std::uint16_t bot, std::uint16_t component,
                                             core::client_order_id id, core::side s, core::lots qty,
                                             const core::event_header& h) noexcept;

}  // namespace tickrail::strategies
