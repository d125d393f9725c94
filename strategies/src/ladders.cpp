#include "tickrail/strategies/ladders.hpp"

#include <algorithm>

#include "tickrail/core/check.hpp"

namespace tickrail::strategies {

ladder::ladder(const ladder_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
    : params_(params), instrument_(instrument), component_(component), ids_(ids) {
  TR_CHECK(params.rungs > 0 && params.size_lots > 0 && params.first_below_ppm >= 0 && params.step_ppm > 0 &&
               params.size_growth_permille > 0,
           "ladder needs rungs, a size, a positive step and growth");
}

std::size_t ladder::fire(core::ticks reference_ticks, const core::event_header& h, sizing r,
                         intent_sink& sink) noexcept {
  if (reference_ticks <= 0) return 0;
  std::size_t placed = 0;
  core::int128_t size = params_.size_lots;
  for (std::uint32_t k = 0; k < params_.rungs; ++k) {
    const std::int64_t below = params_.first_below_ppm + static_cast<std::int64_t>(k) * params_.step_ppm;
    const core::ticks price = scale_ppm(reference_ticks, -below);
    const core::lots qty =
        scaled(static_cast<core::lots>(std::min<core::int128_t>(size, INT64_MAX / 1000)), r, core::side::buy);
    size = size * params_.size_growth_permille / 1000;
    if (price <= 0 || qty <= 0) continue;
    core::order_intent in = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
    in.cl_ord_id = ids_.next();
    in.order_side = core::side::buy;
    in.price_ticks = price;
    in.qty_lots = qty;
    if (sink.push(in)) ++placed;
  }
  return placed;
}

sell_ladder::sell_ladder(const sell_ladder_params& params, core::instrument_id instrument, std::uint16_t component,
                         order_ids& ids)
    : params_(params), instrument_(instrument), component_(component), ids_(ids), working_(params.rungs * 2 + 4) {
  TR_CHECK(params.rungs > 0 && params.first_above_ppm > 0 && params.step_ppm > 0 && params.ratchet_ppm > 0,
           "sell ladder needs rungs and positive distances");
}

core::ticks sell_ladder::rung_price(std::uint32_t k) const noexcept {
  return scale_ppm(reference_, params_.first_above_ppm + static_cast<std::int64_t>(k) * params_.step_ppm);
}

void sell_ladder::on_book(const core::order_book& book, const position_view& pos, const core::event_header& h, sizing r,
                          intent_sink& sink) noexcept {
  const core::ticks mid = book.mid();
  if (mid == 0 || pos.position_lots <= 0 || pos.avg_entry_ticks <= 0) return;
  if (reference_ == 0) {
    // Place: split the position over the rungs, the remainder on the last.
    reference_ = std::max(pos.avg_entry_ticks, mid);
    placed_at_ = reference_;
    const core::lots total = scaled(pos.position_lots, r, core::side::sell);
    const core::lots each = total / params_.rungs;
    for (std::uint32_t k = 0; k < params_.rungs; ++k) {
      const core::lots qty = k + 1 == params_.rungs ? total - each * (params_.rungs - 1) : each;
      if (qty <= 0) continue;
      core::order_intent in = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
      in.cl_ord_id = ids_.next();
      in.order_side = core::side::sell;
      in.price_ticks = rung_price(k);
      if (in.price_ticks <= 0 || in.price_ticks == INT64_MAX) continue;
      in.qty_lots = qty;
      in.flags = core::k_order_reduce_only;
      if (!working_.add(
              {in.cl_ord_id, core::side::sell, in.price_ticks, qty, 0, false, static_cast<std::int32_t>(k)})) {
        continue;
      }
      if (!sink.push(in)) working_.remove(in.cl_ord_id);
    }
    return;
  }
  reference_ = std::max(reference_, mid);
  if (static_cast<core::int128_t>(reference_ - placed_at_) * k_ppm <=
      static_cast<core::int128_t>(placed_at_) * params_.ratchet_ppm) {
    return;
  }
  // Ratchet: edit every working rung up to its price from the new reference.
  placed_at_ = reference_;
  working_.for_each([&](working_order& o) {
    if (o.cancel_sent) return;
    core::order_intent in = make_intent(core::intent_kind::replace, instrument_, ids_.bot(), component_, h);
    in.cl_ord_id = o.id;
    in.order_side = core::side::sell;
    in.price_ticks = rung_price(static_cast<std::uint32_t>(o.level));
    if (in.price_ticks <= 0 || in.price_ticks == INT64_MAX) return;
    in.qty_lots = o.qty_lots;
    in.flags = core::k_order_reduce_only;
    if (sink.push(in)) o.price_ticks = in.price_ticks;
  });
}

void sell_ladder::on_exec(const core::exec_report& x) noexcept {
  working_order* o = working_.find(x.cl_ord_id);
  if (o == nullptr) return;
  if (x.kind == core::exec_kind::fill) add_fill(o->filled_lots, x.last_qty_lots);
  if (o->filled_lots >= o->qty_lots || ends_order(x)) working_.remove(x.cl_ord_id);
  if (working_.size() == 0) reference_ = 0;  // all rungs done: a new position gets a new ladder
}

}  // namespace tickrail::strategies
