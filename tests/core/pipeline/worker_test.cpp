#include "tickrail/core/worker.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "tickrail/core/placement.hpp"

namespace tickrail::core {
namespace {

// Does `budget` units of work, one per poll, then idles.
struct counting_stage {
  std::atomic<std::int64_t> budget{0};
  std::atomic<std::int64_t> polls{0};
  std::atomic<std::int64_t> done{0};
  std::size_t poll() noexcept {
    polls.fetch_add(1, std::memory_order_relaxed);
    if (budget.load(std::memory_order_relaxed) <= 0) return 0;
    budget.fetch_sub(1, std::memory_order_relaxed);
    done.fetch_add(1, std::memory_order_relaxed);
    return 1;
  }
};

template <typename Pred>
bool eventually(Pred pred) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(worker, polls_its_stages_in_turn_and_stops_cleanly) {
  counting_stage a, b;
  a.budget = 1000;
  b.budget = 500;
  worker w(worker_options{"test", -1, wait_kind::yield, {}}, {{"a", a}, {"b", b}});
  ASSERT_TRUE(w.start().ok());
  EXPECT_TRUE(w.running());
  ASSERT_TRUE(eventually([&] { return a.done == 1000 && b.done == 500; }));
  w.stop();
  EXPECT_FALSE(w.running());
  EXPECT_EQ(w.work_done(), 1500u);
  EXPECT_GE(w.rounds(), 1000u);
  EXPECT_EQ(a.polls.load(), b.polls.load()) << "every round polls every stage";
  w.stop();  // idempotent
}

TEST(worker, drains_pending_work_on_stop) {
  counting_stage a;
  worker w(worker_options{"drain", -1, wait_kind::backoff, {}}, {{"a", a}});
  ASSERT_TRUE(w.start().ok());
  a.budget = 200;
  w.stop();
  EXPECT_EQ(a.done.load(), 200) << "work queued before stop must be finished";
}

TEST(worker, every_wait_strategy_runs) {
  for (wait_kind kind : {wait_kind::busy_spin, wait_kind::yield, wait_kind::backoff}) {
    counting_stage a;
    a.budget = 100;
    worker w(worker_options{std::string(to_string(kind)), -1, kind, {}}, {{"a", a}});
    ASSERT_TRUE(w.start().ok());
    ASSERT_TRUE(eventually([&] { return a.done == 100; })) << to_string(kind);
    w.stop();
    EXPECT_GT(w.idle_rounds(), 0u);
  }
}

TEST(worker, pins_to_an_allowed_cpu_and_refuses_others) {
  const std::vector<int> cpus = allowed_cpus();
  ASSERT_FALSE(cpus.empty());
  counting_stage a;
  worker ok(worker_options{"pinned", cpus.back(), wait_kind::yield, {}}, {{"a", a}});
  EXPECT_TRUE(ok.start().ok());
  ok.stop();
  worker bad(worker_options{"bad", 4000, wait_kind::yield, {}}, {{"a", a}});
  const absl::Status status = bad.start();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find("cannot pin to cpu 4000"), std::string::npos) << status;
  EXPECT_FALSE(bad.running()) << "a worker that failed to pin leaves no thread behind";
}

TEST(worker, backoff_escalates_from_spin_to_yield_to_sleep_and_resets) {
  backoff_wait w(backoff_params{2, 2, 1, 4});
  EXPECT_EQ(w.current_phase(), backoff_wait::phase::spinning);
  w.idle();
  w.idle();
  EXPECT_EQ(w.current_phase(), backoff_wait::phase::yielding);
  w.idle();
  w.idle();
  EXPECT_EQ(w.current_phase(), backoff_wait::phase::sleeping);
  EXPECT_EQ(w.next_sleep_us(), 1u);
  w.idle();
  EXPECT_EQ(w.next_sleep_us(), 2u);
  w.idle();
  w.idle();
  EXPECT_EQ(w.next_sleep_us(), 4u) << "capped at max_sleep_us";
  w.reset();
  EXPECT_EQ(w.current_phase(), backoff_wait::phase::spinning);
  EXPECT_EQ(w.next_sleep_us(), 1u);
}

TEST(worker_group, runs_the_placement_and_rejects_bad_ones) {
  counting_stage s1, s2, s3;
  const std::vector<stage_ref> stages{{"s1", s1}, {"s2", s2}, {"s3", s3}};
  placement p;
  p.workers.push_back({worker_options{"w1", -1, wait_kind::yield, {}}, {"s1"}, "t"});
  p.workers.push_back({worker_options{"w2", -1, wait_kind::yield, {}}, {"s3", "s2"}, "t"});
  auto group = worker_group::create(p, stages, allowed_cpus());
  ASSERT_TRUE(group.ok()) << group.status();
  ASSERT_EQ((*group)->workers().size(), 2u);
  EXPECT_EQ((*group)->workers()[1]->stages()[0].name(), "s3");
  s1.budget = 10;
  s2.budget = 20;
  s3.budget = 30;
  ASSERT_TRUE((*group)->start().ok());
  ASSERT_TRUE(eventually([&] { return s1.done == 10 && s2.done == 20 && s3.done == 30; }));
  (*group)->stop();

  p.workers[1].stages = {"s2"};
  EXPECT_FALSE(worker_group::create(p, stages, allowed_cpus()).ok()) << "s3 unplaced";
  const std::vector<stage_ref> dup{{"s1", s1}, {"s1", s2}};
  EXPECT_FALSE(worker_group::create(fused_placement(std::vector<std::string>{"s1"}), dup, allowed_cpus()).ok());
}

TEST(worker_group, a_failed_start_stops_the_workers_already_running) {
  counting_stage s1, s2;
  const std::vector<stage_ref> stages{{"s1", s1}, {"s2", s2}};
  placement p;
  p.workers.push_back({worker_options{"w1", -1, wait_kind::yield, {}}, {"s1"}, "t"});
  p.workers.push_back({worker_options{"w2", 4000, wait_kind::yield, {}}, {"s2"}, "t"});
  // Validation would refuse cpu 4000, so claim it is allowed to reach start().
  auto group = worker_group::create(p, stages, std::vector<int>{4000});
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_FALSE((*group)->start().ok());
  EXPECT_FALSE((*group)->workers()[0]->running());
}

}  // namespace
}  // namespace tickrail::core
