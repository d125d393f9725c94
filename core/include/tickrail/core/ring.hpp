// tickrail/core/ring.hpp — the sequenced ring: one producer, one or more
// consumers (Disruptor-style multicast), preallocated POD slots.
//
// Every edge of the pipeline is one of these. The producer claims slots by
// 64-bit sequence, fills them in place and publishes; each consumer owns a
// cursor (the last sequence it has finished with), reads whole available
// batches and publishes its cursor once per batch. The producer is gated by
// the slowest consumer, so it never overwrites a slot someone has not read.
//
// Sequences start at 0, are 64-bit and never wrap (at 1e9 events/s they last
// 292 years); a slot is `slots_[sequence & mask_]`.
//
// Layout: every independently written field sits alone on its cache line —
// the producer's claim position, the published cursor, each consumer's cursor
// — and so does every cached copy of another side's field (the producer's
// cache of the slowest consumer, each consumer's cache of the published
// cursor). Each side re-reads the other's atomic only when its cached copy
// says it must. Slots are padded at both ends so the first and last slot do
// not share a line with unrelated data.
//
// Thread-safety: the producer methods must be called from one thread at a
// time; the methods that take a consumer index `c` from one thread per `c`.
// Memory order: publish() is a release store of the cursor and consumers
// acquire it, so a consumer sees every byte written to a slot before its
// sequence was published; release() is a release store of the consumer's
// cursor and the producer acquires it before reusing that slot.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <type_traits>
#include <utility>

#include "tickrail/core/check.hpp"
#include "tickrail/core/platform.hpp"

namespace tickrail::core {

using sequence_t = std::int64_t;

// The cursor value of a consumer (or producer) that has seen nothing yet.
inline constexpr sequence_t initial_cursor = -1;
// Returned by try_claim() when the ring has not enough free slots.
inline constexpr sequence_t no_sequence = std::numeric_limits<sequence_t>::min();

template <typename Event>
class ring {
  static_assert(std::is_trivially_copyable_v<Event>, "ring slots hold trivially copyable PODs");
  static_assert(std::is_default_constructible_v<Event>, "ring slots are preallocated");

 public:
  using event_type = Event;

  // `capacity` must be a power of two >= 2; `consumers` >= 1. All memory is
  // allocated here and nowhere else.
  ring(std::size_t capacity, std::size_t consumers)
      : mask_(static_cast<sequence_t>(capacity) - 1),
        capacity_(static_cast<sequence_t>(capacity)),
        consumer_count_(consumers) {
    TR_CHECK(capacity >= 2 && std::has_single_bit(capacity), "ring capacity must be a power of two >= 2");
    TR_CHECK(capacity <= (std::size_t{1} << 40), "ring capacity is unreasonably large");
    TR_CHECK(consumers >= 1, "a ring needs at least one consumer");
    slots_ = std::make_unique<Event[]>(capacity + 2 * k_padding);  // value-initialised
    cursors_ = std::make_unique<cache_padded<std::atomic<sequence_t>>[]>(consumers);
    locals_ = std::make_unique<consumer_local[]>(consumers);
    for (std::size_t c = 0; c < consumers; ++c) {
      cursors_[c].value.store(initial_cursor, std::memory_order_relaxed);
    }
  }

  ring(const ring&) = delete;
  ring& operator=(const ring&) = delete;

  [[nodiscard]] std::size_t capacity() const noexcept { return static_cast<std::size_t>(capacity_); }
  [[nodiscard]] std::size_t consumer_count() const noexcept { return consumer_count_; }

  // ---- producer side (one thread) -------------------------------------------------

  // Claims `n` consecutive slots (1 <= n <= capacity) and returns the sequence of
  // the last one; the first is `last - n + 1`. Returns `no_sequence` if the
  // slowest consumer has not yet freed `n` slots; nothing is claimed then.
  // Reads consumer cursors (acquire) only when the cached minimum says full.
  [[nodiscard]] sequence_t try_claim(std::size_t n = 1) noexcept {
    TR_DCHECK(n >= 1 && static_cast<sequence_t>(n) <= capacity_, "claim size out of range");
    const sequence_t last = claimed_.value + static_cast<sequence_t>(n);
    const sequence_t wrap_point = last - capacity_;
    if (wrap_point > gating_cache_.value) {
      gating_cache_.value = slowest_consumer();
      if (wrap_point > gating_cache_.value) return no_sequence;
    }
    claimed_.value = last;
    return last;
  }

  // Makes every claimed slot up to and including `last` visible to consumers
  // (release store). Publishing a batch is one store.
  void publish(sequence_t last) noexcept {
    TR_DCHECK(last <= claimed_.value, "publishing a sequence that was never claimed");
    TR_DCHECK(last >= cursor_.value.load(std::memory_order_relaxed), "cursor must not move back");
    cursor_.value.store(last, std::memory_order_release);
  }

  // Claim one slot, copy `event` into it and publish. False when full.
  [[nodiscard]] bool try_push(const Event& event) noexcept {
    const sequence_t seq = try_claim(1);
    if (seq == no_sequence) return false;
    slot(seq) = event;
    publish(seq);
    return true;
  }

  // The slot for `seq`: writable by the producer between claim and publish,
  // readable by a consumer between available() and release().
  [[nodiscard]] Event& slot(sequence_t seq) noexcept { return slots_[k_padding + static_cast<std::size_t>(seq & mask_)]; }
  [[nodiscard]] const Event& slot(sequence_t seq) const noexcept {
    return slots_[k_padding + static_cast<std::size_t>(seq & mask_)];
  }

  // The last published sequence (acquire); any thread, e.g. for metrics.
  [[nodiscard]] sequence_t published() const noexcept { return cursor_.value.load(std::memory_order_acquire); }

  // ---- consumer side (one thread per consumer index) ----------------------------

  // The highest sequence consumer `c` may read now. Less than next(c) when
  // nothing new is published. Re-reads the producer cursor (acquire) only when
  // the cached copy has been consumed.
  [[nodiscard]] sequence_t available(std::size_t c) noexcept {
    TR_DCHECK(c < consumer_count_, "consumer index out of range");
    consumer_local& local = locals_[c];
    if (local.cached_published < local.next) {
      local.cached_published = cursor_.value.load(std::memory_order_acquire);
    }
    return local.cached_published;
  }

  // The next sequence consumer `c` will read.
  [[nodiscard]] sequence_t next(std::size_t c) const noexcept { return locals_[c].next; }

  // Consumer `c` is done with every slot up to and including `last`: the
  // producer may reuse them (release store of the consumer cursor).
  void release(std::size_t c, sequence_t last) noexcept {
    TR_DCHECK(c < consumer_count_, "consumer index out of range");
    TR_DCHECK(last >= locals_[c].next - 1 && last <= locals_[c].cached_published, "release outside the read batch");
    locals_[c].next = last + 1;
    cursors_[c].value.store(last, std::memory_order_release);
  }

  // Reads the whole available batch (at most `max_batch` events) for consumer
  // `c`, calling `handler(const Event&, sequence_t seq, bool end_of_batch)` for
  // each in sequence order, then publishes the cursor once. Returns the number
  // of events handled (0 when nothing was available).
  template <typename Handler>
  std::size_t poll(std::size_t c, Handler&& handler,
                   std::size_t max_batch = std::numeric_limits<std::size_t>::max()) noexcept(
      noexcept(handler(std::declval<const Event&>(), sequence_t{}, bool{}))) {
    const sequence_t first = next(c);
    sequence_t last = available(c);
    if (last < first) return 0;
    const auto budget = static_cast<sequence_t>(std::min<std::size_t>(max_batch, static_cast<std::size_t>(capacity_)));
    last = std::min(last, first + budget - 1);
    for (sequence_t seq = first; seq <= last; ++seq) {
      handler(std::as_const(*this).slot(seq), seq, seq == last);
    }
    release(c, last);
    return static_cast<std::size_t>(last - first + 1);
  }

  // Consumer `c`'s cursor (acquire); any thread, e.g. for metrics.
  [[nodiscard]] sequence_t consumer_cursor(std::size_t c) const noexcept {
    return cursors_[c].value.load(std::memory_order_acquire);
  }

  // Published events not yet released by the slowest consumer; any thread.
  // Approximate while both sides are running; exact when they are quiescent.
  [[nodiscard]] std::size_t occupancy() const noexcept {
    const sequence_t published_seq = published();
    const sequence_t slowest = slowest_consumer();
    return published_seq > slowest ? static_cast<std::size_t>(published_seq - slowest) : 0;
  }

 private:
  // Padding slots on each side of the array keep neighbours off the first and
  // last slot's cache line.
  static constexpr std::size_t k_padding = (cache_line + sizeof(Event) - 1) / sizeof(Event);

  // What one consumer thread writes and nobody else reads: its next sequence
  // and its cached copy of the published cursor.
  struct alignas(cache_line) consumer_local {
    sequence_t next = 0;
    sequence_t cached_published = initial_cursor;
  };

  [[nodiscard]] sequence_t slowest_consumer() const noexcept {
    sequence_t slowest = std::numeric_limits<sequence_t>::max();
    for (std::size_t c = 0; c < consumer_count_; ++c) {
      slowest = std::min(slowest, cursors_[c].value.load(std::memory_order_acquire));
    }
    return slowest;
  }

  // Read-only after construction; shared by both sides without contention.
  sequence_t mask_;
  sequence_t capacity_;
  std::size_t consumer_count_;
  std::unique_ptr<Event[]> slots_;
  std::unique_ptr<cache_padded<std::atomic<sequence_t>>[]> cursors_;  // one line per consumer
  std::unique_ptr<consumer_local[]> locals_;                           // one line per consumer

  // Producer-private: the last claimed sequence and its cache of the slowest
  // consumer cursor. Each on its own line (STYLE §3).
  cache_padded<sequence_t> claimed_{initial_cursor};
  cache_padded<sequence_t> gating_cache_{initial_cursor};
  // Written by the producer, read by every consumer.
  cache_padded<std::atomic<sequence_t>> cursor_{initial_cursor};
};

static_assert(sizeof(cache_padded<std::atomic<sequence_t>>) == cache_line);
static_assert(alignof(cache_padded<std::atomic<sequence_t>>) == cache_line);
static_assert(sizeof(cache_padded<sequence_t>) == cache_line);
static_assert(std::atomic<sequence_t>::is_always_lock_free);

}  // namespace tickrail::core
