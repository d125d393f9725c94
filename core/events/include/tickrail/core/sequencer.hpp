// tickrail/core/sequencer.hpp — the first hot stage: merges its input rings
// (market data, execution reports, operator commands, risk feedback) and its
// own timer ticks into ONE total order, stamping each event with the pipeline
// sequence number (DESIGN §2).
//
//   [md ring] ───────┐
//   [exec ring] ─────┤
//   [cmd ring] ──────┼─▶ sequencer ──[sequenced ring]──▶ book+strategy ─▶ risk
//   [risk feedback] ─┘      ▲ timer ticks
//
// Merge policy: round robin over the inputs, at most `k_max_run` events from
// one input before the next gets a turn, each input's own order kept. So a
// burst of market data never starves a fill or an operator's kill by more
// than one run. A timer event is emitted when its interval has elapsed on
// the clock; the sequencer is the only hot stage that reads the clock, and
// everything after it sees time only through event stamps.
//
// Back-pressure: an event is taken from its input only once it has a slot in
// the output (nothing dropped, nothing reordered). No allocation after
// construction.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "tickrail/core/check.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/ring_batch.hpp"

namespace tickrail::core {

template <template <typename> class Ring = ring>
struct basic_sequencer_input {
  Ring<event>* source;
  std::size_t consumer;
};
using sequencer_input = basic_sequencer_input<>;

struct sequencer_counters {
  std::uint64_t events = 0;  // sequenced, timers included
  std::uint64_t timers = 0;
  std::uint64_t stalls = 0;  // polls that found the output full
};

// `Clock` has `std::int64_t now_ns() const noexcept` (tsc_clock, or a test
// clock). `timer_interval_ns` 0 disables timers. `Ring` is core::ring; the
// latency harness swaps in a mutex queue of the same interface to show what
// the rings are worth (tools/latency).
template <typename Clock, template <typename> class Ring = ring>
class sequencer {
 public:
  static constexpr std::size_t k_max_run = 32;
  using input = basic_sequencer_input<Ring>;

  sequencer(std::vector<input> inputs, Ring<event>& output, const Clock& clock, std::int64_t timer_interval_ns,
            sequence_t first_sequence = 0)
      : inputs_(std::move(inputs)),
        output_(output),
        clock_(clock),
        timer_interval_ns_(timer_interval_ns),
        next_sequence_(first_sequence) {
    TR_CHECK(!inputs_.empty(), "a sequencer needs at least one input");
    TR_CHECK(timer_interval_ns >= 0, "timer interval must not be negative");
  }

  // One round over the inputs (and the timer). Returns the events sequenced.
  std::size_t poll() noexcept {
    std::size_t total = 0;
    if (timer_interval_ns_ > 0) total += fire_timer();
    for (std::size_t i = 0; i < inputs_.size(); ++i) {
      const std::size_t k = (start_ + i) % inputs_.size();
      total += drain(inputs_[k]);
    }
    start_ = (start_ + 1) % inputs_.size();
    return total;
  }

  [[nodiscard]] const sequencer_counters& counters() const noexcept { return counters_; }
  [[nodiscard]] sequence_t next_sequence() const noexcept { return next_sequence_; }

 private:
  std::size_t drain(input& in) noexcept {
    const sequence_range run = read_batch(*in.source, in.consumer, std::min(k_max_run, output_.capacity()));
    if (run.empty()) return 0;
    // Not room for the whole run: what fits moves one at a time.
    const sequence_range out = claim_batch(output_, run.size());
    if (out.empty()) {
      ++counters_.stalls;
      return 0;
    }
    sequence_t s = run.first;
    for (sequence_t o = out.first; o <= out.last; ++o, ++s) {
      event& e = output_.slot(o);
      e = std::as_const(*in.source).slot(s);
      e.header.sequence = next_sequence_++;
    }
    output_.publish(out.last);
    in.source->release(in.consumer, s - 1);
    counters_.events += out.size();
    return out.size();
  }

  std::size_t fire_timer() noexcept {
    const std::int64_t now = clock_.now_ns();
    if (next_timer_ns_ == 0) next_timer_ns_ = now + timer_interval_ns_;
    if (now < next_timer_ns_) return 0;
    const sequence_t o = output_.try_claim(1);
    if (o == no_sequence) {
      ++counters_.stalls;
      return 0;
    }
    event& e = output_.slot(o);
    e.header = make_header(event_type::timer, no_instrument, now);
    e.header.sequence = next_sequence_++;
    e.tick = timer{0, 0, next_timer_ns_, now};
    output_.publish(o);
    // Missed intervals collapse into this one tick (a stalled sequencer does
    // not emit a burst of stale timers when it resumes).
    next_timer_ns_ += timer_interval_ns_ * ((now - next_timer_ns_) / timer_interval_ns_ + 1);
    ++counters_.timers;
    ++counters_.events;
    return 1;
  }

  std::vector<input> inputs_;
  Ring<event>& output_;
  const Clock& clock_;
  std::int64_t timer_interval_ns_;
  std::int64_t next_timer_ns_ = 0;
  sequence_t next_sequence_;
  std::size_t start_ = 0;
  sequencer_counters counters_{};
};

}  // namespace tickrail::core
