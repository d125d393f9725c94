#include "tickrail/core/order_tracker.hpp"

#include <cstring>

#include "tickrail/core/check.hpp"

namespace tickrail::core {

namespace {

std::string_view venue_id_of(const char (&id)[k_venue_order_id_size]) noexcept {
  return {id, strnlen(id, k_venue_order_id_size)};
}

// FNV-1a of a venue order id, never 0 (id_table's empty key).
std::uint64_t venue_key(std::string_view id) noexcept {
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : id) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h == 0 ? 1 : h;
}

std::uint64_t fill_key(instrument_id instrument, std::int64_t trade_seq) noexcept {
  return (static_cast<std::uint64_t>(instrument) + 1) << 48 |
         (static_cast<std::uint64_t>(trade_seq) & ((1ull << 48) - 1));
}

}  // namespace

order_tracker::order_tracker(std::size_t max_orders, std::size_t max_instruments, std::size_t fill_memory)
    : pool_(max_orders),
      retired_(max_orders),
      by_id_(max_orders),
      by_venue_id_(max_orders),
      requests_(k_request_memory),
      positions_(max_instruments),
      fills_seen_(fill_memory),
      fill_fifo_(fill_memory) {
  TR_CHECK(max_orders > 0 && fill_memory > 0, "order_tracker needs capacity");
  free_.reserve(max_orders);
  for (std::size_t i = max_orders; i-- > 0;) free_.push_back(static_cast<std::uint32_t>(i));
}

std::uint32_t order_tracker::allocate() noexcept {
  if (free_.empty()) {
    if (retired_.empty()) return id_table::k_absent;
    // Reuse the oldest finished order: late reports about it become foreign.
    const std::uint32_t index = retired_.pop();
    order& o = pool_[index];
    (void)by_id_.erase(o.id);
    if (o.venue_order_id[0] != '\0') (void)by_venue_id_.erase(venue_key(venue_id_of(o.venue_order_id)));
    o = order{};
    ++counters_.evicted;
    return index;
  }
  const std::uint32_t index = free_.back();
  free_.pop_back();
  return index;
}

void order_tracker::retire(std::uint32_t index) noexcept {
  --live_;
  (void)retired_.push(index);  // never full: one entry per pooled order
}

void order_tracker::index_venue_id(std::uint32_t index) noexcept {
  const order& o = pool_[index];
  if (o.venue_order_id[0] != '\0') (void)by_venue_id_.insert(venue_key(venue_id_of(o.venue_order_id)), index);
}

bool order_tracker::on_sent(order_request& r, std::int64_t request_id) noexcept {
  const order_intent& in = r.intent;
  request_slot& slot = requests_[static_cast<std::size_t>(request_id) % requests_.size()];
  slot = request_slot{request_id, in.cl_ord_id, in.kind};
  switch (in.kind) {
    case intent_kind::place: {
      if (in.cl_ord_id == 0 || by_id_.find(in.cl_ord_id) != id_table::k_absent) return false;
      const std::uint32_t index = allocate();
      if (index == id_table::k_absent) return false;
      order& o = pool_[index];
      o = order{};
      o.id = in.cl_ord_id;
      o.instrument = in.instrument;
      o.order_side = in.order_side;
      o.type = in.type;
      o.state = order_state::pending_new;
      o.qty_lots = in.qty_lots;
      o.price_ticks = in.price_ticks;
      (void)by_id_.insert(o.id, index);
      ++live_;
      return true;
    }
    case intent_kind::cancel:
    case intent_kind::replace: {
      const std::uint32_t index = by_id_.find(in.cl_ord_id);
      if (index == id_table::k_absent) return false;
      order& o = pool_[index];
      if (is_terminal(o.state)) return false;
      if (r.venue_order_id[0] == '\0') std::memcpy(r.venue_order_id, o.venue_order_id, sizeof(r.venue_order_id));
      if (in.kind == intent_kind::cancel) {
        o.in_flight = pending::cancel;
      } else if (o.in_flight != pending::cancel) {
        o.in_flight = pending::replace;
        o.replace_qty_lots = in.qty_lots;
        o.replace_price_ticks = in.price_ticks;
      }
      return true;
    }
    case intent_kind::cancel_by_label: {
      const std::uint32_t index = by_id_.find(in.cl_ord_id);
      if (index != id_table::k_absent && !is_terminal(pool_[index].state)) pool_[index].in_flight = pending::cancel;
      return index != id_table::k_absent;
    }
    case intent_kind::cancel_all:
    case intent_kind::cancel_instrument: return true;
  }
  return true;
}

client_order_id order_tracker::order_of_request(std::int64_t request_id) const noexcept {
  if (request_id < 0) return 0;
  const request_slot& slot = requests_[static_cast<std::size_t>(request_id) % requests_.size()];
  return slot.request_id == request_id ? slot.order : 0;
}

const order_tracker::order* order_tracker::find(client_order_id id) const noexcept {
  const std::uint32_t index = by_id_.find(id);
  return index == id_table::k_absent ? nullptr : &pool_[index];
}

const order_tracker::order* order_tracker::find_venue(std::string_view venue_order_id) const noexcept {
  if (venue_order_id.empty()) return nullptr;
  const std::uint32_t index = by_venue_id_.find(venue_key(venue_order_id));
  if (index == id_table::k_absent) return nullptr;
  const order& o = pool_[index];
  return venue_id_of(o.venue_order_id) == venue_order_id ? &o : nullptr;
}

const order_tracker::position& order_tracker::position_of(instrument_id instrument) const noexcept {
  static const position flat{};
  return instrument < positions_.size() ? positions_[instrument] : flat;
}

report_verdict order_tracker::on_report(event& e) noexcept {
  report_verdict v = report_verdict::applied;
  switch (e.exec.kind) {
    case exec_kind::order_ack:
    case exec_kind::order_update: v = on_order_report(e); break;
    case exec_kind::fill: v = on_fill(e); break;
    case exec_kind::position:
    case exec_kind::portfolio:
    case exec_kind::reject: break;
  }
  switch (v) {
    case report_verdict::applied: ++counters_.applied; break;
    case report_verdict::duplicate: ++counters_.duplicates; break;
    case report_verdict::stale: ++counters_.stale; break;
    case report_verdict::foreign: ++counters_.foreign; break;
  }
  return v;
}

std::uint32_t order_tracker::adopt(const event& e) noexcept {
  const exec_report& x = e.exec;
  if (is_terminal(x.state) || by_id_.full()) return id_table::k_absent;
  const std::uint32_t index = allocate();
  if (index == id_table::k_absent) return index;
  order& o = pool_[index];
  o = order{};
  o.id = x.cl_ord_id;
  o.instrument = e.header.instrument;
  o.order_side = x.order_side;
  o.type = x.type;
  o.state = order_state::pending_new;  // the report below moves it on
  o.qty_lots = x.qty_lots;
  o.price_ticks = x.price_ticks;
  (void)by_id_.insert(o.id, index);
  ++live_;
  ++counters_.adopted;
  return index;
}

report_verdict order_tracker::on_order_report(event& e) noexcept {
  exec_report& x = e.exec;
  std::uint32_t index = x.cl_ord_id != 0 ? by_id_.find(x.cl_ord_id) : id_table::k_absent;
  if (index == id_table::k_absent) {
    if (const order* o = find_venue(venue_id_of(x.venue_order_id)); o != nullptr) {
      index = static_cast<std::uint32_t>(o - pool_.data());
    }
  }
  if (index == id_table::k_absent) {
    if (x.cl_ord_id == 0) return report_verdict::foreign;
    index = adopt(e);  // ours, sent before a restart: reconciliation reports it
    if (index == id_table::k_absent) return report_verdict::stale;
  }
  order& o = pool_[index];
  if (o.venue_order_id[0] == '\0' && x.venue_order_id[0] != '\0') {
    std::memcpy(o.venue_order_id, x.venue_order_id, sizeof(o.venue_order_id));
    index_venue_id(index);
  }
  x.cl_ord_id = o.id;
  std::memcpy(x.venue_order_id, o.venue_order_id, sizeof(x.venue_order_id));

  if (is_terminal(o.state)) {
    const bool same = x.state == o.state && x.filled_lots == o.filled_lots;
    x.state = o.state;
    return same ? report_verdict::duplicate : report_verdict::stale;
  }
  if (x.filled_lots < o.filled_lots) return report_verdict::stale;

  const order_state before_state = o.visible_state();
  const lots before_filled = o.filled_lots, before_qty = o.qty_lots;
  const ticks before_price = o.price_ticks;
  if (o.in_flight == pending::replace && x.price_ticks == o.replace_price_ticks && x.qty_lots == o.replace_qty_lots) {
    o.in_flight = pending::none;  // the edit is confirmed
  }
  if (is_terminal(x.state)) {
    o.state = x.state;
    o.in_flight = pending::none;
  } else if (x.state != order_state::pending_new) {
    o.state = x.state;
  }
  o.filled_lots = x.filled_lots;
  if (o.in_flight != pending::replace) {
    // During an edit either version may be reported; keep the last known
    // terms until the new ones are confirmed.
    if (x.qty_lots > 0) o.qty_lots = x.qty_lots;
    if (x.price_ticks > 0) o.price_ticks = x.price_ticks;
  }
  x.state = o.visible_state();
  // Nothing moved: a duplicate — except the acknowledgement of a pending_new
  // order, which is forwarded even when it says nothing new.
  const bool unchanged = before_state == x.state && before_filled == o.filled_lots && before_qty == o.qty_lots &&
                         before_price == o.price_ticks;
  if (unchanged && (x.kind == exec_kind::order_update || before_state != order_state::pending_new)) {
    return report_verdict::duplicate;
  }
  if (is_terminal(o.state)) retire(index);
  return report_verdict::applied;
}

report_verdict order_tracker::on_fill(event& e) noexcept {
  exec_report& x = e.exec;
  const std::uint64_t key = fill_key(e.header.instrument, x.trade_seq);
  if (fills_seen_.find(key) != id_table::k_absent) {
    ++counters_.duplicate_fills;
    return report_verdict::duplicate;
  }
  std::uint64_t forgotten = 0;
  if (fill_fifo_.push_evicting(key, forgotten)) (void)fills_seen_.erase(forgotten);
  (void)fills_seen_.insert(key, 1);
  ++counters_.fills;

  const order* o = x.cl_ord_id != 0 ? find(x.cl_ord_id) : nullptr;
  if (o == nullptr) o = find_venue(venue_id_of(x.venue_order_id));
  if (o != nullptr) x.cl_ord_id = o->id;
  apply_fill(e.header.instrument, x.order_side, x.last_qty_lots, x.last_price_ticks);
  return report_verdict::applied;
}

void order_tracker::apply_fill(instrument_id instrument, side s, lots qty, ticks price) noexcept {
  if (instrument >= positions_.size()) return;
  (void)positions_[instrument].apply_fill(s, qty, price);
}

bool order_tracker::on_position_snapshot(instrument_id instrument, lots qty_lots, ticks avg_entry_ticks) noexcept {
  if (instrument >= positions_.size()) return false;
  position& p = positions_[instrument];
  if (p.qty_lots == qty_lots) return false;
  p.reset(qty_lots, avg_entry_ticks);
  ++counters_.position_corrections;
  return true;
}

exec_report& order_tracker::report_of(const order& o, exec_kind kind, std::int64_t local_ts_ns, event& out) noexcept {
  std::memset(&out, 0, sizeof(out));
  out.header = make_header(event_type::exec_report, o.instrument, local_ts_ns);
  exec_report& x = out.exec;
  x.kind = kind;
  x.state = o.visible_state();
  x.cl_ord_id = o.id;
  x.order_side = o.order_side;
  x.type = o.type;
  x.price_ticks = o.price_ticks;
  x.qty_lots = o.qty_lots;
  x.filled_lots = o.filled_lots;
  std::memcpy(x.venue_order_id, o.venue_order_id, sizeof(x.venue_order_id));
  return x;
}

bool order_tracker::on_error(std::int64_t request_id, std::int32_t code, std::int64_t local_ts_ns,
                             event& out) noexcept {
  if (request_id < 0) return false;
  const request_slot& slot = requests_[static_cast<std::size_t>(request_id) % requests_.size()];
  if (slot.request_id != request_id || slot.order == 0) return false;
  const std::uint32_t index = by_id_.find(slot.order);
  if (index == id_table::k_absent) return false;
  order& o = pool_[index];
  exec_report& x = report_of(o, exec_kind::reject, local_ts_ns, out);
  x.venue_error = code;
  x.request_id = request_id;
  if (slot.kind == intent_kind::place) {
    if (o.state == order_state::pending_new) {
      o.state = order_state::rejected;
      o.in_flight = pending::none;
      retire(index);
    }
  } else if (!is_terminal(o.state)) {
    o.in_flight = pending::none;  // the cancel or edit failed; the order stands
  }
  x.state = o.visible_state();
  return true;
}

bool order_tracker::close_missing(client_order_id id, std::int64_t local_ts_ns, event& out) noexcept {
  const std::uint32_t index = by_id_.find(id);
  if (index == id_table::k_absent) return false;
  order& o = pool_[index];
  if (is_terminal(o.state)) return false;
  o.state = order_state::cancelled;
  o.in_flight = pending::none;
  retire(index);
  report_of(o, exec_kind::order_update, local_ts_ns, out).state = order_state::cancelled;
  return true;
}

}  // namespace tickrail::core
