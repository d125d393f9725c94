#include "tickrail/deribit/instruments.hpp"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/json/dom.hpp"

namespace tickrail::deribit {
namespace {

namespace dom = simdjson::dom;

using json::dom_field;
using json::text_of;

// Exact decimal of a JSON number, through its shortest round-trip text (the
// DOM has already parsed it to a double; doubles print back exactly as the
// venue's short decimals).
bool decimal_of(dom_field e, core::decimal& out) {
  double x = 0;
  if (e.get_double().get(x) != simdjson::SUCCESS) return false;
  return core::decimal_from_double(x, out) == core::fp_error::ok;
}

absl::Status field_error(std::string_view name, std::string_view field, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("deribit instrument ", core::to_absl(name), ": field '",
                                                 core::to_absl(field), "' ", core::to_absl(what)));
}

absl::Status load_one(dom::object obj, core::instrument_catalog& catalog) {
  core::instrument inst;
  inst.where = core::venue::deribit;
  inst.symbol = std::string(text_of(obj["instrument_name"]));
  if (inst.symbol.empty()) return absl::InvalidArgumentError("deribit instrument without instrument_name");
  const std::string_view name = inst.symbol;

  const std::string_view kind = text_of(obj["kind"]);
  const std::string_view period = text_of(obj["settlement_period"]);
  if (kind == "future")
    inst.kind = period == "perpetual" ? core::instrument_kind::perpetual : core::instrument_kind::future;
  else if (kind == "option")
    inst.kind = core::instrument_kind::option;
  else if (kind == "spot")
    inst.kind = core::instrument_kind::spot;
  else if (kind == "future_combo")
    inst.kind = core::instrument_kind::future_combo;
  else if (kind == "option_combo")
    inst.kind = core::instrument_kind::option_combo;
  else
    return field_error(name, "kind", "is missing or unknown");

  core::decimal d;
  if (!decimal_of(obj["tick_size"], d) || core::increment::make(d, inst.tick) != core::fp_error::ok) {
    return field_error(name, "tick_size", "must be a positive number");
  }
  if (!decimal_of(obj["min_trade_amount"], d) || core::increment::make(d, inst.lot) != core::fp_error::ok) {
    return field_error(name, "min_trade_amount", "must be a positive number");
  }
  inst.min_qty_lots = 1;
  if (decimal_of(obj["contract_size"], d)) inst.contract_size = d;
  std::int64_t expiry = 0;
  if (obj["expiration_timestamp"].get_int64().get(expiry) == simdjson::SUCCESS) inst.expiry_ms = expiry;
  if (inst.kind == core::instrument_kind::perpetual) inst.expiry_ms = 0;
  if (decimal_of(obj["strike"], d)) inst.strike = d;
  // Absent (older captures) = no fee; present must be a number.
  for (const auto& [field, rate] :
       {std::pair{"maker_commission", &inst.maker_commission}, std::pair{"taker_commission", &inst.taker_commission}}) {
    const dom_field f = obj[field];
    if (f.error() == simdjson::NO_SUCH_FIELD) continue;
    if (!decimal_of(f, *rate)) return field_error(name, field, "must be a number");
  }
  const std::string_view option_type = text_of(obj["option_type"]);
  inst.option = option_type == "call"  ? core::option_kind::call
                : option_type == "put" ? core::option_kind::put
                                       : core::option_kind::none;
  if (inst.kind == core::instrument_kind::option && inst.option == core::option_kind::none) {
    return field_error(name, "option_type", "must be \"call\" or \"put\" for an option");
  }
  inst.base_currency = std::string(text_of(obj["base_currency"]));
  inst.quote_currency = std::string(text_of(obj["quote_currency"]));
  inst.settlement_currency = std::string(text_of(obj["settlement_currency"]));

  dom::array steps;
  if (obj["tick_size_steps"].get_array().get(steps) == simdjson::SUCCESS) {
    for (dom::element step : steps) {
      core::decimal above, size;
      if (!decimal_of(step["above_price"], above) || !decimal_of(step["tick_size"], size)) {
        return field_error(name, "tick_size_steps", "entries need above_price and tick_size");
      }
      core::tick_step ts{};
      if (inst.tick.to_units(above, core::rounding::exact, ts.above_ticks) != core::fp_error::ok ||
          inst.tick.to_units(size, core::rounding::exact, ts.step_ticks) != core::fp_error::ok) {
        return field_error(name, "tick_size_steps", "must be on the tick_size grid");
      }
      inst.tick_steps.push_back(ts);
    }
  }
  return catalog.add(std::move(inst)).status();
}

}  // namespace

absl::Status load_instruments(std::string_view json, core::instrument_catalog& catalog) {
  return json::for_each_listed_object(
      json, "deribit instruments", "expected a get_instruments reply or its result array", "entry is not an object",
      [](dom::element root, dom::array& list) {
        return root.get_array().get(list) == simdjson::SUCCESS ||
               root["result"].get_array().get(list) == simdjson::SUCCESS;
      },
      [&](dom::object obj) { return load_one(obj, catalog); });
}

absl::Status load_instruments_file(const std::string& path, core::instrument_catalog& catalog) {
  return core::parse_file(path, [&](const std::string& text) { return load_instruments(text, catalog); });
}

}  // namespace tickrail::deribit
