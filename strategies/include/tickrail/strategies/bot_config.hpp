// tickrail/strategies/bot_config.hpp — the `[[bots]]` section of a config:
// which components each bot runs, with their parameters in the venue's units,
// compiled to the integer ticks, lots and ppm the components work in.
//
//   [[bots]]
//   name        = "btc-maker"            # unique; 1..31 of [A-Za-z0-9_-]
//   instrument  = "BTC-PERPETUAL"        # the bot's instrument (venue = "deribit" unless given)
//   regime      = "calm"                 # initial regime (manual until cleared)
//   start       = ["main_mm", "take_profit"]   # what `start_bot` starts
//   cancel_timeout_ms = 30000            # cancel_all barrier gives up after this
//
//   [bots.grid]         levels, spacing (price), size, anchor_price, drift_threshold_pct, post_only
//   [bots.main_mm]      (and fast_mm, slow_mm) the profile's defaults, overridden by
//                       half_spread_ticks, level_step_ticks, orders_per_side, size,
//                       refresh_interval_ms, requote_tolerance_ticks, inventory_skew_factor, post_only
//   [bots.dip_buyer]    levels = [{below_pct = 1, size = 100}, ...], anchor_price
//   [bots.min_order]    min_size, check_interval_ms
//   [bots.take_profit]  trigger_pct, trail_offset_pct, cooldown_ms
//   [bots.threshold_tp] threshold, sell_pct
//   [bots.ladder]       rungs, first_below_pct, step_pct, size, size_growth
//   [bots.sell_ladder]  rungs, first_above_pct, step_pct, ratchet_pct
//   [bots.ma_crossover] fast, slow, sample_interval_ms, size, trail_pct, allow_shorts
//   [bots.bracket]      side, entry_price (absent = market), size, stop_pct, take_pct, sl_retries
//   [bots.options]      currency, min_days, otm_pct = [ATM, slightly, OTM], allocation_pct,
//                       strength, trim_contracts, trim_pct
//   [bots.options_multipliers]  put_buy, put_sell, call_buy, call_sell, none_buy, none_sell
//   [bots.regime_classifier]    candle_ms, transition_vol, stress_vol, black_vol,
//                               black_drawdown, extreme_funding_rate, deescalate_after_polls,
//                               override_priority
//
// Prices and sizes are in the instrument's venue units (USD for Deribit
// perpetuals); percentages are percent ("1.5" = 1.5 %). A component without a
// table is not configured: a signal naming it is refused. Every error names
// file, line and key; nothing is half-loaded.
//
// The component tables, their names and their storage come from the
// component list (components.hpp): basic_bot_config<List> holds one
// optional params per component of List, and the parser
// (bot_config_parse.hpp) dispatches each `[bots.NAME]` table to the
// component of that name. bot_config is the production list's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "tickrail/core/toml_fwd.hpp"
#include "absl/status/statusor.h"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/regime.hpp"
#include "tickrail/strategies/component.hpp"
#include "tickrail/strategies/components.hpp"
#include "tickrail/strategies/regime_classifier.hpp"

namespace tickrail::strategies {

// The production names (production_components::name / parse).
[[nodiscard]] std::string_view to_string(component_id c) noexcept;
[[nodiscard]] std::optional<component_id> parse_component(std::string_view name) noexcept;

struct classifier_config {
  classifier_params params{};
  std::int64_t candle_ns = 3'600'000'000'000;  // one hour
};

template <typename List>
struct basic_bot_config {
  using components = List;

  std::string name;
  std::uint16_t id = 0;  // 1-based position in the file: the client order id's bot field
  core::instrument_id instrument = core::no_instrument;
  core::regime initial_regime = core::regime::calm;
  std::vector<component_id> start;  // what start_bot starts
  std::int64_t cancel_timeout_ns = 30'000'000'000;

  typename List::config_storage tables{};  // one optional params per component, in list order
  options_multipliers option_multipliers{};
  std::optional<classifier_config> classifier;

  // Component C's table, if it had one: config.get<grid_component>()->levels.
  template <typename C>
  [[nodiscard]] auto& get() noexcept {
    return std::get<static_cast<std::size_t>(List::template id_of<C>) - 1>(tables);
  }
  template <typename C>
  [[nodiscard]] const auto& get() const noexcept {
    return std::get<static_cast<std::size_t>(List::template id_of<C>) - 1>(tables);
  }

  // True for the bot and for every component with a table.
  [[nodiscard]] bool configured(component_id c) const noexcept {
    if (c == component_id::bot) return true;
    bool out = false;
    List::for_each([&](auto, auto i) {
      if (static_cast<std::size_t>(c) == i + 1) out = std::get<i>(tables).has_value();
    });
    return out;
  }
};

using bot_config = basic_bot_config<production_components>;

inline constexpr std::size_t k_max_bots = 64;

// Reads every `[[bots]]` table of a config (none is an empty list).
absl::StatusOr<std::vector<bot_config>> parse_bots_toml(std::string_view toml_text, std::string_view source_name,
                                                        const core::instrument_catalog& catalog);
// The same, from a parsed (possibly layered) config.
absl::StatusOr<std::vector<bot_config>> parse_bots(const toml::table& root, std::string_view source_name,
                                                   const core::instrument_catalog& catalog);
absl::StatusOr<std::vector<bot_config>> load_bots_file(const std::string& path,
                                                       const core::instrument_catalog& catalog);

}  // namespace tickrail::strategies
