// The gateway's order state machine: every transition, and idempotence under
// duplicated and reordered reports (reply vs notification races, replays).
#include "tickrail/core/order_tracker.hpp"

#include <gtest/gtest.h>

#include <cstring>

namespace tickrail::core {
namespace {

constexpr instrument_id k_inst = 2;
const client_order_id k_id = make_client_order_id(1, 100);

order_request place(client_order_id id = k_id, side s = side::buy, lots qty = 10, ticks px = 1000) {
  order_request r{};
  r.intent.kind = intent_kind::place;
  r.intent.cl_ord_id = id;
  r.intent.instrument = k_inst;
  r.intent.order_side = s;
  r.intent.qty_lots = qty;
  r.intent.price_ticks = px;
  return r;
}

event report(exec_kind kind, order_state state, lots filled, lots qty = 10, ticks px = 1000, client_order_id id = k_id,
             const char* venue_id = "V-1") {
  event e{};
  e.header.type = event_type::exec_report;
  e.header.instrument = k_inst;
  e.exec.kind = kind;
  e.exec.state = state;
  e.exec.cl_ord_id = id;
  e.exec.filled_lots = filled;
  e.exec.qty_lots = qty;
  e.exec.price_ticks = px;
  std::strncpy(e.exec.venue_order_id, venue_id, sizeof(e.exec.venue_order_id) - 1);
  return e;
}

event fill(std::int64_t seq, lots qty, ticks px = 1000, side s = side::buy, client_order_id id = k_id) {
  event e = report(exec_kind::fill, order_state::open, 0, 0, 0, id);
  e.exec.trade_seq = seq;
  e.exec.last_qty_lots = qty;
  e.exec.last_price_ticks = px;
  e.exec.order_side = s;
  return e;
}

class tracker_test : public ::testing::Test {
 protected:
  report_verdict apply(event e) {
    last_ = e;
    return tracker_.on_report(last_);
  }
  order_state state() const { return tracker_.find(k_id)->visible_state(); }
  // k_id placed (request 1) and acknowledged open.
  void open_order() {
    order_request r = place();
    ASSERT_TRUE(tracker_.on_sent(r, 1));
    ASSERT_EQ(apply(report(exec_kind::order_ack, order_state::open, 0)), report_verdict::applied);
  }
  order_request cancel() const {
    order_request c{};
    c.intent.kind = intent_kind::cancel;
    c.intent.cl_ord_id = k_id;
    return c;
  }

  order_tracker tracker_{8, 4, 16};
  event last_{};
};

TEST_F(tracker_test, full_lifecycle) {
  order_request r = place();
  ASSERT_TRUE(tracker_.on_sent(r, 1));
  EXPECT_EQ(state(), order_state::pending_new);
  EXPECT_EQ(tracker_.order_of_request(1), k_id);
  EXPECT_EQ(apply(report(exec_kind::order_ack, order_state::open, 0)), report_verdict::applied);
  EXPECT_EQ(state(), order_state::open);
  EXPECT_EQ(apply(fill(1, 4)), report_verdict::applied);
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::partially_filled, 4)), report_verdict::applied);
  EXPECT_EQ(state(), order_state::partially_filled);
  EXPECT_EQ(apply(fill(2, 6)), report_verdict::applied);
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::filled, 10)), report_verdict::applied);
  EXPECT_EQ(state(), order_state::filled);
  EXPECT_EQ(tracker_.live_orders(), 0u);
  EXPECT_EQ(tracker_.position_of(k_inst).qty_lots, 10);
  EXPECT_EQ(tracker_.position_of(k_inst).avg_entry_ticks, 1000);
}

TEST_F(tracker_test, reply_and_notification_race_either_way) {
  order_request r = place();
  ASSERT_TRUE(tracker_.on_sent(r, 1));
  // The notification (filled 4) overtakes the reply (open, nothing filled).
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::partially_filled, 4)), report_verdict::applied);
  EXPECT_EQ(apply(report(exec_kind::order_ack, order_state::open, 0)), report_verdict::stale);
  EXPECT_EQ(state(), order_state::partially_filled);
  // Same report twice: the second is a duplicate.
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::partially_filled, 4)), report_verdict::duplicate);
  // A fill from the reply and the same trade from user.trades: applied once.
  EXPECT_EQ(apply(fill(7, 4)), report_verdict::applied);
  EXPECT_EQ(apply(fill(7, 4)), report_verdict::duplicate);
  EXPECT_EQ(tracker_.position_of(k_inst).qty_lots, 4);
  // After the terminal state nothing moves it.
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::cancelled, 4)), report_verdict::applied);
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::partially_filled, 4)), report_verdict::stale);
  EXPECT_EQ(apply(report(exec_kind::order_ack, order_state::cancelled, 4)), report_verdict::duplicate);
  EXPECT_EQ(state(), order_state::cancelled);
}

TEST_F(tracker_test, cancel_stays_pending_until_the_venue_says_so) {
  open_order();
  order_request c = cancel();
  ASSERT_TRUE(tracker_.on_sent(c, 2));
  EXPECT_STREQ(c.venue_order_id, "V-1");  // filled in from the acknowledgement
  EXPECT_EQ(state(), order_state::pending_cancel);
  // A late fill report while cancelling keeps it pending_cancel.
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::partially_filled, 2)), report_verdict::applied);
  EXPECT_EQ(last_.exec.state, order_state::pending_cancel);
  EXPECT_EQ(apply(report(exec_kind::order_ack, order_state::cancelled, 2)), report_verdict::applied);
  EXPECT_EQ(last_.exec.state, order_state::cancelled);
}

TEST_F(tracker_test, failed_cancel_and_failed_edit_leave_the_order) {
  open_order();
  order_request c = cancel();
  ASSERT_TRUE(tracker_.on_sent(c, 2));
  event rej{};
  ASSERT_TRUE(tracker_.on_error(2, 11044, 5, rej));
  EXPECT_EQ(rej.exec.kind, exec_kind::reject);
  EXPECT_EQ(rej.exec.venue_error, 11044);
  EXPECT_EQ(rej.exec.state, order_state::open);
  EXPECT_EQ(rej.header.instrument, k_inst);
  EXPECT_EQ(state(), order_state::open);

  order_request e = place();
  e.intent.kind = intent_kind::replace;
  e.intent.price_ticks = 990;
  e.intent.qty_lots = 12;
  ASSERT_TRUE(tracker_.on_sent(e, 3));
  EXPECT_EQ(state(), order_state::pending_replace);
  // An update still on the old terms does not end the edit.
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::open, 1)), report_verdict::applied);
  EXPECT_EQ(last_.exec.state, order_state::pending_replace);
  EXPECT_EQ(apply(report(exec_kind::order_ack, order_state::partially_filled, 1, 12, 990)), report_verdict::applied);
  EXPECT_EQ(state(), order_state::partially_filled);
  EXPECT_EQ(tracker_.find(k_id)->price_ticks, 990);

  ASSERT_TRUE(tracker_.on_sent(e, 4));
  ASSERT_TRUE(tracker_.on_error(4, 11054, 5, rej));
  EXPECT_EQ(state(), order_state::partially_filled);
  EXPECT_FALSE(tracker_.on_error(99, 10009, 5, rej));  // unknown request
}

TEST_F(tracker_test, rejected_place) {
  order_request r = place();
  ASSERT_TRUE(tracker_.on_sent(r, 1));
  event rej{};
  ASSERT_TRUE(tracker_.on_error(1, 10009, 5, rej));
  EXPECT_EQ(rej.exec.state, order_state::rejected);
  EXPECT_EQ(rej.exec.cl_ord_id, k_id);
  EXPECT_EQ(tracker_.live_orders(), 0u);
  EXPECT_FALSE(tracker_.on_sent(r, 2));  // the same id is never placed twice
}

TEST_F(tracker_test, foreign_adopted_and_venue_id_lookup) {
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::open, 0, 10, 1000, 0, "M-9")), report_verdict::foreign);
  // One of ours from before a restart: adopted.
  const client_order_id old = make_client_order_id(1, 50);
  EXPECT_EQ(apply(report(exec_kind::order_update, order_state::open, 0, 10, 1000, old, "V-50")),
            report_verdict::applied);
  EXPECT_EQ(tracker_.stats().adopted, 1u);
  ASSERT_NE(tracker_.find_venue("V-50"), nullptr);
  // A fill without a label finds its order by venue id.
  event f = fill(3, 1, 1000, side::buy, 0);
  std::strcpy(f.exec.venue_order_id, "V-50");
  EXPECT_EQ(apply(f), report_verdict::applied);
  EXPECT_EQ(last_.exec.cl_ord_id, old);
  EXPECT_EQ(tracker_.find_venue("V-5"), nullptr);
  event closed{};
  EXPECT_TRUE(tracker_.close_missing(old, 1, closed));
  EXPECT_EQ(closed.exec.state, order_state::cancelled);
  EXPECT_FALSE(tracker_.close_missing(old, 1, closed));
}

// The rounding example the bots' view is tested with too (bot_test): buy 1
// @ 100, then 2 @ 101 → 302 / 3 = 100.67 → 101.
TEST_F(tracker_test, average_entry_rounds_to_the_nearest_tick) {
  EXPECT_EQ(apply(fill(1, 1, 100)), report_verdict::applied);
  EXPECT_EQ(apply(fill(2, 2, 101)), report_verdict::applied);
  EXPECT_EQ(tracker_.position_of(k_inst).qty_lots, 3);
  EXPECT_EQ(tracker_.position_of(k_inst).avg_entry_ticks, 101);
}

TEST_F(tracker_test, positions_average_price_and_corrections) {
  EXPECT_EQ(apply(fill(1, 10, 1000)), report_verdict::applied);
  EXPECT_EQ(apply(fill(2, 10, 1010)), report_verdict::applied);
  EXPECT_EQ(tracker_.position_of(k_inst).avg_entry_ticks, 1005);
  EXPECT_EQ(apply(fill(3, 5, 1100, side::sell)), report_verdict::applied);  // reduce: entry unchanged
  EXPECT_EQ(tracker_.position_of(k_inst).qty_lots, 15);
  EXPECT_EQ(tracker_.position_of(k_inst).avg_entry_ticks, 1005);
  EXPECT_EQ(apply(fill(4, 20, 990, side::sell)), report_verdict::applied);  // through zero
  EXPECT_EQ(tracker_.position_of(k_inst).qty_lots, -5);
  EXPECT_EQ(tracker_.position_of(k_inst).avg_entry_ticks, 990);
  EXPECT_FALSE(tracker_.on_position_snapshot(k_inst, -5, 990));
  EXPECT_TRUE(tracker_.on_position_snapshot(k_inst, -7, 995));
  EXPECT_EQ(tracker_.position_of(k_inst).qty_lots, -7);
  EXPECT_EQ(tracker_.stats().position_corrections, 1u);
}

TEST_F(tracker_test, capacity_reuses_finished_orders_and_fill_memory_is_bounded) {
  for (std::uint64_t n = 1; n <= 20; ++n) {
    order_request r = place(make_client_order_id(1, n));
    ASSERT_TRUE(tracker_.on_sent(r, static_cast<std::int64_t>(n))) << n;
    const std::string vid = "V-" + std::to_string(n);
    ASSERT_EQ(apply(report(exec_kind::order_update, order_state::cancelled, 0, 10, 1000, make_client_order_id(1, n),
                           vid.c_str())),
              report_verdict::applied);
  }
  EXPECT_GT(tracker_.stats().evicted, 0u);
  // Eight live orders fill it; a ninth is refused.
  for (std::uint64_t n = 100; n < 108; ++n) {
    order_request r = place(make_client_order_id(1, n));
    ASSERT_TRUE(tracker_.on_sent(r, static_cast<std::int64_t>(n)));
  }
  order_request r = place(make_client_order_id(1, 200));
  EXPECT_FALSE(tracker_.on_sent(r, 200));
  for (int s = 1; s <= 40; ++s) ASSERT_EQ(apply(fill(1000 + s, 1)), report_verdict::applied);
  EXPECT_EQ(apply(fill(1040, 1)), report_verdict::duplicate);  // still remembered
}

}  // namespace
}  // namespace tickrail::core
