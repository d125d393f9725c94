// tickrail/core/risk_limits.hpp — pre-trade risk limits: read from the
// `[risk]` section of a TOML config, validated against the instrument
// catalog, and compiled into integer thresholds the risk stage compares
// against without conversion (risk.hpp).
//
//   [risk]
//   max_open_orders      = 200      # all instruments together
//   runaway_max_orders   = 300      # more placed orders than this within
//   runaway_window_ms    = 1000     #   the window → HALTED (Knight control)
//   max_divergence       = 3        # exec reports that do not match what risk
//                                   #   passed (unknown order, overfill) → HALTED
//   kill_loss            = 0.15     # kill at equity 15 % below the high-water mark
//   daily_loss_limit     = 0.05     # equity currency (Deribit: BTC); reduce-only after
//   daily_reset_hour_utc = 0
//   funding_warn         = 0.0005   # |funding| alerts (rate per 8 h)
//   funding_extreme      = 0.0015
//   off_tick             = "reject" # or "round" (to the passive side)
//
//   [risk.venues.deribit]           # order-rate token bucket, cancels exempt
//   orders_per_second = 5
//   order_burst       = 20
//
//   [risk.instruments."BTC-PERPETUAL"]   # venue = "deribit" unless given
//   max_order_qty      = 2000       # venue units (USD for Deribit futures)
//   max_position       = 10000      # |position + worst-case resting orders|
//   max_order_notional = 2000       # quote currency (USD; options: premium in coin)
//   min_notional       = 10         # optional; else the instrument's own
//   max_open_orders    = 40         # optional; else the global limit
//   collar_pct         = 1.0        # |price − reference| within 1 % of mid and mark
//   collar_ticks       = 2000       #   and within 2000 ticks (either may be omitted,
//                                   #   not both)
//   circuit_breaker_drop_pct  = 5   # optional: a 5 % fall of mid within the window
//   circuit_breaker_window_ms = 300000  #   forces BLACK
//
// Numbers may be TOML integers, floats (read through their shortest decimal
// text) or strings ("0.001"). Quantities round down to whole lots; a limit
// smaller than one lot is an error. Instruments without a table are refused
// by the risk stage (fail closed). Every error names file, line and key.
//
// Thread-safety: a compiled risk_limits is immutable; the risk stage swaps
// in a new one on a reload command (risk_stage.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tickrail/core/toml_fwd.hpp"
#include "absl/status/statusor.h"
#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"

namespace tickrail::core {

enum class off_tick_policy : std::uint8_t { reject, round };

// How an order's notional is computed from integer lots and ticks:
//   product   qty_lots × price_ticks × unit   (linear contracts, options premium)
//   quantity  qty_lots × unit                 (inverse futures: amount is USD)
// Thresholds below are in those integer units, so the check is one multiply.
enum class notional_model : std::uint8_t { product, quantity };

inline constexpr std::int64_t k_no_limit = INT64_MAX;

struct instrument_limits {
  bool configured = false;
  notional_model model = notional_model::product;
  lots max_order_qty_lots = 0;
  lots max_position_lots = 0;
  std::uint32_t max_open_orders = 0;
  std::int64_t max_notional_units = k_no_limit;  // in `model` units
  std::int64_t min_notional_units = 0;           // 0 = none
  std::int64_t collar_ppm = 0;                   // parts per million of the reference; 0 = unset
  ticks collar_ticks = 0;                        // 0 = unset
  std::int64_t breaker_drop_ppm = 0;             // 0 = no circuit breaker
  std::int64_t breaker_window_ns = 0;
};

struct venue_rate_limit {
  std::int64_t orders_per_second = 0;  // 0 = no bucket for this venue
  std::int64_t burst = 0;
};

struct risk_limits {
  std::int64_t generation = 0;  // set by risk_limits_mailbox::post (risk_stage.hpp)
  std::uint32_t max_open_orders = 200;
  std::uint32_t runaway_max_orders = 300;
  std::int64_t runaway_window_ns = 1'000'000'000;
  std::uint32_t max_divergence = 3;
  std::int64_t kill_loss_ppm = 0;        // 0 = no drawdown kill
  std::int64_t daily_loss_limit_e8 = 0;  // 0 = none
  std::int32_t daily_reset_hour_utc = 0;
  std::int64_t funding_warn_e9 = 0;  // 0 = no alert
  std::int64_t funding_extreme_e9 = 0;
  off_tick_policy off_tick = off_tick_policy::reject;
  std::array<venue_rate_limit, k_venue_count> rates{};
  std::vector<instrument_limits> instruments;  // indexed by instrument_id

  static constexpr std::uint32_t k_max_open_orders = 65536;     // engine capacity
  static constexpr std::uint32_t k_max_runaway_orders = 65536;  // runaway window capacity

  [[nodiscard]] const instrument_limits& of(instrument_id id) const noexcept {
    static constexpr instrument_limits k_unconfigured{};
    return id < instruments.size() ? instruments[id] : k_unconfigured;
  }
};

// Parses the `[risk]` section of TOML text. `source_name` prefixes errors.
absl::StatusOr<risk_limits> parse_risk_limits_toml(std::string_view toml_text, std::string_view source_name,
                                                   const instrument_catalog& catalog);
// The same, from a parsed (possibly layered) config: errors name the file
// each key came from (toml_support::key_error).
absl::StatusOr<risk_limits> parse_risk_limits(const toml::table& root, std::string_view source_name,
                                              const instrument_catalog& catalog);
// Reads a file and parses its `[risk]` section.
absl::StatusOr<risk_limits> load_risk_limits_file(const std::string& path, const instrument_catalog& catalog);

}  // namespace tickrail::core
