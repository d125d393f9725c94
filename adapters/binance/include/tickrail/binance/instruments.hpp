// tickrail/binance/instruments.hpp — Binance USD-M futures instruments from
// exchangeInfo data (cold path).
//
// Per symbol: contractType (PERPETUAL → perpetual, else future), the
// PRICE_FILTER tickSize (the price unit), LOT_SIZE stepSize and minQty (the
// quantity unit), MIN_NOTIONAL notional. Binance writes prices and sizes with
// the decimals of tickSize and stepSize ("0.10" → "61800.20"), which becomes
// the instrument's display format.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "tickrail/core/instrument.hpp"

namespace tickrail::binance {

absl::Status load_exchange_info(std::string_view json, core::instrument_catalog& catalog);
absl::Status load_exchange_info_file(const std::string& path, core::instrument_catalog& catalog);

}  // namespace tickrail::binance
