#include "tickrail/core/toml_support.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"

namespace tickrail::core::toml_support {

absl::StatusOr<toml::table> parse_toml(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& err) {
    return absl::InvalidArgumentError(absl::StrCat(to_absl(source), ":", err.source().begin.line, ":",
                                                   err.source().begin.column, ": ", to_absl(err.description())));
  }
}

absl::StatusOr<const toml::table*> section(const toml::table& root, std::string_view name, std::string_view source) {
  const toml::node* node = root.get(name);
  if (node == nullptr) return absl::NotFoundError(absl::StrCat(to_absl(source), ": no [", to_absl(name), "] section"));
  const toml::table* table = node->as_table();
  if (table == nullptr) return key_error(source, *node, name, "expected a table");
  return table;
}

std::string_view origin_of(const toml::node& node, std::string_view fallback) {
  const auto& path = node.source().path;
  return path != nullptr && !path->empty() ? std::string_view(*path) : fallback;
}

absl::Status key_error(std::string_view source, const toml::node& node, std::string_view key, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(to_absl(origin_of(node, source)), ":", node.source().begin.line,
                                                 ": key '", to_absl(key), "': ", to_absl(what)));
}

namespace {

// An array whose elements are all tables with a string `name`: merged by
// name ([[bots]], [[placement.workers]]).
bool named_tables(const toml::array& a) {
  if (a.empty() || !a.is_array_of_tables()) return false;
  for (const toml::node& n : a) {
    const toml::node* name = n.as_table()->get("name");
    if (name == nullptr || !name->is_string()) return false;
  }
  return true;
}

// Moves `value` into `into[key]`, keeping its source region (toml++ keeps a
// node's source on move, not on copy).
void move_into(toml::table& into, const toml::key& key, toml::node&& value) {
  std::move(value).visit([&](auto&& v) { into.insert_or_assign(key, std::move(v)); });
}

}  // namespace

void merge_toml(toml::table& base, toml::table&& overlay) {
  for (auto&& [key, value] : overlay) {
    toml::node* existing = base.get(key.str());
    if (existing != nullptr && existing->is_table() && value.is_table()) {
      merge_toml(*existing->as_table(), std::move(*value.as_table()));
      continue;
    }
    if (existing != nullptr && existing->is_array() && value.is_array() && named_tables(*existing->as_array()) &&
        named_tables(*value.as_array())) {
      toml::array& into = *existing->as_array();
      for (toml::node& item : *value.as_array()) {
        toml::table& t = *item.as_table();
        const std::string& name = t.get("name")->as_string()->get();
        toml::table* same = nullptr;
        for (toml::node& mine : into) {
          if (mine.as_table()->get("name")->as_string()->get() == name) same = mine.as_table();
        }
        if (same != nullptr) {
          merge_toml(*same, std::move(t));
        } else {
          into.push_back(std::move(t));
        }
      }
      continue;
    }
    move_into(base, key, std::move(value));
  }
}

absl::StatusOr<toml::table> load_toml_layers(std::span<const std::string> paths) {
  if (paths.empty()) return absl::InvalidArgumentError("no config file given");
  toml::table merged;
  for (const std::string& path : paths) {
    TR_ASSIGN_OR_RETURN(const std::string text, read_file(path));
    TR_ASSIGN_OR_RETURN(toml::table layer, parse_toml(text, path));
    merge_toml(merged, std::move(layer));
  }
  return merged;
}

absl::StatusOr<std::int64_t> read_int(std::string_view source, const toml::node& node, std::string_view key,
                                      std::int64_t min, std::int64_t max) {
  const auto* v = node.as_integer();
  if (v == nullptr) return key_error(source, node, key, "expected an integer");
  const std::int64_t x = v->get();
  if (x < min || x > max) {
    return key_error(source, node, key, absl::StrCat("out of range (", min, "..", max, ")"));
  }
  return x;
}

absl::StatusOr<std::uint32_t> read_u32(std::string_view source, const toml::node& node, std::string_view key) {
  TR_ASSIGN_OR_RETURN(const std::int64_t x, read_int(source, node, key, 0, std::numeric_limits<std::uint32_t>::max()));
  return static_cast<std::uint32_t>(x);
}

absl::StatusOr<decimal> read_decimal(std::string_view source, const toml::node& node, std::string_view key) {
  decimal d;
  if (const auto* i = node.as_integer()) return decimal{i->get(), 0};
  if (const auto* f = node.as_floating_point()) {
    const fp_error e = decimal_from_double(f->get(), d);
    if (e == fp_error::not_finite) return key_error(source, node, key, "expected a finite number");
    if (e != fp_error::ok) return key_error(source, node, key, "number out of range");
    return d;
  }
  if (const auto* s = node.as_string()) {
    if (const fp_error e = parse_decimal(s->get(), d); e != fp_error::ok) {
      return key_error(source, node, key, absl::StrCat("not a decimal number (", to_absl(to_string(e)), ")"));
    }
    return d;
  }
  return key_error(source, node, key, "expected a number");
}

absl::StatusOr<std::int64_t> to_ppm(std::string_view source, const toml::node& node, std::string_view key, decimal d,
                                    std::int64_t per_unit, std::int64_t max_ppm) {
  const std::int64_t ppm = decimal_ratio_floor(d, decimal{per_unit, 6});
  if (d.mantissa <= 0 || ppm <= 0 || ppm > max_ppm) {
    return key_error(source, node, key, "must be positive and within range");
  }
  return ppm;
}

absl::StatusOr<std::int64_t> to_lots(std::string_view source, const toml::node& node, std::string_view key, decimal d,
                                     const increment& lot) {
  std::int64_t out = 0;
  if (d.mantissa <= 0) return key_error(source, node, key, "must be positive");
  if (lot.to_units(d, rounding::down, out) != fp_error::ok) return key_error(source, node, key, "out of range");
  if (out <= 0) return key_error(source, node, key, "smaller than one lot of the instrument");
  return out;
}

}  // namespace tickrail::core::toml_support
