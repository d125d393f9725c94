// tickrail/core/ring_batch.hpp — the claim/consume loops every stage runs
// over a ring, written once (Disruptor's batch event processor in three
// functions).
//
//   read_batch(ring, c, max)        what consumer c may read now: a range
//   consume(ring, c, max, handler)  handle that range in order, release once
//   claim_batch(ring, n)            n slots to produce into, or one, or none
//
// They take any `Ring` with core::ring's interface (next, available,
// release, try_claim, slot, publish), so the latency harness's mutex queue
// runs the same stage code. Inline, no allocation; each function keeps the
// ring's own thread rules (consumer side on the consumer's thread, producer
// side on the producer's). Forced inline: GCC otherwise keeps them as calls
// in the stages' poll loops, which the callgrind guard sees (+118
// instructions per event).
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>

#include "tickrail/core/ring.hpp"
#include "tickrail/core/sequence.hpp"

namespace tickrail::core {

// Consecutive sequences [first, last]; empty when last < first.
struct sequence_range {
  sequence_t first = 0;
  sequence_t last = -1;
  [[nodiscard]] constexpr bool empty() const noexcept { return last < first; }
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    return empty() ? 0 : static_cast<std::size_t>(last - first + 1);
  }
};

// The events consumer `c` may read now, at most `max` (>= 1) of them,
// starting at next(c). Nothing is released.
template <typename Ring>
[[nodiscard, gnu::always_inline]] inline sequence_range read_batch(Ring& ring, std::size_t c,
                                                                   std::size_t max) noexcept {
  const sequence_t first = ring.next(c);
  const sequence_t last = ring.available(c, max);
  if (last < first) return {first, first - 1};
  return {first, std::min(last, first + static_cast<sequence_t>(max) - 1)};
}

// Handles the batch read_batch() gives, in order, with
// `handler(const Event&) -> bool`; stops after the first event for which the
// handler answers false (back-pressure downstream: that event counts as
// consumed, what follows stays in the ring). Releases once, up to the last
// event handled. Returns how many were consumed.
template <typename Ring, typename Handler>
[[gnu::always_inline]] inline std::size_t consume(Ring& ring, std::size_t c, std::size_t max,
                                                  Handler&& handler) noexcept {
  const sequence_range batch = read_batch(ring, c, max);
  if (batch.empty()) return 0;
  sequence_t seq = batch.first;
  while (seq <= batch.last) {
    if (!handler(std::as_const(ring).slot(seq++))) break;
  }
  ring.release(c, seq - 1);
  return static_cast<std::size_t>(seq - batch.first);
}

// Claims `n` (>= 1, <= capacity) consecutive slots; when they are not free,
// one; when none is, nothing (empty range, a stall). The caller writes the
// slots and publishes the range's last sequence.
template <typename Ring>
[[nodiscard, gnu::always_inline]] inline sequence_range claim_batch(Ring& ring, std::size_t n) noexcept {
  sequence_t last = ring.try_claim(n);
  if (last == no_sequence && n > 1) {
    n = 1;
    last = ring.try_claim(1);
  }
  if (last == no_sequence) return {};
  return {last - static_cast<sequence_t>(n) + 1, last};
}

}  // namespace tickrail::core
