// tickrail/strategies/bracket.hpp — entry with a reduce-only stop-loss and
// take-profit, and no orphans.
//
//   start()        places the entry (limit, or market when price is 0).
//   entry filled   places the stop-loss (stop_market, reduce-only, trigger
//                  stop_ppm beyond the average fill price) and the
//                  take-profit (limit, reduce-only, take_ppm the other way),
//                  both for the filled quantity.
//   SL rejected    placement is retried up to `sl_retries` times; if it still
//                  fails the position is closed at market (reduce-only) and
//                  the take-profit cancelled — never a position without a
//                  stop.
//   one leg fills  the other is cancelled.
// Regime gating applies to the entry only: protective legs reduce a
// position that exists, and withholding them would be the larger risk.
#pragma once

#include <cstdint>

#include <optional>

#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {

struct bracket_params {
  core::side entry_side = core::side::buy;
  core::ticks entry_price_ticks = 0;  // 0 = market
  core::lots size_lots = 0;
  std::int64_t stop_ppm = 10'000;  // 1 % against the entry
  std::int64_t take_ppm = 20'000;  // 2 % in favour
  std::uint32_t sl_retries = 3;
};

enum class bracket_state : std::uint8_t { idle, entry_working, protected_, closing, done };

class bracket {
 public:
  bracket(const bracket_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids);

  // False when the regime gates the entry side (nothing placed).
  bool start(const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  void on_exec(const core::exec_report& x, const core::event_header& h, intent_sink& sink) noexcept;

  [[nodiscard]] bracket_state state() const noexcept { return state_; }
  [[nodiscard]] core::client_order_id stop_id() const noexcept { return sl_id_; }
  [[nodiscard]] core::client_order_id take_id() const noexcept { return tp_id_; }

 private:
  void place_stop(const core::event_header& h, intent_sink& sink) noexcept;
  void cancel(core::client_order_id id, const core::event_header& h, intent_sink& sink) noexcept;
  [[nodiscard]] core::side exit_side() const noexcept {
    return params_.entry_side == core::side::buy ? core::side::sell : core::side::buy;
  }

  bracket_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  bracket_state state_ = bracket_state::idle;
  core::client_order_id entry_id_ = 0, sl_id_ = 0, tp_id_ = 0, close_id_ = 0;
  core::lots entry_qty_ = 0, filled_ = 0;
  core::int128_t filled_notional_ = 0;  // Σ qty × price, for the average fill price
  core::ticks avg_fill_ = 0;
  std::uint32_t sl_attempts_ = 0;
};

// As a bot component (registry.hpp): one-shot, started by the `start`
// list; each start is a fresh bracket, refused while one is still open
// (one bracket at a time). Its protection legs see every exec report
// whatever the loops do.
struct bracket_component : component_hooks {
  using params = bracket_params;
  static constexpr std::string_view name = "bracket";
  static constexpr bool loop = false;
  static absl::StatusOr<params> parse(const config_table& t);

  bracket_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : params_(p), instrument_(instrument), component_(component), ids_(ids) {
    impl.emplace(p, instrument, component, ids);
  }
  void on_exec(const core::exec_report& x, const core::event_header& h, sizing, intent_sink& sink) noexcept {
    impl->on_exec(x, h, sink);
  }
  bool start(const bot_view&, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    const bracket_state s = impl->state();
    if (s == bracket_state::entry_working || s == bracket_state::protected_ || s == bracket_state::closing)
      return false;
    impl.emplace(params_, instrument_, component_, ids_);
    return impl->start(h, z, sink);
  }

  std::optional<bracket> impl;  // always engaged; made anew on each start

 private:
  bracket_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
};

}  // namespace tickrail::strategies
