// tickrail/strategies/options.hpp — option selection and sizing for the
// options components (options_hedge, options_long_call, options_long_put,
// options_trim).
//
//   expiry  the nearest listed expiry on a Friday at 08:00 UTC (Deribit's
//           weeklies) at least `min_days` (7) after now
//   strike  the listed strike nearest underlying × (1 ± otm) for the
//           strength: 1 = ATM, 2 = slightly OTM, 3 = OTM (calls above,
//           puts below; distances configurable)
//   size    allocation of equity spent on premium at the mark:
//           equity × allocation / mark, rounded down to the lot (0.1)
//   price   a limit at the mark, snapped to the option's tick step (buys
//           down, sells up: never pay more than the mark)
//   hedge   a put for a long underlying position, a call for a short one
//   trim    sells `contracts` (or `pct` of the position) of the named
//           option, or of the largest option position, limit at its mark
//
// Cold-ish path: selection scans the catalog (hundreds of options), run on a
// signal, not per tick. No allocation: results are pointers into the catalog.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tickrail/core/instrument.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/registry.hpp"

namespace tickrail::strategies {

struct options_params {
  std::int32_t min_days = 7;
  std::array<std::int64_t, 3> otm_ppm{0, 50'000, 100'000};  // strength 1, 2, 3
  std::int64_t allocation_ppm = 10'000;                     // 1 % of equity in premium
};

// Friday 08:00 UTC, as Deribit's weekly expiries are.
[[nodiscard]] bool is_weekly_expiry(std::int64_t expiry_ms) noexcept;

// The option to trade, or nullptr when none is listed that fits.
// `underlying` is the index price in the strike's units (USD).
[[nodiscard]] const core::instrument* choose_option(const core::instrument_catalog& catalog, core::venue where,
                                                    std::string_view base_currency, core::option_kind kind,
                                                    std::int64_t now_ms, core::decimal underlying, int strength,
                                                    const options_params& params) noexcept;

// Contracts (lots of the option) that `allocation_ppm` of `equity_e8` buys
// at `mark_ticks`; 0 when less than one lot.
[[nodiscard]] core::lots option_size_lots(const core::instrument& option, std::int64_t equity_e8,
                                          core::ticks mark_ticks, std::int64_t allocation_ppm) noexcept;

// A limit buy (or sell) of `qty` at the mark snapped to the tick step on the
// passive side.
[[nodiscard]] std::optional<core::order_intent> option_order(const core::instrument& option, core::side s,
                                                             core::lots qty, core::ticks mark_ticks, std::uint16_t bot,
                                                             std::uint16_t component, order_ids& ids,
                                                             const core::event_header& h) noexcept;

struct option_position {
  core::instrument_id instrument = core::no_instrument;
  core::lots qty_lots = 0;  // signed
  core::ticks mark_ticks = 0;
};

// Which position a trim applies to: the named one, else the largest |qty|.
[[nodiscard]] const option_position* trim_target(std::span<const option_position> positions,
                                                 core::instrument_id named) noexcept;

// How many lots a trim sells: `contracts_lots` when > 0, else `pct_ppm` of
// the position, rounded down; never more than the position.
[[nodiscard]] core::lots trim_lots(const option_position& p, core::lots contracts_lots, std::int64_t pct_ppm) noexcept;

// ---- the options signals ------------------------------------------------------------

enum class option_signal : std::uint8_t { long_call, long_put, hedge };

struct option_market {
  std::int64_t now_ms = 0;
  core::decimal underlying{0, 0};      // index price, strike units
  std::int64_t equity_e8 = 0;          // account equity in the option's settlement coin
  std::span<const core::ticks> marks;  // by instrument id; 0 = no mark
};

// The buy that opens an option for `sig`: the chosen option, sized by the
// allocation and the regime's buy multiplier, limit at its mark. `hedge`
// buys a put against a long `underlying_position`, a call against a short
// one, and nothing when flat. nullopt when nothing fits (no listed option,
// no mark, size below one lot, gated).
[[nodiscard]] std::optional<core::order_intent> open_option(const core::instrument_catalog& catalog, option_signal sig,
                                                            core::lots underlying_position, std::string_view base,
                                                            int strength, const option_market& m,
                                                            const options_params& params, core::regime_multipliers mult,
                                                            std::uint16_t bot, std::uint16_t component, order_ids& ids,
                                                            const core::event_header& h) noexcept;

// The sell that trims `target` by `contracts_lots` or `pct_ppm`, limit at its
// mark (scaled by the regime's sell multiplier).
[[nodiscard]] std::optional<core::order_intent> trim_option(const core::instrument_catalog& catalog,
                                                            const option_position& target, core::lots contracts_lots,
                                                            std::int64_t pct_ppm, core::regime_multipliers mult,
                                                            std::uint16_t bot, std::uint16_t component, order_ids& ids,
                                                            const core::event_header& h) noexcept;

// The `[bots.options]` table.
struct options_config {
  options_params params{};
  std::string currency;                 // underlying base currency ("BTC"); default the instrument's base
  int strength = 2;                     // 1 ATM, 2 slightly OTM, 3 OTM
  core::decimal trim_contracts{0, 0};   // coin; 0 = use trim_pct
  std::int64_t trim_pct_ppm = 500'000;  // 50 %
};

// The options as a bot component (registry.hpp): nothing of its own runs
// on events. Its four signals open or trim an option through the bot
// (run_by_bot), which holds what they need: the marks, the index, equity,
// venue time and the option positions.
struct options_component : component_hooks {
  using params = options_config;
  static constexpr std::string_view name = "options";
  static constexpr bool loop = false;
  static constexpr bool run_by_bot = true;
  static constexpr std::string_view not_in_start =
      "options run on their signals (hedge, options_long_call, options_long_put, options_trim)";
  static constexpr std::array signals{
      signal_name{"hedge", k_options_hedge}, signal_name{"options_long_call", k_options_long_call},
      signal_name{"options_long_put", k_options_long_put}, signal_name{"options_trim", k_options_trim}};
  static absl::StatusOr<params> parse(const config_table& t);

  options_component(const params&, core::instrument_id, std::uint16_t, order_ids&) noexcept {}
};

}  // namespace tickrail::strategies
