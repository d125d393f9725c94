#include "tickrail/strategies/bracket.hpp"

#include "tickrail/core/check.hpp"
#include "tickrail/strategies/position_components.hpp"

namespace tickrail::strategies {

bracket::bracket(const bracket_params& params, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
    : params_(params), instrument_(instrument), component_(component), ids_(ids) {
  TR_CHECK(params.size_lots > 0 && params.stop_ppm > 0 && params.stop_ppm < k_ppm && params.take_ppm > 0,
           "bracket needs a size and positive stop / take distances");
}

bool bracket::start(const core::event_header& h, sizing r, intent_sink& sink) noexcept {
  if (state_ != bracket_state::idle) return false;
  const core::lots qty = scaled(params_.size_lots, r, params_.entry_side);
  if (qty <= 0) return false;
  core::order_intent in = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
  in.cl_ord_id = ids_.next();
  in.order_side = params_.entry_side;
  in.qty_lots = qty;
  if (params_.entry_price_ticks > 0) {
    in.price_ticks = params_.entry_price_ticks;
  } else {
    in.type = core::order_type::market;
    in.tif = core::time_in_force::immediate_or_cancel;
  }
  if (!sink.push(in)) return false;
  entry_id_ = in.cl_ord_id;
  entry_qty_ = qty;
  state_ = bracket_state::entry_working;
  return true;
}

void bracket::place_stop(const core::event_header& h, intent_sink& sink) noexcept {
  const bool long_entry = params_.entry_side == core::side::buy;
  core::order_intent in = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
  in.cl_ord_id = ids_.next();
  in.order_side = exit_side();
  in.qty_lots = filled_;
  in.type = core::order_type::stop_market;
  in.trigger_price_ticks = scale_ppm(avg_fill_, long_entry ? -params_.stop_ppm : params_.stop_ppm);
  in.flags = core::k_order_reduce_only;
  ++sl_attempts_;
  if (sink.push(in)) sl_id_ = in.cl_ord_id;
}

void bracket::cancel(core::client_order_id id, const core::event_header& h, intent_sink& sink) noexcept {
  if (id == 0) return;
  core::order_intent in = make_intent(core::intent_kind::cancel, instrument_, ids_.bot(), component_, h);
  in.cl_ord_id = id;
  (void)sink.push(in);
}

void bracket::on_exec(const core::exec_report& x, const core::event_header& h, intent_sink& sink) noexcept {
  if (x.cl_ord_id == 0) return;
  if (x.cl_ord_id == entry_id_ && state_ == bracket_state::entry_working) {
    if (x.kind == core::exec_kind::fill && x.last_qty_lots > 0) {
      add_fill(filled_, x.last_qty_lots);
      filled_notional_ += static_cast<core::int128_t>(x.last_qty_lots) * x.last_price_ticks;
    }
    const bool entry_over = filled_ >= entry_qty_ || ends_order(x);
    if (!entry_over) return;
    if (filled_ == 0) {  // cancelled or rejected before any fill
      state_ = bracket_state::done;
      return;
    }
    const core::int128_t avg = filled_notional_ / filled_;
    if (avg <= 0 || avg > INT64_MAX) {
      // Fill prices that make no sense leave nothing to place legs from:
      // close the position rather than hold it unprotected.
      close_id_ = ids_.next();
      if (sink.push(market_exit(instrument_, ids_.bot(), component_, close_id_, exit_side(), filled_, h))) {
        state_ = bracket_state::closing;
      }
      return;
    }
    avg_fill_ = static_cast<core::ticks>(avg);
    state_ = bracket_state::protected_;
    place_stop(h, sink);
    const bool long_entry = params_.entry_side == core::side::buy;
    core::order_intent tp = make_intent(core::intent_kind::place, instrument_, ids_.bot(), component_, h);
    tp.cl_ord_id = ids_.next();
    tp.order_side = exit_side();
    tp.qty_lots = filled_;
    tp.price_ticks = scale_ppm(avg_fill_, long_entry ? params_.take_ppm : -params_.take_ppm);
    tp.flags = core::k_order_reduce_only;
    // A take-profit that prices out of range is not placed; the stop still protects.
    if (tp.price_ticks > 0 && tp.price_ticks < INT64_MAX && sink.push(tp)) tp_id_ = tp.cl_ord_id;
    return;
  }
  if (state_ != bracket_state::protected_ && state_ != bracket_state::closing) return;
  const bool filled_leg = x.kind == core::exec_kind::fill ||
                          (x.kind == core::exec_kind::order_update && x.state == core::order_state::filled);
  if (x.cl_ord_id == sl_id_) {
    if (filled_leg) {
      cancel(tp_id_, h, sink);
      state_ = bracket_state::done;
    } else if (ends_order(x) && state_ == bracket_state::protected_) {
      // The stop did not take: retry, then close rather than stay unprotected.
      sl_id_ = 0;
      if (sl_attempts_ <= params_.sl_retries) {
        place_stop(h, sink);
      } else {
        cancel(tp_id_, h, sink);
        close_id_ = ids_.next();
        if (sink.push(market_exit(instrument_, ids_.bot(), component_, close_id_, exit_side(), filled_, h))) {
          state_ = bracket_state::closing;
        }
      }
    }
  } else if (x.cl_ord_id == tp_id_ && filled_leg) {
    cancel(sl_id_, h, sink);
    state_ = bracket_state::done;
  } else if (x.cl_ord_id == close_id_ && ends_order(x)) {
    state_ = bracket_state::done;
  }
}

}  // namespace tickrail::strategies
