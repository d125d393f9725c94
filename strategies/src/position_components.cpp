#include "tickrail/strategies/position_components.hpp"

#include <algorithm>

#include "tickrail/core/check.hpp"

namespace tickrail::strategies {

core::order_intent market_exit(core::instrument_id instrument, std::uint16_t bot, std::uint16_t component,
                               core::client_order_id id, core::side s, core::lots qty,
                               const core::event_header& h) noexcept {
  core::order_intent in = make_intent(core::intent_kind::place, instrument, bot, component, h);
  in.cl_ord_id = id;
  in.order_side = s;
  in.qty_lots = qty;
  in.type = core::order_type::market;
  in.tif = core::time_in_force::immediate_or_cancel;
  in.flags = core::k_order_reduce_only;
  return in;
}

// ---- dip_buyer -------------------------------------------------------------------

dip_buyer::dip_buyer(const dip_buyer_params& params, core::instrument_id instrument, std::uint16_t component,
                     order_ids& ids)
    : params_(params), instrument_(instrument), component_(component), ids_(ids), working_(params.level_count * 2 + 4) {
  TR_CHECK(params.level_count > 0 && params.level_count <= dip_buyer_params::k_max_levels,
           "dip buyer needs 1..16 levels");
  for (std::size_t i = 0; i < params.level_count; ++i) {
    TR_CHECK(params.levels[i].below_ppm > 0 && params.levels[i].below_ppm < k_ppm && params.levels[i].size_lots > 0,
             "dip level needs a distance in (0, 100 %) and a size");
  }
}

void dip_buyer::on_book(const core::order_book& book, const core::event_header& h, sizing r,
                        intent_sink& sink) noexcept {
  if (anchor_ != 0) return;
  const core::ticks mid = book.mid();
  if (mid == 0) return;
  set_anchor(params_.anchor_ticks > 0 ? params_.anchor_ticks : mid, h, r, sink);
}

void dip_buyer::set_anchor(core::ticks anchor, const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  if (anchor <= 0) return;
  cancel_working(working_, instrument_, ids_.bot(), component_, h, sink);
  anchor_ = anchor;
  for (std::size_t i = 0; i < params_.level_count; ++i) bid_level(i, h, r, sink);
}

void dip_buyer::bid_level(std::size_t level, const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  const core::lots qty = scaled(params_.levels[level].size_lots, r, core::side::buy);
  const core::ticks price = scale_ppm(anchor_, -params_.levels[level].below_ppm);
  if (qty <= 0 || price <= 0) return;
  core::order_intent in = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
  in.cl_ord_id = ids_.next();
  in.order_side = core::side::buy;
  in.price_ticks = price;
  in.qty_lots = qty;
  if (!working_.add({in.cl_ord_id, core::side::buy, price, qty, 0, false, static_cast<std::int32_t>(level)})) return;
  if (!sink.push(in)) working_.remove(in.cl_ord_id);
}

void dip_buyer::on_exec(const core::exec_report& x, const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  working_order* o = working_.find(x.cl_ord_id);
  if (o == nullptr) return;
  if (x.kind == core::exec_kind::fill) {
    add_fill(o->filled_lots, x.last_qty_lots);
    if (o->filled_lots < o->qty_lots) return;
    const auto level = static_cast<std::size_t>(o->level);
    const bool live = !o->cancel_sent;
    working_.remove(x.cl_ord_id);
    if (live) bid_level(level, h, r, sink);  // re-bid the level that filled
    return;
  }
  if (ends_order(x) && x.state != core::order_state::filled) working_.remove(x.cl_ord_id);
}

// ---- min_order --------------------------------------------------------------------

min_order::min_order(const min_order_params& params, core::instrument_id instrument, std::uint16_t component,
                     order_ids& ids)
    : params_(params), instrument_(instrument), component_(component), ids_(ids) {
  TR_CHECK(params.min_size_lots > 0 && params.check_interval_ns > 0, "min_order needs a size and an interval");
}

void min_order::on_book(const core::order_book& book, const position_view& pos, const core::event_header& h, sizing r,
                        intent_sink& sink) noexcept {
  if (checked_ && h.local_ts_ns - last_check_ns_ < params_.check_interval_ns) return;
  if (!book.valid() || book.depth(core::side::buy) == 0) return;
  last_check_ns_ = h.local_ts_ns;
  checked_ = true;
  core::lots shortfall = 0;
  if (__builtin_sub_overflow(params_.min_size_lots, pos.position_lots, &shortfall)) shortfall = 0;
  const core::lots gap = scaled(shortfall, r, core::side::buy);
  const core::ticks best_bid = book.best(core::side::buy).price_ticks;
  if (gap <= 0 || best_bid <= 0) {  // floor reached, or no bid to trail (a non-positive price is no price)
    if (bid_.id != 0 && !bid_.cancel_sent) {
      core::order_intent in = make_intent(core::intent_kind::cancel, instrument_, ids_.bot(), component_, h);
      in.cl_ord_id = bid_.id;
      in.order_side = core::side::buy;
      if (sink.push(in)) bid_.cancel_sent = true;
    }
    return;
  }
  if (bid_.cancel_sent) return;  // wait for the venue
  if (bid_.id != 0 && bid_.price_ticks == best_bid && bid_.qty_lots - bid_.filled_lots == gap) return;
  core::order_intent in = make_intent(bid_.id == 0 ? core::intent_kind::place : core::intent_kind::replace, instrument_,
                                      ids_.bot(), component_, h);
  in.cl_ord_id = bid_.id == 0 ? ids_.next() : bid_.id;
  in.order_side = core::side::buy;
  in.price_ticks = best_bid;
  if (__builtin_add_overflow(bid_.filled_lots, gap, &in.qty_lots)) return;  // an edit sets the order's total amount
  if (!sink.push(in)) return;
  bid_.id = in.cl_ord_id;
  bid_.order_side = core::side::buy;
  bid_.price_ticks = best_bid;
  bid_.qty_lots = in.qty_lots;
}

void min_order::on_exec(const core::exec_report& x) noexcept {
  if (x.cl_ord_id == 0 || x.cl_ord_id != bid_.id) return;
  if (x.kind == core::exec_kind::fill) add_fill(bid_.filled_lots, x.last_qty_lots);
  if (ends_order(x) || bid_.filled_lots >= bid_.qty_lots) bid_ = working_order{};
}

// ---- take_profit --------------------------------------------------------------------

void take_profit::on_book(const core::order_book& book, const position_view& pos, const core::event_header& h, sizing r,
                          intent_sink& sink) noexcept {
  const core::ticks mid = book.mid();
  if (mid == 0) return;
  if (pos.position_lots <= 0 || pos.avg_entry_ticks <= 0) {
    armed_ = false;
    return;
  }
  if (!armed_) {
    if (h.local_ts_ns < cooldown_until_ns_ || mid < scale_ppm(pos.avg_entry_ticks, params_.trigger_ppm)) return;
    armed_ = true;
    high_ = mid;
    return;
  }
  high_ = std::max(high_, mid);
  if (mid > scale_ppm(high_, -params_.trail_offset_ppm)) return;
  const core::lots qty = scaled(pos.position_lots, r, core::side::sell);
  if (qty <= 0) return;  // gated: stay armed, try again on the next book
  if (!sink.push(market_exit(instrument_, ids_.bot(), component_, ids_.next(), core::side::sell, qty, h))) return;
  armed_ = false;
  cooldown_until_ns_ = h.local_ts_ns + params_.cooldown_ns;
}

// ---- threshold_tp --------------------------------------------------------------------

void threshold_tp::on_position(const position_view& pos, const core::event_header& h, sizing r,
                               intent_sink& sink) noexcept {
  if (in_flight_ != 0 || pos.position_lots <= params_.threshold_lots) return;
  const auto share = static_cast<core::int128_t>(pos.position_lots) * params_.sell_permille / 1000;
  const core::lots qty = scaled(share > INT64_MAX ? INT64_MAX : static_cast<core::lots>(share), r, core::side::sell);
  if (qty <= 0) return;
  const core::client_order_id id = ids_.next();
  if (sink.push(market_exit(instrument_, ids_.bot(), component_, id, core::side::sell, qty, h))) in_flight_ = id;
}

void threshold_tp::on_exec(const core::exec_report& x) noexcept {
  if (x.cl_ord_id != 0 && x.cl_ord_id == in_flight_ && ends_order(x)) in_flight_ = 0;
}

}  // namespace tickrail::strategies
