#include "tickrail/binance/instruments.hpp"

#include "absl/strings/str_cat.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/json/dom.hpp"

namespace tickrail::binance {
namespace {

namespace dom = simdjson::dom;
using json::text_of;

std::int32_t decimals_of(std::string_view text) {
  const std::size_t dot = text.find('.');
  return dot == std::string_view::npos ? 0 : static_cast<std::int32_t>(text.size() - dot - 1);
}

absl::Status symbol_error(std::string_view symbol, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("binance symbol ", core::to_absl(symbol), ": ", core::to_absl(what)));
}

absl::Status load_one(dom::object obj, core::instrument_catalog& catalog) {
  core::instrument inst;
  inst.where = core::venue::binance_usdm;
  inst.symbol = std::string(text_of(obj["symbol"]));
  if (inst.symbol.empty()) return absl::InvalidArgumentError("binance symbol without a name");
  const std::string_view name = inst.symbol;
  inst.kind =
      text_of(obj["contractType"]) == "PERPETUAL" ? core::instrument_kind::perpetual : core::instrument_kind::future;
  inst.base_currency = std::string(text_of(obj["baseAsset"]));
  inst.quote_currency = std::string(text_of(obj["quoteAsset"]));
  inst.settlement_currency = std::string(text_of(obj["marginAsset"]));
  std::string_view tick_text, step_text, min_qty_text;
  dom::array filters;
  if (obj["filters"].get_array().get(filters) != simdjson::SUCCESS) return symbol_error(name, "no filters");
  for (dom::element f : filters) {
    const std::string_view type = text_of(f["filterType"]);
    if (type == "PRICE_FILTER") {
      tick_text = text_of(f["tickSize"]);
    } else if (type == "LOT_SIZE") {
      step_text = text_of(f["stepSize"]);
      min_qty_text = text_of(f["minQty"]);
    } else if (type == "MIN_NOTIONAL") {
      core::decimal d;
      if (core::parse_decimal(text_of(f["notional"]), d) != core::fp_error::ok)
        return symbol_error(name, "bad MIN_NOTIONAL notional");
      inst.min_notional = d;
    }
  }
  if (core::increment::parse(tick_text, inst.tick) != core::fp_error::ok)
    return symbol_error(name, "PRICE_FILTER tickSize missing or not positive");
  if (core::increment::parse(step_text, inst.lot) != core::fp_error::ok)
    return symbol_error(name, "LOT_SIZE stepSize missing or not positive");
  if (!min_qty_text.empty() &&
      inst.lot.to_units(min_qty_text, core::rounding::exact, inst.min_qty_lots) != core::fp_error::ok) {
    return symbol_error(name, "LOT_SIZE minQty is not a multiple of stepSize");
  }
  inst.price_decimals = decimals_of(tick_text);
  inst.qty_decimals = decimals_of(step_text);
  return catalog.add(std::move(inst)).status();
}

}  // namespace

absl::Status load_exchange_info(std::string_view json, core::instrument_catalog& catalog) {
  return json::for_each_listed_object(
      json, "binance exchangeInfo", "no symbols array", "symbol is not an object",
      [](dom::element root, dom::array& list) { return root["symbols"].get_array().get(list) == simdjson::SUCCESS; },
      [&](dom::object obj) { return load_one(obj, catalog); });
}

absl::Status load_exchange_info_file(const std::string& path, core::instrument_catalog& catalog) {
  return core::parse_file(path, [&](const std::string& text) { return load_exchange_info(text, catalog); });
}

}  // namespace tickrail::binance
