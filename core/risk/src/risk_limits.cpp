#include "tickrail/core/risk_limits.hpp"

#include <limits>

#include "absl/strings/str_cat.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/core/toml_support.hpp"

namespace tickrail::core {
namespace {

using toml_support::key_error;
using toml_support::read_decimal;
using toml_support::read_int;
using toml_support::read_u32;
using toml_support::to_lots;
using toml_support::to_ppm;

constexpr std::int64_t k_ns_per_ms = 1'000'000;
constexpr std::int64_t k_max_window_ms = 7LL * 24 * 3600 * 1000;  // a week

// The multiplier that turns the model's integer product into quote currency.
absl::StatusOr<decimal> notional_unit(const instrument& inst, notional_model model) {
  if (model == notional_model::quantity) return inst.lot.value();
  int128_t m = static_cast<int128_t>(inst.tick.value().mantissa) * inst.lot.value().mantissa;
  m *= inst.contract_size.mantissa;
  std::int32_t scale = inst.tick.value().scale + inst.lot.value().scale + inst.contract_size.scale;
  strip_trailing_zeros(m, scale);
  if (m <= 0 || m > INT64_MAX || scale > 36) {
    return absl::InvalidArgumentError(
        absl::StrCat("instrument '", inst.symbol, "': tick × lot × contract size is not representable"));
  }
  return decimal{static_cast<std::int64_t>(m), scale};
}

// Inverse futures (Deribit BTC-PERPETUAL: amount in USD, settled in BTC)
// size orders in the quote currency itself; everything else multiplies by price.
notional_model model_of(const instrument& inst) {
  const bool futures = inst.kind == instrument_kind::perpetual || inst.kind == instrument_kind::future;
  return futures && inst.settlement_currency != inst.quote_currency ? notional_model::quantity
                                                                    : notional_model::product;
}

absl::StatusOr<instrument_limits> parse_instrument(std::string_view source, const toml::table& t,
                                                   const std::string& prefix, const instrument& inst,
                                                   std::uint32_t global_max_open) {
  instrument_limits out;
  out.configured = true;
  out.model = model_of(inst);
  out.max_open_orders = global_max_open;
  TR_ASSIGN_OR_RETURN(const decimal unit, notional_unit(inst, out.model));
  bool have_qty = false, have_position = false, have_notional = false;
  bool have_min_notional = false;
  const toml::node* breaker_drop = nullptr;
  const toml::node* breaker_window = nullptr;
  for (const auto& [k, node] : t) {
    const std::string key = absl::StrCat(prefix, ".", to_absl(k.str()));
    if (k == "venue") continue;  // resolved by the caller
    if (k == "max_order_qty" || k == "max_position") {
      TR_ASSIGN_OR_RETURN(const decimal d, read_decimal(source, node, key));
      TR_ASSIGN_OR_RETURN(const lots l, to_lots(source, node, key, d, inst.lot));
      (k == "max_order_qty" ? out.max_order_qty_lots : out.max_position_lots) = l;
      (k == "max_order_qty" ? have_qty : have_position) = true;
    } else if (k == "max_order_notional" || k == "min_notional") {
      TR_ASSIGN_OR_RETURN(const decimal d, read_decimal(source, node, key));
      if (d.mantissa <= 0) return key_error(source, node, key, "must be positive");
      const std::int64_t units = decimal_ratio_floor(d, unit);
      if (k == "max_order_notional") {
        if (units <= 0) return key_error(source, node, key, "smaller than the notional of one lot at one tick");
        out.max_notional_units = units;
        have_notional = true;
      } else {
        // Round the minimum up: an order below it must never pass.
        out.min_notional_units = decimal_ratio_ceil(d, unit);
        have_min_notional = true;
      }
    } else if (k == "max_open_orders") {
      TR_ASSIGN_OR_RETURN(const std::int64_t n, read_int(source, node, key, 1, risk_limits::k_max_open_orders));
      out.max_open_orders = static_cast<std::uint32_t>(n);
    } else if (k == "collar_pct") {
      TR_ASSIGN_OR_RETURN(const decimal d, read_decimal(source, node, key));
      TR_ASSIGN_OR_RETURN(out.collar_ppm, to_ppm(source, node, key, d, 100, 100'000'000));
    } else if (k == "collar_ticks") {
      TR_ASSIGN_OR_RETURN(out.collar_ticks, read_int(source, node, key, 1, INT64_MAX / 4));
    } else if (k == "circuit_breaker_drop_pct") {
      TR_ASSIGN_OR_RETURN(const decimal d, read_decimal(source, node, key));
      TR_ASSIGN_OR_RETURN(out.breaker_drop_ppm, to_ppm(source, node, key, d, 100, 1'000'000));
      breaker_drop = &node;
    } else if (k == "circuit_breaker_window_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t ms, read_int(source, node, key, 1, k_max_window_ms));
      out.breaker_window_ns = ms * k_ns_per_ms;
      breaker_window = &node;
    } else {
      return key_error(source, node, key, "unknown key");
    }
  }
  if (!have_qty) return key_error(source, t, absl::StrCat(prefix, ".max_order_qty"), "missing");
  if (!have_position) return key_error(source, t, absl::StrCat(prefix, ".max_position"), "missing");
  if (!have_notional) return key_error(source, t, absl::StrCat(prefix, ".max_order_notional"), "missing");
  if (out.collar_ppm == 0 && out.collar_ticks == 0) {
    return key_error(source, t, absl::StrCat(prefix, ".collar_pct"), "missing (give collar_pct, collar_ticks or both)");
  }
  if ((breaker_drop == nullptr) != (breaker_window == nullptr)) {
    return key_error(source, t, absl::StrCat(prefix, ".circuit_breaker_window_ms"),
                     "circuit_breaker_drop_pct and circuit_breaker_window_ms go together");
  }
  if (out.max_order_qty_lots > out.max_position_lots) {
    return key_error(source, t, absl::StrCat(prefix, ".max_order_qty"), "larger than max_position");
  }
  if (!have_min_notional && inst.min_notional.mantissa > 0) {
    // The venue's own minimum (Binance MIN_NOTIONAL), rounded up.
    out.min_notional_units = decimal_ratio_ceil(inst.min_notional, unit);
  }
  return out;
}

absl::Status parse_venue_rate(std::string_view source, const toml::table& t, const std::string& prefix,
                              venue_rate_limit& out) {
  for (const auto& [k, node] : t) {
    const std::string key = absl::StrCat(prefix, ".", to_absl(k.str()));
    if (k == "orders_per_second") {
      TR_ASSIGN_OR_RETURN(out.orders_per_second, read_int(source, node, key, 1, 1'000'000));
    } else if (k == "order_burst") {
      TR_ASSIGN_OR_RETURN(out.burst, read_int(source, node, key, 1, 1'000'000));
    } else {
      return key_error(source, node, key, "unknown key");
    }
  }
  if ((out.orders_per_second == 0) != (out.burst == 0)) {
    return key_error(source, t, prefix, "orders_per_second and order_burst go together");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<risk_limits> parse_risk_limits_toml(std::string_view toml_text, std::string_view source_name,
                                                   const instrument_catalog& catalog) {
  TR_ASSIGN_OR_RETURN(const toml::table root, toml_support::parse_toml(toml_text, source_name));
  return parse_risk_limits(root, source_name, catalog);
}

absl::StatusOr<risk_limits> parse_risk_limits(const toml::table& root, std::string_view source_name,
                                              const instrument_catalog& catalog) {
  TR_ASSIGN_OR_RETURN(const toml::table* rt, toml_support::section(root, "risk", source_name));

  risk_limits out;
  out.instruments.resize(catalog.size());
  const toml::table* instruments = nullptr;
  for (const auto& [k, node] : *rt) {
    const std::string key = absl::StrCat("risk.", to_absl(k.str()));
    if (k == "max_open_orders") {
      TR_ASSIGN_OR_RETURN(const std::int64_t n, read_int(source_name, node, key, 1, risk_limits::k_max_open_orders));
      out.max_open_orders = static_cast<std::uint32_t>(n);
    } else if (k == "runaway_max_orders") {
      TR_ASSIGN_OR_RETURN(const std::int64_t n, read_int(source_name, node, key, 1, risk_limits::k_max_runaway_orders));
      out.runaway_max_orders = static_cast<std::uint32_t>(n);
    } else if (k == "runaway_window_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t ms, read_int(source_name, node, key, 1, k_max_window_ms));
      out.runaway_window_ns = ms * k_ns_per_ms;
    } else if (k == "max_divergence") {
      TR_ASSIGN_OR_RETURN(out.max_divergence, read_u32(source_name, node, key));
    } else if (k == "kill_loss") {
      TR_ASSIGN_OR_RETURN(const decimal d, read_decimal(source_name, node, key));
      TR_ASSIGN_OR_RETURN(out.kill_loss_ppm, to_ppm(source_name, node, key, d, 1, 999'999));
    } else if (k == "daily_loss_limit") {
      TR_ASSIGN_OR_RETURN(const decimal d, read_decimal(source_name, node, key));
      const std::int64_t e8 = decimal_ratio_floor(d, decimal{1, 8});
      if (d.mantissa <= 0 || e8 <= 0 || e8 == k_no_limit) return key_error(source_name, node, key, "must be positive");
      out.daily_loss_limit_e8 = e8;
    } else if (k == "daily_reset_hour_utc") {
      TR_ASSIGN_OR_RETURN(const std::int64_t h, read_int(source_name, node, key, 0, 23));
      out.daily_reset_hour_utc = static_cast<std::int32_t>(h);
    } else if (k == "funding_warn" || k == "funding_extreme") {
      TR_ASSIGN_OR_RETURN(const decimal d, read_decimal(source_name, node, key));
      const std::int64_t e9 = decimal_ratio_floor(d, decimal{1, 9});
      if (d.mantissa <= 0 || e9 <= 0 || e9 == k_no_limit) return key_error(source_name, node, key, "must be positive");
      (k == "funding_warn" ? out.funding_warn_e9 : out.funding_extreme_e9) = e9;
    } else if (k == "off_tick") {
      const auto* v = node.as_string();
      if (v == nullptr || (v->get() != "reject" && v->get() != "round")) {
        return key_error(source_name, node, key, "expected \"reject\" or \"round\"");
      }
      out.off_tick = v->get() == "round" ? off_tick_policy::round : off_tick_policy::reject;
    } else if (k == "venues") {
      const auto* vt = node.as_table();
      if (vt == nullptr) return key_error(source_name, node, key, "expected a table of venues");
      std::array<bool, k_venue_count> seen{};
      for (const auto& [vk, vnode] : *vt) {
        const std::string vkey = absl::StrCat(key, ".", to_absl(vk.str()));
        const auto v = parse_venue(vk.str());
        if (!v) return key_error(source_name, vnode, vkey, "unknown venue (deribit, binance_usdm)");
        if (seen[static_cast<std::size_t>(*v)]) return key_error(source_name, vnode, vkey, "venue given twice");
        seen[static_cast<std::size_t>(*v)] = true;
        const auto* t = vnode.as_table();
        if (t == nullptr) return key_error(source_name, vnode, vkey, "expected a table");
        TR_RETURN_IF_ERROR(parse_venue_rate(source_name, *t, vkey, out.rates[static_cast<std::size_t>(*v)]));
      }
    } else if (k == "instruments") {
      instruments = node.as_table();
      if (instruments == nullptr) return key_error(source_name, node, key, "expected a table of instruments");
    } else {
      return key_error(source_name, node, key, "unknown key");
    }
  }
  if (out.funding_warn_e9 > 0 && out.funding_extreme_e9 > 0 && out.funding_extreme_e9 < out.funding_warn_e9) {
    return key_error(source_name, *rt, "risk.funding_extreme", "smaller than funding_warn");
  }
  // Instruments last: their default max_open_orders is the global one.
  if (instruments != nullptr) {
    for (const auto& [ik, inode] : *instruments) {
      const std::string ikey = absl::StrCat("risk.instruments.\"", to_absl(ik.str()), "\"");
      const auto* t = inode.as_table();
      if (t == nullptr) return key_error(source_name, inode, ikey, "expected a table");
      venue where = venue::deribit;
      if (const toml::node* vn = t->get("venue")) {
        const auto* vs = vn->as_string();
        const auto v = vs != nullptr ? parse_venue(vs->get()) : std::nullopt;
        if (!v)
          return key_error(source_name, *vn, absl::StrCat(ikey, ".venue"), "unknown venue (deribit, binance_usdm)");
        where = *v;
      }
      const instrument* inst = catalog.find(where, ik.str());
      if (inst == nullptr) {
        return key_error(source_name, inode, ikey,
                         absl::StrCat("no such instrument on ", to_absl(to_string(where)), " in the catalog"));
      }
      TR_ASSIGN_OR_RETURN(out.instruments[inst->id],
                          parse_instrument(source_name, *t, ikey, *inst, out.max_open_orders));
    }
  }
  return out;
}

absl::StatusOr<risk_limits> load_risk_limits_file(const std::string& path, const instrument_catalog& catalog) {
  TR_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return parse_risk_limits_toml(text, path, catalog);
}

}  // namespace tickrail::core
