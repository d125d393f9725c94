// Risk rejects risk_test does not reach (issue 27 path 8): an order below
// the instrument's minimum quantity, and a full order table (`capacity`),
// which frees a slot when an order ends.
#include <gtest/gtest.h>

#include <memory>

#include "support/risk_fixture.hpp"
#include "tickrail/core/risk.hpp"

namespace tickrail {
namespace {

using core::order_state;
using core::risk_reason;
using core::side;
using namespace test;

class risk_paths_test : public ::testing::Test {
 protected:
  // `perp_min_qty_lots`: the perpetual's minimum order quantity in the
  // catalog (Deribit lists 1 lot; a venue may list more).
  void make_engine(core::lots perp_min_qty_lots, std::size_t order_capacity) {
    catalog_ = core::instrument_catalog{};
    core::instrument_catalog base = make_risk_catalog();
    for (core::instrument inst : base.all()) {
      if (inst.symbol == "BTC-PERPETUAL") inst.min_qty_lots = perp_min_qty_lots;
      const absl::StatusOr<core::instrument_id> id = catalog_.add(inst);
      ASSERT_TRUE(id.ok()) << id.status();
    }
    ASSERT_EQ(catalog_[k_perp].min_qty_lots, perp_min_qty_lots);
    auto parsed = core::parse_risk_limits_toml(k_risk_toml, "risk.toml", catalog_);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    limits_ = *std::move(parsed);
    engine_ = std::make_unique<core::risk_engine>(catalog_, &limits_, core::risk_persisted_state{}, order_capacity);
    // Mid 50000.0 (100000 ticks) and mark on the perpetual.
    (void)engine_->on_event(reference(k_perp, 99990, 100010), out_);
    (void)engine_->on_event(ticker_mark(k_perp, 100000), out_);
  }

  risk_reason submit(const core::event& e) {
    return engine_->on_event(e, out_) ? risk_reason::accepted : engine_->last_decision();
  }
  std::uint64_t decisions(risk_reason r) const {
    return engine_->metrics().decisions[static_cast<std::size_t>(r)].get();
  }

  core::instrument_catalog catalog_;
  core::risk_limits limits_;
  std::unique_ptr<core::risk_engine> engine_;
  core::order_request out_{};
};

TEST_F(risk_paths_test, an_order_below_the_minimum_quantity_is_rejected) {
  make_engine(3, 64);
  EXPECT_EQ(submit(place(k_perp, side::buy, 2, 99900, 1)), risk_reason::below_min_qty);
  EXPECT_EQ(submit(place(k_perp, side::sell, 1, 100100, 2)), risk_reason::below_min_qty);
  EXPECT_EQ(decisions(risk_reason::below_min_qty), 2u);
  EXPECT_EQ(engine_->open_orders(), 0u);
  EXPECT_EQ(submit(place(k_perp, side::buy, 3, 99900, 3)), risk_reason::accepted);  // at the minimum
  EXPECT_EQ(out_.intent.qty_lots, 3);
  EXPECT_EQ(engine_->open_orders(), 1u);
}

TEST_F(risk_paths_test, a_full_order_table_rejects_capacity_until_an_order_ends) {
  make_engine(1, 2);  // the instrument allows 6 open orders, the table 2
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99900, 1)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99898, 2)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99896, 3)), risk_reason::capacity);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99896, 4)), risk_reason::capacity);
  EXPECT_EQ(decisions(risk_reason::capacity), 2u);
  EXPECT_EQ(engine_->open_orders(), 2u);
  EXPECT_EQ(engine_->resting(k_perp, side::buy), 2);
  // Order 1 is cancelled at the venue: its slot takes the next order.
  (void)engine_->on_event(order_update(k_perp, 1, side::buy, order_state::cancelled, 1, 0, 99900), out_);
  EXPECT_EQ(engine_->open_orders(), 1u);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99896, 5)), risk_reason::accepted);
  EXPECT_EQ(submit(place(k_perp, side::buy, 1, 99894, 6)), risk_reason::capacity);
  EXPECT_EQ(engine_->open_orders(), 2u);
}

}  // namespace
}  // namespace tickrail
