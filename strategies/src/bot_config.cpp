#include "tickrail/strategies/bot_config.hpp"

#include <limits>

#include "absl/strings/str_cat.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/core/toml_support.hpp"
#include "tickrail/strategies/bot_config_parse.hpp"

namespace tickrail::strategies {
namespace {

namespace ts = core::toml_support;
using config_detail::k_max_interval_ms;
using config_detail::k_ns_per_ms;
using core::to_absl;
using reader = config_reader;

absl::StatusOr<grid_params> parse_grid(const reader& r, const toml::table& t) {
  grid_params p;
  for (const auto& [k, n] : t) {
    if (k == "levels") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 64));
      p.levels = static_cast<std::uint32_t>(v);
    } else if (k == "spacing") {
      TR_ASSIGN_OR_RETURN(p.spacing_ticks, r.price(n, k.str()));
    } else if (k == "size") {
      TR_ASSIGN_OR_RETURN(p.size_lots, r.size(n, k.str()));
    } else if (k == "anchor_price") {
      TR_ASSIGN_OR_RETURN(p.anchor_ticks, r.price(n, k.str()));
    } else if (k == "drift_threshold_pct") {
      TR_ASSIGN_OR_RETURN(p.drift_threshold_ppm, r.pct_ppm(n, k.str()));
    } else if (k == "post_only") {
      TR_ASSIGN_OR_RETURN(p.post_only, r.boolean(n, k.str()));
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (p.spacing_ticks == 0) return r.missing(t, "spacing");
  if (p.size_lots == 0) return r.missing(t, "size");
  return p;
}

absl::StatusOr<market_maker_params> parse_market_maker(const reader& r, const toml::table& t,
                                                       std::string_view profile) {
  std::optional<market_maker_params> base = market_maker_profile(profile);
  if (!base) return absl::InternalError(absl::StrCat("no market maker profile ", to_absl(profile)));
  market_maker_params p = *base;
  bool sized = false;
  for (const auto& [k, n] : t) {
    if (k == "half_spread_ticks") {
      TR_ASSIGN_OR_RETURN(p.half_spread_ticks, r.ticks_count(n, k.str()));
    } else if (k == "level_step_ticks") {
      TR_ASSIGN_OR_RETURN(p.level_step_ticks, r.ticks_count(n, k.str()));
    } else if (k == "orders_per_side") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 32));
      p.orders_per_side = static_cast<std::uint32_t>(v);
    } else if (k == "size") {
      TR_ASSIGN_OR_RETURN(p.size_lots, r.size(n, k.str()));
      sized = true;
    } else if (k == "refresh_interval_ms") {
      TR_ASSIGN_OR_RETURN(p.refresh_interval_ns, r.millis_ns(n, k.str()));
    } else if (k == "requote_tolerance_ticks") {
      TR_ASSIGN_OR_RETURN(p.requote_tolerance_ticks, r.ticks_count(n, k.str()));
    } else if (k == "inventory_skew_factor") {
      TR_ASSIGN_OR_RETURN(p.inventory_skew_permille, r.fraction_permille(n, k.str()));
    } else if (k == "post_only") {
      TR_ASSIGN_OR_RETURN(p.post_only, r.boolean(n, k.str()));
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (!sized) return r.missing(t, "size");
  return p;
}

absl::StatusOr<dip_buyer_params> parse_dip_buyer(const reader& r, const toml::table& t) {
  dip_buyer_params p;
  for (const auto& [k, n] : t) {
    if (k == "anchor_price") {
      TR_ASSIGN_OR_RETURN(p.anchor_ticks, r.price(n, k.str()));
    } else if (k == "levels") {
      const auto* arr = n.as_array();
      if (arr == nullptr || arr->empty()) {
        return ts::key_error(r.source, n, r.key("levels"), "expected an array of {below_pct, size}");
      }
      if (arr->size() > dip_buyer_params::k_max_levels) {
        return ts::key_error(r.source, n, r.key("levels"),
                             absl::StrCat("at most ", dip_buyer_params::k_max_levels, " levels"));
      }
      for (const toml::node& level : *arr) {
        const auto* lt = level.as_table();
        if (lt == nullptr) return ts::key_error(r.source, level, r.key("levels"), "expected {below_pct, size}");
        dip_level d;
        for (const auto& [lk, ln] : *lt) {
          if (lk == "below_pct") {
            TR_ASSIGN_OR_RETURN(d.below_ppm, r.pct_ppm(ln, "levels.below_pct", 999'999));
          } else if (lk == "size") {
            TR_ASSIGN_OR_RETURN(d.size_lots, r.size(ln, "levels.size"));
          } else {
            return r.unknown(ln, absl::StrCat("levels.", to_absl(lk.str())));
          }
        }
        if (d.below_ppm == 0 || d.size_lots == 0) return r.missing(level, "levels.below_pct/size");
        p.levels[p.level_count++] = d;
      }
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (p.level_count == 0) return r.missing(t, "levels");
  return p;
}

absl::StatusOr<min_order_params> parse_min_order(const reader& r, const toml::table& t) {
  min_order_params p;
  for (const auto& [k, n] : t) {
    if (k == "min_size") {
      TR_ASSIGN_OR_RETURN(p.min_size_lots, r.size(n, k.str()));
    } else if (k == "check_interval_ms") {
      TR_ASSIGN_OR_RETURN(p.check_interval_ns, r.millis_ns(n, k.str()));
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (p.min_size_lots == 0) return r.missing(t, "min_size");
  return p;
}

absl::StatusOr<take_profit_params> parse_take_profit(const reader& r, const toml::table& t) {
  take_profit_params p;
  for (const auto& [k, n] : t) {
    if (k == "trigger_pct") {
      TR_ASSIGN_OR_RETURN(p.trigger_ppm, r.pct_ppm(n, k.str()));
    } else if (k == "trail_offset_pct") {
      TR_ASSIGN_OR_RETURN(p.trail_offset_ppm, r.pct_ppm(n, k.str(), 999'999));
    } else if (k == "cooldown_ms") {
      TR_ASSIGN_OR_RETURN(p.cooldown_ns, r.millis_ns(n, k.str()));
    } else {
      return r.unknown(n, k.str());
    }
  }
  return p;
}

absl::StatusOr<threshold_tp_params> parse_threshold_tp(const reader& r, const toml::table& t) {
  threshold_tp_params p;
  for (const auto& [k, n] : t) {
    if (k == "threshold") {
      TR_ASSIGN_OR_RETURN(p.threshold_lots, r.size(n, k.str()));
    } else if (k == "sell_pct") {
      TR_ASSIGN_OR_RETURN(const std::int64_t ppm, r.pct_ppm(n, k.str(), 1'000'000));
      p.sell_permille = ppm / 1000;
      if (p.sell_permille == 0) return ts::key_error(r.source, n, r.key(k.str()), "below 0.1 %");
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (p.threshold_lots == 0) return r.missing(t, "threshold");
  return p;
}

absl::StatusOr<ladder_params> parse_ladder(const reader& r, const toml::table& t) {
  ladder_params p;
  for (const auto& [k, n] : t) {
    if (k == "rungs") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 32));
      p.rungs = static_cast<std::uint32_t>(v);
    } else if (k == "first_below_pct") {
      TR_ASSIGN_OR_RETURN(p.first_below_ppm, r.pct_ppm(n, k.str(), 999'999));
    } else if (k == "step_pct") {
      TR_ASSIGN_OR_RETURN(p.step_ppm, r.pct_ppm(n, k.str(), 999'999));
    } else if (k == "size") {
      TR_ASSIGN_OR_RETURN(p.size_lots, r.size(n, k.str()));
    } else if (k == "size_growth") {
      TR_ASSIGN_OR_RETURN(p.size_growth_permille, r.fraction_permille(n, k.str()));
      if (p.size_growth_permille == 0) return ts::key_error(r.source, n, r.key(k.str()), "must be positive");
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (p.size_lots == 0) return r.missing(t, "size");
  return p;
}

absl::StatusOr<sell_ladder_params> parse_sell_ladder(const reader& r, const toml::table& t) {
  sell_ladder_params p;
  for (const auto& [k, n] : t) {
    if (k == "rungs") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 32));
      p.rungs = static_cast<std::uint32_t>(v);
    } else if (k == "first_above_pct") {
      TR_ASSIGN_OR_RETURN(p.first_above_ppm, r.pct_ppm(n, k.str()));
    } else if (k == "step_pct") {
      TR_ASSIGN_OR_RETURN(p.step_ppm, r.pct_ppm(n, k.str()));
    } else if (k == "ratchet_pct") {
      TR_ASSIGN_OR_RETURN(p.ratchet_ppm, r.pct_ppm(n, k.str()));
    } else {
      return r.unknown(n, k.str());
    }
  }
  return p;
}

absl::StatusOr<ma_crossover_params> parse_ma_crossover(const reader& r, const toml::table& t) {
  ma_crossover_params p;
  for (const auto& [k, n] : t) {
    if (k == "fast" || k == "slow") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 10'000));
      (k == "fast" ? p.fast : p.slow) = static_cast<std::uint32_t>(v);
    } else if (k == "sample_interval_ms") {
      TR_ASSIGN_OR_RETURN(p.sample_interval_ns, r.millis_ns(n, k.str()));
    } else if (k == "size") {
      TR_ASSIGN_OR_RETURN(p.size_lots, r.size(n, k.str()));
    } else if (k == "trail_pct") {
      TR_ASSIGN_OR_RETURN(p.trail_ppm, r.pct_ppm(n, k.str(), 999'999));
    } else if (k == "allow_shorts") {
      TR_ASSIGN_OR_RETURN(p.allow_shorts, r.boolean(n, k.str()));
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (p.size_lots == 0) return r.missing(t, "size");
  if (p.fast >= p.slow) return ts::key_error(r.source, t, r.key("fast"), "must be smaller than slow");
  return p;
}

absl::StatusOr<bracket_params> parse_bracket(const reader& r, const toml::table& t) {
  bracket_params p;
  for (const auto& [k, n] : t) {
    if (k == "side") {
      const auto* s = n.as_string();
      if (s == nullptr || (s->get() != "buy" && s->get() != "sell")) {
        return ts::key_error(r.source, n, r.key(k.str()), "expected \"buy\" or \"sell\"");
      }
      p.entry_side = s->get() == "buy" ? core::side::buy : core::side::sell;
    } else if (k == "entry_price") {
      TR_ASSIGN_OR_RETURN(p.entry_price_ticks, r.price(n, k.str()));
    } else if (k == "size") {
      TR_ASSIGN_OR_RETURN(p.size_lots, r.size(n, k.str()));
    } else if (k == "stop_pct") {
      TR_ASSIGN_OR_RETURN(p.stop_ppm, r.pct_ppm(n, k.str(), 999'999));
    } else if (k == "take_pct") {
      TR_ASSIGN_OR_RETURN(p.take_ppm, r.pct_ppm(n, k.str()));
    } else if (k == "sl_retries") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 10));
      p.sl_retries = static_cast<std::uint32_t>(v);
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (p.size_lots == 0) return r.missing(t, "size");
  return p;
}

absl::StatusOr<options_config> parse_options(const reader& r, const toml::table& t) {
  options_config p;
  p.currency = r.inst.base_currency;
  for (const auto& [k, n] : t) {
    if (k == "currency") {
      const auto* s = n.as_string();
      if (s == nullptr || s->get().empty()) return ts::key_error(r.source, n, r.key(k.str()), "expected a currency");
      p.currency = s->get();
    } else if (k == "min_days") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 0, 365));
      p.params.min_days = static_cast<std::int32_t>(v);
    } else if (k == "otm_pct") {
      const auto* arr = n.as_array();
      if (arr == nullptr || arr->size() != 3) {
        return ts::key_error(r.source, n, r.key(k.str()), "expected three percentages [ATM, slightly OTM, OTM]");
      }
      for (std::size_t i = 0; i < 3; ++i) {
        TR_ASSIGN_OR_RETURN(const core::decimal d, ts::read_decimal(r.source, *arr->get(i), r.key(k.str())));
        if (d.mantissa == 0) {
          p.params.otm_ppm[i] = 0;
          continue;
        }
        TR_ASSIGN_OR_RETURN(p.params.otm_ppm[i], ts::to_ppm(r.source, *arr->get(i), r.key(k.str()), d, 100, 999'999));
      }
    } else if (k == "allocation_pct") {
      TR_ASSIGN_OR_RETURN(p.params.allocation_ppm, r.pct_ppm(n, k.str(), 1'000'000));
    } else if (k == "strength") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 3));
      p.strength = static_cast<int>(v);
    } else if (k == "trim_contracts") {
      TR_ASSIGN_OR_RETURN(p.trim_contracts, ts::read_decimal(r.source, n, r.key(k.str())));
      if (p.trim_contracts.mantissa <= 0) return ts::key_error(r.source, n, r.key(k.str()), "must be positive");
    } else if (k == "trim_pct") {
      TR_ASSIGN_OR_RETURN(p.trim_pct_ppm, r.pct_ppm(n, k.str(), 1'000'000));
    } else {
      return r.unknown(n, k.str());
    }
  }
  return p;
}

}  // namespace

// Each production component's table: the parsers above, by descriptor.
absl::StatusOr<grid_params> grid_component::parse(const config_table& c) { return parse_grid(c.reader, c.table); }
absl::StatusOr<market_maker_params> main_mm_component::parse(const config_table& c) {
  return parse_market_maker(c.reader, c.table, "main");
}
absl::StatusOr<market_maker_params> fast_mm_component::parse(const config_table& c) {
  return parse_market_maker(c.reader, c.table, "fast");
}
absl::StatusOr<market_maker_params> slow_mm_component::parse(const config_table& c) {
  return parse_market_maker(c.reader, c.table, "slow");
}
absl::StatusOr<dip_buyer_params> dip_buyer_component::parse(const config_table& c) {
  return parse_dip_buyer(c.reader, c.table);
}
absl::StatusOr<min_order_params> min_order_component::parse(const config_table& c) {
  return parse_min_order(c.reader, c.table);
}
absl::StatusOr<take_profit_params> take_profit_component::parse(const config_table& c) {
  return parse_take_profit(c.reader, c.table);
}
absl::StatusOr<threshold_tp_params> threshold_tp_component::parse(const config_table& c) {
  return parse_threshold_tp(c.reader, c.table);
}
absl::StatusOr<ladder_params> ladder_component::parse(const config_table& c) { return parse_ladder(c.reader, c.table); }
absl::StatusOr<sell_ladder_params> sell_ladder_component::parse(const config_table& c) {
  return parse_sell_ladder(c.reader, c.table);
}
absl::StatusOr<ma_crossover_params> ma_crossover_component::parse(const config_table& c) {
  return parse_ma_crossover(c.reader, c.table);
}
absl::StatusOr<bracket_params> bracket_component::parse(const config_table& c) {
  return parse_bracket(c.reader, c.table);
}
absl::StatusOr<options_config> options_component::parse(const config_table& c) {
  return parse_options(c.reader, c.table);
}

namespace config_detail {
absl::Status parse_option_multipliers(const config_reader& r, const toml::table& t, options_multipliers& out) {
  for (const auto& [k, n] : t) {
    std::int32_t* target = nullptr;
    if (k == "put_buy") target = &out.put.buy_permille;
    if (k == "put_sell") target = &out.put.sell_permille;
    if (k == "call_buy") target = &out.call.buy_permille;
    if (k == "call_sell") target = &out.call.sell_permille;
    if (k == "none_buy") target = &out.none.buy_permille;
    if (k == "none_sell") target = &out.none.sell_permille;
    if (target == nullptr) return r.unknown(n, k.str());
    TR_ASSIGN_OR_RETURN(const std::int64_t permille, r.fraction_permille(n, k.str()));
    *target = static_cast<std::int32_t>(permille);
  }
  return absl::OkStatus();
}

absl::StatusOr<classifier_config> parse_classifier(const config_reader& r, const toml::table& t) {
  classifier_config c;
  classifier_params& p = c.params;
  for (const auto& [k, n] : t) {
    if (k == "candle_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t ms, r.integer(n, k.str(), 1000, k_max_interval_ms));
      c.candle_ns = ms * k_ns_per_ms;
    } else if (k == "transition_vol") {
      TR_ASSIGN_OR_RETURN(p.transition_vol, r.real(n, k.str(), 0, 100));
    } else if (k == "stress_vol") {
      TR_ASSIGN_OR_RETURN(p.stress_vol, r.real(n, k.str(), 0, 100));
    } else if (k == "black_vol") {
      TR_ASSIGN_OR_RETURN(p.black_vol, r.real(n, k.str(), 0, 100));
    } else if (k == "black_drawdown") {
      TR_ASSIGN_OR_RETURN(p.black_drawdown, r.real(n, k.str(), 0, 1));
    } else if (k == "extreme_funding_rate") {
      TR_ASSIGN_OR_RETURN(p.extreme_funding_rate, r.real(n, k.str(), 0, 1));
    } else if (k == "deescalate_after_polls") {
      TR_ASSIGN_OR_RETURN(const std::int64_t v, r.integer(n, k.str(), 1, 10'000));
      p.deescalate_after_polls = static_cast<std::uint32_t>(v);
    } else if (k == "override_priority") {
      TR_ASSIGN_OR_RETURN(p.override_priority, r.boolean(n, k.str()));
    } else {
      return r.unknown(n, k.str());
    }
  }
  if (!(p.transition_vol <= p.stress_vol && p.stress_vol <= p.black_vol)) {
    return ts::key_error(r.source, t, r.key("stress_vol"), "need transition_vol <= stress_vol <= black_vol");
  }
  return c;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 31) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// A component table: parses it into `slot` with `parse`.
}  // namespace config_detail

std::string_view to_string(component_id c) noexcept { return production_components::name(c); }

std::optional<component_id> parse_component(std::string_view name) noexcept {
  return production_components::parse(name);
}

absl::StatusOr<std::vector<bot_config>> parse_bots_toml(std::string_view toml_text, std::string_view source_name,
                                                        const core::instrument_catalog& catalog) {
  return parse_bots_toml_for<production_components>(toml_text, source_name, catalog);
}

absl::StatusOr<std::vector<bot_config>> parse_bots(const toml::table& root, std::string_view source_name,
                                                   const core::instrument_catalog& catalog) {
  return parse_bots_table_for<production_components>(root, source_name, catalog);
}

absl::StatusOr<std::vector<bot_config>> load_bots_file(const std::string& path,
                                                       const core::instrument_catalog& catalog) {
  TR_ASSIGN_OR_RETURN(const std::string text, core::read_file(path));
  return parse_bots_toml(text, path, catalog);
}

}  // namespace tickrail::strategies
