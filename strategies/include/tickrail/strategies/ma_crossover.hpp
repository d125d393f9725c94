// tickrail/strategies/ma_crossover.hpp — the baseline perpetuals strategy:
// fast/slow simple moving averages of the mid sampled every
// `sample_interval_ns`, with a trailing stop.
//
//   fast crosses above slow   flat → buy size (market); short → buy back the
//                             short (reduce-only), then buy size
//   fast crosses below slow   long → sell it (reduce-only); with
//                             allow_shorts, then sell size
//   trailing stop             long: mid ≤ high since entry × (1 − trail) →
//                             sell the position; short: mid ≥ low × (1 + trail)
//                             → buy it back
// A cross is a change of sign of fast − slow between two samples once both
// averages are full. Entries are scaled by the regime; exits are reduce-only
// market orders scaled by the regime like every other size (a zero gate
// holds the position).
#pragma once

#include <cstdint>
#include <vector>

#include "tickrail/core/fifo.hpp"
#include "tickrail/core/order_book.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/position_components.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {

struct ma_crossover_params {
  std::uint32_t fast = 5;
  std::uint32_t slow = 20;
  std::int64_t sample_interval_ns = 60'000'000'000;
  core::lots size_lots = 0;
  std::int64_t trail_ppm = 20'000;
  bool allow_shorts = false;
};

class ma_crossover {
 public:
  ma_crossover(const ma_crossover_params& params, core::instrument_id instrument, std::uint16_t component,
               order_ids& ids);
  void on_book(const core::order_book& book, const position_view& pos, const core::event_header& h, sizing r,
               intent_sink& sink) noexcept;
  [[nodiscard]] int last_sign() const noexcept { return last_sign_; }

 private:
  void send(core::side s, core::lots qty, bool reduce_only, const core::event_header& h, intent_sink& sink) noexcept;
  [[nodiscard]] core::ticks average(std::uint32_t n) const noexcept;

  ma_crossover_params params_;
  core::instrument_id instrument_;
  std::uint16_t component_;
  order_ids& ids_;
  core::fifo<core::ticks> samples_;  // the last `slow` mids
  std::int64_t next_sample_ns_ = 0;
  bool sampled_ = false;
  int last_sign_ = 0;        // sign of fast − slow at the previous full sample
  core::ticks extreme_ = 0;  // high (long) or low (short) since entry
};

// As a bot component (registry.hpp): a loop with no signal of its own
// (started by the `start` list).
struct ma_crossover_component : component_hooks {
  using params = ma_crossover_params;
  static constexpr std::string_view name = "ma_crossover";
  static constexpr bool loop = true;
  static absl::StatusOr<params> parse(const config_table& t);

  ma_crossover_component(const params& p, core::instrument_id instrument, std::uint16_t component, order_ids& ids)
      : impl(p, instrument, component, ids) {}
  void on_book(const bot_view& v, const core::event_header& h, sizing z, intent_sink& sink) noexcept {
    impl.on_book(*v.book, v.position, h, z, sink);
  }

  ma_crossover impl;
};

}  // namespace tickrail::strategies
