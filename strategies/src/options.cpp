#include "tickrail/strategies/options.hpp"

#include <cstdlib>

namespace tickrail::strategies {
namespace {

constexpr std::int64_t k_ms_per_hour = 3'600'000;
constexpr std::int64_t k_ms_per_day = 24 * k_ms_per_hour;

// strike / underlying as comparable integers: both decimals scaled to 1e-8.
std::int64_t to_e8(core::decimal d) noexcept {
  core::int128_t v = d.mantissa;
  for (int s = d.scale; s < 8; ++s) v *= 10;
  for (int s = d.scale; s > 8; --s) v /= 10;
  return v > INT64_MAX ? INT64_MAX : static_cast<std::int64_t>(v);
}

}  // namespace

bool is_weekly_expiry(std::int64_t expiry_ms) noexcept {
  if (expiry_ms <= 0 || expiry_ms % k_ms_per_day != 8 * k_ms_per_hour) return false;
  // 1970-01-01 was a Thursday: day 1 is a Friday.
  return (expiry_ms / k_ms_per_day) % 7 == 1;
}

const core::instrument* choose_option(const core::instrument_catalog& catalog, core::venue where,
                                      std::string_view base_currency, core::option_kind kind, std::int64_t now_ms,
                                      core::decimal underlying, int strength, const options_params& params) noexcept {
  if (strength < 1 || strength > 3 || underlying.mantissa <= 0) return nullptr;
  const std::int64_t earliest = now_ms + params.min_days * k_ms_per_day;
  // The nearest qualifying expiry first.
  std::int64_t expiry = INT64_MAX;
  for (const core::instrument& inst : catalog.all()) {
    if (inst.where != where || inst.kind != core::instrument_kind::option || inst.option != kind ||
        inst.base_currency != base_currency || inst.expiry_ms < earliest || !is_weekly_expiry(inst.expiry_ms)) {
      continue;
    }
    expiry = std::min(expiry, inst.expiry_ms);
  }
  if (expiry == INT64_MAX) return nullptr;
  const std::int64_t otm = params.otm_ppm[static_cast<std::size_t>(strength - 1)];
  const std::int64_t u = to_e8(underlying);
  const auto target = static_cast<std::int64_t>(static_cast<core::int128_t>(u) *
                                                (k_ppm + (kind == core::option_kind::call ? otm : -otm)) / k_ppm);
  const core::instrument* best = nullptr;
  std::int64_t best_distance = INT64_MAX;
  for (const core::instrument& inst : catalog.all()) {
    if (inst.where != where || inst.kind != core::instrument_kind::option || inst.option != kind ||
        inst.base_currency != base_currency || inst.expiry_ms != expiry) {
      continue;
    }
    const std::int64_t distance = std::llabs(to_e8(inst.strike) - target);
    if (distance < best_distance) {  // ties keep the first listed (lower strike when sorted)
      best = &inst;
      best_distance = distance;
    }
  }
  return best;
}

core::lots option_size_lots(const core::instrument& option, std::int64_t equity_e8, core::ticks mark_ticks,
                            std::int64_t allocation_ppm) noexcept {
  if (equity_e8 <= 0 || mark_ticks <= 0 || allocation_ppm <= 0) return 0;
  // budget (coin) / (mark (coin per contract) × lot (contracts)) = lots
  //   = equity_e8·alloc/1e6/1e8 / (mark_ticks·tick · lot)
  const core::decimal tick = option.tick.value();
  const core::decimal lot = option.lot.value();
  core::int128_t num = static_cast<core::int128_t>(equity_e8) * allocation_ppm;                 // × 1e-14 coin
  core::int128_t den = static_cast<core::int128_t>(mark_ticks) * tick.mantissa * lot.mantissa;  // × 10^-(ts+ls)
  int exponent = 14 - tick.scale - lot.scale;  // num/den × 10^-exponent
  for (; exponent > 0; --exponent) den *= 10;
  for (; exponent < 0; ++exponent) num *= 10;
  const core::int128_t lots = num / den;
  return lots > INT64_MAX ? INT64_MAX : static_cast<core::lots>(lots);
}

std::optional<core::order_intent> option_order(const core::instrument& option, core::side s, core::lots qty,
                                               core::ticks mark_ticks, std::uint16_t bot, std::uint16_t component,
                                               order_ids& ids, const core::event_header& h) noexcept {
  if (qty <= 0 || mark_ticks <= 0) return std::nullopt;
  core::ticks price = 0;
  if (option.quantize_price(mark_ticks, s == core::side::buy ? core::rounding::down : core::rounding::up, price) !=
          core::fp_error::ok ||
      price <= 0) {
    return std::nullopt;
  }
  core::order_intent in = make_intent(core::intent_kind::place, option.id, bot, component, h);
  in.cl_ord_id = ids.next();
  in.order_side = s;
  in.qty_lots = qty;
  in.price_ticks = price;
  return in;
}

const option_position* trim_target(std::span<const option_position> positions, core::instrument_id named) noexcept {
  const option_position* best = nullptr;
  for (const option_position& p : positions) {
    if (p.qty_lots == 0 || p.qty_lots == INT64_MIN) continue;
    if (named != core::no_instrument) {
      if (p.instrument == named) return &p;
      continue;
    }
    if (best == nullptr || std::llabs(p.qty_lots) > std::llabs(best->qty_lots)) best = &p;
  }
  return best;
}

core::lots trim_lots(const option_position& p, core::lots contracts_lots, std::int64_t pct_ppm) noexcept {
  if (p.qty_lots == INT64_MIN) return 0;
  const core::lots held = std::llabs(p.qty_lots);
  const core::lots want = contracts_lots > 0
                              ? contracts_lots
                              : static_cast<core::lots>(static_cast<core::int128_t>(held) * pct_ppm / k_ppm);
  return std::max<core::lots>(0, std::min(want, held));
}

std::optional<core::order_intent> open_option(const core::instrument_catalog& catalog, option_signal sig,
                                              core::lots underlying_position, std::string_view base, int strength,
                                              const option_market& m, const options_params& params,
                                              core::regime_multipliers mult, std::uint16_t bot, std::uint16_t component,
                                              order_ids& ids, const core::event_header& h) noexcept {
  core::option_kind kind = sig == option_signal::long_call ? core::option_kind::call : core::option_kind::put;
  if (sig == option_signal::hedge) {
    if (underlying_position == 0) return std::nullopt;
    kind = underlying_position > 0 ? core::option_kind::put : core::option_kind::call;
  }
  const core::instrument* o =
      choose_option(catalog, core::venue::deribit, base, kind, m.now_ms, m.underlying, strength, params);
  if (o == nullptr || o->id >= m.marks.size()) return std::nullopt;
  const core::ticks mark = m.marks[o->id];
  const core::lots qty = scaled(option_size_lots(*o, m.equity_e8, mark, params.allocation_ppm), mult, core::side::buy);
  return option_order(*o, core::side::buy, qty, mark, bot, component, ids, h);
}

std::optional<core::order_intent> trim_option(const core::instrument_catalog& catalog, const option_position& target,
                                              core::lots contracts_lots, std::int64_t pct_ppm,
                                              core::regime_multipliers mult, std::uint16_t bot, std::uint16_t component,
                                              order_ids& ids, const core::event_header& h) noexcept {
  if (target.instrument >= catalog.size() || target.qty_lots <= 0) return std::nullopt;  // trims longs
  const core::lots qty = scaled(trim_lots(target, contracts_lots, pct_ppm), mult, core::side::sell);
  return option_order(catalog[target.instrument], core::side::sell, qty, target.mark_ticks, bot, component, ids, h);
}

}  // namespace tickrail::strategies
