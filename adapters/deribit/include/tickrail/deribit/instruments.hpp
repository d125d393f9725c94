// tickrail/deribit/instruments.hpp — the instrument catalog from Deribit's
// `public/get_instruments` results (cold path, start-up).
//
// Accepts the whole JSON-RPC reply or just its `result` array. Per instrument:
// kind (future with settlement_period "perpetual" → perpetual), tick_size and
// tick_size_steps (the integer price unit is tick_size, steps are multiples
// of it), min_trade_amount (the quantity lot), contract_size, expiration,
// strike and option_type, base/quote/settlement currencies. Errors name the
// instrument and the field.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "tickrail/core/instrument.hpp"

namespace tickrail::deribit {

absl::Status load_instruments(std::string_view json, core::instrument_catalog& catalog);
absl::Status load_instruments_file(const std::string& path, core::instrument_catalog& catalog);

}  // namespace tickrail::deribit
