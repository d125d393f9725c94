// tickrail/strategies/regime_classifier.hpp — chooses the market regime
// (core/regime.hpp) from realised volatility, funding and drawdown, with
// hysteresis, and arbitrates it against regimes set by an operator.
//
// Inputs per poll (usually once per closed candle): annualised realised vol
// over 24 h and 4 h (candle_window below), the 8 h funding rate, the drawdown
// from the 24 h high, and the price. The target regime of one poll:
//
//   vol = max(vol24h, vol4h)
//   CALM; TRANSITION when vol >= transition_vol; STRESS when vol >= stress_vol;
//   BLACK only when vol >= black_vol AND drawdown >= black_drawdown;
//   |funding| >= extreme_funding_rate forces at least STRESS.
//
// Severity CALM < TRANSITION < AFTERMATH < STRESS < BLACK. Escalation to a
// more severe target is immediate. De-escalation waits for
// `deescalate_after_polls` consecutive polls whose target is calmer (the
// state is HELD meanwhile; a poll at or above the current severity resets
// the count), then steps down — from STRESS or BLACK to a target below
// STRESS it steps to AFTERMATH first, and leaves AFTERMATH only after
// another full run of calmer polls.
//
// A manual regime (operator command, webhook `regime`) wins over the
// classifier; with `override_priority` the more severe of the two wins, so
// the classifier can still escalate past an operator's choice. Every change of
// the effective regime produces a `regime_change` record with the inputs,
// source and reason (the store's `regime_changes` table).
//
// Pure logic: no clock (timestamps come with the inputs), no allocation after
// construction, deterministic (IEEE doubles, same inputs → same outputs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/fifo.hpp"
#include "tickrail/core/regime.hpp"

namespace tickrail::strategies {

// Severity rank used for escalation (not the enum's value order).
[[nodiscard]] constexpr int severity(core::regime r) noexcept {
  switch (r) {
    case core::regime::calm: return 0;
    case core::regime::transition: return 1;
    case core::regime::aftermath: return 2;
    case core::regime::stress: return 3;
    case core::regime::black: return 4;
  }
  return 4;
}

struct classifier_params {
  double transition_vol = 0.60;  // annualised, e.g. 0.60 = 60 %
  double stress_vol = 1.00;
  double black_vol = 1.50;
  double black_drawdown = 0.15;         // fraction below the 24 h high
  double extreme_funding_rate = 0.001;  // |8 h funding|
  std::uint32_t deescalate_after_polls = 3;
  bool override_priority = false;
};

struct regime_inputs {
  double vol24h = 0;
  double vol4h = 0;
  double funding = 0;
  double drawdown = 0;
  core::ticks price_ticks = 0;
};

#define TR_REGIME_SOURCES(X)  \
  X(classifier, "classifier") \
  X(manual, "manual")
TR_DEFINE_ENUM(regime_source, std::uint8_t, TR_REGIME_SOURCES)
#define TR_REGIME_REASONS(X)                                                                                        \
  X(escalate_vol, "volatility")                     /* volatility crossed a threshold upward */                     \
  X(escalate_black, "volatility and drawdown")      /* vol and drawdown both past the BLACK thresholds */           \
  X(escalate_funding, "extreme funding")            /* extreme funding forced STRESS */                             \
  X(deescalate, "calmer for the hysteresis window") /* calmer for deescalate_after_polls polls */                   \
  X(manual_set, "set by operator")                                                                                  \
  X(manual_cleared, "operator regime cleared")                                                                      \
  X(override_escalate, "classifier more severe than the operator regime") /* classifier more severe than the manual \
                                                                             regime (override_priority) */
TR_DEFINE_ENUM(regime_reason, std::uint8_t, TR_REGIME_REASONS)

struct regime_change {
  std::int64_t ts_ns = 0;
  core::regime from = core::regime::calm;
  core::regime to = core::regime::calm;
  regime_source source = regime_source::classifier;
  regime_reason reason = regime_reason::escalate_vol;
  regime_inputs inputs{};
};

class regime_classifier {
 public:
  explicit regime_classifier(const classifier_params& params, core::regime initial = core::regime::calm) noexcept
      : params_(params), classified_(initial), effective_(initial) {}

  // One poll. True (and `change` filled) when the effective regime changed.
  [[nodiscard]] bool poll(const regime_inputs& inputs, std::int64_t ts_ns, regime_change& change) noexcept;

  // Operator regime: wins until cleared (see override_priority).
  [[nodiscard]] bool set_manual(core::regime r, std::int64_t ts_ns, regime_change& change) noexcept;
  [[nodiscard]] bool clear_manual(std::int64_t ts_ns, regime_change& change) noexcept;

  // What the inputs of one poll call for, before hysteresis.
  [[nodiscard]] core::regime target(const regime_inputs& inputs, regime_reason& why) const noexcept;

  [[nodiscard]] core::regime effective() const noexcept { return effective_; }
  [[nodiscard]] core::regime classified() const noexcept { return classified_; }
  [[nodiscard]] bool held() const noexcept { return calmer_polls_ > 0; }
  [[nodiscard]] bool manual_active() const noexcept { return manual_active_; }

 private:
  bool update_effective(std::int64_t ts_ns, regime_source source, regime_reason reason, const regime_inputs& inputs,
                        regime_change& change) noexcept;

  classifier_params params_;
  core::regime classified_;
  core::regime effective_;
  core::regime manual_ = core::regime::calm;
  bool manual_active_ = false;
  std::uint32_t calmer_polls_ = 0;
  regime_inputs last_inputs_{};
};

// Closing prices of fixed-period candles, newest last, with the statistics
// the classifier needs. Capacity fixed at construction (24 h of candles).
class candle_window {
 public:
  // `period_ns`: candle length; `capacity`: candles kept (>= the 24 h window).
  candle_window(std::int64_t period_ns, std::size_t capacity);

  void push(core::ticks close_ticks) noexcept;
  // Forgets every close (the capacity stays; no allocation).
  void clear() noexcept { closes_.clear(); }
  [[nodiscard]] std::size_t size() const noexcept { return closes_.size(); }

  // Annualised realised volatility of log returns over the last `window_ns`
  // (sample standard deviation × sqrt(periods per year)); 0 with fewer than
  // three candles in the window.
  [[nodiscard]] double annualised_vol(std::int64_t window_ns) const noexcept;
  // (high − last) / high over the last `window_ns`; 0 when empty.
  [[nodiscard]] double drawdown(std::int64_t window_ns) const noexcept;
  [[nodiscard]] core::ticks last() const noexcept;

 private:
  [[nodiscard]] core::ticks at(std::size_t age) const noexcept;  // 0 = newest
  [[nodiscard]] std::size_t candles_in(std::int64_t window_ns) const noexcept;

  std::int64_t period_ns_;
  core::fifo<core::ticks> closes_;  // the newest `capacity` closes
};

}  // namespace tickrail::strategies
