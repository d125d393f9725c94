#include "soak/instant_venue.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <thread>

#include "tickrail/core/ring_batch.hpp"

namespace tickrail::soak {

namespace {

constexpr std::int32_t k_error_invalid_params = -32602;
constexpr char k_venue_id_prefix[] = "SOAK-";

bool is_stop(core::order_type t) noexcept {
  return t == core::order_type::stop_limit || t == core::order_type::stop_market || t == core::order_type::take_limit ||
         t == core::order_type::take_market;
}

}  // namespace

instant_venue::instant_venue(core::ring<core::order_request>& orders, core::ring<core::event>& exec,
                             const core::tsc_clock& clock, venue_clock venue, std::size_t max_orders)
    : orders_(orders),
      exec_(exec),
      clock_(clock),
      venue_(venue),
      pool_(max_orders),
      by_id_(max_orders),
      // A mass cancel of a full table, plus a batch of answers.
      waiting_(max_orders + 2 * k_max_batch) {}

std::size_t instant_venue::poll() noexcept {
  if (swap_requested_.value.load(std::memory_order_acquire)) {
    active_ ^= 1;
    swap_requested_.value.store(false, std::memory_order_release);
  }
  if (!flush()) return 0;
  const std::size_t n = core::consume(orders_, 0, k_max_batch, [this](const core::order_request& r) noexcept {
    const std::int64_t now = clock_.now_ns();
    if (r.intent.trigger_local_ts_ns > 0) {
      hist_[active_].record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - r.intent.trigger_local_ts_ns)));
    }
    answer(r, now);
    return waiting_.empty();  // the exec ring is full: take no more until it drains
  });
  if (n != 0) {
    counters_.requests.add(n);
    counters_.live.store(live_, std::memory_order_relaxed);
  }
  return n;
}

void instant_venue::answer(const core::order_request& r, std::int64_t now) noexcept {
  const core::order_intent& in = r.intent;
  const std::int64_t request_id = next_request_id_++;
  switch (in.kind) {
    case core::intent_kind::place:
      counters_.places.add();
      place(in, request_id, now);
      return;
    case core::intent_kind::replace: {
      counters_.replaces.add();
      std::uint32_t* index = by_id_.lookup(in.cl_ord_id);
      if (index == nullptr) return reject(in, k_error_order_not_found, request_id, now);
      resting& o = pool_[*index];
      if (in.price_ticks > 0) o.price_ticks = in.price_ticks;
      if (in.qty_lots > 0) o.qty_lots = in.qty_lots;
      return report(o, core::exec_kind::order_ack,
                    is_stop(o.type) ? core::order_state::untriggered : core::order_state::open, request_id, now);
    }
    case core::intent_kind::cancel: {
      counters_.cancels.add();
      const std::uint32_t index = by_id_.find(in.cl_ord_id);
      if (index == core::id_table::k_absent) return reject(in, k_error_order_not_found, request_id, now);
      report(pool_[index], core::exec_kind::order_ack, core::order_state::cancelled, request_id, now);
      return remove(index);
    }
    case core::intent_kind::cancel_by_label: {
      counters_.mass_cancels.add();
      const std::uint32_t index = by_id_.find(in.cl_ord_id);
      if (index == core::id_table::k_absent) return;  // Deribit answers a count of 0
      report(pool_[index], core::exec_kind::order_update, core::order_state::cancelled, 0, now);
      return remove(index);
    }
    case core::intent_kind::cancel_instrument:
    case core::intent_kind::cancel_all: {
      counters_.mass_cancels.add();
      const bool all = in.kind == core::intent_kind::cancel_all;
      // Backwards: remove() moves the last order into the hole, and the
      // last has been looked at already.
      for (std::size_t i = live_; i-- > 0;) {
        if (!all && pool_[i].instrument != in.instrument) continue;
        report(pool_[i], core::exec_kind::order_update, core::order_state::cancelled, 0, now);
        remove(static_cast<std::uint32_t>(i));
      }
      return;
    }
  }
}

void instant_venue::place(const core::order_intent& in, std::int64_t request_id, std::int64_t now) noexcept {
  if (in.cl_ord_id == 0 || in.qty_lots <= 0 || by_id_.find(in.cl_ord_id) != core::id_table::k_absent) {
    return reject(in, k_error_invalid_params, request_id, now);
  }
  if (live_ == pool_.size()) return reject(in, k_error_table_full, request_id, now);
  const resting o{in.cl_ord_id, in.instrument,  in.order_side, in.type,
                  in.flags,     in.price_ticks, in.qty_lots,   next_number_++};
  // Nothing to fill against: what must fill now or never is cancelled at once.
  const bool immediate = in.type == core::order_type::market || in.tif == core::time_in_force::immediate_or_cancel ||
                         in.tif == core::time_in_force::fill_or_kill;
  if (immediate) return report(o, core::exec_kind::order_ack, core::order_state::cancelled, request_id, now);
  pool_[live_] = o;
  by_id_.insert_new(o.id, static_cast<std::uint32_t>(live_));
  ++live_;
  report(o, core::exec_kind::order_ack, is_stop(o.type) ? core::order_state::untriggered : core::order_state::open,
         request_id, now);
}

void instant_venue::remove(std::uint32_t index) noexcept {
  (void)by_id_.erase(pool_[index].id);
  const std::size_t last = live_ - 1;
  if (index != last) {
    pool_[index] = pool_[last];
    *by_id_.lookup(pool_[index].id) = index;
  }
  live_ = last;
}

void instant_venue::report(const resting& o, core::exec_kind kind, core::order_state state, std::int64_t request_id,
                           std::int64_t now) noexcept {
  core::event e{};
  e.header = core::make_header(core::event_type::exec_report, o.instrument, now, venue_.venue_ms_ns(now),
                               static_cast<std::uint8_t>(core::venue::deribit));
  core::exec_report& x = e.exec;
  x.kind = kind;
  x.state = state;
  x.order_side = o.order_side;
  x.type = o.type;
  x.order_flags = o.flags;
  x.cl_ord_id = o.id;
  x.request_id = request_id;
  std::memcpy(x.venue_order_id, k_venue_id_prefix, sizeof(k_venue_id_prefix) - 1);
  (void)std::to_chars(x.venue_order_id + sizeof(k_venue_id_prefix) - 1, x.venue_order_id + sizeof(x.venue_order_id) - 1,
                      o.number);
  x.price_ticks = o.price_ticks;
  x.qty_lots = o.qty_lots;
  submit(e);
}

void instant_venue::reject(const core::order_intent& in, std::int32_t code, std::int64_t request_id,
                           std::int64_t now) noexcept {
  counters_.rejects.add();
  core::event e{};
  e.header = core::make_header(core::event_type::exec_report, in.instrument, now, venue_.venue_ms_ns(now),
                               static_cast<std::uint8_t>(core::venue::deribit));
  core::exec_report& x = e.exec;
  x.kind = core::exec_kind::reject;
  x.state = core::order_state::rejected;
  x.order_side = in.order_side;
  x.type = in.type;
  x.order_flags = in.flags;
  x.venue_error = code;
  x.cl_ord_id = in.cl_ord_id;
  x.request_id = request_id;
  x.price_ticks = in.price_ticks;
  x.qty_lots = in.qty_lots;
  submit(e);
}

void instant_venue::submit(const core::event& e) noexcept {
  if (waiting_.empty() && exec_.try_push(e)) {
    counters_.reports.add();
    return;
  }
  if (!waiting_.push(e)) counters_.lost.add();
}

bool instant_venue::flush() noexcept {
  while (!waiting_.empty()) {
    if (!exec_.try_push(waiting_.front())) return false;
    (void)waiting_.pop();
    counters_.reports.add();
  }
  return true;
}

bool instant_venue::take_interval(core::latency_histogram& into, std::chrono::milliseconds timeout) {
  swap_requested_.value.store(true, std::memory_order_release);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (swap_requested_.value.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  // The acquire above orders these reads after the venue's last write to
  // the histogram it has just left.
  const int idle = active_ ^ 1;
  into = hist_[idle];
  hist_[idle].reset();
  return true;
}

void instant_venue::take_rest(core::latency_histogram& into) const {
  into.merge(hist_[0]);
  into.merge(hist_[1]);
}

}  // namespace tickrail::soak
