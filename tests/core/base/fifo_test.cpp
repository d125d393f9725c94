// core::fifo: order, the exact capacity (not the power of two behind it),
// eviction, indexing from both ends, and a long run past many wraps of the
// mask against std::deque.
#include "tickrail/core/fifo.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>

namespace tickrail::core {
namespace {

TEST(fifo, first_in_first_out) {
  fifo<int> q(4);
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(q.push(1));
  EXPECT_TRUE(q.push(2));
  EXPECT_TRUE(q.push(3));
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.front(), 1);
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), 3);
  EXPECT_TRUE(q.empty());
}

TEST(fifo, capacity_is_what_was_asked_not_the_power_of_two) {
  fifo<int> q(5);  // 8 slots behind it
  EXPECT_EQ(q.capacity(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(q.push(i));
  EXPECT_TRUE(q.full());
  EXPECT_FALSE(q.push(99));
  EXPECT_EQ(q.size(), 5u);
  EXPECT_EQ(q.from_newest(0), 4);
}

TEST(fifo, push_evicting_drops_the_oldest_when_full) {
  fifo<int> q(3);
  int dropped = -1;
  EXPECT_FALSE(q.push_evicting(10, dropped));
  EXPECT_FALSE(q.push_evicting(11, dropped));
  EXPECT_FALSE(q.push_evicting(12, dropped));
  EXPECT_EQ(dropped, -1);
  EXPECT_TRUE(q.push_evicting(13, dropped));
  EXPECT_EQ(dropped, 10);
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q[0], 11);
  EXPECT_EQ(q[2], 13);
  EXPECT_EQ(q.from_newest(0), 13);
  EXPECT_EQ(q.from_newest(2), 11);
}

TEST(fifo, clear_empties_it) {
  fifo<int> q(2);
  EXPECT_TRUE(q.push(1));
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(q.push(2));
  EXPECT_EQ(q.front(), 2);
}

TEST(fifo, matches_a_deque_over_many_wraps) {
  fifo<std::uint32_t> q(7);
  std::deque<std::uint32_t> ref;
  std::mt19937 rng(12345);
  std::uint32_t next = 0;
  for (int step = 0; step < 200'000; ++step) {
    const unsigned op = rng() % 3;
    if (op < 2) {
      const bool pushed = q.push(next);
      ASSERT_EQ(pushed, ref.size() < 7);
      if (pushed) ref.push_back(next);
      ++next;
    } else if (!ref.empty()) {
      ASSERT_EQ(q.pop(), ref.front());
      ref.pop_front();
    }
    ASSERT_EQ(q.size(), ref.size());
    for (std::size_t i = 0; i < ref.size(); ++i) ASSERT_EQ(q[i], ref[i]);
  }
}

}  // namespace
}  // namespace tickrail::core
