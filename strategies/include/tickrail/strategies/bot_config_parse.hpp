// tickrail/strategies/bot_config_parse.hpp — the `[[bots]]` parser over
// any component list, and what a component's config parser reads with.
// Cold path (start-up). Include it to define a component's `parse` or to
// parse with a list other than the production one (a test's);
// bot_config.hpp's parse_bots_toml is this for production_components.
//
// A component's parser gets its table and a config_reader that converts
// venue units to the bot instrument's ticks and lots and names file, line
// and key in every error:
//
//   absl::StatusOr<grid_params> grid_component::parse(const config_table& c) {
//     grid_params p;
//     for (const auto& [k, n] : c.table) { ... c.reader.price(n, k.str()) ... }
//   }
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tickrail/core/status.hpp"
#include "tickrail/core/toml_support.hpp"
#include "tickrail/strategies/bot_config.hpp"

namespace tickrail::strategies {

namespace config_detail {
namespace ts = core::toml_support;
using core::to_absl;
inline constexpr std::int64_t k_ns_per_ms = 1'000'000;
inline constexpr std::int64_t k_max_interval_ms = 7LL * 24 * 3600 * 1000;  // a week
inline constexpr std::int64_t k_max_pct_ppm = 100'000'000;                 // 10 000 %
}  // namespace config_detail

// Reads one component table's keys in the bot's instrument units. `prefix`
// is the dotted path errors name (bots.NAME.grid).
struct config_reader {
  std::string_view source;
  const core::instrument& inst;
  std::string prefix;

  [[nodiscard]] std::string key(std::string_view k) const { return absl::StrCat(prefix, ".", core::to_absl(k)); }

  absl::StatusOr<std::int64_t> integer(const toml::node& n, std::string_view k, std::int64_t min,
                                       std::int64_t max) const {
    return core::toml_support::read_int(source, n, key(k), min, max);
  }
  absl::StatusOr<std::int64_t> pct_ppm(const toml::node& n, std::string_view k,
                                       std::int64_t max_ppm = config_detail::k_max_pct_ppm) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, core::toml_support::read_decimal(source, n, key(k)));
    return core::toml_support::to_ppm(source, n, key(k), d, 100, max_ppm);
  }
  // A fraction (0.25 = 25 %) as permille, e.g. inventory_skew_factor.
  absl::StatusOr<std::int64_t> fraction_permille(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, core::toml_support::read_decimal(source, n, key(k)));
    const std::int64_t permille = core::decimal_ratio_floor(d, core::decimal{1, 3});
    if (d.mantissa < 0 || permille > 10'000)
      return core::toml_support::key_error(source, n, key(k), "must be within 0..10");
    return permille;
  }
  absl::StatusOr<core::lots> size(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, core::toml_support::read_decimal(source, n, key(k)));
    return core::toml_support::to_lots(source, n, key(k), d, inst.lot);
  }
  // A positive price or price distance, exactly on the instrument's tick.
  absl::StatusOr<core::ticks> price(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const core::decimal d, core::toml_support::read_decimal(source, n, key(k)));
    core::ticks out = 0;
    if (d.mantissa <= 0) return core::toml_support::key_error(source, n, key(k), "must be positive");
    const core::fp_error e = inst.tick.to_units(d, core::rounding::exact, out);
    if (e == core::fp_error::inexact) {
      return core::toml_support::key_error(source, n, key(k),
                                           absl::StrCat("not a multiple of the tick size of ", inst.symbol));
    }
    if (e != core::fp_error::ok || out <= 0) return core::toml_support::key_error(source, n, key(k), "out of range");
    return out;
  }
  absl::StatusOr<core::ticks> ticks_count(const toml::node& n, std::string_view k) const {
    return integer(n, k, 0, 1'000'000'000);
  }
  absl::StatusOr<std::int64_t> millis_ns(const toml::node& n, std::string_view k) const {
    TR_ASSIGN_OR_RETURN(const std::int64_t ms, integer(n, k, 1, config_detail::k_max_interval_ms));
    return ms * config_detail::k_ns_per_ms;
  }
  absl::StatusOr<bool> boolean(const toml::node& n, std::string_view k) const {
    const auto* b = n.as_boolean();
    if (b == nullptr) return core::toml_support::key_error(source, n, key(k), "expected true or false");
    return b->get();
  }
  absl::StatusOr<double> real(const toml::node& n, std::string_view k, double min, double max) const {
    double x = 0;
    if (const auto* i = n.as_integer()) {
      x = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      x = f->get();
    } else {
      return core::toml_support::key_error(source, n, key(k), "expected a number");
    }
    if (!(x >= min && x <= max))
      return core::toml_support::key_error(source, n, key(k), absl::StrCat("out of range (", min, "..", max, ")"));
    return x;
  }
  [[nodiscard]] absl::Status unknown(const toml::node& n, std::string_view k) const {
    return core::toml_support::key_error(source, n, key(k), "unknown key");
  }
  [[nodiscard]] absl::Status missing(const toml::node& n, std::string_view k) const {
    return core::toml_support::key_error(source, n, key(k), "required");
  }
};

// One component table and the reader for its keys.
class config_table {
 public:
  config_table(const config_reader& r, const toml::table& t) noexcept : reader(r), table(t) {}
  const config_reader& reader;
  const toml::table& table;
};

namespace config_detail {

absl::Status parse_option_multipliers(const config_reader& r, const toml::table& t, options_multipliers& out);
absl::StatusOr<classifier_config> parse_classifier(const config_reader& r, const toml::table& t);
bool valid_name(std::string_view name);

// A table: parses it into `slot` with `parse`.
template <typename T, typename Parse>
absl::Status table(const config_reader& r, const toml::node& n, std::optional<T>& slot, Parse&& parse) {
  const auto* t = n.as_table();
  if (t == nullptr) return ts::key_error(r.source, n, r.prefix, "expected a table");
  TR_ASSIGN_OR_RETURN(T value, parse(r, *t));
  slot = std::move(value);
  return absl::OkStatus();
}

// The component of List named `key`, if any: its table parsed into its
// slot of `tables` (status says how that went). False: no such component.
template <typename List>
bool parse_component_table(const config_reader& r, std::string_view key, const toml::node& n,
                           typename List::config_storage& tables, absl::Status& status) {
  bool matched = false;
  List::for_each([&]<typename C, std::size_t I>(std::type_identity<C>, std::integral_constant<std::size_t, I>) {
    if (matched || key != C::name) return;
    matched = true;
    status = table(r, n, std::get<I>(tables),
                   [](const config_reader& rr, const toml::table& tt) { return C::parse(config_table(rr, tt)); });
  });
  return matched;
}

// Why `start` may not name component c (empty: it may).
template <typename List>
std::string_view not_in_start(component_id c) noexcept {
  std::string_view why;
  List::for_each([&]<typename C, std::size_t I>(std::type_identity<C>, std::integral_constant<std::size_t, I>) {
    if (static_cast<std::size_t>(c) == I + 1) why = C::not_in_start;
  });
  return why;
}

template <typename List>
absl::StatusOr<basic_bot_config<List>> parse_bot(std::string_view source, const toml::table& t, std::size_t index,
                                                 const core::instrument_catalog& catalog) {
  const std::string at = absl::StrCat("bots[", index, "]");
  basic_bot_config<List> b;
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
  absl::Status status;
  for (const auto& [k, n] : t) {
    const config_reader r{source, *inst, absl::StrCat(prefix, ".", to_absl(k.str()))};
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
    } else if (parse_component_table<List>(r, k.str(), n, b.tables, status)) {
      TR_RETURN_IF_ERROR(status);
    } else if (k == "options_multipliers") {
      const auto* mt = n.as_table();
      if (mt == nullptr) return ts::key_error(source, n, r.prefix, "expected a table");
      TR_RETURN_IF_ERROR(parse_option_multipliers(r, *mt, b.option_multipliers));
    } else if (k == "regime_classifier") {
      TR_RETURN_IF_ERROR(table(r, n, b.classifier, parse_classifier));
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
      const std::optional<component_id> c = s != nullptr ? List::parse(s->get()) : std::nullopt;
      if (!c || *c == component_id::bot) {
        return ts::key_error(source, n, prefix + ".start", "unknown component");
      }
      if (const std::string_view why = not_in_start<List>(*c); !why.empty()) {
        return ts::key_error(source, n, prefix + ".start", why);
      }
      if (!b.configured(*c)) {
        return ts::key_error(source, n, prefix + ".start",
                             absl::StrCat("component ", to_absl(List::name(*c)), " has no [bots.", b.name, ".",
                                          to_absl(List::name(*c)), "] table"));
      }
      b.start.push_back(*c);
    }
  }
  return b;
}

}  // namespace config_detail

template <typename List>
absl::StatusOr<std::vector<basic_bot_config<List>>> parse_bots_table_for(const toml::table& root,
                                                                         std::string_view source_name,
                                                                         const core::instrument_catalog& catalog);

template <typename List>
absl::StatusOr<std::vector<basic_bot_config<List>>> parse_bots_toml_for(std::string_view toml_text,
                                                                        std::string_view source_name,
                                                                        const core::instrument_catalog& catalog) {
  TR_ASSIGN_OR_RETURN(const toml::table root, core::toml_support::parse_toml(toml_text, source_name));
  return parse_bots_table_for<List>(root, source_name, catalog);
}

template <typename List>
absl::StatusOr<std::vector<basic_bot_config<List>>> parse_bots_table_for(const toml::table& root,
                                                                         std::string_view source_name,
                                                                         const core::instrument_catalog& catalog) {
  namespace ts = core::toml_support;
  std::vector<basic_bot_config<List>> out;
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
    TR_ASSIGN_OR_RETURN(basic_bot_config<List> b,
                        config_detail::parse_bot<List>(source_name, *arr->get(i)->as_table(), i, catalog));
    for (const basic_bot_config<List>& other : out) {
      if (other.name == b.name) {
        return ts::key_error(source_name, *arr->get(i), absl::StrCat("bots.", b.name, ".name"), "duplicate bot name");
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace tickrail::strategies
