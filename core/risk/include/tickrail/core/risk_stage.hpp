// tickrail/core/risk_stage.hpp — the pre-trade risk stage: drains the risk
// input ring through risk_engine into the order ring, and hands the
// engine's records to the slow path.
//
//   strategy ──[risk input ring: event]──▶ risk_stage ──[order ring: order_request]──▶ gateway
//                                              └── risk_record ──▶ sink (slow path)
//
// Nothing reaches the order ring except what the engine passed. When the
// order ring is full the stage keeps the request it could not publish and
// stops consuming input (back-pressure; nothing is dropped) until the
// gateway frees a slot.
//
// Reject feedback: with a feedback ring, every rejected place (and every
// cancel of an order risk does not know) goes back as an exec_report of kind
// reject carrying the risk reason (flag k_exec_risk_feedback), which the
// sequencer merges like a venue report: the component that asked learns its
// order never left, instead of waiting on it forever. A rejected replace
// sends nothing (the order still works on its old terms). The feedback ring
// is never waited on — it flows upstream, and waiting could close a cycle —
// so when it is full the reject is counted in feedback_dropped().
//
// Runtime reload of limits: the control thread parses and validates new
// limits (a failure changes nothing and is reported to the operator), posts
// them to the `risk_limits_mailbox` under a generation number, then sends a
// `reload_risk` command with that generation in args[0] through the command
// ring. The stage swaps the limits in when that command reaches it, so the
// change takes effect at one point of the sequenced stream. Every posted
// version stays alive until the mailbox is destroyed: the hot thread never
// frees memory and never reads a version that could be freed.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "tickrail/core/events.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/ring_batch.hpp"
#include "tickrail/core/risk.hpp"

namespace tickrail::core {

class risk_limits_mailbox {
 public:
  // Control thread(s). Takes ownership; returns the generation to put in the
  // reload_risk command's args[0]. A post not yet taken is superseded.
  std::int64_t post(std::unique_ptr<risk_limits> limits) {
    std::lock_guard lock(mu_);
    const std::int64_t generation = ++generation_;
    limits->generation = generation;
    pending_.store(limits.get(), std::memory_order_release);
    versions_.push_back(std::move(limits));
    return generation;
  }

  // Risk thread: the limits posted as `generation`, or nullptr when that
  // generation was superseded or never posted. Lock-free (one acquire load).
  [[nodiscard]] const risk_limits* take(std::int64_t generation) const noexcept {
    const risk_limits* p = pending_.load(std::memory_order_acquire);
    return p != nullptr && p->generation == generation ? p : nullptr;
  }

 private:
  std::mutex mu_;
  std::int64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::unique_ptr<risk_limits>> versions_ ABSL_GUARDED_BY(mu_);
  std::atomic<const risk_limits*> pending_{nullptr};
};

// `Sink` is called as `bool sink(const risk_record&) noexcept` for every
// record; false means the slow-path queue is full (counted, never blocking).
// `Ring` is core::ring (the latency harness swaps in a mutex queue).
template <typename Sink, template <typename> class Ring = ring>
class risk_stage {
 public:
  static constexpr std::size_t k_max_batch = 256;

  risk_stage(Ring<event>& input, std::size_t consumer, Ring<order_request>& output, risk_engine& engine, Sink sink,
             risk_limits_mailbox* mailbox = nullptr, Ring<event>* feedback = nullptr)
      : input_(input),
        consumer_(consumer),
        output_(output),
        engine_(engine),
        sink_(std::move(sink)),
        mailbox_(mailbox),
        feedback_(feedback) {}

  // One batch. Returns the number of input events consumed.
  std::size_t poll() noexcept {
    if (has_pending_) {
      if (!output_.try_push(pending_)) return 0;
      has_pending_ = false;
    }
    return consume(input_, consumer_, k_max_batch, [this](const event& ev) noexcept {
      if (ev.header.type == event_type::command && ev.cmd.kind == command_kind::reload_risk && mailbox_ != nullptr) {
        if (const risk_limits* next = mailbox_->take(ev.cmd.args[0])) engine_.set_limits(next);
      }
      order_request request;
      const bool emitted = engine_.on_event(ev, request);
      drain_records();
      if (!emitted && feedback_ != nullptr && ev.header.type == event_type::intent) send_feedback(ev);
      if (emitted && !output_.try_push(request)) {
        pending_ = request;  // the output is full: hold it and stop here
        has_pending_ = true;
        return false;
      }
      return true;
    });
  }

  [[nodiscard]] std::uint64_t records_dropped() const noexcept { return records_dropped_; }
  [[nodiscard]] std::uint64_t feedback_dropped() const noexcept { return feedback_dropped_; }

 private:
  void send_feedback(const event& ev) noexcept {
    const risk_reason reason = engine_.last_decision();
    const intent_kind kind = ev.intent.kind;
    if (reason == risk_reason::accepted || kind == intent_kind::replace) return;
    if (kind != intent_kind::place && reason != risk_reason::unknown_order) return;
    const sequence_t s = feedback_->try_claim(1);
    if (s == no_sequence) {
      ++feedback_dropped_;
      return;
    }
    event& out = feedback_->slot(s);
    out.header = ev.header;
    out.header.sequence = k_unsequenced;
    out.header.type = event_type::exec_report;
    out.header.flags = k_exec_risk_feedback;
    out.exec = exec_report{};
    out.exec.kind = exec_kind::reject;
    out.exec.state = order_state::rejected;
    out.exec.order_side = ev.intent.order_side;
    out.exec.type = ev.intent.type;
    out.exec.order_flags = ev.intent.flags;
    out.exec.risk_reason = static_cast<std::uint8_t>(reason);
    out.exec.cl_ord_id = ev.intent.cl_ord_id;
    out.exec.price_ticks = ev.intent.price_ticks;
    out.exec.qty_lots = ev.intent.qty_lots;
    feedback_->publish(s);
  }

  void drain_records() noexcept {
    for (const risk_record& r : engine_.records()) {
      if (!sink_(r)) ++records_dropped_;
    }
    engine_.clear_records();
  }

  Ring<event>& input_;
  std::size_t consumer_;
  Ring<order_request>& output_;
  risk_engine& engine_;
  Sink sink_;
  risk_limits_mailbox* mailbox_;
  order_request pending_{};
  bool has_pending_ = false;
  Ring<event>* feedback_;
  std::uint64_t records_dropped_ = 0;
  std::uint64_t feedback_dropped_ = 0;
};

}  // namespace tickrail::core
