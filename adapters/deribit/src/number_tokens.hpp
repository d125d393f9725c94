// adapters/deribit/src/number_tokens.hpp — integer and timestamp tokens as
// Deribit writes them, shared by the feed parser and the exec-report parser
// (raw JSON text, converted exactly; never through a double).
#pragma once

#include <cstdint>
#include <string_view>

#include "tickrail/core/events.hpp"
#include "tickrail/core/feed_status.hpp"
#include "tickrail/core/fixed_point.hpp"

namespace tickrail::deribit::detail {

[[nodiscard]] inline bool is_null(std::string_view t) noexcept { return t == "null"; }

// Tokens point into simdjson's padded input buffer, so they may be read a
// word at a time past their end.
[[nodiscard]] inline core::feed_error read_int(std::string_view t, std::int64_t& out) noexcept {
  // Ids and timestamps are plain integers of up to 16 digits; the general
  // decimal parser (signs, exponents, ".0") is the fallback.
  if (std::uint64_t v = 0; core::detail::parse_word_uint(t, v)) {
    out = static_cast<std::int64_t>(v);
    return core::feed_error::ok;
  }
  core::decimal d;
  if (t.empty() || core::parse_decimal(t, d) != core::fp_error::ok || d.scale != 0) return core::feed_error::bad_number;
  out = d.mantissa;
  return core::feed_error::ok;
}

// An optional millisecond timestamp as nanoseconds (0 when absent or null).
[[nodiscard]] inline core::feed_error read_timestamp(std::string_view t, std::int64_t& ns) noexcept {
  ns = 0;
  if (t.empty() || is_null(t)) return core::feed_error::ok;
  std::int64_t ms = 0;
  if (read_int(t, ms) != core::feed_error::ok || !core::ms_to_ns(ms, ns)) return core::feed_error::bad_number;
  return core::feed_error::ok;
}

}  // namespace tickrail::deribit::detail
