#include "tickrail/core/clock.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace tickrail::core {
namespace {

TEST(clock, manual_clock_moves_only_when_told) {
  manual_clock c(1000);
  EXPECT_EQ(c.now_ns(), 1000);
  c.advance(250);
  EXPECT_EQ(c.now_ns(), 1250);
  c.set(5);
  EXPECT_EQ(c.now_ns(), 5);
}

template <timestamp_source C>
std::int64_t elapsed(const C& c, std::int64_t since) {
  return c.now_ns() - since;
}

TEST(clock, components_take_any_timestamp_source) {
  manual_clock c(10);
  const std::int64_t t0 = c.now_ns();
  c.advance(90);
  EXPECT_EQ(elapsed(c, t0), 90);
}

TEST(clock, tsc_conversion_math_with_a_known_rate) {
  // 2.5 ticks per ns (a 2.5 GHz TSC), origin at tick 1e12 = 7 s.
  const tsc_clock c = tsc_clock::from_rate(2.5, 1'000'000'000'000ull, 7'000'000'000);
  EXPECT_EQ(c.to_ns(1'000'000'000'000ull), 7'000'000'000);
  EXPECT_EQ(c.to_ns(1'000'000'000'000ull + 2'500'000'000ull), 8'000'000'000);  // +1 s
  EXPECT_EQ(c.to_ns(1'000'000'000'000ull - 2'500ull), 6'999'999'000);          // before the origin
  EXPECT_EQ(c.delta_to_ns(250), 100u);
  // One hour of ticks converts within 1 µs (fixed-point error is tiny).
  const std::uint64_t hour_ticks = 2'500'000'000ull * 3600;
  EXPECT_NEAR(static_cast<double>(c.delta_to_ns(hour_ticks)), 3.6e12, 1000.0);
}

TEST(clock, calibrated_clock_is_monotonic_and_names_its_source) {
  // Whichever source calibration picked, it names it and never runs backwards.
  const tsc_clock c = tsc_clock::calibrate(std::chrono::milliseconds(5));
  if (c.uses_tsc()) {
    EXPECT_EQ(c.source(), "tsc");
  } else {
    // The fallback says why the TSC was refused: "steady_clock (<reason>)".
    EXPECT_EQ(c.source().substr(0, 14), "steady_clock (") << c.source();
    EXPECT_EQ(c.source().back(), ')') << c.source();
  }
  std::int64_t prev = c.now_ns();
  for (int i = 0; i < 100'000; ++i) {
    const std::int64_t now = c.now_ns();
    ASSERT_GE(now, prev);
    prev = now;
  }
}

TEST(clock, calibrated_tsc_has_a_plausible_rate_and_is_monotonic) {
  const tsc_clock c = tsc_clock::calibrate(std::chrono::milliseconds(5));
  if (!c.uses_tsc()) GTEST_SKIP() << "no invariant TSC: calibration fell back to " << c.source();
  EXPECT_GT(c.ticks_per_ns(), 0.1);
  EXPECT_LT(c.ticks_per_ns(), 10.0);
  std::uint64_t prev = c.ticks();
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t now = c.ticks();
    ASSERT_GE(now, prev);
    prev = now;
  }
}

TEST(clock, fallback_stamps_are_steady_clock_nanoseconds) {
  // The fallback's ticks are steady_clock ns, converted one to one: a wrong
  // rate, origin or rounding in the fallback breaks these exact values.
  const tsc_clock c = tsc_clock::steady_fallback();
  EXPECT_FALSE(c.uses_tsc());
  EXPECT_EQ(c.source(), "steady_clock");
  EXPECT_EQ(c.ticks_per_ns(), 1.0);
  EXPECT_EQ(c.to_ns(0), 0);
  EXPECT_EQ(c.to_ns(1), 1);
  EXPECT_EQ(c.to_ns(1'234'567'890'123ull), 1'234'567'890'123);
  EXPECT_EQ(c.delta_to_ns(3'600'000'000'007ull), 3'600'000'000'007u);  // 1 h + 7 ns, exact
  // And its stamps are taken from steady_clock: bracketed by two reads of it.
  const std::int64_t before = steady_clock_source{}.now_ns();
  const std::uint64_t stamp = c.ticks();
  const std::int64_t after = steady_clock_source{}.now_ns();
  EXPECT_LE(before, static_cast<std::int64_t>(stamp));
  EXPECT_LE(static_cast<std::int64_t>(stamp), after);
}

TEST(clock, tsc_and_steady_share_an_epoch_and_a_rate) {
  const tsc_clock c = tsc_clock::calibrate(std::chrono::milliseconds(5));
  // On the fallback both sides would read steady_clock: nothing to compare.
  if (!c.uses_tsc()) GTEST_SKIP() << "no invariant TSC: calibration fell back to " << c.source();
  const std::int64_t steady0 = steady_clock_source{}.now_ns();
  const std::int64_t ours0 = c.now_ns();
  // Same epoch, so the two reads are close: a loose bound (1 s) that only a
  // wrong epoch or a wrong rate would break, not a noisy machine.
  EXPECT_LT(std::llabs(ours0 - steady0), 1'000'000'000);
  // Same rate: over 200 ms both clocks advance alike, within 10 % (20 ms,
  // far above a preemption between the paired reads).
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::int64_t steady1 = steady_clock_source{}.now_ns();
  const std::int64_t ours1 = c.now_ns();
  EXPECT_LT(std::llabs((ours1 - ours0) - (steady1 - steady0)), 20'000'000);
}

}  // namespace
}  // namespace tickrail::core
