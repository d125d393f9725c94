// tickrail/core/fifo.hpp — a bounded first-in first-out queue, preallocated,
// for one thread: pending resyncs, retired orders, remembered fills,
// reports waiting for ring space, sample windows.
//
// Storage is a power of two indexed by a mask over two 64-bit counters that
// only grow (they never wrap in practice), so there is no `%` and no
// head/size pair to keep in step. The capacity is exactly what was asked
// for — full() holds at that count, not at the power of two — so a caller's
// memory bound means what it says. No allocation after construction.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tickrail/core/check.hpp"

namespace tickrail::core {

template <typename T>
class fifo {
 public:
  // `capacity` >= 1 elements.
  explicit fifo(std::size_t capacity)
      : slots_(std::bit_ceil(capacity == 0 ? std::size_t{1} : capacity)),
        mask_(slots_.size() - 1),
        capacity_(capacity) {
    TR_CHECK(capacity >= 1, "a fifo holds at least one element");
  }

  // False (and nothing stored) when full.
  [[nodiscard]] bool push(const T& value) noexcept {
    if (full()) return false;
    slots_[tail_++ & mask_] = value;
    return true;
  }
  // Pushes, first dropping the oldest element when full; returns whether one
  // was dropped and, if so, what it was in `dropped`.
  bool push_evicting(const T& value, T& dropped) noexcept {
    const bool evict = full();
    if (evict) dropped = pop();
    slots_[tail_++ & mask_] = value;
    return evict;
  }
  // The oldest element; requires !empty().
  [[nodiscard]] T& front() noexcept {
    TR_DCHECK(!empty(), "front of an empty fifo");
    return slots_[head_ & mask_];
  }
  // Removes and returns the oldest element; requires !empty().
  T pop() noexcept {
    TR_DCHECK(!empty(), "pop from an empty fifo");
    return slots_[head_++ & mask_];
  }
  // Element `i` counted from the oldest (0) to the newest (size() - 1).
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    TR_DCHECK(i < size(), "fifo index out of range");
    return slots_[(head_ + i) & mask_];
  }
  // Element `age` counted back from the newest (0 = the last pushed).
  [[nodiscard]] const T& from_newest(std::size_t age) const noexcept {
    TR_DCHECK(age < size(), "fifo age out of range");
    return slots_[(tail_ - 1 - age) & mask_];
  }

  [[nodiscard]] std::size_t size() const noexcept { return static_cast<std::size_t>(tail_ - head_); }
  [[nodiscard]] bool empty() const noexcept { return tail_ == head_; }
  [[nodiscard]] bool full() const noexcept { return size() == capacity_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  void clear() noexcept { head_ = tail_; }

 private:
  std::vector<T> slots_;
  std::size_t mask_;
  std::size_t capacity_;
  std::uint64_t head_ = 0;  // next to pop
  std::uint64_t tail_ = 0;  // next to push
};

}  // namespace tickrail::core
