#include "tickrail/strategies/ma_crossover.hpp"

#include <algorithm>

#include "tickrail/core/check.hpp"

namespace tickrail::strategies {

ma_crossover::ma_crossover(const ma_crossover_params& params, core::instrument_id instrument, std::uint16_t component,
                           order_ids& ids)
    : params_(params),
      instrument_(instrument),
      component_(component),
      ids_(ids),
      samples_(params.slow == 0 ? 1 : params.slow) {
  TR_CHECK(params.fast > 0 && params.slow > params.fast && params.sample_interval_ns > 0 && params.size_lots > 0 &&
               params.trail_ppm > 0 && params.trail_ppm < k_ppm,
           "ma_crossover needs 0 < fast < slow, an interval, a size and a trail in (0, 100 %)");
}

core::ticks ma_crossover::average(std::uint32_t n) const noexcept {
  core::int128_t sum = 0;
  for (std::uint32_t age = 0; age < n; ++age) sum += samples_.from_newest(age);
  return static_cast<core::ticks>(sum / n);
}

void ma_crossover::send(core::side s, core::lots qty, bool reduce_only, const core::event_header& h,
                        intent_sink& sink) noexcept {
  if (qty <= 0) return;
  core::order_intent in = market_exit(instrument_, ids_.bot(), component_, ids_.next(), s, qty, h);
  if (!reduce_only) in.flags = 0;
  (void)sink.push(in);
}

void ma_crossover::on_book(const core::order_book& book, const position_view& pos, const core::event_header& h,
                           sizing r, intent_sink& sink) noexcept {
  const core::ticks mid = book.mid();
  if (mid == 0 || pos.position_lots == INT64_MIN) return;  // a position that cannot be negated is corrupt
  const core::lots position = pos.position_lots;

  // Trailing stop, on every book.
  if (position == 0) {
    extreme_ = 0;
  } else {
    extreme_ = extreme_ == 0 ? mid : (position > 0 ? std::max(extreme_, mid) : std::min(extreme_, mid));
    const bool stop_long = position > 0 && mid <= scale_ppm(extreme_, -params_.trail_ppm);
    const bool stop_short = position < 0 && mid >= scale_ppm(extreme_, params_.trail_ppm);
    if (stop_long || stop_short) {
      const core::side exit = stop_long ? core::side::sell : core::side::buy;
      send(exit, scaled(stop_long ? position : -position, r, exit), true, h, sink);
      extreme_ = 0;
      return;
    }
  }

  // Averages, one sample per interval.
  if (sampled_ && h.local_ts_ns < next_sample_ns_) return;
  sampled_ = true;
  next_sample_ns_ = h.local_ts_ns + params_.sample_interval_ns;
  core::ticks oldest = 0;
  (void)samples_.push_evicting(mid, oldest);
  if (!samples_.full()) return;
  const core::ticks fast = average(params_.fast), slow = average(params_.slow);
  const int sign = fast > slow ? 1 : fast < slow ? -1 : 0;
  const int previous = last_sign_;
  if (sign != 0) last_sign_ = sign;
  if (previous == 0 || sign == 0 || sign == previous) return;

  if (sign > 0) {  // crossed up
    if (position < 0) send(core::side::buy, scaled(-position, r, core::side::buy), true, h, sink);
    if (position <= 0) send(core::side::buy, scaled(params_.size_lots, r, core::side::buy), false, h, sink);
  } else {  // crossed down
    if (position > 0) send(core::side::sell, scaled(position, r, core::side::sell), true, h, sink);
    if (params_.allow_shorts && position >= 0) {
      send(core::side::sell, scaled(params_.size_lots, r, core::side::sell), false, h, sink);
    }
  }
}

}  // namespace tickrail::strategies
