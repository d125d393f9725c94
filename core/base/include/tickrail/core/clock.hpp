// tickrail/core/clock.hpp — timestamps in nanoseconds, cheap enough to take
// on every frame.
//
// `tsc_clock` reads the CPU's time-stamp counter (~7 ns, no syscall) and
// converts ticks to nanoseconds with a multiply and a shift calibrated
// against std::chrono::steady_clock; its nanoseconds share steady_clock's
// epoch, so stamps from either can be compared. When the TSC is unusable
// (not invariant, not x86, or a calibration whose two rounds disagree) it
// falls back to steady_clock and says so in source().
//
// `manual_clock` is the injectable seam for tests and replay: time moves only
// when told to. Components that need time take a clock as a template
// parameter satisfying `timestamp_source` (STYLE §15). Nothing downstream of
// the sequencer reads a clock at all: it uses event timestamps.
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <string_view>

#include "tickrail/core/platform.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace tickrail::core {

template <typename C>
concept timestamp_source = requires(const C& c) {
  { c.now_ns() }
  noexcept->std::same_as<std::int64_t>;
};

// steady_clock in integer nanoseconds.
struct steady_clock_source {
  [[nodiscard]] std::int64_t now_ns() const noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// The system (wall) clock, ns and ms since the Unix epoch: the one place
// that reads it, for the cold path (reconciliation windows, captures, the
// simulator). It steps with NTP; hot stages never call it. Components take
// it as an injected seam (e.g. deribit::session_config::wall_clock_ms).
[[nodiscard]] inline std::int64_t wall_clock_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
[[nodiscard]] inline std::int64_t wall_clock_ms() noexcept { return wall_clock_ns() / 1'000'000; }

// Time that moves only when a test says so. set/advance/now_ns are safe from
// any thread (relaxed atomics: it orders nothing else).
class manual_clock {
 public:
  explicit manual_clock(std::int64_t start_ns = 0) noexcept : now_(start_ns) {}
  [[nodiscard]] std::int64_t now_ns() const noexcept { return now_.load(std::memory_order_relaxed); }
  void set(std::int64_t ns) noexcept { now_.store(ns, std::memory_order_relaxed); }
  void advance(std::int64_t delta_ns) noexcept { now_.fetch_add(delta_ns, std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> now_;
};

// True when CPUID reports an invariant TSC (constant rate across P-, C- and
// T-states), the precondition for using it as a clock.
[[nodiscard]] bool tsc_is_invariant() noexcept;

// The raw counter. Not serialising: it may be reordered with nearby loads,
// which is fine for latency stamps of tens of nanoseconds and up.
[[nodiscard]] inline std::uint64_t read_tsc() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return 0;
#endif
}

class tsc_clock {
 public:
  // Measures the TSC rate against steady_clock over two windows of `window`
  // each (cold path: blocks for about 2 × window). Falls back to steady_clock
  // when the TSC is not invariant, the rate is implausible (< 0.1 or > 10
  // ticks/ns) or the two windows disagree by more than 0.5 %.
  static tsc_clock calibrate(std::chrono::nanoseconds window = std::chrono::milliseconds(10));
  // A clock with a known rate and origin: tests, and replay of recorded stamps.
  static tsc_clock from_rate(double ticks_per_ns, std::uint64_t base_ticks, std::int64_t base_ns) noexcept;
  // steady_clock behind the same interface.
  static tsc_clock steady_fallback() noexcept;

  // Raw stamp: TSC ticks, or steady_clock ns in fallback mode. Cheapest read;
  // convert later with to_ns() (e.g. on the slow path).
  [[nodiscard]] std::uint64_t ticks() const noexcept {
    if (uses_tsc_) [[likely]]
      return read_tsc();
    return static_cast<std::uint64_t>(steady_clock_source{}.now_ns());
  }
  // Nanoseconds on steady_clock's epoch.
  [[nodiscard]] std::int64_t now_ns() const noexcept { return to_ns(ticks()); }
  // Converts a stamp from ticks() to steady_clock nanoseconds.
  [[nodiscard]] std::int64_t to_ns(std::uint64_t stamp) const noexcept {
    if (stamp >= base_ticks_) return base_ns_ + static_cast<std::int64_t>(delta_to_ns(stamp - base_ticks_));
    return base_ns_ - static_cast<std::int64_t>(delta_to_ns(base_ticks_ - stamp));
  }
  // Converts a difference of two stamps to nanoseconds, rounded to nearest.
  [[nodiscard]] std::uint64_t delta_to_ns(std::uint64_t delta_ticks) const noexcept {
    constexpr uint128_t k_half = uint128_t{1} << (k_shift - 1);
    return static_cast<std::uint64_t>((static_cast<uint128_t>(delta_ticks) * mult_ + k_half) >> k_shift);
  }

  [[nodiscard]] bool uses_tsc() const noexcept { return uses_tsc_; }
  [[nodiscard]] double ticks_per_ns() const noexcept { return ticks_per_ns_; }
  // "tsc" or "steady_clock (<why the TSC was not used>)".
  [[nodiscard]] std::string_view source() const noexcept { return source_; }

 private:
  static constexpr unsigned k_shift = 32;

  tsc_clock(bool uses_tsc, double ticks_per_ns, std::uint64_t base_ticks, std::int64_t base_ns,
            std::string_view source) noexcept;

  bool uses_tsc_;
  double ticks_per_ns_;
  std::uint64_t mult_;  // ns per tick, fixed point with k_shift fraction bits
  std::uint64_t base_ticks_;
  std::int64_t base_ns_;
  std::string_view source_;  // always a string literal
};

static_assert(timestamp_source<steady_clock_source>);
static_assert(timestamp_source<manual_clock>);
static_assert(timestamp_source<tsc_clock>);

}  // namespace tickrail::core
