#include "tickrail/strategies/bot_config.hpp"

#include <limits>

#include "absl/strings/str_cat.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/core/toml_support.hpp"

namespace tickrail::strategies {
namespace {

namespace ts = core::toml_support;
using core::to_absl;

constexpr std::int64_t k_ns_per_ms = 1'000'000;
constexpr std::int64_t k_max_interval_ms = 7LL * 24 * 3600 * 1000;  // a week
constexpr std::int64_t k_max_pct_ppm = 100'000'000;                // 10 000 %

constexpr std::string_view k_component_names[k_component_count] = {
    "bot",         "grid",        "main_mm",     "fast_mm",      "slow_mm", "dip_buyer", "min_order",
    "take_profit", "threshold_tp", "ladder",     "sell_ladder",  "ma_crossover", "bracket", "options"};

// Reads one component table's keys in the bot's instrument units. `prefix`
// is the dotted path errors name (bots.NAME.grid).
struct reader {
  std::string_view source;
  const core::instrument& inst;
  std::string prefix;

  [[nodiscard]] std::string key(std::string_view k) const { return absl::StrCat(prefix, ".", to_absl(k)); }

  absl::StatusOr<std::int64_t> integer(const toml::node& n, std::string_view k, std::int64_t min,
                                       std::int64_t max) const {
    return ts::read_int(source, n, key(k), min, max);
  }
  absl::StatusOr<std::int64_t> pct_ppm(const toml::node& n, std::string_view k,
                                       std::int64_t max_ppm = k_max_pct_ppm) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, ts::read_decimal(source, n, key(k)));
    return ts::to_ppm(source, n, key(k), d, 100, max_ppm);
  }
  // A fraction (0.25 = 25 %) as permille, e.g. inventory_skew_factor.
  absl::StatusOr<std::int64_t> fraction_permille(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, ts::read_decimal(source, n, key(k)));
    const std::int64_t permille = core::decimal_ratio_floor(d, core::decimal{1, 3});
    if (d.mantissa < 0 || permille > 10'000) return ts::key_error(source, n, key(k), "must be within 0..10");
    return permille;
  }
  absl::StatusOr<core::lots> size(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, ts::read_decimal(source, n, key(k)));
    return ts::to_lots(source, n, key(k), d, inst.lot);
  }
  // A positive price or price distance, exactly on the instrument's tick.
  absl::StatusOr<core::ticks> price(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, ts::read_decimal(source, n, key(k)));
    core::ticks out = 0;
    if (d.mantissa <= 0) return ts::key_error(source, n, key(k), "must be positive");
    const core::fp_error e = inst.tick.to_units(d, core::rounding::exact, out);
    if (e == core::fp_error::inexact) {
      return ts::key_error(source, n, key(k), absl::StrCat("not a multiple of the tick size of ", inst.symbol));
    }
    if (e != core::fp_error::ok || out <= 0) return ts::key_error(source, n, key(k), "out of range");
    return out;
  }
  absl::StatusOr<core::ticks> ticks_count(const toml::node& n, std::string_view k) const {
    return integer(n, k, 0, 1'000'000'000);
  }
  absl::StatusOr<std::int64_t> millis_ns(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const std::int64_t ms, integer(n, k, 1, k_max_interval_ms));
    return ms * k_ns_per_ms;
  }
  absl::StatusOr<bool> boolean(const toml::node& n, std::string_view k) const {
    const auto* b = n.as_boolean();
    if (b == nullptr) return ts::key_error(source, n, key(k), "expected true or false");
    return b->get();
  }
  absl::StatusOr<double> real(const toml::node& n, std::string_view k, double min, double max) const {
    double x = 0;
    if (const auto* i = n.as_integer()) {
      x = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      x = f->get();
    } else {
      return ts::key_error(source, n, key(k), "expected a number");
    }
    if (!(x >= min && x <= max)) return ts::key_error(source, n, key(k), absl::StrCat("out of range (", min, "..", max, ")"));
    return x;
  }
  [[nodiscard]] absl::Status unknown(const toml::node& n, std::string_view k) const {
    return ts::key_error(source, n, key(k), "unknown key");
  }
  [[nodiscard]] absl::Status missing(const toml::node& n, std::string_view k) const {
    return ts::key_error(source, n, key(k), "required");
  }
};

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

absl::Status parse_option_multipliers(const reader& r, const toml::table& t, options_multipliers& out) {
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

absl::StatusOr<classifier_config> parse_classifier(const reader& r, const toml::table& t) {
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
template <typename T, typename Parse>
absl::Status component(const reader& r, const toml::node& n, std::optional<T>& slot, Parse&& parse) {
  const auto* t = n.as_table();
  if (t == nullptr) return ts::key_error(r.source, n, r.prefix, "expected a table");
  TR_ASSIGN_OR_RETURN(T value, parse(r, *t));
  slot = std::move(value);
  return absl::OkStatus();
}

absl::StatusOr<bot_config> parse_bot(std::string_view source, const toml::table& t, std::size_t index,
                                     const core::instrument_catalog& catalog) {
  const std::string at = absl::StrCat("bots[", index, "]");
  bot_config b;
  b.id = static_cast<std::uint16_t>(index + 1);

  const toml::node* name = t.get("name");
  if (name == nullptr || name->as_string() == nullptr || !valid_name(name->as_string()->get())) {
    return ts::key_error(source, name != nullptr ? *name : static_cast<const toml::node&>(t), absl::StrCat(at, ".name"),
                         "required: 1..31 characters of A-Z a-z 0-9 _ -");
  }
  b.name = name->as_string()->get();
  const std::string prefix = absl::StrCat("bots.", b.name);

  core::venue where = core::venue::deribit;
  if (const toml::node* v = t.get("venue")) {
    const auto* s = v->as_string();
    const std::optional<core::venue> parsed = s != nullptr ? core::parse_venue(s->get()) : std::nullopt;
    if (!parsed) return ts::key_error(source, *v, prefix + ".venue", "unknown venue (deribit, binance_usdm)");
    where = *parsed;
  }
  const toml::node* in = t.get("instrument");
  if (in == nullptr || in->as_string() == nullptr) {
    return ts::key_error(source, in != nullptr ? *in : static_cast<const toml::node&>(t), prefix + ".instrument",
                         "required: the instrument's venue name");
  }
  const core::instrument* inst = catalog.find(where, in->as_string()->get());
  if (inst == nullptr) {
    return ts::key_error(source, *in, prefix + ".instrument",
                         absl::StrCat("not in the ", to_absl(core::to_string(where)), " instrument catalog"));
  }
  b.instrument = inst->id;

  const toml::node* start = nullptr;
  for (const auto& [k, n] : t) {
    const reader r{source, *inst, absl::StrCat(prefix, ".", to_absl(k.str()))};
    if (k == "name" || k == "venue" || k == "instrument") continue;
    if (k == "regime") {
      const auto* s = n.as_string();
      const std::optional<core::regime> rg = s != nullptr ? core::parse_regime(s->get()) : std::nullopt;
      if (!rg) return ts::key_error(source, n, r.prefix, "unknown regime (CALM, TRANSITION, STRESS, BLACK, AFTERMATH)");
      b.initial_regime = *rg;
    } else if (k == "start") {
      start = &n;
    } else if (k == "cancel_timeout_ms") {
      TR_ASSIGN_OR_RETURN(const std::int64_t ms, ts::read_int(source, n, r.prefix, 1, k_max_interval_ms));
      b.cancel_timeout_ns = ms * k_ns_per_ms;
    } else if (k == "grid") {
      TR_RETURN_IF_ERROR(component(r, n, b.grid, parse_grid));
    } else if (k == "main_mm" || k == "fast_mm" || k == "slow_mm") {
      const std::string_view profile = k.str().substr(0, k.str().size() - 3);
      auto& slot = k == "main_mm" ? b.main_mm : k == "fast_mm" ? b.fast_mm : b.slow_mm;
      TR_RETURN_IF_ERROR(component(r, n, slot, [profile](const reader& rr, const toml::table& tt) {
        return parse_market_maker(rr, tt, profile);
      }));
    } else if (k == "dip_buyer") {
      TR_RETURN_IF_ERROR(component(r, n, b.dip_buyer, parse_dip_buyer));
    } else if (k == "min_order") {
      TR_RETURN_IF_ERROR(component(r, n, b.min_order, parse_min_order));
    } else if (k == "take_profit") {
      TR_RETURN_IF_ERROR(component(r, n, b.take_profit, parse_take_profit));
    } else if (k == "threshold_tp") {
      TR_RETURN_IF_ERROR(component(r, n, b.threshold_tp, parse_threshold_tp));
    } else if (k == "ladder") {
      TR_RETURN_IF_ERROR(component(r, n, b.ladder, parse_ladder));
    } else if (k == "sell_ladder") {
      TR_RETURN_IF_ERROR(component(r, n, b.sell_ladder, parse_sell_ladder));
    } else if (k == "ma_crossover") {
      TR_RETURN_IF_ERROR(component(r, n, b.ma_crossover, parse_ma_crossover));
    } else if (k == "bracket") {
      TR_RETURN_IF_ERROR(component(r, n, b.bracket, parse_bracket));
    } else if (k == "options") {
      TR_RETURN_IF_ERROR(component(r, n, b.options, parse_options));
    } else if (k == "options_multipliers") {
      const auto* mt = n.as_table();
      if (mt == nullptr) return ts::key_error(source, n, r.prefix, "expected a table");
      TR_RETURN_IF_ERROR(parse_option_multipliers(r, *mt, b.option_multipliers));
    } else if (k == "regime_classifier") {
      TR_RETURN_IF_ERROR(component(r, n, b.classifier, parse_classifier));
    } else {
      return ts::key_error(source, n, r.prefix, "unknown key");
    }
  }

  // `start` last: it may only name components configured above.
  if (start != nullptr) {
    const auto* arr = start->as_array();
    if (arr == nullptr) return ts::key_error(source, *start, prefix + ".start", "expected an array of component names");
    for (const toml::node& n : *arr) {
      const auto* s = n.as_string();
      const std::optional<component_id> c = s != nullptr ? parse_component(s->get()) : std::nullopt;
      if (!c || *c == component_id::bot) {
        return ts::key_error(source, n, prefix + ".start", "unknown component");
      }
      if (*c == component_id::options) {
        return ts::key_error(source, n, prefix + ".start",
                             "options run on their signals (hedge, options_long_call, options_long_put, options_trim)");
      }
      if (!b.configured(*c)) {
        return ts::key_error(source, n, prefix + ".start",
                             absl::StrCat("component ", to_absl(to_string(*c)), " has no [bots.", b.name, ".",
                                          to_absl(to_string(*c)), "] table"));
      }
      b.start.push_back(*c);
    }
  }
  return b;
}

}  // namespace

std::string_view to_string(component_id c) noexcept {
  const auto i = static_cast<std::size_t>(c);
  return i < k_component_count ? k_component_names[i] : "unknown";
}

std::optional<component_id> parse_component(std::string_view name) noexcept {
  for (std::size_t i = 0; i < k_component_count; ++i) {
    if (k_component_names[i] == name) return static_cast<component_id>(i);
  }
  return std::nullopt;
}

bool bot_config::configured(component_id c) const noexcept {
  switch (c) {
    case component_id::bot: return true;
    case component_id::grid: return grid.has_value();
    case component_id::main_mm: return main_mm.has_value();
    case component_id::fast_mm: return fast_mm.has_value();
    case component_id::slow_mm: return slow_mm.has_value();
    case component_id::dip_buyer: return dip_buyer.has_value();
    case component_id::min_order: return min_order.has_value();
    case component_id::take_profit: return take_profit.has_value();
    case component_id::threshold_tp: return threshold_tp.has_value();
    case component_id::ladder: return ladder.has_value();
    case component_id::sell_ladder: return sell_ladder.has_value();
    case component_id::ma_crossover: return ma_crossover.has_value();
    case component_id::bracket: return bracket.has_value();
    case component_id::options: return options.has_value();
  }
  return false;
}

absl::StatusOr<std::vector<bot_config>> parse_bots_toml(std::string_view toml_text, std::string_view source_name,
                                                        const core::instrument_catalog& catalog) {
  TR_ASSIGN_OR_RETURN(const toml::table root, ts::parse_toml(toml_text, source_name));
  std::vector<bot_config> out;
  const toml::node* bots = root.get("bots");
  if (bots == nullptr) return out;
  const auto* arr = bots->as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    return ts::key_error(source_name, *bots, "bots", "expected [[bots]] tables");
  }
  if (arr->size() > k_max_bots) {
    return ts::key_error(source_name, *bots, "bots", absl::StrCat("at most ", k_max_bots, " bots"));
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    TR_ASSIGN_OR_RETURN(bot_config b, parse_bot(source_name, *arr->get(i)->as_table(), i, catalog));
    for (const bot_config& other : out) {
      if (other.name == b.name) {
        return ts::key_error(source_name, *arr->get(i), absl::StrCat("bots.", b.name, ".name"), "duplicate bot name");
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

absl::StatusOr<std::vector<bot_config>> load_bots_file(const std::string& path,
                                                       const core::instrument_catalog& catalog) {
  TR_ASSIGN_OR_RETURN(const std::string text, core::read_file(path));
  return parse_bots_toml(text, path, catalog);
}

}  // namespace tickrail::strategies
