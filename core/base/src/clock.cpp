#include "tickrail/core/clock.hpp"

#include <cmath>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace tickrail::core {
namespace {

struct rate_sample {
  double ticks_per_ns;
  std::uint64_t end_ticks;
  std::int64_t end_ns;
};

// Pairs a TSC read with a steady_clock read, keeping the pair whose TSC reads
// bracket the clock read most tightly (a preemption between them would skew
// the calibration).
void paired_read(std::uint64_t& ticks, std::int64_t& ns) {
  std::uint64_t best_gap = ~std::uint64_t{0};
  for (int i = 0; i < 16; ++i) {
    const std::uint64_t before = read_tsc();
    const std::int64_t now = steady_clock_source{}.now_ns();
    const std::uint64_t after = read_tsc();
    if (after - before < best_gap) {
      best_gap = after - before;
      ticks = before + (after - before) / 2;
      ns = now;
    }
  }
}

rate_sample measure(std::chrono::nanoseconds window) {
  std::uint64_t t0 = 0;
  std::int64_t n0 = 0;
  paired_read(t0, n0);
  std::this_thread::sleep_for(window);
  std::uint64_t t1 = 0;
  std::int64_t n1 = 0;
  paired_read(t1, n1);
  const double elapsed_ns = static_cast<double>(n1 - n0);
  return {elapsed_ns > 0 ? static_cast<double>(t1 - t0) / elapsed_ns : 0.0, t1, n1};
}

}  // namespace

bool tsc_is_invariant() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(0x80000000u, &eax, &ebx, &ecx, &edx) == 0 || eax < 0x80000007u) return false;
  if (__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx) == 0) return false;
  return (edx & (1u << 8)) != 0;
#else
  return false;
#endif
}

tsc_clock::tsc_clock(bool uses_tsc, double ticks_per_ns, std::uint64_t base_ticks, std::int64_t base_ns,
                     std::string_view source) noexcept
    : uses_tsc_(uses_tsc),
      ticks_per_ns_(ticks_per_ns),
      mult_(static_cast<std::uint64_t>(std::llround(std::ldexp(1.0 / ticks_per_ns, k_shift)))),
      base_ticks_(base_ticks),
      base_ns_(base_ns),
      source_(source) {}

tsc_clock tsc_clock::from_rate(double ticks_per_ns, std::uint64_t base_ticks, std::int64_t base_ns) noexcept {
  return tsc_clock(true, ticks_per_ns, base_ticks, base_ns, "tsc");
}

tsc_clock tsc_clock::steady_fallback() noexcept { return tsc_clock(false, 1.0, 0, 0, "steady_clock"); }

tsc_clock tsc_clock::calibrate(std::chrono::nanoseconds window) {
  if (!tsc_is_invariant()) return tsc_clock(false, 1.0, 0, 0, "steady_clock (TSC not invariant)");
  const rate_sample first = measure(window);
  const rate_sample second = measure(window);
  const double rate = second.ticks_per_ns;
  if (!(rate > 0.1 && rate < 10.0)) return tsc_clock(false, 1.0, 0, 0, "steady_clock (implausible TSC rate)");
  if (std::fabs(first.ticks_per_ns - rate) > 0.005 * rate) {
    return tsc_clock(false, 1.0, 0, 0, "steady_clock (TSC calibration unstable)");
  }
  return tsc_clock(true, rate, second.end_ticks, second.end_ns, "tsc");
}

}  // namespace tickrail::core
