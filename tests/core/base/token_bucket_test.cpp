// core::token_bucket: full when new, exact refill over any gap (hand-worked
// values), the burst cap, a lowered burst, waits, drain, no limit at rate 0
// and a clock that steps back.
#include "tickrail/core/token_bucket.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace tickrail::core {
namespace {

constexpr std::int64_t k_ms = 1'000'000;
constexpr std::int64_t k_s = 1'000'000'000;

TEST(token_bucket, a_new_bucket_is_full_and_empties_after_its_burst) {
  token_bucket b(5, 3);
  const std::int64_t t = 1'000 * k_s;
  EXPECT_TRUE(b.take(t));
  EXPECT_TRUE(b.take(t));
  EXPECT_TRUE(b.take(t));
  EXPECT_FALSE(b.take(t));
}

TEST(token_bucket, refills_exactly_at_its_rate) {
  token_bucket b(5, 1);  // one token every 200 ms
  EXPECT_TRUE(b.take(0));
  EXPECT_FALSE(b.take(199 * k_ms));
  EXPECT_EQ(b.level_nano(199 * k_ms), 995'000'000);  // 199 ms × 5/s
  EXPECT_TRUE(b.take(200 * k_ms));
  EXPECT_FALSE(b.take(200 * k_ms));
}

TEST(token_bucket, a_slow_bucket_with_a_big_burst_refills_only_what_the_gap_earned) {
  token_bucket b(1, 5000);
  for (int i = 0; i < 5000; ++i) ASSERT_TRUE(b.take(0));
  EXPECT_FALSE(b.take(0));
  // 1000 s at 1/s is 1000 tokens, not a full bucket.
  EXPECT_EQ(b.level_nano(1'000 * k_s), 1'000 * k_s);
  // A very long gap fills it exactly to the burst.
  EXPECT_EQ(b.level_nano(1'000'000 * k_s), 5000 * k_s);
}

TEST(token_bucket, a_lowered_burst_caps_the_level_at_the_next_read) {
  token_bucket b(10, 100);
  b.configure(10, 2);
  EXPECT_TRUE(b.take(0));
  EXPECT_TRUE(b.take(0));
  EXPECT_FALSE(b.take(0));
  EXPECT_EQ(b.burst(), 2);
}

TEST(token_bucket, wait_is_the_exact_time_to_the_cost) {
  token_bucket b(2, 4);
  EXPECT_TRUE(b.take(0, 4));
  EXPECT_EQ(b.wait_ns(0), 500 * k_ms);
  EXPECT_EQ(b.wait_ns(0, 3), 1'500 * k_ms);
  EXPECT_EQ(b.wait_ns(1'500 * k_ms, 3), 0);
}

TEST(token_bucket, drain_empties_it) {
  token_bucket b(1, 10);
  b.drain(7 * k_s);
  EXPECT_FALSE(b.take(7 * k_s));
  EXPECT_TRUE(b.take(8 * k_s));
}

TEST(token_bucket, rate_zero_is_no_limit) {
  token_bucket b;
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(b.take(0));
  EXPECT_EQ(b.wait_ns(0, 1'000'000), 0);
}

TEST(token_bucket, a_step_back_does_not_refill_the_same_interval_twice) {
  token_bucket b(1, 2);
  EXPECT_TRUE(b.take(10 * k_s));  // 1 left
  EXPECT_TRUE(b.take(5 * k_s));   // the clock stepped back: 0 left, time stays at 10 s
  EXPECT_FALSE(b.take(10 * k_s));
  EXPECT_TRUE(b.take(11 * k_s));  // one second earned one token
  EXPECT_FALSE(b.take(11 * k_s));
}

TEST(token_bucket, a_clock_that_steps_back_refills_nothing) {
  token_bucket b(1, 1);
  EXPECT_TRUE(b.take(10 * k_s));
  EXPECT_FALSE(b.take(5 * k_s));
  EXPECT_FALSE(b.take(10 * k_s));
  EXPECT_TRUE(b.take(11 * k_s));
}

}  // namespace
}  // namespace tickrail::core
