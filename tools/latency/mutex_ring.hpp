// tools/latency/mutex_ring.hpp — the classic hand-off, for comparison: a
// bounded queue under one std::mutex with a condition variable, behind the
// interface of core::ring, so `tickrail-latency --queue mutex` runs the very
// same stages with every ring swapped for one of these (DESIGN §8: show what
// the lock-free design is worth in the same run).
//
// It is what a careful conventional pipeline would write: slots
// preallocated (no allocation per event, so the comparison is locks against
// no locks, not malloc against none), every claim, publish, look for new
// events and release taken under the mutex, and publish() notifying the
// condition variable. With set_blocking() a consumer that finds nothing
// sleeps on the condition variable (bounded) instead of returning at once —
// used when a stage has a worker to itself; a worker that polls several
// stages must not sleep in one of them.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <limits>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "tickrail/core/check.hpp"
#include "tickrail/core/ring.hpp"

namespace tickrail::latency {

template <typename Event>
class mutex_ring {
 public:
  using event_type = Event;
  using sequence_t = core::sequence_t;

  mutex_ring(std::size_t capacity, std::size_t consumers)
      : slots_(std::make_unique<Event[]>(capacity)),
        capacity_(static_cast<sequence_t>(capacity)),
        cursors_(consumers, core::initial_cursor),
        next_(consumers, 0) {
    TR_CHECK(capacity >= 2 && (capacity & (capacity - 1)) == 0, "capacity must be a power of two >= 2");
    TR_CHECK(consumers >= 1, "a queue needs at least one consumer");
  }
  mutex_ring(const mutex_ring&) = delete;
  mutex_ring& operator=(const mutex_ring&) = delete;

  // Consumers that find nothing wait up to `timeout` for a publish.
  void set_blocking(std::chrono::microseconds timeout) noexcept { block_for_ = timeout; }

  [[nodiscard]] std::size_t capacity() const noexcept { return static_cast<std::size_t>(capacity_); }

  // ---- producer (one thread) -------------------------------------------------------
  [[nodiscard]] sequence_t try_claim(std::size_t n = 1) noexcept {
    std::lock_guard lock(mutex_);
    const sequence_t last = claimed_ + static_cast<sequence_t>(n);
    if (last - capacity_ > slowest_locked()) return core::no_sequence;
    claimed_ = last;
    return last;
  }
  void publish(sequence_t last) noexcept {
    {
      std::lock_guard lock(mutex_);
      published_ = last;
    }
    published_cv_.notify_all();
  }
  [[nodiscard]] bool try_push(const Event& event) noexcept {
    const sequence_t seq = try_claim(1);
    if (seq == core::no_sequence) return false;
    slot(seq) = event;
    publish(seq);
    return true;
  }
  [[nodiscard]] sequence_t claimed() const noexcept { return claimed_; }
  [[nodiscard]] Event& slot(sequence_t seq) noexcept { return slots_[index(seq)]; }
  [[nodiscard]] const Event& slot(sequence_t seq) const noexcept { return slots_[index(seq)]; }

  // ---- consumer c (one thread each) ------------------------------------------------
  [[nodiscard]] sequence_t available(std::size_t c, std::size_t = std::numeric_limits<std::size_t>::max()) noexcept {
    std::unique_lock lock(mutex_);
    if (published_ < next_[c] && block_for_.count() > 0) {
      published_cv_.wait_for(lock, block_for_, [&] { return published_ >= next_[c]; });
    }
    return published_;
  }
  [[nodiscard]] sequence_t next(std::size_t c) const noexcept { return next_[c]; }
  void release(std::size_t c, sequence_t last) noexcept {
    std::lock_guard lock(mutex_);
    next_[c] = last + 1;
    cursors_[c] = last;
  }
  template <typename Handler>
  std::size_t poll(std::size_t c, Handler&& handler, std::size_t max_batch = std::numeric_limits<std::size_t>::max()) {
    const sequence_t first = next(c);
    sequence_t last = available(c);
    if (last < first) return 0;
    last = std::min(
        last,
        first + static_cast<sequence_t>(std::min<std::size_t>(std::max<std::size_t>(max_batch, 1), capacity())) - 1);
    for (sequence_t seq = first; seq <= last; ++seq) handler(std::as_const(*this).slot(seq), seq, seq == last);
    release(c, last);
    return static_cast<std::size_t>(last - first + 1);
  }

  // Published events no consumer has released yet; any thread.
  [[nodiscard]] std::size_t occupancy() const {
    std::lock_guard lock(mutex_);
    const sequence_t slowest = slowest_locked();
    return published_ > slowest ? static_cast<std::size_t>(published_ - slowest) : 0;
  }

 private:
  [[nodiscard]] std::size_t index(sequence_t seq) const noexcept {
    return static_cast<std::size_t>(seq & (capacity_ - 1));
  }
  [[nodiscard]] sequence_t slowest_locked() const noexcept {
    return *std::min_element(cursors_.begin(), cursors_.end());
  }

  std::unique_ptr<Event[]> slots_;
  sequence_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable published_cv_;
  std::chrono::microseconds block_for_{0};
  sequence_t claimed_ = core::initial_cursor;    // producer only
  sequence_t published_ = core::initial_cursor;  // under mutex_
  std::vector<sequence_t> cursors_;              // under mutex_
  std::vector<sequence_t> next_;                 // consumer c only
};

}  // namespace tickrail::latency
