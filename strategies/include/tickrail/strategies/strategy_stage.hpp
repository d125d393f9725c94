// tickrail/strategies/strategy_stage.hpp — the book+strategy stage: applies
// the sequenced stream to the books, runs every bot on each event, and feeds
// the risk stage's one input ring in the stream's order.
//
//   [sequenced events] ──▶ strategy_stage ──[risk input ring: event]──▶ risk_stage
//                              └── regime records ──▶ sink (slow path)
//
// For each input event, in this order, the stage emits:
//   * the event itself, unless it is a book frame (risk reads tickers,
//     trades, execution reports, commands and timers);
//   * for a book frame, a `reference` event once the frame is complete: the
//     top of the book and whether it is valid (stale, gapped or crossed
//     books are not) — all risk needs of a book;
//   * a `regime_set` command for each bot whose regime changed (classifier,
//     signal or command), so risk gates with the regime the bots size with;
//   * every intent the bots pushed, as `intent` events.
// The book lives in this stage, not the sequencer's, so the stage reading it
// is the stage that writes it whatever the placement (DESIGN §2).
//
// Back-pressure: an event's outputs are staged and published before the next
// input is read; when the risk ring is full the stage keeps them and stops
// consuming (nothing is dropped). No allocation after construction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/ring_batch.hpp"
#include "tickrail/strategies/bot.hpp"

namespace tickrail::strategies {

struct strategy_record {
  std::uint16_t bot = 0;
  regime_change change{};
};

struct strategy_stage_counters {
  std::uint64_t events = 0;
  std::uint64_t intents = 0;
  std::uint64_t references = 0;
  std::uint64_t intents_refused = 0;  // a bot pushed more than intent_sink::k_capacity for one event
  std::uint64_t records_dropped = 0;  // slow-path queue full
  std::uint64_t stalls = 0;           // times the risk ring was found full
};

// `Sink` is called as `bool sink(const strategy_record&) noexcept`; false
// means the slow-path queue is full (counted, never blocking). `Ring` is
// core::ring (the latency harness swaps in a mutex queue).
template <typename Sink, template <typename> class Ring = core::ring>
class strategy_stage {
 public:
  static constexpr std::size_t k_max_batch = 64;
  static constexpr std::size_t k_max_outputs = 2 + k_max_bots + intent_sink::k_capacity;

  strategy_stage(Ring<core::event>& input, std::size_t consumer, Ring<core::event>& output, core::book_builder& books,
                 std::vector<std::unique_ptr<bot>>& bots, Sink sink)
      : input_(input), consumer_(consumer), output_(output), books_(books), bots_(bots), sink_(std::move(sink)) {}

  // One batch. Returns the number of input events consumed.
  std::size_t poll() noexcept {
    if (!flush()) {
      ++counters_.stalls;
      return 0;
    }
    return core::consume(input_, consumer_, k_max_batch, [this](const core::event& e) noexcept {
      handle(e);
      if (flush()) return true;
      ++counters_.stalls;  // this event is handled; its outputs wait in the staging buffer
      return false;
    });
  }

  [[nodiscard]] const strategy_stage_counters& counters() const noexcept { return counters_; }
  [[nodiscard]] bool has_pending() const noexcept { return staged_next_ < staged_size_; }

 private:
  void handle(const core::event& e) noexcept {
    ++counters_.events;
    staged_size_ = staged_next_ = 0;
    bool book_frame = false;
    if (e.header.type == core::event_type::market_data) {
      const core::book_outcome outcome = books_.apply(e);
      book_frame = outcome != core::book_outcome::not_book;
      if (outcome == core::book_outcome::applied || outcome == core::book_outcome::crossed ||
          outcome == core::book_outcome::gap) {
        stage_reference(e.header);
      }
    }
    if (!book_frame) stage(e);

    sink_intents_.clear();
    const std::uint64_t refused_before = sink_intents_.refused();
    for (const std::unique_ptr<bot>& b : bots_) {
      b->on_event(e, books_, sink_intents_);
      if (const std::optional<regime_change> change = b->take_regime_change()) {
        if (!sink_(strategy_record{b->id(), *change})) ++counters_.records_dropped;
        core::event& out = next_staged(e.header);
        out.header.type = core::event_type::command;
        out.header.instrument = core::no_instrument;
        out.header.flags = core::k_command_from_strategy;
        out.cmd = core::command{};
        out.cmd.kind = core::command_kind::regime_set;
        out.cmd.regime = static_cast<std::uint8_t>(change->to);
        out.cmd.bot = b->id();
      }
    }
    counters_.intents_refused += sink_intents_.refused() - refused_before;
    for (const core::order_intent& in : sink_intents_.intents()) {
      core::event& out = next_staged(e.header);
      out.header.type = core::event_type::intent;
      out.header.instrument = in.instrument;
      out.intent = in;
      ++counters_.intents;
    }
  }

  void stage(const core::event& e) noexcept { staged_[staged_size_++] = e; }

  void stage_reference(const core::event_header& h) noexcept {
    const core::order_book& book = books_.book(h.instrument);
    core::event& out = next_staged(h);
    out.header.type = core::event_type::reference;
    out.ref = core::reference_prices{};
    out.ref.valid = book.valid() ? 1 : 0;
    out.ref.best_bid_ticks = book.depth(core::side::buy) > 0 ? book.best(core::side::buy).price_ticks : 0;
    out.ref.best_ask_ticks = book.depth(core::side::sell) > 0 ? book.best(core::side::sell).price_ticks : 0;
    ++counters_.references;
  }

  // A staged event carrying the trigger's header (sequence and times), so
  // every output traces back to the event that caused it.
  core::event& next_staged(const core::event_header& h) noexcept {
    core::event& out = staged_[staged_size_++];
    out.header = h;
    out.header.flags = 0;
    return out;
  }

  // Publishes what is staged; false when the risk ring is full.
  bool flush() noexcept {
    while (staged_next_ < staged_size_) {
      const core::sequence_range out = core::claim_batch(output_, staged_size_ - staged_next_);
      if (out.empty()) return false;
      for (core::sequence_t s = out.first; s <= out.last; ++s) output_.slot(s) = staged_[staged_next_++];
      output_.publish(out.last);
    }
    return true;
  }

  Ring<core::event>& input_;
  std::size_t consumer_;
  Ring<core::event>& output_;
  core::book_builder& books_;
  std::vector<std::unique_ptr<bot>>& bots_;
  Sink sink_;
  intent_sink sink_intents_;
  std::vector<core::event> staged_ = std::vector<core::event>(k_max_outputs);
  std::size_t staged_size_ = 0;
  std::size_t staged_next_ = 0;
  strategy_stage_counters counters_{};
};

}  // namespace tickrail::strategies
