// tickrail/strategies/grid.hpp — symmetric grid maker.
//
// N buy levels below and N sell levels above an anchor, `spacing_ticks`
// apart, `size_lots` each (scaled by the regime's multiplier for the side;
// a gated side gets no orders). The anchor is `anchor_ticks` when given,
// else the mid of the first valid book. When the mid drifts from the anchor
// by more than `drift_threshold_ppm`, the grid re-anchors: every working
// order is cancelled and the grid is placed again around the mid. A filled
// level is answered on the other side one spacing inward (a filled buy at p
// becomes a sell at p + spacing), which is what makes a grid earn the
// spacing on each round trip.
#pragma once

#include <cstdint>

#include "tickrail/core/order_book.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {

struct grid_params {
  std::uint32_t levels = 5;  // per side
  core::ticks spacing_ticks = 0;
  core::lots size_lots = 0;                   // per level, before the regime multiplier
  core::ticks anchor_ticks = 0;               // 0 = the first valid mid
  std::int64_t drift_threshold_ppm = 20'000;  // 2 %
  bool post_only = true;
};

class grid {
 public:
  grid(const grid_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids);

  // After the sequencer applied a frame to the book; ignored unless valid.
  void on_book(const core::order_book& book, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  // Fills and order updates for this component's orders (others ignored).
  void on_exec(const core::exec_report& x, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  // The `anchorPrice` signal: re-anchor there now.
  void set_anchor(core::ticks anchor_ticks, const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  // Cancels every working order; the grid places nothing until re-anchored.
  void stop(const core::event_header& h, intent_sink& sink) noexcept;

  [[nodiscard]] core::ticks anchor() const noexcept { return anchor_; }
  [[nodiscard]] std::size_t working() const noexcept { return working_.size(); }

 private:
  void place_grid(const core::event_header& h, sizing r, intent_sink& sink) noexcept;
  void place(core::side s, core::ticks price, core::lots qty, std::int32_t level, const core::event_header& h,
             intent_sink& sink) noexcept;
  void cancel_all(const core::event_header& h, intent_sink& sink) noexcept;

  grid_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  working_orders working_;
  core::ticks anchor_ = 0;
  bool running_ = false;
};

// The grid as a bot component (registry.hpp): a loop; an anchorPrice given
// with its start signal, or later while it runs, re-centres it.
struct grid_component : anchored_loop<grid, grid_params> {
  using anchored_loop::anchored_loop;
  static constexpr std::string_view name = "grid";
  static constexpr std::array signals{signal_name{"grid"}};
  static absl::StatusOr<params> parse(const config_table& t);
};

}  // namespace tickrail::strategies
