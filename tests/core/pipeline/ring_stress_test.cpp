// Concurrent producer/consumer checksum stress for the sequenced ring, the
// rigtorp way: real threads, a yielding wait (2-core friendly), a hard
// deadline inside the test as well as the ctest TIMEOUT, and per-slot
// integrity checks standing in for element-lifetime tracking (slots are PODs:
// a torn, stale or duplicated slot shows up as a payload that does not match
// its sequence). Run under TSan and ASan by .ci/run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "tickrail/core/ring.hpp"
#include "tickrail/core/wait_strategy.hpp"

namespace tickrail::core {
namespace {

constexpr std::int64_t k_events = 10'000'000;
constexpr auto k_deadline = std::chrono::seconds(240);

// 64 bytes, like a small real event: several words that must all agree.
struct payload {
  std::int64_t seq;
  std::uint64_t mix[6];
  std::uint64_t check;
};
static_assert(sizeof(payload) == 64);

std::uint64_t mix_of(std::int64_t seq, int k) {
  return static_cast<std::uint64_t>(seq) * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(k);
}

void fill(payload& p, std::int64_t seq) {
  p.seq = seq;
  std::uint64_t check = 0;
  for (int k = 0; k < 6; ++k) {
    p.mix[k] = mix_of(seq, k);
    check ^= p.mix[k];
  }
  p.check = check;
}

bool intact(const payload& p, std::int64_t expected_seq) {
  if (p.seq != expected_seq) return false;
  std::uint64_t check = 0;
  for (int k = 0; k < 6; ++k) {
    if (p.mix[k] != mix_of(expected_seq, k)) return false;
    check ^= p.mix[k];
  }
  return check == p.check;
}

struct consumer_result {
  std::int64_t received = 0;
  std::int64_t corrupted = 0;
  std::uint64_t sum = 0;
};

struct run_state {
  std::atomic<bool> abort{false};
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::now() + k_deadline;
  bool expired() {
    if (std::chrono::steady_clock::now() > deadline) abort.store(true, std::memory_order_relaxed);
    return abort.load(std::memory_order_relaxed);
  }
};

void produce(ring<payload>& r, run_state& state, std::size_t max_batch) {
  yield_wait wait;
  std::int64_t next = 0;
  std::size_t batch = 1;
  std::uint32_t spins = 0;
  while (next < k_events) {
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(static_cast<std::int64_t>(batch), k_events - next));
    const sequence_t last = r.try_claim(n);
    if (last == no_sequence) {
      wait.idle();
      if ((++spins & 0xFFF) == 0 && state.expired()) return;
      continue;
    }
    wait.reset();
    for (sequence_t s = last - static_cast<sequence_t>(n) + 1; s <= last; ++s) fill(r.slot(s), s);
    r.publish(last);
    next = last + 1;
    batch = batch % max_batch + 1;  // vary batch sizes 1..max_batch
  }
}

consumer_result consume(ring<payload>& r, std::size_t consumer, run_state& state) {
  consumer_result result;
  yield_wait wait;
  std::int64_t expected = 0;
  std::uint32_t spins = 0;
  while (result.received < k_events) {
    const std::size_t n = r.poll(consumer, [&](const payload& p, sequence_t seq, bool) {
      if (seq != expected || !intact(p, expected)) ++result.corrupted;
      result.sum += static_cast<std::uint64_t>(p.seq);
      ++expected;
    });
    if (n == 0) {
      wait.idle();
      if ((++spins & 0xFFF) == 0 && state.expired()) break;
    } else {
      wait.reset();
      result.received += static_cast<std::int64_t>(n);
    }
  }
  return result;
}

constexpr std::uint64_t expected_sum() {
  return static_cast<std::uint64_t>(k_events) * static_cast<std::uint64_t>(k_events - 1) / 2;
}

TEST(ring_stress, one_producer_one_consumer_ten_million_events) {
  ring<payload> r(1024, 1);
  run_state state;
  consumer_result result;
  std::thread consumer([&] { result = consume(r, 0, state); });
  produce(r, state, 1);
  consumer.join();
  ASSERT_FALSE(state.abort.load()) << "deadline exceeded: ring stalled";
  EXPECT_EQ(result.received, k_events);
  EXPECT_EQ(result.corrupted, 0);
  EXPECT_EQ(result.sum, expected_sum());
}

TEST(ring_stress, one_producer_two_consumers_batched_claims) {
  ring<payload> r(256, 2);
  run_state state;
  consumer_result a, b;
  std::thread ta([&] { a = consume(r, 0, state); });
  std::thread tb([&] { b = consume(r, 1, state); });
  produce(r, state, 32);
  ta.join();
  tb.join();
  ASSERT_FALSE(state.abort.load()) << "deadline exceeded: ring stalled";
  for (const consumer_result* c : {&a, &b}) {
    EXPECT_EQ(c->received, k_events);
    EXPECT_EQ(c->corrupted, 0);
    EXPECT_EQ(c->sum, expected_sum());
  }
}

}  // namespace
}  // namespace tickrail::core
