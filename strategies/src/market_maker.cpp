#include "tickrail/strategies/market_maker.hpp"

#include <algorithm>

#include "tickrail/core/check.hpp"

namespace tickrail::strategies {

std::optional<market_maker_params> market_maker_profile(std::string_view name) noexcept {
  market_maker_params p;
  if (name == "main") {
    p.half_spread_ticks = 10;
    p.orders_per_side = 3;
    p.refresh_interval_ns = 1'000'000'000;
  } else if (name == "fast") {
    p.half_spread_ticks = 4;
    p.orders_per_side = 1;
    p.refresh_interval_ns = 200'000'000;
  } else if (name == "slow") {
    p.half_spread_ticks = 30;
    p.orders_per_side = 5;
    p.refresh_interval_ns = 5'000'000'000;
  } else {
    return std::nullopt;
  }
  return p;
}

market_maker::market_maker(const market_maker_params& params, core::instrument_id instrument, std::uint16_t component,
                           order_ids& ids)
    : params_(params),
      instrument_(instrument),
      component_(component),
      ids_(ids),
      bids_(params.orders_per_side),
      asks_(params.orders_per_side),
      working_(params.orders_per_side * 4) {
  TR_CHECK(params.orders_per_side > 0 && params.size_lots > 0 && params.half_spread_ticks > 0,
           "market maker needs levels, size and a spread");
}

void market_maker::on_book(const core::order_book& book, core::lots position_lots, const core::event_header& h,
                           sizing r, intent_sink& sink) noexcept {
  if (!book.valid() || book.depth(core::side::buy) == 0 || book.depth(core::side::sell) == 0) return;
  const core::ticks bid = book.best(core::side::buy).price_ticks;
  const core::ticks ask = book.best(core::side::sell).price_ticks;
  const core::ticks mid = core::midpoint(bid, ask);
  const core::int128_t skew = position_lots == 0 || params_.inventory_skew_permille == 0
                                  ? 0
                                  : static_cast<core::int128_t>(params_.half_spread_ticks) *
                                        params_.inventory_skew_permille * position_lots /
                                        (1000 * static_cast<core::int128_t>(params_.size_lots));
  // Targets off the int64 range (an absurd position) are not quoted.
  const auto target_of = [](core::int128_t t) -> core::ticks {
    return t <= 0 || t > INT64_MAX ? 0 : static_cast<core::ticks>(t);
  };
  const core::lots buy_qty = scaled(params_.size_lots, r, core::side::buy);
  const core::lots sell_qty = scaled(params_.size_lots, r, core::side::sell);
  for (std::uint32_t k = 0; k < params_.orders_per_side; ++k) {
    const core::int128_t offset = params_.half_spread_ticks + static_cast<core::int128_t>(k) * params_.level_step_ticks;
    // The skew leans quotes toward flattening the position, but never
    // across the touch: a bid at or above the best ask would take (or, post
    // only, be repriced by the venue and chased by edits forever).
    const core::int128_t buy = std::min<core::int128_t>(mid - skew - offset, ask - 1);
    const core::int128_t sell = std::max<core::int128_t>(mid - skew + offset, bid + 1);
    quote(bids_[k], core::side::buy, target_of(buy), buy_qty, h, sink);
    quote(asks_[k], core::side::sell, target_of(sell), sell_qty, h, sink);
  }
}

void market_maker::quote(slot& s, core::side sd, core::ticks target, core::lots qty, const core::event_header& h,
                         intent_sink& sink) noexcept {
  if (qty <= 0 || target <= 0) {
    if (s.id != 0) cancel(s, sd, h, sink);
    return;
  }
  if (s.cancel_sent) return;  // wait for the venue before re-using the level
  if (s.id != 0) {
    // The common case on a live feed: the quote is close enough, or was
    // sent too recently. Decided before any intent is built.
    const core::ticks moved = target > s.price_ticks ? target - s.price_ticks : s.price_ticks - target;
    const bool due = h.local_ts_ns - s.sent_ns >= params_.refresh_interval_ns;
    if ((moved <= params_.requote_tolerance_ticks && qty == s.qty_lots) || !due) return;
  }
  core::order_intent in = make_intent(s.id == 0 ? core::intent_kind::place : core::intent_kind::replace, instrument_,
                                      ids_.bot(), component_, h);
  in.order_side = sd;
  in.price_ticks = target;
  in.qty_lots = qty;
  in.flags = params_.post_only ? core::k_order_post_only : 0;
  if (s.id == 0) {
    in.cl_ord_id = ids_.next();
    if (!working_.add({in.cl_ord_id, sd, target, qty, 0, false, 0})) return;
    if (!sink.push(in)) {
      working_.remove(in.cl_ord_id);
      return;
    }
    s = {in.cl_ord_id, target, qty, h.local_ts_ns, false};
    return;
  }
  in.cl_ord_id = s.id;
  if (!sink.push(in)) return;
  s.price_ticks = target;
  s.qty_lots = qty;
  s.sent_ns = h.local_ts_ns;
}

void market_maker::cancel(slot& s, core::side sd, const core::event_header& h, intent_sink& sink) noexcept {
  if (s.cancel_sent) return;
  core::order_intent in = make_intent(core::intent_kind::cancel, instrument_, ids_.bot(), component_, h);
  in.cl_ord_id = s.id;
  in.order_side = sd;
  if (sink.push(in)) s.cancel_sent = true;
}

market_maker::slot* market_maker::find(core::client_order_id id, core::side& sd) noexcept {
  for (slot& s : bids_) {
    if (s.id == id) {
      sd = core::side::buy;
      return &s;
    }
  }
  for (slot& s : asks_) {
    if (s.id == id) {
      sd = core::side::sell;
      return &s;
    }
  }
  return nullptr;
}

void market_maker::on_exec(const core::exec_report& x) noexcept {
  if (x.cl_ord_id == 0) return;
  core::side sd = core::side::buy;
  slot* s = find(x.cl_ord_id, sd);
  working_order* w = working_.find(x.cl_ord_id);
  if (s == nullptr || w == nullptr) return;
  if (x.kind == core::exec_kind::fill) add_fill(w->filled_lots, x.last_qty_lots);
  if (w->filled_lots >= s->qty_lots || ends_order(x)) {
    working_.remove(x.cl_ord_id);
    *s = slot{};
  }
}

void market_maker::stop(const core::event_header& h, intent_sink& sink) noexcept {
  for (slot& s : bids_) {
    if (s.id != 0) cancel(s, core::side::buy, h, sink);
  }
  for (slot& s : asks_) {
    if (s.id != 0) cancel(s, core::side::sell, h, sink);
  }
}

}  // namespace tickrail::strategies
