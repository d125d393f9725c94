// The risk stage between rings: what passes reaches the order ring in order,
// a full order ring applies back-pressure without losing anything, limits
// reloaded through the mailbox take effect at the reload command, and the
// steady state allocates nothing.
#include "tickrail/core/risk_stage.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "support/alloc_counter.hpp"
#include "support/risk_fixture.hpp"

namespace tickrail {
namespace {

using core::risk_reason;
using core::side;
using namespace test;

struct record_sink {
  std::vector<core::risk_record>* records;
  bool accept = true;
  bool operator()(const core::risk_record& r) noexcept {
    if (!accept) return false;
    records->push_back(r);
    return true;
  }
};

class risk_stage_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = core::parse_risk_limits_toml(k_risk_toml, "risk.toml", catalog_);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    limits_ = *std::move(parsed);
    engine_ = std::make_unique<core::risk_engine>(catalog_, &limits_, core::risk_persisted_state{}, 256);
    records_.reserve(1024);
    stage_ = std::make_unique<core::risk_stage<record_sink>>(input_, 0, output_, *engine_, record_sink{&records_},
                                                             &mailbox_);
    push(reference(k_perp, 99990, 100010));
    push(ticker_mark(k_perp, 100000));
  }

  void push(const core::event& e) { ASSERT_TRUE(input_.try_push(e)); }

  std::vector<core::order_request> drain_output() {
    std::vector<core::order_request> out;
    output_.poll(0, [&](const core::order_request& r, core::sequence_t, bool) { out.push_back(r); });
    return out;
  }

  std::size_t drain_output_no_alloc() {
    return output_.poll(0, [](const core::order_request&, core::sequence_t, bool) noexcept {});
  }

  void run_until_idle() {
    for (int i = 0; i < 1000 && stage_->poll() > 0; ++i) {
    }
  }

  core::instrument_catalog catalog_ = make_risk_catalog();
  core::risk_limits limits_;
  core::ring<core::event> input_{1024, 1};
  core::ring<core::order_request> output_{4, 1};
  std::unique_ptr<core::risk_engine> engine_;
  std::vector<core::risk_record> records_;
  core::risk_limits_mailbox mailbox_;
  std::unique_ptr<core::risk_stage<record_sink>> stage_;
};

TEST_F(risk_stage_test, passes_orders_in_sequence_and_reports_rejects_to_the_sink) {
  push(place(k_perp, side::buy, 1, 99900, 1));
  push(place(k_perp, side::buy, 101, 99900, 2));  // over max_order_qty
  push(place(k_perp, side::sell, 1, 100100, 3));
  run_until_idle();
  const auto out = drain_output();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].intent.cl_ord_id, 1u);
  EXPECT_EQ(out[1].intent.cl_ord_id, 3u);
  EXPECT_LT(out[0].risk_sequence, out[1].risk_sequence);
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].kind, core::risk_record_kind::rejected);
  EXPECT_EQ(records_[0].reason, risk_reason::max_order_qty);
  EXPECT_EQ(records_[0].cl_ord_id, 2u);
}

TEST_F(risk_stage_test, rejected_places_and_unknown_cancels_go_back_as_feedback_with_the_reason) {
  core::ring<core::event> feedback{2, 1};
  core::ring<core::order_request> orders{16, 1};
  core::risk_stage<record_sink> stage(input_, 0, orders, *engine_, record_sink{&records_}, nullptr, &feedback);
  push(place(k_perp, side::buy, 1, 99900, 1));
  push(place(k_perp, side::buy, 101, 99900, 2, 7));  // over max_order_qty
  push(replace(k_perp, side::buy, 101, 99900, 1));   // rejected edit: the order still works
  push(cancel(k_perp, 99));                          // not an order risk knows
  push(place(k_perp, side::buy, 101, 99900, 3));     // feedback ring full: counted
  for (int i = 0; i < 100 && stage.poll() > 0; ++i) {
  }
  std::vector<core::event> back;
  feedback.poll(0, [&](const core::event& e, core::sequence_t, bool) { back.push_back(e); });
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[0].header.type, core::event_type::exec_report);
  EXPECT_EQ(back[0].header.flags, core::k_exec_risk_feedback);
  EXPECT_EQ(back[0].header.local_ts_ns, 7);  // the intent's trigger time
  EXPECT_EQ(back[0].exec.kind, core::exec_kind::reject);
  EXPECT_EQ(back[0].exec.cl_ord_id, 2u);
  EXPECT_EQ(back[0].exec.risk_reason, static_cast<std::uint8_t>(risk_reason::max_order_qty));
  EXPECT_EQ(back[1].exec.cl_ord_id, 99u);
  EXPECT_EQ(back[1].exec.risk_reason, static_cast<std::uint8_t>(risk_reason::unknown_order));
  EXPECT_EQ(stage.feedback_dropped(), 1u);
  // Fed back into risk (as the sequencer would), its own rejects change nothing.
  const std::uint64_t divergences = engine_->metrics().divergences.get();
  for (const core::event& e : back) push(e);
  run_until_idle();
  EXPECT_EQ(engine_->metrics().divergences.get(), divergences);
  EXPECT_EQ(engine_->state(), core::trading_state::active);
}

TEST_F(risk_stage_test, full_order_ring_applies_back_pressure_without_loss) {
  for (std::uint64_t id = 1; id <= 6; ++id) push(place(k_perp, side::buy, 1, 99900 - static_cast<core::ticks>(id), id));
  run_until_idle();
  // Ring of 4: four published, the fifth held by the stage, the sixth unread.
  EXPECT_EQ(input_.next(0), input_.published());  // stopped right after the held one
  std::vector<core::order_request> got = drain_output();
  EXPECT_EQ(got.size(), 4u);
  run_until_idle();
  for (const auto& r : drain_output()) got.push_back(r);
  ASSERT_EQ(got.size(), 6u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].intent.cl_ord_id, i + 1);
}

TEST_F(risk_stage_test, reload_takes_effect_at_the_reload_command) {
  auto tighter = std::make_unique<core::risk_limits>(limits_);
  tighter->instruments[k_perp].max_order_qty_lots = 10;
  const std::int64_t generation = mailbox_.post(std::move(tighter));
  push(place(k_perp, side::buy, 50, 99900, 1));  // before the command: old limits
  core::event reload = command(core::command_kind::reload_risk);
  reload.cmd.args[0] = generation;
  push(reload);
  push(place(k_perp, side::buy, 50, 99900, 2));  // after: rejected
  push(place(k_perp, side::buy, 10, 99900, 3));
  run_until_idle();
  const auto out = drain_output();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].intent.cl_ord_id, 1u);
  EXPECT_EQ(out[1].intent.cl_ord_id, 3u);
  EXPECT_EQ(engine_->limits().generation, generation);
}

TEST_F(risk_stage_test, a_reload_that_fails_validation_changes_nothing) {
  const auto bad = core::parse_risk_limits_toml("[risk]\nmax_open_orders = 0\n", "reload.toml", catalog_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("reload.toml:2"), std::string::npos);
  // Nothing was posted, so a reload command for any generation is a no-op.
  core::event reload = command(core::command_kind::reload_risk);
  reload.cmd.args[0] = 1;
  push(reload);
  push(place(k_perp, side::buy, 50, 99900, 1));
  run_until_idle();
  EXPECT_EQ(drain_output().size(), 1u);
  EXPECT_EQ(engine_->limits().generation, 0);
}

TEST_F(risk_stage_test, a_full_slow_path_is_counted_not_waited_for) {
  stage_ = std::make_unique<core::risk_stage<record_sink>>(input_, 0, output_, *engine_, record_sink{&records_, false},
                                                           &mailbox_);
  push(place(k_perp, side::buy, 101, 99900, 1));
  push(place(k_perp, side::buy, 1, 99900, 2));
  run_until_idle();
  EXPECT_EQ(stage_->records_dropped(), 1u);
  EXPECT_EQ(drain_output().size(), 1u);
}

TEST_F(risk_stage_test, steady_state_allocates_nothing) {
  // A real steady state: every round is 10 ms of event time later, so the
  // Deribit bucket (1000 orders/s, burst 1000) refills 10 tokens a round
  // while a round spends at most 3 (two places, one cancel) and never empties;
  // the runaway window (1000 orders in 1 s) sees at most 2 × 100 = 200 places.
  // Every place below either passes or fails max_order_qty, so the counts are
  // exact and the measured loop is the accept path, not the reject path.
  constexpr int k_rounds = 2000;
  constexpr std::int64_t k_round_ns = 10'000'000;
  run_until_idle();
  const auto& m = engine_->metrics();
  const auto decisions = [&](risk_reason r) { return m.decisions[static_cast<std::size_t>(r)].get(); };
  const std::uint64_t accepted0 = decisions(risk_reason::accepted);
  const std::uint64_t qty0 = decisions(risk_reason::max_order_qty);
  const std::uint64_t before = test::allocations();
  std::uint64_t id = 1;
  std::size_t passed = 0;
  for (int round = 0; round < k_rounds; ++round) {
    const std::int64_t ts = 1 + (round + 1) * k_round_ns;
    push(reference(k_perp, 99990 + round % 7, 100010 + round % 7, ts));
    push(place(k_perp, side::buy, 1, 99900, id, ts));
    push(order_update(k_perp, id, side::buy, core::order_state::open, 1, 0, 99900, ts));
    push(place(k_perp, side::buy, 1000, 99900, id + 1, ts));  // rejected (max_order_qty 100): a record
    push(cancel(k_perp, id, ts));
    push(order_update(k_perp, id, side::buy, core::order_state::cancelled, 1, 0, 99900, ts));
    id += 2;
    run_until_idle();
    records_.clear();
    passed += drain_output_no_alloc();
  }
  EXPECT_EQ(test::allocations() - before, 0u);
  // 2000 places and 2000 cancels reached the order ring.
  EXPECT_EQ(passed, 2u * k_rounds);
  EXPECT_EQ(decisions(risk_reason::accepted) - accepted0, static_cast<std::uint64_t>(k_rounds));
  EXPECT_EQ(decisions(risk_reason::max_order_qty) - qty0, static_cast<std::uint64_t>(k_rounds));
  EXPECT_EQ(decisions(risk_reason::rate_limited), 0u);
  EXPECT_EQ(decisions(risk_reason::runaway), 0u);
  EXPECT_EQ(decisions(risk_reason::halted), 0u);
  EXPECT_EQ(m.divergences.get(), 0u);
  EXPECT_EQ(engine_->state(), core::trading_state::active);
  EXPECT_EQ(engine_->open_orders(), 0u);
}

}  // namespace
}  // namespace tickrail
