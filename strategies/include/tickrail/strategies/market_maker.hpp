// tickrail/strategies/market_maker.hpp — two-sided quoting at one of three
// profiles (main, fast, slow), with inventory skew and without churn.
//
// For level k = 0..orders_per_side-1 the targets are
//   bid_k = mid − skew − half_spread − k·level_step
//   ask_k = mid − skew + half_spread + k·level_step
// with skew = half_spread × inventory_skew_permille/1000 × position/size_lots
// (long → both quotes move down: less eager to buy, keener to sell; short →
// up). Sizes are `size_lots` scaled by the regime (a gated side is cancelled
// and not re-quoted). A working quote is edited (intent_kind::replace) only
// when its target moved more than `requote_tolerance_ticks` AND at least
// `refresh_interval_ns` passed since that quote was last sent — no churn on
// every tick. An empty level (filled, cancelled, rejected) is quoted again on
// the next valid book.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "tickrail/core/order_book.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {

struct market_maker_params {
  core::ticks half_spread_ticks = 10;
  core::ticks level_step_ticks = 5;
  std::uint32_t orders_per_side = 1;
  core::lots size_lots = 1;
  std::int64_t refresh_interval_ns = 1'000'000'000;
  core::ticks requote_tolerance_ticks = 2;
  std::int64_t inventory_skew_permille = 0;
  bool post_only = true;
};

// The three named profiles with their defaults (config overrides any field):
//   main  10 ticks, 3 per side, 1 s      fast  4 ticks, 1 per side, 200 ms
//   slow  30 ticks, 5 per side, 5 s
[[nodiscard]] std::optional<market_maker_params> market_maker_profile(std::string_view name) noexcept;

class market_maker {
 public:
  market_maker(const market_maker_params& params, core::instrument_id instrument, std::uint16_t component,
               order_ids& ids);

  // A valid book (others are ignored); `position_lots` is the bot's position
  // in the instrument.
  void on_book(const core::order_book& book, core::lots position_lots, const core::event_header& h, sizing r,
               intent_sink& sink) noexcept;
  void on_exec(const core::exec_report& x) noexcept;
  void stop(const core::event_header& h, intent_sink& sink) noexcept;

  [[nodiscard]] std::size_t working() const noexcept { return working_.size(); }

 private:
  struct slot {
    core::client_order_id id = 0;  // 0 = empty
    core::ticks price_ticks = 0;
    core::lots qty_lots = 0;
    std::int64_t sent_ns = 0;
    bool cancel_sent = false;
  };

  void quote(slot& s, core::side sd, core::ticks target, core::lots qty, const core::event_header& h,
             intent_sink& sink) noexcept;
  void cancel(slot& s, core::side sd, const core::event_header& h, intent_sink& sink) noexcept;
  slot* find(core::client_order_id id, core::side& sd) noexcept;

  market_maker_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  std::vector<slot> bids_, asks_;
  working_orders working_;  // for fills and terminal updates by id
};

// A market maker as a bot component (registry.hpp): a loop quoting around
// the mid, skewed by the bot's position. main_mm, fast_mm and slow_mm are
// the same component under three names, each parsed from its own profile.
struct market_maker_component : component_hooks {
  using params = market_maker_params;
  static constexpr bool loop = true;

  market_maker_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_book(*v.book, v.position.position_lots, h, z, sink);
  }
  void on_exec(const core::exec_report& x, const core::event_header&, sizing, intent_sink&) noexcept {
    impl.on_exec(x);
  }
  void stop(const core::event_header& h, intent_sink& sink) noexcept { impl.stop(h, sink); }

  market_maker impl;
};
struct main_mm_component : market_maker_component {
  static constexpr std::string_view name = "main_mm";
  static constexpr std::array signals{signal_name{"main_mm"}};
  static absl::StatusOr<params> parse(const config_table& t);
  using market_maker_component::market_maker_component;
};
struct fast_mm_component : market_maker_component {
  static constexpr std::string_view name = "fast_mm";
  static constexpr std::array signals{signal_name{"fast_mm"}};
  static absl::StatusOr<params> parse(const config_table& t);
  using market_maker_component::market_maker_component;
};
struct slow_mm_component : market_maker_component {
  static constexpr std::string_view name = "slow_mm";
  static constexpr std::array signals{signal_name{"slow_mm"}};
  static absl::StatusOr<params> parse(const config_table& t);
  using market_maker_component::market_maker_component;
};

}  // namespace tickrail::strategies
