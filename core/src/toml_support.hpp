// core/src/toml_support.hpp — shared by the config readers in core
// (placement, risk limits); private to the core library.
//
// Debian's toml++ is built with exceptions: parse errors arrive as one and
// are caught in parse_toml, never crossing these cold-path boundaries. Every
// error names the source (usually the file path), the line and the key.
#pragma once

#include <cstdint>
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

absl::Status key_error(std::string_view source, const toml::node& node, std::string_view key, std::string_view what);

// An integer in [min, max].
absl::StatusOr<std::int64_t> read_int(std::string_view source, const toml::node& node, std::string_view key,
                                      std::int64_t min, std::int64_t max);
absl::StatusOr<std::uint32_t> read_u32(std::string_view source, const toml::node& node, std::string_view key);

// A TOML integer, float (through its shortest decimal text) or decimal
// string, as an exact decimal.
absl::StatusOr<decimal> read_decimal(std::string_view source, const toml::node& node, std::string_view key);

}  // namespace tickrail::core::toml_support
