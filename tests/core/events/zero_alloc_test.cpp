// Proves the steady state allocates nothing: events flow source → relay →
// sink through two rings on two workers (placement from data), while a
// global operator new counter (support/alloc_counter.cpp) watches. A negative control shows the counter
// does see an allocating stage, so the zero is not vacuous.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "support/alloc_counter.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/histogram.hpp"
#include "tickrail/core/placement.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/worker.hpp"

namespace tickrail::core {
namespace {

// Market-data source: fills book-change events in batches of up to 32.
struct source_stage {
  ring<event>& out;
  std::atomic<std::int64_t> limit{0};  // how many events to have produced so far
  std::int64_t produced = 0;

  std::size_t poll() noexcept {
    const std::int64_t target = limit.load(std::memory_order_acquire);
    if (produced >= target) return 0;
    const auto n = static_cast<std::size_t>(std::min<std::int64_t>(32, target - produced));
    const sequence_t last = out.try_claim(n);
    if (last == no_sequence) return 0;
    for (sequence_t s = last - static_cast<sequence_t>(n) + 1; s <= last; ++s) {
      event& e = out.slot(s);
      e.header = {s, 1'700'000'000'000'000'000 + s, s * 100, event_type::market_data, 0, 7, 0};
      e.md.kind = md_kind::book_change;
      e.md.count = 2;
      e.md.change_id = s + 1;
      e.md.prev_change_id = s;
      e.md.levels[0] = {100'000 + (s & 15), 5, side::buy, book_action::change_level, {}};
      e.md.levels[1] = {100'020 + (s & 15), 0, side::sell, book_action::delete_level, {}};
    }
    out.publish(last);
    produced += static_cast<std::int64_t>(n);
    return n;
  }
};

// Turns each event into an order intent; stops consuming when the output is
// full (manual available/release instead of poll()).
struct relay_stage {
  ring<event>& in;
  ring<order_intent>& out;
  latency_histogram& hist;
  bool allocate_per_event = false;  // the negative control
  std::vector<int>* sink = nullptr;

  std::size_t poll() noexcept {
    const sequence_t first = in.next(0);
    const sequence_t avail = in.available(0);
    sequence_t done = first - 1;
    for (sequence_t s = first; s <= avail; ++s) {
      const sequence_t slot = out.try_claim(1);
      if (slot == no_sequence) break;
      const event& e = in.slot(s);
      order_intent& oi = out.slot(slot);
      oi = {};
      oi.trigger_sequence = e.header.sequence;
      oi.trigger_local_ts_ns = e.header.local_ts_ns;
      oi.price_ticks = e.md.levels[0].price_ticks;
      oi.qty_lots = 1;
      oi.instrument = e.header.instrument;
      out.publish(slot);
      hist.record(static_cast<std::uint64_t>(e.md.levels[0].price_ticks - 99'990));
      if (allocate_per_event) {
        std::vector<int> v(4, static_cast<int>(s));
        sink->swap(v);
      }
      done = s;
    }
    if (done >= first) in.release(0, done);
    return static_cast<std::size_t>(done - first + 1);
  }
};

struct sink_stage {
  ring<order_intent>& in;
  std::atomic<std::int64_t> consumed{0};
  std::int64_t checksum = 0;

  std::size_t poll() noexcept {
    const std::size_t n = in.poll(0, [&](const order_intent& oi, sequence_t, bool) { checksum += oi.price_ticks; });
    if (n != 0)
      consumed.store(consumed.load(std::memory_order_relaxed) + static_cast<std::int64_t>(n),
                     std::memory_order_release);
    return n;
  }
};

struct pipeline {
  ring<event> md{1024, 1};
  ring<order_intent> orders{1024, 1};
  latency_histogram hist;
  std::vector<int> scratch;
  source_stage source{md};
  relay_stage relay{md, orders, hist};
  sink_stage sink{orders};
  std::unique_ptr<worker_group> group;

  void start() {
    placement p;
    p.workers.push_back({worker_options{"feed", -1, wait_kind::yield, {}}, {"source"}, "test"});
    p.workers.push_back({worker_options{"hot", -1, wait_kind::yield, {}}, {"relay", "sink"}, "test"});
    const std::vector<stage_ref> stages{{"source", source}, {"relay", relay}, {"sink", sink}};
    auto created = worker_group::create(p, stages, allowed_cpus());
    ASSERT_TRUE(created.ok()) << created.status();
    group = std::move(created).value();
    ASSERT_TRUE(group->start().ok());
  }

  // Lets `n` more events through and waits (bounded) until the sink saw them.
  bool run(std::int64_t n) {
    const std::int64_t target = source.limit.load() + n;
    source.limit.store(target, std::memory_order_release);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (sink.consumed.load(std::memory_order_acquire) < target) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }
};

TEST(zero_alloc, steady_state_ring_traffic_through_workers_allocates_nothing) {
  pipeline p;
  p.start();
  ASSERT_TRUE(p.run(100'000)) << "warm-up did not complete";
  const std::uint64_t before = tickrail::test::allocations();
  constexpr std::int64_t k_events = 1'000'000;
  ASSERT_TRUE(p.run(k_events)) << "steady state did not complete";
  const std::uint64_t after = tickrail::test::allocations();
  p.group->stop();
  EXPECT_EQ(after - before, 0u) << "allocations during " << k_events << " events";
  EXPECT_EQ(p.hist.count(), 1'100'000u);
  EXPECT_EQ(p.sink.consumed.load(), 1'100'000);
}

TEST(zero_alloc, negative_control_counts_an_allocating_stage) {
  pipeline p;
  p.relay.allocate_per_event = true;
  p.relay.sink = &p.scratch;
  p.start();
  ASSERT_TRUE(p.run(1'000));
  const std::uint64_t before = tickrail::test::allocations();
  ASSERT_TRUE(p.run(10'000));
  const std::uint64_t after = tickrail::test::allocations();
  p.group->stop();
  EXPECT_GE(after - before, 10'000u) << "the counter must see one allocation per event";
}

}  // namespace
}  // namespace tickrail::core
