// tickrail/core/regime.hpp — market regimes and the size multipliers they
// apply to every strategy component.
//
//   regime      buy   sell
//   CALM        1.0   1.0
//   TRANSITION  0.5   0.8
//   STRESS      0.0   1.0
//   BLACK       0.0   0.0
//   AFTERMATH   0.3   0.8
//
// Multipliers are integer permille so that sizing stays in fixed point. A
// zero is a gate: nothing a strategy computes may turn it back into a
// non-zero size, and pre-trade risk rejects orders on a gated side
// (risk.hpp) whatever the strategy did. The classifier that chooses the
// regime lives in strategies/; this header is the shared vocabulary.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/events.hpp"

namespace tickrail::core {

#define TR_REGIMES(X)         \
  X(calm, "CALM")             \
  X(transition, "TRANSITION") \
  X(stress, "STRESS")         \
  X(black, "BLACK")           \
  X(aftermath, "AFTERMATH")
TR_DEFINE_ENUM(regime, std::uint8_t, TR_REGIMES)

struct regime_multipliers {
  std::int32_t buy_permille;
  std::int32_t sell_permille;
};

[[nodiscard]] constexpr regime_multipliers multipliers(regime r) noexcept {
  switch (r) {
    case regime::calm: return {1000, 1000};
    case regime::transition: return {500, 800};
    case regime::stress: return {0, 1000};
    case regime::black: return {0, 0};
    case regime::aftermath: return {300, 800};
  }
  return {0, 0};  // unknown value: gate everything
}

// True when `r` lets no order of side `s` through.
[[nodiscard]] constexpr bool gates(regime r, side s) noexcept {
  const regime_multipliers m = multipliers(r);
  return (s == side::buy ? m.buy_permille : m.sell_permille) == 0;
}

}  // namespace tickrail::core
