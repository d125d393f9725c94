// tickrail/strategies/ladders.hpp — the two ladders.
//
//   ladder       one shot: on its signal, `rungs` buys from `first_below_ppm`
//                under the reference price down in steps of `step_ppm`,
//                rung k sized size_lots × (size_growth_permille/1000)^k
//                (larger bids deeper), each scaled by the regime. Placed
//                once; fills are not re-bid.
//   sell_ladder  take-profit ladder over a long position: `rungs` sells at
//                reference × (1 + first_above_ppm + k·step_ppm), the
//                position split evenly (the remainder on the last rung). The
//                reference is the higher of the average entry and the
//                highest mid seen since the ladder was placed; when it rises
//                by more than `ratchet_ppm` the working rungs are edited up
//                — the ladder ratchets, it never moves down.
#pragma once

#include <cstdint>

#include "tickrail/core/order_book.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/position_components.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {

struct ladder_params {
  std::uint32_t rungs = 5;
  std::int64_t first_below_ppm = 5'000;  // 0.5 % under the reference
  std::int64_t step_ppm = 5'000;
  core::lots size_lots = 0;
  std::int64_t size_growth_permille = 1000;  // 1000 = equal rungs
};

class ladder {
 public:
  ladder(const ladder_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids);
  // Places the whole ladder below `reference_ticks` (the mid, or a payload
  // price). Returns the number of rungs placed.
  std::size_t fire(core::ticks reference_ticks, const core::event_header& h, sizing r, intent_sink& sink) noexcept;

 private:
  ladder_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
};

struct sell_ladder_params {
  std::uint32_t rungs = 4;
  std::int64_t first_above_ppm = 10'000;  // 1 %
  std::int64_t step_ppm = 10'000;
  std::int64_t ratchet_ppm = 5'000;  // move up after the reference rose 0.5 %
};

class sell_ladder {
 public:
  sell_ladder(const sell_ladder_params& params, core::instrument_id instrument, std::uint16_t component,
              order_ids& ids);
  void on_book(const core::order_book& book, const position_view& pos, const core::event_header& h, sizing r,
               intent_sink& sink) noexcept;
  void on_exec(const core::exec_report& x) noexcept;
  [[nodiscard]] core::ticks reference() const noexcept { return reference_; }
  [[nodiscard]] std::size_t working() const noexcept { return working_.size(); }

 private:
  [[nodiscard]] core::ticks rung_price(std::uint32_t k) const noexcept;
  sell_ladder_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  working_orders working_;
  core::ticks reference_ = 0;  // 0 = no ladder placed
  core::ticks placed_at_ = 0;  // reference the working rungs were priced from
};

// ---- as bot components (registry.hpp) ----------------------------------------------

// One-shot: its signal places the whole ladder below the request's
// anchorPrice, or below the mid; refused when there is neither or nothing
// was placed.
struct ladder_component : component_hooks {
  using params = ladder_params;
  static constexpr std::string_view name = "ladder";
  static constexpr bool loop = false;
  static constexpr std::array signals{signal_name{"ladder"}};
  static absl::StatusOr<params> parse(const config_table& t);

  ladder_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  bool start(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    const core::ticks reference = v.anchor_ticks > 0 ? v.anchor_ticks : v.book != nullptr ? v.book->mid() : 0;
    return reference > 0 && impl.fire(reference, h, z, sink) > 0;
  }

  ladder impl;
};

// A loop; its signal is `tp` (also spelled sell_ladder).
struct sell_ladder_component : component_hooks {
  using params = sell_ladder_params;
  static constexpr std::string_view name = "sell_ladder";
  static constexpr bool loop = true;
  static constexpr std::array signals{signal_name{"tp"}, signal_name{"sell_ladder"}};
  static absl::StatusOr<params> parse(const config_table& t);

  sell_ladder_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_book(*v.book, v.position, h, z, sink);
  }
  void on_exec(const core::exec_report& x, const core::event_header&, sizing, intent_sink&) noexcept {
    impl.on_exec(x);
  }

  sell_ladder impl;
};

}  // namespace tickrail::strategies
