// Single-threaded behaviour of the sequenced ring: ordering, multicast,
// wrap-around, batch claim/publish, gating and exactly-once delivery.
#include "tickrail/core/ring.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace tickrail::core {
namespace {

struct item {
  std::int64_t value;
  std::int64_t check;  // ~value, to catch a slot read before its write
};

item make_item(std::int64_t v) { return {v, ~v}; }

std::vector<std::int64_t> drain(ring<item>& r, std::size_t consumer, std::size_t max_batch = SIZE_MAX) {
  std::vector<std::int64_t> seen;
  r.poll(
      consumer,
      [&](const item& it, sequence_t seq, bool) {
        EXPECT_EQ(it.check, ~it.value);
        EXPECT_EQ(it.value, seq);
        seen.push_back(it.value);
      },
      max_batch);
  return seen;
}

TEST(ring, rejects_bad_construction) {
  EXPECT_DEATH(ring<item>(3, 1), "power of two");
  EXPECT_DEATH(ring<item>(0, 1), "power of two");
  EXPECT_DEATH(ring<item>(8, 0), "at least one consumer");
}

TEST(ring, single_consumer_sees_events_in_order) {
  ring<item> r(16, 1);
  for (std::int64_t i = 0; i < 10; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  const auto seen = drain(r, 0);
  ASSERT_EQ(seen.size(), 10u);
  for (std::int64_t i = 0; i < 10; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
  EXPECT_TRUE(drain(r, 0).empty());
  EXPECT_EQ(r.published(), 9);
  EXPECT_EQ(r.consumer_cursor(0), 9);
}

TEST(ring, sequences_start_at_zero_and_claims_return_the_last_slot) {
  ring<item> r(8, 1);
  EXPECT_EQ(r.published(), initial_cursor);
  EXPECT_EQ(r.try_claim(1), 0);
  EXPECT_EQ(r.try_claim(3), 3);  // slots 1..3
  r.publish(3);
  EXPECT_EQ(r.published(), 3);
}

TEST(ring, every_consumer_sees_every_event_independently) {
  ring<item> r(8, 3);
  for (std::int64_t i = 0; i < 5; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_EQ(drain(r, 0).size(), 5u);
  EXPECT_EQ(drain(r, 2, 2), (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(drain(r, 1).size(), 5u);
  EXPECT_EQ(drain(r, 2), (std::vector<std::int64_t>{2, 3, 4}));
}

TEST(ring, producer_is_gated_by_the_slowest_consumer) {
  ring<item> r(4, 2);
  for (std::int64_t i = 0; i < 4; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_FALSE(r.try_push(make_item(4))) << "full ring must refuse";
  EXPECT_EQ(drain(r, 0).size(), 4u);
  EXPECT_FALSE(r.try_push(make_item(4))) << "consumer 1 has not read slot 0 yet";
  EXPECT_EQ(drain(r, 1, 1), (std::vector<std::int64_t>{0}));
  EXPECT_TRUE(r.try_push(make_item(4))) << "slot 0 is free once both have read it";
  EXPECT_FALSE(r.try_push(make_item(5)));
  // The refused claims left no trace: sequence 5 is still next. Consumer 1's
  // one-event poll scanned one stamp only, so it now scans afresh and sees 4.
  EXPECT_EQ(drain(r, 1), (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(drain(r, 0), (std::vector<std::int64_t>{4}));
  EXPECT_EQ(r.try_claim(1), 5);
}

TEST(ring, failed_batch_claim_claims_nothing) {
  ring<item> r(8, 1);
  for (std::int64_t i = 0; i < 6; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_EQ(r.try_claim(3), no_sequence);
  EXPECT_EQ(r.try_claim(2), 7);
}

TEST(ring, wraps_around_many_times_without_loss) {
  ring<item> r(8, 2);
  std::int64_t next_push = 0;
  std::vector<std::int64_t> seen0, seen1;
  // Irregular rhythm so that every slot index is hit at every phase.
  for (int round = 0; round < 2000; ++round) {
    const int burst = 1 + (round * 7) % 8;
    for (int k = 0; k < burst; ++k) {
      if (!r.try_push(make_item(next_push))) break;
      ++next_push;
    }
    for (auto v : drain(r, 0, 1 + round % 5)) seen0.push_back(v);
    for (auto v : drain(r, 1, 1 + round % 3)) seen1.push_back(v);
  }
  for (auto v : drain(r, 0)) seen0.push_back(v);
  for (auto v : drain(r, 1)) seen1.push_back(v);
  ASSERT_GT(next_push, 1000);
  ASSERT_EQ(static_cast<std::int64_t>(seen0.size()), next_push);
  ASSERT_EQ(static_cast<std::int64_t>(seen1.size()), next_push);
  for (std::int64_t i = 0; i < next_push; ++i) {
    ASSERT_EQ(seen0[static_cast<std::size_t>(i)], i);
    ASSERT_EQ(seen1[static_cast<std::size_t>(i)], i);
  }
}

TEST(ring, batch_claim_is_invisible_until_published_and_then_read_as_one_batch) {
  ring<item> r(16, 1);
  const sequence_t last = r.try_claim(5);
  ASSERT_EQ(last, 4);
  for (sequence_t s = last - 4; s <= last; ++s) r.slot(s) = make_item(s);
  EXPECT_TRUE(drain(r, 0).empty()) << "claimed but unpublished slots must not be visible";
  r.publish(2);  // a partial publish exposes a prefix
  EXPECT_EQ(drain(r, 0), (std::vector<std::int64_t>{0, 1, 2}));
  r.publish(last);
  std::vector<bool> end_flags;
  const std::size_t n = r.poll(0, [&](const item&, sequence_t, bool end) { end_flags.push_back(end); });
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(end_flags, (std::vector<bool>{false, true}));
}

TEST(ring, consumer_cursor_moves_once_per_batch) {
  ring<item> r(16, 1);
  for (std::int64_t i = 0; i < 6; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  std::vector<sequence_t> cursor_during;
  r.poll(0, [&](const item&, sequence_t, bool) { cursor_during.push_back(r.consumer_cursor(0)); });
  EXPECT_EQ(cursor_during, std::vector<sequence_t>(6, initial_cursor)) << "cursor published only after the batch";
  EXPECT_EQ(r.consumer_cursor(0), 5);
}

TEST(ring, manual_available_and_release) {
  ring<item> r(8, 1);
  for (std::int64_t i = 0; i < 3; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_EQ(r.next(0), 0);
  EXPECT_EQ(r.available(0), 2);
  EXPECT_EQ(r.slot(1).value, 1);
  r.release(0, 1);
  EXPECT_EQ(r.next(0), 2);
  EXPECT_EQ(r.occupancy(), 1u);
  r.release(0, 2);
  EXPECT_EQ(r.occupancy(), 0u);
  EXPECT_LT(r.available(0), r.next(0));
}

TEST(ring, a_consumer_finishes_what_it_has_seen_before_scanning_again) {
  ring<item> r(16, 1);
  for (std::int64_t i = 0; i < 3; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_EQ(r.available(0), 2);
  for (std::int64_t i = 3; i < 6; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_EQ(drain(r, 0), (std::vector<std::int64_t>{0, 1, 2})) << "cached batch first";
  EXPECT_EQ(drain(r, 0), (std::vector<std::int64_t>{3, 4, 5}));
}

TEST(ring, available_scans_no_further_than_asked) {
  ring<item> r(16, 1);
  for (std::int64_t i = 0; i < 10; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_EQ(r.available(0, 3), 2) << "scan bounded to 3 stamps";
  EXPECT_EQ(r.available(0), 2) << "cached until consumed";
  r.release(0, 2);
  EXPECT_EQ(r.available(0), 9);
  EXPECT_EQ(r.published(), 9);
}

TEST(ring, max_batch_caps_the_batch) {
  ring<item> r(64, 1);
  for (std::int64_t i = 0; i < 50; ++i) ASSERT_TRUE(r.try_push(make_item(i)));
  EXPECT_EQ(drain(r, 0, 16).size(), 16u);
  EXPECT_EQ(drain(r, 0, 16).size(), 16u);
  EXPECT_EQ(drain(r, 0).size(), 18u);
}

}  // namespace
}  // namespace tickrail::core
