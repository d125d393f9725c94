// Regime classifier: thresholds, hysteresis (immediate escalation, HELD
// de-escalation through AFTERMATH), manual regimes with and without
// override_priority, and the candle statistics it is fed from — on a scripted
// candle path: calm, a volatile crash, calm again.
#include "tickrail/strategies/regime_classifier.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tickrail::strategies {
namespace {

using core::regime;

constexpr std::int64_t k_minute = 60'000'000'000;
constexpr std::int64_t k_hour = 60 * k_minute;

classifier_params params() {
  classifier_params p;
  p.transition_vol = 0.60;
  p.stress_vol = 1.00;
  p.black_vol = 1.50;
  p.black_drawdown = 0.15;
  p.extreme_funding_rate = 0.001;
  p.deescalate_after_polls = 3;
  return p;
}

regime_inputs vol(double v, double drawdown = 0, double funding = 0) { return {v, v, funding, drawdown, 6'000'000}; }

TEST(regime_classifier, target_thresholds) {
  const regime_classifier c(params());
  regime_reason why{};
  EXPECT_EQ(c.target(vol(0.59), why), regime::calm);
  EXPECT_EQ(c.target(vol(0.60), why), regime::transition);
  EXPECT_EQ(c.target(vol(1.00), why), regime::stress);
  EXPECT_EQ(c.target(vol(1.60, 0.14), why), regime::stress);  // BLACK needs both
  EXPECT_EQ(c.target(vol(1.49, 0.30), why), regime::stress);
  EXPECT_EQ(c.target(vol(1.50, 0.15), why), regime::black);
  EXPECT_EQ(why, regime_reason::escalate_black);
  EXPECT_EQ(c.target(vol(0.10, 0, 0.001), why), regime::stress);
  EXPECT_EQ(why, regime_reason::escalate_funding);
  EXPECT_EQ(c.target(vol(0.10, 0, -0.0012), why), regime::stress);  // either sign
  EXPECT_EQ(c.target(vol(0.10, 0, 0.00099), why), regime::calm);
  // vol4h alone is enough
  EXPECT_EQ(c.target({0.2, 1.1, 0, 0, 1}, why), regime::stress);
}

TEST(regime_classifier, escalates_at_once_and_deescalates_through_aftermath_after_held_polls) {
  regime_classifier c(params());
  regime_change change;
  ASSERT_TRUE(c.poll(vol(1.2), 1, change));
  EXPECT_EQ(change.from, regime::calm);
  EXPECT_EQ(change.to, regime::stress);
  EXPECT_EQ(change.source, regime_source::classifier);
  EXPECT_EQ(change.reason, regime_reason::escalate_vol);
  EXPECT_DOUBLE_EQ(change.inputs.vol24h, 1.2);
  EXPECT_EQ(change.ts_ns, 1);

  EXPECT_FALSE(c.poll(vol(0.1), 2, change));
  EXPECT_TRUE(c.held());
  EXPECT_FALSE(c.poll(vol(0.1), 3, change));
  EXPECT_EQ(c.effective(), regime::stress);
  ASSERT_TRUE(c.poll(vol(0.1), 4, change));  // third calmer poll
  EXPECT_EQ(change.to, regime::aftermath);
  EXPECT_EQ(change.reason, regime_reason::deescalate);
  EXPECT_FALSE(c.held());

  // A poll at the current severity or above resets the count.
  EXPECT_FALSE(c.poll(vol(0.1), 5, change));
  EXPECT_FALSE(c.poll(vol(0.1), 6, change));
  ASSERT_TRUE(c.poll(vol(0.65), 7, change));  // TRANSITION is calmer than AFTERMATH: third calmer poll
  EXPECT_EQ(change.to, regime::transition);   // steps to the target
  EXPECT_FALSE(c.poll(vol(0.1), 8, change));
  EXPECT_FALSE(c.poll(vol(0.7), 9, change));  // back at TRANSITION: count reset
  EXPECT_FALSE(c.poll(vol(0.1), 10, change));
  EXPECT_FALSE(c.poll(vol(0.1), 11, change));
  ASSERT_TRUE(c.poll(vol(0.1), 12, change));
  EXPECT_EQ(change.to, regime::calm);

  // An escalation during a hold wins at once.
  ASSERT_TRUE(c.poll(vol(1.6, 0.2), 14, change));
  EXPECT_EQ(change.to, regime::black);
  EXPECT_FALSE(c.poll(vol(0.1), 15, change));
  EXPECT_TRUE(c.held());
  EXPECT_FALSE(c.poll(vol(1.7, 0.3), 16, change));  // same severity: no change, count reset
  EXPECT_FALSE(c.held());
}

TEST(regime_classifier, black_steps_down_to_stress_when_stress_persists) {
  regime_classifier c(params());
  regime_change change;
  ASSERT_TRUE(c.poll(vol(1.6, 0.2), 1, change));
  EXPECT_FALSE(c.poll(vol(1.2), 2, change));
  EXPECT_FALSE(c.poll(vol(1.2), 3, change));
  ASSERT_TRUE(c.poll(vol(1.2), 4, change));
  EXPECT_EQ(change.to, regime::stress);  // not AFTERMATH: the target is still STRESS
}

TEST(regime_classifier, manual_regime_wins_unless_override_priority) {
  regime_classifier c(params());
  regime_change change;
  ASSERT_TRUE(c.poll(vol(1.2), 1, change));
  ASSERT_TRUE(c.set_manual(regime::calm, 2, change));
  EXPECT_EQ(change.to, regime::calm);
  EXPECT_EQ(change.source, regime_source::manual);
  EXPECT_FALSE(c.poll(vol(1.6, 0.3), 3, change));  // classifier says BLACK; the operator wins
  EXPECT_EQ(c.classified(), regime::black);
  ASSERT_TRUE(c.clear_manual(4, change));
  EXPECT_EQ(change.to, regime::black);
  EXPECT_EQ(change.reason, regime_reason::manual_cleared);

  classifier_params p = params();
  p.override_priority = true;
  regime_classifier o(p);
  ASSERT_TRUE(o.set_manual(regime::transition, 1, change));
  EXPECT_FALSE(o.poll(vol(0.1), 2, change));  // calmer classifier: the operator's TRANSITION stays
  ASSERT_TRUE(o.poll(vol(1.2), 3, change));   // more severe classifier escalates past it
  EXPECT_EQ(change.to, regime::stress);
  EXPECT_EQ(change.reason, regime_reason::override_escalate);
}

TEST(candle_window, realised_vol_and_drawdown) {
  // Log returns alternating +r and -r: sample stdev r·sqrt(n/(n-1)).
  const double r = 0.001;
  candle_window w(k_minute, 24 * 60 + 1);
  double price = 1e9;
  for (int i = 0; i <= 240; ++i) {
    w.push(static_cast<core::ticks>(std::llround(price)));
    price *= std::exp(i % 2 == 0 ? r : -r);
  }
  // By hand: 4 h = 240 one-minute returns, 120 of +r and 120 of -r, mean 0,
  // so the sample variance is 240 r² / 239 and the stdev r × 1.0020899;
  // a year of minutes is 365.25 × 1440 = 525 960, sqrt = 725.2310.
  // 0.001 × 1.0020899 × 725.2310 = 0.726747 (0.7267465 from the rounded prices).
  EXPECT_NEAR(w.annualised_vol(4 * k_hour), 0.726747, 0.0001);
  // The deepest fall from a high is one -r step: 1 - e^-0.001 = 0.00099950.
  EXPECT_NEAR(w.drawdown(4 * k_hour), 0.00099950, 1e-7);
  candle_window empty(k_minute, 10);
  EXPECT_EQ(empty.annualised_vol(k_hour), 0);
  EXPECT_EQ(empty.drawdown(k_hour), 0);
}

// A scripted 50-hour path of 1-minute candles: 20 h calm, a 2 h crash with
// wide swings, then 28 h calm (the crash leaves the 24 h window). Polled once per candle from the candle window, the
// classifier must go CALM → (TRANSITION/STRESS/BLACK on the way up, at once)
// → BLACK during the crash → AFTERMATH → CALM, never skipping AFTERMATH and
// never de-escalating in fewer than `deescalate_after_polls` polls.
TEST(regime_classifier, crash_path_from_candles) {
  classifier_params p = params();
  p.deescalate_after_polls = 30;
  regime_classifier c(p);
  candle_window w(k_minute, 24 * 60 + 1);
  std::vector<regime_change> changes;
  double price = 60'000 * 10.0;  // ticks of 0.1
  std::int64_t ts = 0;
  int since_change = 0;
  for (int minute = 0; minute < 50 * 60; ++minute) {
    const bool crash = minute >= 20 * 60 && minute < 22 * 60;
    const double swing = crash ? 0.012 : 0.0002;
    const double drift = crash ? -0.0015 : 0.0;
    price *= std::exp(drift + (minute % 2 == 0 ? swing : -swing));
    w.push(static_cast<core::ticks>(std::llround(price)));
    ts += k_minute;
    regime_inputs in{w.annualised_vol(24 * k_hour), w.annualised_vol(4 * k_hour), 0.0001, w.drawdown(24 * k_hour),
                     w.last()};
    regime_change change;
    ++since_change;
    if (c.poll(in, ts, change)) {
      if (severity(change.to) < severity(change.from)) {
        EXPECT_GE(since_change, 30) << "de-escalated before the hysteresis window";
      }
      changes.push_back(change);
      since_change = 0;
    }
  }
  ASSERT_GE(changes.size(), 3u);
  EXPECT_EQ(changes.front().from, regime::calm);
  bool saw_black = false, saw_aftermath = false;
  for (const regime_change& ch : changes) {
    saw_black |= ch.to == regime::black;
    if (ch.to == regime::aftermath) saw_aftermath = true;
    if (ch.to == regime::calm) {
      EXPECT_TRUE(saw_aftermath) << "reached CALM without AFTERMATH";
    }
  }
  EXPECT_TRUE(saw_black);
  EXPECT_EQ(c.effective(), regime::calm);
}

}  // namespace
}  // namespace tickrail::strategies
