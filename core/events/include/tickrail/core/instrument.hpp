// tickrail/core/instrument.hpp — what each traded instrument is, and the
// catalog that gives instruments small dense ids.
//
// Ids index arrays on the hot path (books, positions, limits): the catalog
// hands them out 0, 1, 2, ... as instruments are added at start-up, and the
// venue adapters look names up once per frame without allocating.
// Conversions between venue decimals and integer ticks/lots go through the
// instrument's `tick` and `lot` increments (fixed_point.hpp).
//
// Stepped tick sizes (Deribit options' `tick_size_steps`: e.g. 0.0001 below
// 0.005 and 0.0005 above): the integer price unit is the SMALLEST tick, and
// quantize_price() applies the step rule on top, so book prices (which the
// venue only ever sends on valid ticks) need no special handling and orders
// are snapped to the step in force at their price.
//
// Thread-safety: built single-threaded at start-up, then read-only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/fixed_point.hpp"

namespace tickrail::core {

#define TR_VENUES(X)    \
  X(deribit, "deribit") \
  X(binance_usdm, "binance_usdm")
TR_DEFINE_ENUM(venue, std::uint8_t, TR_VENUES)

#define TR_INSTRUMENT_KINDS(X)    \
  X(perpetual, "perpetual")       \
  X(future, "future")             \
  X(option, "option")             \
  X(spot, "spot")                 \
  X(future_combo, "future_combo") \
  X(option_combo, "option_combo")
TR_DEFINE_ENUM(instrument_kind, std::uint8_t, TR_INSTRUMENT_KINDS)

enum class option_kind : std::uint8_t { none, call, put };

// Above `above_ticks` (in smallest ticks, exclusive) prices move in steps of
// `step_ticks` smallest ticks.
struct tick_step {
  ticks above_ticks;
  ticks step_ticks;
};

struct instrument {
  instrument_id id = no_instrument;  // set by the catalog
  venue where = venue::deribit;
  instrument_kind kind = instrument_kind::perpetual;
  option_kind option = option_kind::none;
  std::string symbol;  // the venue's name, e.g. "BTC-PERPETUAL", "BTCUSDT"
  std::string base_currency, quote_currency, settlement_currency;
  increment tick;         // smallest price increment
  increment lot;          // quantity increment (Deribit: min_trade_amount; Binance: stepSize)
  lots min_qty_lots = 1;  // smallest order quantity
  decimal contract_size{1, 0};
  decimal min_notional{0, 0};  // in quote currency; 0 = none
  decimal strike{0, 0};        // options
  // Fee rates as fractions of the notional (Deribit: maker_commission /
  // taker_commission, e.g. 0.0005; negative = rebate). Options: per contract
  // in the settlement currency. The paper gateway charges them (adapters/sim).
  decimal maker_commission{0, 0};
  decimal taker_commission{0, 0};
  std::int64_t expiry_ms = 0;         // 0 = perpetual / spot
  std::vector<tick_step> tick_steps;  // ascending by above_ticks; empty = uniform tick
  // How the venue writes numbers, for display: a fixed number of decimals
  // (Binance: "61659.70"), or -1 for a JSON double (Deribit: "37317.0").
  std::int32_t price_decimals = -1;
  std::int32_t qty_decimals = -1;

  // The tick step in force at `price_ticks` (1 when uniform).
  [[nodiscard]] ticks step_at(ticks price_ticks) const noexcept;
  // Snaps a price to the step grid in force there. `mode` is down/up/nearest/
  // toward_zero, or exact (inexact when off the grid).
  [[nodiscard]] fp_error quantize_price(ticks price_ticks, rounding mode, ticks& out) const noexcept;

  // Decimal text as the venue writes it (cold path: tools, logs, reports).
  [[nodiscard]] std::string format_price(ticks price_ticks) const;
  [[nodiscard]] std::string format_qty(lots qty_lots) const;
};

class instrument_catalog {
 public:
  // Adds an instrument and returns its dense id. Errors: duplicate name for
  // the venue, invalid increments, catalog full (65535 instruments).
  absl::StatusOr<instrument_id> add(instrument inst);

  // Lookup by venue name; nullptr if unknown. No allocation.
  [[nodiscard]] const instrument* find(venue v, std::string_view symbol) const noexcept;
  [[nodiscard]] const instrument& operator[](instrument_id id) const noexcept { return instruments_[id]; }
  [[nodiscard]] std::size_t size() const noexcept { return instruments_.size(); }
  [[nodiscard]] const std::vector<instrument>& all() const noexcept { return instruments_; }

 private:
  std::vector<instrument> instruments_;
  std::array<absl::flat_hash_map<std::string, instrument_id>, k_venue_count> by_name_;
};

}  // namespace tickrail::core
