// tickrail/core/relaxed_counter.hpp — a counter with one writer and any
// number of readers (metrics, the control socket, tests).
//
// The writer adds with a relaxed load + store: no locked instruction on the
// hot path, correct because nobody else writes. Readers see each value
// individually current (relaxed), not a consistent snapshot of several
// counters. Two writers would lose counts: that is a bug, not a race to
// tolerate.
#pragma once

#include <atomic>
#include <cstdint>

namespace tickrail::core {

class relaxed_counter {
 public:
  // Writer thread only.
  void add(std::uint64_t n = 1) noexcept {
    v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Any thread.
  [[nodiscard]] std::uint64_t get() const noexcept { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> v_{0};
};
static_assert(sizeof(relaxed_counter) == sizeof(std::uint64_t));

}  // namespace tickrail::core
