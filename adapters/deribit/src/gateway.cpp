#include "tickrail/deribit/gateway.hpp"

#include <algorithm>
#include <cstring>

#include "tickrail/core/events.hpp"
#include "tickrail/core/ring_batch.hpp"

namespace tickrail::deribit {

gateway::gateway(boost::asio::io_context& io, gateway_config config, const core::instrument_catalog& catalog,
                 core::ring<core::order_request>& orders, std::size_t consumer, core::ring<core::event>& exec_out)
    : io_(io),
      config_(std::move(config)),
      encoder_(catalog, config_.label_prefix),
      tracker_(config_.max_orders, std::max<std::size_t>(catalog.size(), 1)),
      limiter_(config_.credits, 0),
      session_(io, config_.session, catalog, encoder_, *this),
      orders_(orders),
      consumer_(consumer),
      exec_out_(exec_out),
      overflow_(std::max<std::size_t>(config_.overflow_events, 1)) {
  listed_.reserve(config_.max_orders);
}

gateway::~gateway() = default;

void gateway::start(std::int64_t now_ns) {
  now_ns_ = now_ns;
  limiter_ = core::credit_limiter(config_.credits, now_ns);
  session_.start(now_ns);
}

void gateway::stop(std::int64_t now_ns, bool cancel_all) {
  now_ns_ = now_ns;
  session_.stop(now_ns, cancel_all);
}

std::size_t gateway::poll(std::int64_t now_ns) {
  now_ns_ = now_ns;
  // An io_context that ran out of work (between connections) stops and
  // must be restarted before it runs handlers again.
  if (io_.stopped()) io_.restart();
  std::size_t work = io_.poll();
  session_.poll(now_ns);
  work += flush_overflow();
  work += drain_orders();
  return work;
}

// ---- orders out ------------------------------------------------------------------------

std::size_t gateway::drain_orders() {
  const core::sequence_range batch = core::read_batch(orders_, consumer_, orders_.capacity());
  std::size_t n = 0;
  for (core::sequence_t seq = batch.first; seq <= batch.last; ++seq) {
    const core::order_request& r = orders_.slot(seq);
    const bool ready = session_.ready();
    if (ready && limiter_.take(config_.credits_per_request, now_ns_)) {
      if (!send(r)) break;  // the write queue is full: try again next turn (credit spent, conservatively)
    } else {
      // Waiting for credits, or for the session (reconnecting, reconciling).
      if (blocked_seq_ != seq) {
        blocked_seq_ = seq;
        blocked_since_ns_ = now_ns_;
      }
      if (now_ns_ - blocked_since_ns_ < std::chrono::nanoseconds(config_.max_send_wait).count()) break;
      // Too late to be the order it was meant to be: rejected, never sent.
      ++(ready ? counters_.rate_limited : counters_.unsent_disconnected);
      reject_unsent(r, ready ? k_error_rate_limited : k_error_disconnected);
    }
    blocked_seq_ = -1;
    orders_.release(consumer_, seq);
    ++n;
  }
  return n;
}

bool gateway::send(core::order_request r) {
  const std::int64_t id = session_.next_id();
  const bool tracked = tracker_.on_sent(r, id);
  if (!tracked && r.intent.kind == core::intent_kind::place) {
    // A duplicate id or a tracker full of live orders: never sent.
    reject_unsent(r, k_error_unencodable);
    return true;
  }
  encoded_order out;
  const encode_error err = encoder_.encode(r, id, frame_, out);
  if (err != encode_error::ok) {
    ++counters_.unencodable;
    core::event e{};
    if (tracker_.on_error(id, k_error_unencodable, now_ns_, e)) {
      publish(e);
    } else {
      reject_unsent(r, k_error_unencodable);
    }
    return true;
  }
  if (!session_.send_order(std::string_view(frame_.data(), out.size), id, now_ns_)) {
    // Not sent after all: undo what the tracker recorded, keep the request.
    core::event ignored{};
    (void)tracker_.on_error(id, k_error_disconnected, now_ns_, ignored);
    if (r.intent.kind == core::intent_kind::place) {
      reject_unsent(r, k_error_disconnected);
      return true;
    }
    return false;
  }
  ++counters_.sent;
  if (latency_ != nullptr && r.intent.trigger_local_ts_ns > 0) {
    latency_->record(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, clock_->now_ns() - r.intent.trigger_local_ts_ns)));
  }
  return true;
}

void gateway::reject_unsent(const core::order_request& r, std::int32_t code) {
  core::event e{};
  e.header = core::make_header(core::event_type::exec_report, r.intent.instrument, now_ns_);
  core::exec_report& x = e.exec;
  x.kind = core::exec_kind::reject;
  x.venue_error = code;
  x.cl_ord_id = r.intent.cl_ord_id;
  x.order_side = r.intent.order_side;
  x.type = r.intent.type;
  x.price_ticks = r.intent.price_ticks;
  x.qty_lots = r.intent.qty_lots;
  std::memcpy(x.venue_order_id, r.venue_order_id, sizeof(x.venue_order_id));
  const core::order_tracker::order* o = tracker_.find(r.intent.cl_ord_id);
  x.state =
      r.intent.kind == core::intent_kind::place || o == nullptr ? core::order_state::rejected : o->visible_state();
  ++counters_.rejected;
  publish(e);
}

// ---- reports in ------------------------------------------------------------------------

void gateway::publish(const core::event& e) {
  if (e.header.type == core::event_type::exec_report && e.exec.kind == core::exec_kind::order_ack &&
      (e.header.flags & core::k_exec_reconciled) == 0 && !core::is_terminal(e.exec.state)) {
    ++counters_.acks;
  }
  if (overflow_.empty() && exec_out_.try_push(e)) {
    ++counters_.published;
    return;
  }
  if (!overflow_.push(e)) {
    ++counters_.lost;  // both full: reconciliation repairs it
    return;
  }
  ++counters_.overflowed;
}

std::size_t gateway::flush_overflow() {
  std::size_t n = 0;
  while (!overflow_.empty() && exec_out_.try_push(overflow_.front())) {
    (void)overflow_.pop();
    ++counters_.published;
    ++n;
  }
  return n;
}

void gateway::on_exec(std::span<const core::event> events, bool reconciled) {
  for (const core::event& in : events) {
    core::event e = in;
    const core::exec_report& x = e.exec;
    if (reconciled) {
      e.header.flags |= core::k_exec_reconciled;
      const bool order = x.kind == core::exec_kind::order_update || x.kind == core::exec_kind::order_ack;
      if (order && x.cl_ord_id != 0 && !core::is_terminal(x.state)) {
        if (tracker_.find(x.cl_ord_id) == nullptr) {
          // Ours by label, unknown here: left by an earlier run. Cancel it.
          ++counters_.orphans;
          if (config_.cancel_orphans &&
              session_.cancel_order(
                  std::string_view(x.venue_order_id, strnlen(x.venue_order_id, sizeof(x.venue_order_id))), now_ns_)) {
            ++counters_.orphans_cancelled;
          }
          continue;
        }
        listed_.push_back(x.cl_ord_id);
      }
      if (x.kind == core::exec_kind::position) {
        if (tracker_.on_position_snapshot(e.header.instrument, x.qty_lots, x.price_ticks)) ++counters_.position_alerts;
        publish(e);
        continue;
      }
    }
    if (tracker_.on_report(e) == core::report_verdict::applied) publish(e);
  }
}

void gateway::on_request_failed(std::int64_t request_id, std::int32_t code, rpc_reason reason) {
  if (reason == rpc_reason::too_many_requests) {
    ++counters_.venue_rate_limited;
    limiter_.on_rejected(now_ns_);
  }
  if (reason == rpc_reason::disconnected) return;  // outcome unknown: reconciliation decides
  if (reason == rpc_reason::timeout) {
    ++counters_.timeouts;
    session_.reconcile(now_ns_);  // the venue's listing tells what became of it
    return;
  }
  core::event e{};
  if (tracker_.on_error(request_id, code, now_ns_, e)) {
    ++counters_.rejected;
    publish(e);
  }
}

void gateway::on_reconciled() {
  std::sort(listed_.begin(), listed_.end());
  std::vector<core::client_order_id> missing;
  tracker_.for_each_live([&](const core::order_tracker::order& o) {
    if (!std::binary_search(listed_.begin(), listed_.end(), o.id)) missing.push_back(o.id);
  });
  for (const core::client_order_id id : missing) {
    core::event e{};
    if (tracker_.close_missing(id, now_ns_, e)) {
      e.header.flags |= core::k_exec_reconciled;
      ++counters_.closed_missing;
      publish(e);
    }
  }
  listed_.clear();
}

void gateway::on_state(session_state state, std::string_view why) {
  last_state_change_.assign(to_string(state));
  last_state_change_ += ": ";
  last_state_change_ += why;
  // A reconnect overwrites the state; the reason the connection was lost
  // stays for start-up errors and alerts.
  if (state == session_state::disconnected) last_failure_ = last_state_change_;
  if (state == session_state::reconciling) listed_.clear();
}

void gateway::on_market_data(std::string_view frame, std::int64_t local_ts_ns) {
  ++counters_.market_data_frames;
  if (config_.on_market_data) config_.on_market_data(frame, local_ts_ns);
}

}  // namespace tickrail::deribit
