// tools/latency/pipeline.hpp — the real hot path, wired for measurement:
//
//   inject (feed role: stamp receipt, parse) ─[md]─▶ sequencer ─▶ book+strategy
//   (one market-making bot) ─▶ risk ─[orders]─▶ encode (Deribit order text,
//   stamp "bytes ready", acknowledge like the venue) ─[exec]─▶ sequencer
//
// Every stage is the production one (feed parser, core::sequencer,
// strategies::strategy_stage with a bot from config text, core::risk_stage
// over core::risk_engine, deribit::order_encoder); only the venue is
// replaced by an immediate acknowledgement, so orders rest, are edited and
// cancelled as against a venue that answers instantly. The queues between
// them are core::ring, or (queue_kind::mutex) a mutex + condition-variable
// queue of the same interface, for the comparison.
//
// Tick-to-order per order = TSC at "bytes ready" − TSC at receipt of the
// frame that caused it, carried in the events (header.local_ts_ns → the
// intent's trigger_local_ts_ns). Orders caused by something else (a timer,
// an acknowledgement) are counted, not measured.
//
// Per-stage breakdown, from the sequence numbers the events carry: each
// stage's wrapper notes, after a poll that moved something, the TSC and how
// far it got (the sequencer: each event's pipeline sequence and type; the
// strategy: the last sequenced event it consumed; risk: the last order slot
// it claimed), in logs only that stage's thread writes. After the workers
// stop, finish() follows every measured order through the logs by its
// trigger_sequence and order-ring sequence: receipt → sequenced → strategy
// done → risk passed → bytes ready. One TSC read per productive poll is the
// cost of measuring it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "tickrail/core/clock.hpp"
#include "tickrail/core/histogram.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/worker.hpp"

namespace tickrail::latency {

struct input_stream;

// The pipeline's time: the TSC, or (for instruction counts that do not
// depend on how fast the machine runs) a virtual clock the inline replay
// advances by a fixed step per frame — then every latency reads 0.
class harness_clock {
 public:
  explicit harness_clock(const core::tsc_clock& tsc) noexcept : tsc_(&tsc) {}
  void use_virtual(std::int64_t start_ns, std::int64_t step_ns) noexcept {
    virtual_ = true;
    virtual_ns_ = start_ns;
    step_ns_ = step_ns;
  }
  [[nodiscard]] bool is_virtual() const noexcept { return virtual_; }
  void advance() noexcept { virtual_ns_ += step_ns_; }
  [[nodiscard]] std::int64_t now_ns() const noexcept { return virtual_ ? virtual_ns_ : tsc_->now_ns(); }

 private:
  const core::tsc_clock* tsc_;
  bool virtual_ = false;
  std::int64_t virtual_ns_ = 0;
  std::int64_t step_ns_ = 0;
};

enum class queue_kind { ring, mutex };

// Where the time of the measured orders went (ns), filled by finish().
struct stage_breakdown {
  core::latency_histogram to_sequenced;  // receipt → sequenced (parse, md queue, sequencer)
  core::latency_histogram strategy;      // → the strategy stage has handled it (book, bot)
  core::latency_histogram risk;          // → risk passed the order
  core::latency_histogram encode;        // → order bytes ready
  std::uint64_t other_orders = 0;        // caused by timers or acknowledgements, not measured
  std::uint64_t unlogged = 0;            // orders past the logs' capacity, not measured
};

struct pipeline_counters {
  std::uint64_t frames = 0, events = 0, parse_errors = 0;         // injecting thread
  std::uint64_t orders = 0, encode_errors = 0, acks_dropped = 0;  // encode stage
  std::uint64_t intents = 0, risk_rejects = 0;                    // strategy and risk (read after the workers stop)
};

class pipeline {
 public:
  // Builds the stages for `traded` (an instrument of `catalog`; its venue
  // picks the feed parser). Risk limits and the bot are built in: a fast
  // market maker, limits wide enough that risk passes what it quotes.
  // `frames` sizes the stage logs (no allocation while running).
  static absl::StatusOr<std::unique_ptr<pipeline>> make(const core::instrument_catalog& catalog,
                                                        core::instrument_id traded, harness_clock& clock,
                                                        queue_kind queues, std::size_t frames,
                                                        std::size_t ring_capacity = 8192);
  ~pipeline();
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  // Feed role, one thread: stamps receipt, parses the frame (padded buffer)
  // and publishes its events. False, publishing nothing, when the md ring
  // has no room for them.
  bool inject(const char* data, std::size_t len, std::size_t capacity) noexcept;

  // Mutex queues only: consumers that run alone on a worker sleep on the
  // condition variable (at most `us`) when they find nothing.
  void block_consumers(std::int64_t us) noexcept;

  // Orders caused by frames received before `ns` are not measured (warm-up);
  // resets the parse histogram. Call from the injecting thread.
  void record_from(std::int64_t ns) noexcept;

  // Everything on the calling thread: injects frames [first, last) of
  // `stream`, each followed by polling every stage until none has work. The
  // deterministic placement (instruction counts under callgrind). Returns
  // the frames the md ring refused (0 unless a frame has more events than
  // the ring holds).
  std::size_t replay_inline(const input_stream& stream, std::size_t first, std::size_t last) noexcept;

  // sequencer, strategy, risk, encode — in pipeline order.
  [[nodiscard]] std::vector<core::stage_ref> stages();

  // After the workers stopped: follows the logged orders through the stage
  // logs into tick_to_order() and breakdown().
  void finish() noexcept;
  // Read after finish().
  [[nodiscard]] const core::latency_histogram& tick_to_order() const noexcept;
  [[nodiscard]] const stage_breakdown& breakdown() const noexcept;
  [[nodiscard]] const core::latency_histogram& parse() const noexcept;
  [[nodiscard]] pipeline_counters counters() const noexcept;
  // Orders encoded so far; any thread, while the workers run.
  [[nodiscard]] std::uint64_t orders_done() const noexcept;
  // Events still in the rings (0 when the pipeline drained).
  [[nodiscard]] std::size_t in_flight() const noexcept;

 private:
  struct impl;
  template <template <typename> class Ring>
  struct stages_on;
  explicit pipeline(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace tickrail::latency
