// The credit limiter on a fake clock: burst, refill, waits, 10028 backoff.
#include "tickrail/core/credit_limiter.hpp"

#include <gtest/gtest.h>

namespace tickrail::core {
namespace {

constexpr std::int64_t k_ms = 1'000'000;

TEST(credit_limiter, burst_then_refill_rate) {
  credit_limiter lim({.burst_credits = 4, .refill_per_s = 2}, 0);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(lim.take(1, 0)) << i;
  EXPECT_FALSE(lim.take(1, 0));
  EXPECT_EQ(lim.wait_ns(1, 0), 500 * k_ms);
  EXPECT_FALSE(lim.take(1, 499 * k_ms));
  EXPECT_TRUE(lim.take(1, 500 * k_ms));
  // Idle for a minute: capped at the burst.
  int taken = 0;
  while (lim.take(1, 60'000 * k_ms)) ++taken;
  EXPECT_EQ(taken, 4);
  EXPECT_EQ(lim.wait_ns(3, 60'000 * k_ms), 1500 * k_ms);
}

TEST(credit_limiter, venue_refusal_backs_off_exponentially_and_recovers) {
  credit_limiter lim(
      {.burst_credits = 10, .refill_per_s = 1000, .min_backoff_ns = 100 * k_ms, .max_backoff_ns = 350 * k_ms}, 0);
  lim.on_rejected(0);
  EXPECT_TRUE(lim.backing_off(50 * k_ms));
  EXPECT_FALSE(lim.take(1, 50 * k_ms));
  EXPECT_EQ(lim.wait_ns(1, 50 * k_ms), 50 * k_ms);
  lim.on_rejected(100 * k_ms);
  EXPECT_EQ(lim.current_backoff_ns(), 200 * k_ms);
  lim.on_rejected(300 * k_ms);
  EXPECT_EQ(lim.current_backoff_ns(), 350 * k_ms);  // capped
  EXPECT_FALSE(lim.take(1, 600 * k_ms));
  std::int64_t t = 700 * k_ms;
  for (int i = 0; i < credit_limiter::k_quiet_resets; ++i) ASSERT_TRUE(lim.take(1, t += 10 * k_ms)) << i;
  EXPECT_EQ(lim.current_backoff_ns(), 0);
}

TEST(credit_limiter, nonsense_config_is_clamped) {
  credit_limiter lim({.burst_credits = 0, .refill_per_s = -5}, 0);
  EXPECT_TRUE(lim.take(1, 0));
  EXPECT_FALSE(lim.take(1, 0));
  EXPECT_EQ(lim.wait_ns(1, 0), 1'000'000'000);
}

}  // namespace
}  // namespace tickrail::core
