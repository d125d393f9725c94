// The risk stage on its own worker thread between a producer and a gateway
// thread, with a control thread posting limit reloads concurrently: every
// intent that must pass arrives exactly once and in order, none that must
// not, and TSan sees the mailbox hand-over as race-free. Run under TSan and
// ASan by .ci/run.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "support/risk_fixture.hpp"
#include "tickrail/core/risk_stage.hpp"
#include "tickrail/core/worker.hpp"

namespace tickrail {
namespace {

using namespace test;

constexpr std::int64_t k_orders = 200'000;
constexpr auto k_deadline = std::chrono::seconds(120);

struct counting_sink {
  std::uint64_t* rejects;
  std::uint64_t* reloads;
  bool operator()(const core::risk_record& r) noexcept {
    if (r.kind == core::risk_record_kind::rejected) ++*rejects;
    if (r.kind == core::risk_record_kind::limits_reloaded) ++*reloads;
    return true;
  }
};

TEST(risk_stage_stress, orders_flow_once_and_in_order_while_limits_reload) {
  const core::instrument_catalog catalog = make_risk_catalog();
  auto parsed = core::parse_risk_limits_toml(k_risk_toml, "risk.toml", catalog);
  ASSERT_TRUE(parsed.ok());
  core::risk_limits base = *std::move(parsed);
  base.runaway_max_orders = 65536;
  base.runaway_window_ns = 1000;  // orders are 1 µs apart here: never a runaway
  base.rates[0] = {1'000'000, 1'000'000};
  core::risk_limits_mailbox mailbox;
  core::risk_engine engine(catalog, &base, {}, 1024);
  core::ring<core::event> input(1024, 1);
  core::ring<core::order_request> output(64, 1);
  std::uint64_t rejects = 0, reloads = 0;
  core::risk_stage<counting_sink> stage(input, 0, output, engine, counting_sink{&rejects, &reloads}, &mailbox);
  core::worker risk_worker({.name = "risk", .cpu = -1, .wait = core::wait_kind::yield},
                           {core::stage_ref("risk", stage)});
  ASSERT_TRUE(risk_worker.start().ok());

  const auto deadline = std::chrono::steady_clock::now() + k_deadline;
  std::atomic<bool> failed{false};
  std::atomic<std::int64_t> latest_generation{0};
  std::atomic<bool> producing{true};

  // Control: alternates max_order_qty between 100 and 60 lots; every order
  // below is at most 50 lots, so each must pass under either version.
  std::thread control([&] {
    for (int i = 0; producing.load(std::memory_order_acquire) && i < 2000; ++i) {
      auto next = std::make_unique<core::risk_limits>(base);
      next->instruments[k_perp].max_order_qty_lots = i % 2 == 0 ? 60 : 100;
      latest_generation.store(mailbox.post(std::move(next)), std::memory_order_release);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });

  // Gateway: drains passed orders, checks order and content.
  std::int64_t received = 0;
  std::thread gateway([&] {
    core::client_order_id last = 0;
    while (received < k_orders && std::chrono::steady_clock::now() < deadline) {
      const std::size_t n = output.poll(0, [&](const core::order_request& r, core::sequence_t, bool) {
        if (r.intent.kind != core::intent_kind::place || r.intent.cl_ord_id <= last || r.intent.qty_lots > 50) {
          failed.store(true, std::memory_order_relaxed);
        }
        last = r.intent.cl_ord_id;
        ++received;
      });
      if (n == 0) std::this_thread::yield();
    }
  });

  // Producer (the strategy side): references, intents, the venue's cancel
  // confirmations, and a reload command every 1000 orders.
  const auto push = [&](const core::event& e) {
    while (!input.try_push(e)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::yield();
    }
    return true;
  };
  bool ok = push(reference(k_perp, 99990, 100010)) && push(ticker_mark(k_perp, 100000));
  for (std::int64_t i = 1; ok && i <= k_orders; ++i) {
    const auto id = static_cast<core::client_order_id>(i);
    const core::side s = i % 2 ? core::side::buy : core::side::sell;
    const core::lots qty = 1 + i % 50;
    const core::ticks price = s == core::side::buy ? 99900 : 100100;
    ok = push(place(k_perp, s, qty, price, id, i * 1000)) &&
         push(order_update(k_perp, id, s, core::order_state::cancelled, qty, 0, price, i * 1000));
    if (ok && i % 1000 == 0) {
      core::event reload = command(core::command_kind::reload_risk, i * 1000);
      reload.cmd.args[0] = latest_generation.load(std::memory_order_acquire);
      ok = push(reload);
    }
  }
  producing.store(false, std::memory_order_release);
  control.join();
  gateway.join();
  risk_worker.stop();

  ASSERT_TRUE(ok) << "producer missed the deadline";
  EXPECT_FALSE(failed.load());
  EXPECT_EQ(received, k_orders);
  EXPECT_EQ(engine.open_orders(), 0u);
  EXPECT_GT(reloads, 0u);  // reloads did land mid-stream
  EXPECT_GT(engine.limits().generation, 0);
  EXPECT_EQ(rejects, 0u) << "no order should have been rejected";
}

}  // namespace
}  // namespace tickrail
