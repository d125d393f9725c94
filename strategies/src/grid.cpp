#include "tickrail/strategies/grid.hpp"

#include "tickrail/core/check.hpp"

namespace tickrail::strategies {

grid::grid(const grid_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
    : params_(params), instrument_(instrument), component_(component), ids_(ids), working_(params.levels * 4 + 8) {
  TR_CHECK(params.levels > 0 && params.spacing_ticks > 0 && params.size_lots > 0,
           "grid needs levels, spacing and size");
  TR_CHECK(params.drift_threshold_ppm > 0, "grid needs a drift threshold");
}

void grid::on_book(const core::order_book& book, const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  if (!book.valid() || book.depth(core::side::buy) == 0 || book.depth(core::side::sell) == 0) return;
  const core::ticks bid = book.best(core::side::buy).price_ticks;
  const core::ticks ask = book.best(core::side::sell).price_ticks;
  const core::ticks mid = core::midpoint(bid, ask);
  if (!running_) {
    if (anchor_ == 0) anchor_ = params_.anchor_ticks > 0 ? params_.anchor_ticks : mid;
    running_ = true;
    place_grid(h, r, sink);
    return;
  }
  const core::ticks distance = mid > anchor_ ? mid - anchor_ : anchor_ - mid;
  if (static_cast<core::int128_t>(distance) * k_ppm >
      static_cast<core::int128_t>(anchor_) * params_.drift_threshold_ppm) {
    cancel_all(h, sink);
    anchor_ = mid;
    place_grid(h, r, sink);
  }
}

void grid::on_exec(const core::exec_report& x, const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  working_order* o = working_.find(x.cl_ord_id);
  if (o == nullptr) return;
  switch (x.kind) {
    case core::exec_kind::fill: {
      add_fill(o->filled_lots, x.last_qty_lots);
      if (o->filled_lots < o->qty_lots) return;
      const working_order done = *o;
      working_.remove(done.id);
      if (!running_) return;
      // Answer the filled level one spacing inward on the other side.
      const core::side other = done.order_side == core::side::buy ? core::side::sell : core::side::buy;
      const core::ticks price = offset_price(
          done.price_ticks, done.order_side == core::side::buy ? params_.spacing_ticks : -params_.spacing_ticks);
      const core::lots qty = scaled(done.qty_lots, r, other);
      if (qty > 0 && price > 0)
        place(other, price, qty, done.level + (done.order_side == core::side::buy ? 1 : -1), h, sink);
      return;
    }
    case core::exec_kind::order_update:
    case core::exec_kind::order_ack:
      // Fills drive a level's completion (the fill report carries the
      // quantity and price the answer needs); a `filled` update only
      // confirms it.
      if (x.state == core::order_state::cancelled || x.state == core::order_state::rejected)
        working_.remove(x.cl_ord_id);
      return;
    case core::exec_kind::reject: working_.remove(x.cl_ord_id); return;
    default: return;
  }
}

void grid::set_anchor(core::ticks anchor_ticks, const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  if (anchor_ticks <= 0) return;
  cancel_all(h, sink);
  anchor_ = anchor_ticks;
  running_ = true;
  place_grid(h, r, sink);
}

void grid::stop(const core::event_header& h, intent_sink& sink) noexcept {
  cancel_all(h, sink);
  running_ = false;
}

void grid::place_grid(const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  const core::lots buy_qty = scaled(params_.size_lots, r, core::side::buy);
  const core::lots sell_qty = scaled(params_.size_lots, r, core::side::sell);
  for (std::uint32_t k = 1; k <= params_.levels; ++k) {
    core::ticks offset = 0;
    if (__builtin_mul_overflow(static_cast<core::ticks>(k), params_.spacing_ticks, &offset)) break;
    const auto level = static_cast<std::int32_t>(k);
    const core::ticks bid = offset_price(anchor_, -offset), ask = offset_price(anchor_, offset);
    if (buy_qty > 0 && bid > 0) place(core::side::buy, bid, buy_qty, -level, h, sink);
    if (sell_qty > 0 && ask > 0) place(core::side::sell, ask, sell_qty, level, h, sink);
  }
}

void grid::place(core::side s, core::ticks price, core::lots qty, std::int32_t level, const core::event_header& h,
                 intent_sink& sink) noexcept {
  core::order_intent in = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
  in.cl_ord_id = ids_.next();
  in.order_side = s;
  in.price_ticks = price;
  in.qty_lots = qty;
  in.flags = params_.post_only ? core::k_order_post_only : 0;
  if (!working_.add({in.cl_ord_id, s, price, qty, 0, false, level})) return;  // full: place nothing untracked
  if (!sink.push(in)) working_.remove(in.cl_ord_id);
}

void grid::cancel_all(const core::event_header& h, intent_sink& sink) noexcept {
  cancel_working(working_, instrument_, ids_.bot(), component_, h, sink);
}

}  // namespace tickrail::strategies
