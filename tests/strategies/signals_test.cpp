// Signal vocabulary and sequencing: parsing (aliases, spaces, unknown and
// empty entries, regime and anchorPrice), regime-only requests, and
// cancel_all holding the next signal until the venue confirmed every cancel.
#include "tickrail/strategies/signals.hpp"

#include <gtest/gtest.h>

namespace tickrail::strategies {
namespace {

TEST(signals, parse_requests) {
  auto r = parse_signal_request("cancel_all, start_bot,grid", "STRESS", "61234.5");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->step_count, 3u);
  EXPECT_EQ(r->steps[0], signal::cancel_all);
  EXPECT_EQ(r->steps[1], signal::start_bot);
  EXPECT_EQ(r->steps[2], signal::grid);
  EXPECT_EQ(r->regime, core::regime::stress);
  ASSERT_TRUE(r->anchor_price.has_value());
  EXPECT_EQ(r->anchor_price->mantissa, 612345);
  EXPECT_FALSE(r->regime_only());

  auto alias = parse_signal_request("sell_ladder,tp", "", "");
  ASSERT_TRUE(alias.ok());
  EXPECT_EQ(alias->steps[0], signal::tp);
  EXPECT_EQ(alias->steps[1], signal::tp);

  auto regime_only = parse_signal_request("", "black", "");
  ASSERT_TRUE(regime_only.ok());
  EXPECT_TRUE(regime_only->regime_only());

  for (signal s : {signal::start_bot, signal::main_mm, signal::options_trim, signal::cancel_all}) {
    EXPECT_EQ(parse_signal(to_string(s)), s);
  }
}

TEST(signals, bad_requests_name_what_is_wrong) {
  struct bad {
    const char *signals, *regime, *anchor, *expect;
  };
  for (const bad& b :
       {bad{"grid,moon", "", "", "unknown signal 'moon'"}, bad{"grid,,tp", "", "", "empty entry"},
        bad{"grid,", "", "", "empty entry"}, bad{"grid", "PANIC", "", "unknown regime 'PANIC'"},
        bad{"grid", "", "-5", "anchorPrice"}, bad{"grid", "", "abc", "anchorPrice"}, bad{"", "", "", "no signal"}}) {
    const auto r = parse_signal_request(b.signals, b.regime, b.anchor);
    ASSERT_FALSE(r.ok()) << b.signals;
    EXPECT_NE(r.status().message().find(b.expect), std::string::npos) << r.status();
  }
  std::string many;
  for (int i = 0; i < 17; ++i) many += i ? ",grid" : "grid";
  EXPECT_FALSE(parse_signal_request(many, "", "").ok());
}

TEST(signal_sequencer, cancel_all_holds_the_next_signal_until_every_cancel_is_confirmed) {
  signal_sequencer seq(1'000);
  seq.start(*parse_signal_request("cancel_all,start_bot,grid", "", ""));
  EXPECT_EQ(seq.next(5, 0), signal::cancel_all);
  EXPECT_EQ(seq.next(5, 10), std::nullopt);  // 5 orders still open
  EXPECT_TRUE(seq.waiting_on_cancels());
  EXPECT_EQ(seq.next(2, 20), std::nullopt);
  EXPECT_EQ(seq.next(0, 30), signal::start_bot);  // all confirmed
  EXPECT_EQ(seq.next(0, 30), signal::grid);
  EXPECT_EQ(seq.next(0, 30), std::nullopt);
  EXPECT_FALSE(seq.busy());
  EXPECT_FALSE(seq.timed_out());
}

TEST(signal_sequencer, unconfirmed_cancels_abandon_the_rest_after_the_timeout) {
  signal_sequencer seq(1'000);
  seq.start(*parse_signal_request("cancel_all,grid", "", ""));
  EXPECT_EQ(seq.next(3, 100), signal::cancel_all);
  EXPECT_EQ(seq.next(3, 1'099), std::nullopt);
  EXPECT_TRUE(seq.busy());
  EXPECT_EQ(seq.next(3, 1'100), std::nullopt);  // timed out: grid never starts
  EXPECT_TRUE(seq.timed_out());
  EXPECT_FALSE(seq.busy());
  EXPECT_EQ(seq.next(0, 2'000), std::nullopt);
  // A new request starts clean; with no orders open cancel_all passes at once.
  seq.start(*parse_signal_request("cancel_all,grid", "", ""));
  EXPECT_FALSE(seq.timed_out());
  EXPECT_EQ(seq.next(0, 3'000), signal::cancel_all);
  EXPECT_EQ(seq.next(0, 3'000), signal::grid);
}

}  // namespace
}  // namespace tickrail::strategies
