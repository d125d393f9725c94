#include "tickrail/strategies/regime_classifier.hpp"

#include <algorithm>
#include <cmath>

#include "tickrail/core/check.hpp"

namespace tickrail::strategies {
namespace {

core::regime more_severe(core::regime a, core::regime b) noexcept { return severity(a) >= severity(b) ? a : b; }

constexpr double k_ns_per_year = 365.25 * 24 * 3600 * 1e9;

}  // namespace

core::regime regime_classifier::target(const regime_inputs& in, regime_reason& why) const noexcept {
  const double vol = std::max(in.vol24h, in.vol4h);
  core::regime t = core::regime::calm;
  why = regime_reason::escalate_vol;
  if (vol >= params_.transition_vol) t = core::regime::transition;
  if (vol >= params_.stress_vol) t = core::regime::stress;
  if (vol >= params_.black_vol && in.drawdown >= params_.black_drawdown) {
    t = core::regime::black;
    why = regime_reason::escalate_black;
  }
  if (std::fabs(in.funding) >= params_.extreme_funding_rate && severity(t) < severity(core::regime::stress)) {
    t = core::regime::stress;
    why = regime_reason::escalate_funding;
  }
  return t;
}

bool regime_classifier::poll(const regime_inputs& inputs, std::int64_t ts_ns, regime_change& change) noexcept {
  last_inputs_ = inputs;
  regime_reason why = regime_reason::escalate_vol;
  const core::regime t = target(inputs, why);
  const int now = severity(classified_);
  if (severity(t) > now) {
    classified_ = t;
    calmer_polls_ = 0;
  } else if (severity(t) < now) {
    if (++calmer_polls_ >= params_.deescalate_after_polls) {
      // Out of STRESS or BLACK toward calm, AFTERMATH comes first.
      const bool from_stress = now >= severity(core::regime::stress);
      const bool below_stress = severity(t) < severity(core::regime::stress);
      classified_ = from_stress && below_stress ? core::regime::aftermath : t;
      calmer_polls_ = 0;
      why = regime_reason::deescalate;
    }
  } else {
    calmer_polls_ = 0;
  }
  return update_effective(ts_ns, regime_source::classifier, why, inputs, change);
}

bool regime_classifier::set_manual(core::regime r, std::int64_t ts_ns, regime_change& change) noexcept {
  manual_ = r;
  manual_active_ = true;
  return update_effective(ts_ns, regime_source::manual, regime_reason::manual_set, last_inputs_, change);
}

bool regime_classifier::clear_manual(std::int64_t ts_ns, regime_change& change) noexcept {
  manual_active_ = false;
  return update_effective(ts_ns, regime_source::manual, regime_reason::manual_cleared, last_inputs_, change);
}

bool regime_classifier::update_effective(std::int64_t ts_ns, regime_source source, regime_reason reason,
                                         const regime_inputs& inputs, regime_change& change) noexcept {
  core::regime next = classified_;
  if (manual_active_) {
    next = params_.override_priority ? more_severe(manual_, classified_) : manual_;
    if (source == regime_source::classifier && next != manual_) reason = regime_reason::override_escalate;
  }
  if (next == effective_) return false;
  change = {ts_ns, effective_, next, source, reason, inputs};
  effective_ = next;
  return true;
}

// ---- candle_window ---------------------------------------------------------------

candle_window::candle_window(std::int64_t period_ns, std::size_t capacity)
    : period_ns_(period_ns), closes_(capacity == 0 ? 1 : capacity) {
  TR_CHECK(period_ns > 0 && capacity >= 2, "candle window needs a period and room for two candles");
}

void candle_window::push(core::ticks close_ticks) noexcept {
  core::ticks oldest = 0;
  (void)closes_.push_evicting(close_ticks, oldest);
}

core::ticks candle_window::at(std::size_t age) const noexcept { return closes_.from_newest(age); }

core::ticks candle_window::last() const noexcept { return closes_.empty() ? 0 : at(0); }

std::size_t candle_window::candles_in(std::int64_t window_ns) const noexcept {
  const auto wanted = static_cast<std::size_t>(window_ns / period_ns_) + 1;  // n candles give n-1 returns
  return std::min(wanted, closes_.size());
}

double candle_window::annualised_vol(std::int64_t window_ns) const noexcept {
  const std::size_t n = candles_in(window_ns);
  if (n < 3) return 0;
  double sum = 0;
  for (std::size_t age = 0; age + 1 < n; ++age) {
    const core::ticks a = at(age + 1), b = at(age);
    if (a <= 0 || b <= 0) return 0;
    sum += std::log(static_cast<double>(b) / static_cast<double>(a));
  }
  const double returns = static_cast<double>(n - 1);
  const double mean = sum / returns;
  double squares = 0;
  for (std::size_t age = 0; age + 1 < n; ++age) {
    const double r = std::log(static_cast<double>(at(age)) / static_cast<double>(at(age + 1))) - mean;
    squares += r * r;
  }
  const double variance = squares / (returns - 1);
  return std::sqrt(variance * (k_ns_per_year / static_cast<double>(period_ns_)));
}

double candle_window::drawdown(std::int64_t window_ns) const noexcept {
  const std::size_t n = candles_in(window_ns);
  if (n == 0) return 0;
  core::ticks high = at(0);
  for (std::size_t age = 1; age < n; ++age) high = std::max(high, at(age));
  return high > 0 ? static_cast<double>(high - at(0)) / static_cast<double>(high) : 0;
}

}  // namespace tickrail::strategies
