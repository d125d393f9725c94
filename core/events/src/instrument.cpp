#include "tickrail/core/instrument.hpp"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "tickrail/core/status.hpp"

namespace tickrail::core {

ticks instrument::step_at(ticks price_ticks) const noexcept {
  ticks step = 1;
  for (const tick_step& s : tick_steps) {
    if (price_ticks > s.above_ticks) step = s.step_ticks;
  }
  return step;
}

fp_error instrument::quantize_price(ticks price_ticks, rounding mode, ticks& out) const noexcept {
  const ticks step = step_at(price_ticks);
  if (step == 1) {
    out = price_ticks;
    return fp_error::ok;
  }
  increment grid;
  if (const fp_error e = increment::make(decimal{step, 0}, grid); e != fp_error::ok) return e;
  std::int64_t steps = 0;
  if (const fp_error e = grid.to_units(decimal{price_ticks, 0}, mode, steps); e != fp_error::ok) return e;
  // Rounding down across a step boundary lands in the finer region below,
  // where every smallest tick is valid, so the result always stands.
  out = steps * step;
  return fp_error::ok;
}

namespace {

std::string format_units(const increment& unit, std::int64_t units, std::int32_t decimals) {
  decimal d;
  if (unit.to_decimal(units, d) != fp_error::ok) return "overflow";
  // Pad to the venue's fixed decimals, or to one decimal for JSON-double style.
  const std::int32_t want = decimals >= 0 ? decimals : std::max<std::int32_t>(d.scale, 1);
  while (d.scale < want && d.scale < k_max_decimal_scale && d.mantissa <= INT64_MAX / 10 &&
         d.mantissa >= INT64_MIN / 10) {
    d.mantissa *= 10;
    ++d.scale;
  }
  char buf[32];
  std::size_t n = 0;
  if (increment::format_decimal(d, buf, sizeof(buf), n) != fp_error::ok) return "overflow";
  return std::string(buf, n);
}

}  // namespace

std::string instrument::format_price(ticks price_ticks) const {
  return format_units(tick, price_ticks, price_decimals);
}
std::string instrument::format_qty(lots qty_lots) const { return format_units(lot, qty_lots, qty_decimals); }

absl::StatusOr<instrument_id> instrument_catalog::add(instrument inst) {
  const auto v = static_cast<std::size_t>(inst.where);
  if (v >= k_venue_count)
    return absl::InvalidArgumentError(absl::StrCat("instrument ", inst.symbol, ": unknown venue"));
  if (inst.symbol.empty()) return absl::InvalidArgumentError("instrument without a name");
  if (inst.tick.value().mantissa <= 0 || inst.lot.value().mantissa <= 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("instrument ", inst.symbol, ": tick and lot sizes must be positive"));
  }
  for (std::size_t i = 0; i < inst.tick_steps.size(); ++i) {
    const tick_step& s = inst.tick_steps[i];
    if (s.step_ticks < 1 || (i > 0 && s.above_ticks <= inst.tick_steps[i - 1].above_ticks)) {
      return absl::InvalidArgumentError(
          absl::StrCat("instrument ", inst.symbol, ": tick_size_steps must ascend and be multiples of tick_size"));
    }
  }
  if (instruments_.size() >= no_instrument) return absl::ResourceExhaustedError("instrument catalog is full");
  if (by_name_[v].contains(inst.symbol)) {
    return absl::AlreadyExistsError(
        absl::StrCat("instrument ", to_absl(to_string(inst.where)), ":", inst.symbol, " is defined twice"));
  }
  const auto id = static_cast<instrument_id>(instruments_.size());
  inst.id = id;
  by_name_[v].emplace(inst.symbol, id);
  instruments_.push_back(std::move(inst));
  return id;
}

const instrument* instrument_catalog::find(venue v, std::string_view symbol) const noexcept {
  const auto index = static_cast<std::size_t>(v);
  if (index >= k_venue_count) return nullptr;
  const auto& names = by_name_[index];
  const auto it = names.find(to_absl(symbol));
  return it == names.end() ? nullptr : &instruments_[it->second];
}

}  // namespace tickrail::core
