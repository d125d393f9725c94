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
// Publication is per slot: each slot carries the sequence it was last
// published as, stored (release) by publish() right after the event. A
// consumer finds new events by reading the slots themselves — the event and
// its stamp share a cache line — so a hand-off moves one line from producer
// to consumer instead of two (slot + a shared cursor). This is what brings a
// round trip close to the one-cache-line floor (docs/performance.md). There
// is no shared "published" cursor at all: metrics find the producer position
// by scanning stamps (published()), off the hot path.
//
// Layout: every independently written field sits alone on its cache line —
// the producer's claim position, each consumer's cursor
// — and so does every cached copy of another side's field (the producer's
// cache of the slowest consumer, each consumer's cache of the highest
// published sequence it has seen). Each side re-reads the other's state only
// when its cached copy says it must. Slots are padded at both ends so the
// first and last slot do not share a line with unrelated data.
//
// Thread-safety: the producer methods must be called from one thread at a
// time; the methods that take a consumer index `c` from one thread per `c`.
// Memory order: publish() stores each slot's stamp with release and
// consumers load it with acquire, so a consumer sees every byte written to a
// slot before it was published; release() is a release store of the
// consumer's cursor and the producer acquires it before reusing that slot.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "tickrail/core/check.hpp"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/sequence.hpp"

namespace tickrail::core {

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
    // Cache-line aligned, so a slot whose size is a multiple of 64 bytes
    // starts on a line boundary and spans no more lines than it must.
    const std::size_t slot_count = capacity + 2 * k_padding;
    void* raw = ::operator new[](slot_count * sizeof(slot_type), std::align_val_t{cache_line});
    auto* first = static_cast<slot_type*>(raw);
    std::uninitialized_value_construct_n(first, slot_count);
    slots_.reset(first);
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

  // Makes every claimed slot up to and including `last` visible to consumers:
  // one release store of each slot's stamp, in sequence order, into lines the
  // producer has just written anyway.
  void publish(sequence_t last) noexcept {
    TR_DCHECK(last <= claimed_.value, "publishing a sequence that was never claimed");
    TR_DCHECK(last >= published_.value, "published sequence must not move back");
    for (sequence_t seq = published_.value + 1; seq <= last; ++seq) {
      slots_[index(seq)].published.store(seq, std::memory_order_release);
    }
    published_.value = last;
  }

  // The last sequence claimed so far (initial_cursor before the first
  // claim). Producer thread only.
  [[nodiscard]] sequence_t claimed() const noexcept { return claimed_.value; }

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
  [[nodiscard]] Event& slot(sequence_t seq) noexcept { return slots_[index(seq)].event; }
  [[nodiscard]] const Event& slot(sequence_t seq) const noexcept { return slots_[index(seq)].event; }

  // The last published sequence; any thread, for metrics and tests. Scans
  // stamps forward from the slowest consumer (up to one ring's worth of
  // loads), so it is exact when the producer is quiescent and a lower bound
  // while it runs. Not for the hot path.
  [[nodiscard]] sequence_t published() const noexcept {
    sequence_t seq = slowest_consumer() + 1;
    const sequence_t limit = seq + capacity_;
    while (seq < limit && slots_[index(seq)].published.load(std::memory_order_acquire) == seq) ++seq;
    return seq - 1;
  }

  // ---- consumer side (one thread per consumer index) ----------------------------

  // The highest sequence consumer `c` may read now. Less than next(c) when
  // nothing new is published. Only when everything it saw last time has been
  // consumed does it look again, by scanning slot stamps (acquire) forward
  // from next(c) — slots it is about to read anyway — at most `max_scan` of
  // them, so the first event of a long run is not kept waiting by the scan.
  [[nodiscard]] sequence_t available(std::size_t c,
                                     std::size_t max_scan = std::numeric_limits<std::size_t>::max()) noexcept {
    TR_DCHECK(c < consumer_count_, "consumer index out of range");
    consumer_local& local = locals_[c];
    if (local.cached_published < local.next) {
      sequence_t seq = local.next;
      const sequence_t limit =
          local.next + static_cast<sequence_t>(std::min<std::size_t>(max_scan, static_cast<std::size_t>(capacity_)));
      while (seq < limit && slots_[index(seq)].published.load(std::memory_order_acquire) == seq) ++seq;
      local.cached_published = seq - 1;
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
                   std::size_t max_batch =
                       std::numeric_limits<std::size_t>::max()) noexcept(noexcept(handler(std::declval<const Event&>(),
                                                                                          sequence_t{}, bool{}))) {
    const sequence_t first = next(c);
    const std::size_t budget =
        std::min<std::size_t>(std::max<std::size_t>(max_batch, 1), static_cast<std::size_t>(capacity_));
    sequence_t last = available(c, budget);
    if (last < first) return 0;
    last = std::min(last, first + static_cast<sequence_t>(budget) - 1);
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
  // The stamp first, so that a small event shares its first cache line with
  // the stamp the consumer polls.
  struct slot_type {
    std::atomic<sequence_t> published{initial_cursor};
    Event event{};
  };

  // Padding slots on each side of the array keep neighbours off the first and
  // last slot's cache line.
  static constexpr std::size_t k_padding = (cache_line + sizeof(slot_type) - 1) / sizeof(slot_type);

  [[nodiscard]] std::size_t index(sequence_t seq) const noexcept {
    return k_padding + static_cast<std::size_t>(seq & mask_);
  }

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
  static_assert(std::is_trivially_destructible_v<slot_type>, "slots are released without destructor calls");
  struct aligned_array_delete {
    void operator()(slot_type* p) const noexcept { ::operator delete[](p, std::align_val_t{cache_line}); }
  };
  std::unique_ptr<slot_type[], aligned_array_delete> slots_;
  std::unique_ptr<cache_padded<std::atomic<sequence_t>>[]> cursors_;  // one line per consumer
  std::unique_ptr<consumer_local[]> locals_;                          // one line per consumer

  // Producer-private: the last claimed and last published sequences, and its
  // cache of the slowest consumer cursor. Each on its own line (STYLE §3).
  cache_padded<sequence_t> claimed_{initial_cursor};
  cache_padded<sequence_t> published_{initial_cursor};
  cache_padded<sequence_t> gating_cache_{initial_cursor};
};

static_assert(sizeof(cache_padded<std::atomic<sequence_t>>) == cache_line);
static_assert(alignof(cache_padded<std::atomic<sequence_t>>) == cache_line);
static_assert(sizeof(cache_padded<sequence_t>) == cache_line);
static_assert(std::atomic<sequence_t>::is_always_lock_free);

}  // namespace tickrail::core
