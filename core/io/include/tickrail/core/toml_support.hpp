// tickrail/core/toml_support.hpp — shared by the config readers (placement
// and risk limits in core, bot configs in strategies). Cold path only.
//
// Debian's toml++ is built with exceptions: parse errors arrive as one and
// are caught in parse_toml, never crossing these cold-path boundaries. Every
// error names the source (usually the file path), the line and the key.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "absl/status/statusor.h"
#include "tickrail/core/fixed_point.hpp"

namespace tickrail::core::toml_support {

absl::StatusOr<toml::table> parse_toml(std::string_view text, std::string_view source);

// The table `[name]` of a parsed config: NotFound when absent, an error
// naming the line when it is not a table.
absl::StatusOr<const toml::table*> section(const toml::table& root, std::string_view name, std::string_view source);

// "FILE:LINE: key 'KEY': WHAT". FILE is the file `node` was parsed from
// (layered configs: the layer that set it), else `source`.
absl::Status key_error(std::string_view source, const toml::node& node, std::string_view key, std::string_view what);
// The file a node was parsed from, or `fallback` (a node built in code).
std::string_view origin_of(const toml::node& node, std::string_view fallback);

// Layered configs: `overlay` into `base`, key by key, later wins. Tables
// merge recursively; arrays of tables that all have a `name` ([[bots]],
// [[placement.workers]]) merge element by element on that name (new names
// are appended); any other value replaces the base's. Every node keeps the
// file and line it came from, so errors name the layer that set the key.
void merge_toml(toml::table& base, toml::table&& overlay);
// Reads and merges `paths` in order (the first is the base). Errors name the
// file, line and column.
absl::StatusOr<toml::table> load_toml_layers(std::span<const std::string> paths);

// An integer in [min, max].
absl::StatusOr<std::int64_t> read_int(std::string_view source, const toml::node& node, std::string_view key,
                                      std::int64_t min, std::int64_t max);
absl::StatusOr<std::uint32_t> read_u32(std::string_view source, const toml::node& node, std::string_view key);

// A TOML integer, float (through its shortest decimal text) or decimal
// string, as an exact decimal.
absl::StatusOr<decimal> read_decimal(std::string_view source, const toml::node& node, std::string_view key);

// A positive fraction (per_unit = 1) or percentage (per_unit = 100) as parts
// per million, rounded down; an error unless 0 < ppm <= max_ppm.
absl::StatusOr<std::int64_t> to_ppm(std::string_view source, const toml::node& node, std::string_view key, decimal d,
                                    std::int64_t per_unit, std::int64_t max_ppm);
// A positive quantity in venue units → whole lots of `lot` (an instrument's
// lot increment), rounded down; an error when smaller than one lot.
absl::StatusOr<std::int64_t> to_lots(std::string_view source, const toml::node& node, std::string_view key, decimal d,
                                     const increment& lot);

}  // namespace tickrail::core::toml_support
