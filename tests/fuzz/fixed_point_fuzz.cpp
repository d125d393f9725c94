// Fuzz target: decimal text → decimal → units (every rounding mode, several
// increments) → text, and the padded word-at-a-time path against the text
// path. Never crashes, and the arithmetic stays consistent: rounding
// brackets the exact quotient, and exact conversions round-trip.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "tickrail/core/fixed_point.hpp"

namespace tr = tickrail::core;

#define FUZZ_ASSERT(cond)      \
  do {                         \
    if (!(cond)) std::abort(); \
  } while (false)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  tr::decimal d;
  const tr::fp_error parsed = tr::parse_decimal(text, d);
  {
    // to_units(text) skips normalisation for plain numbers: it must agree
    // with parse_decimal + to_units, errors included.
    tr::increment half;
    FUZZ_ASSERT(tr::increment::parse("0.5", half) == tr::fp_error::ok);
    std::int64_t a = 0, b = 0;
    const tr::fp_error ea = parsed != tr::fp_error::ok ? parsed : half.to_units(d, tr::rounding::nearest, a);
    const tr::fp_error eb = half.to_units(text, tr::rounding::nearest, b);
    FUZZ_ASSERT(ea == eb && a == b);
  }
  if (size <= 32) {
    // to_units_padded reads short tokens as one word from a padded buffer:
    // digits in the padding must not leak in, and the results must agree
    // with to_units(text) for every increment and mode, errors included.
    char buffer[32 + 8];
    std::memcpy(buffer, data, size);
    std::memset(buffer + size, '9', 8);
    const std::string_view token(buffer, size);
    for (const char* inc_text : {"0.5", "10", "1", "0.0001", "7"}) {
      tr::increment inc;
      FUZZ_ASSERT(tr::increment::parse(inc_text, inc) == tr::fp_error::ok);
      for (auto mode : {tr::rounding::exact, tr::rounding::nearest, tr::rounding::down}) {
        std::int64_t a = 0, b = 0;
        FUZZ_ASSERT(inc.to_units(token, mode, a) == inc.to_units_padded(token, mode, b) && a == b);
      }
    }
    std::uint64_t word = 0;
    if (tr::detail::parse_word_uint(token, word)) {
      tr::decimal whole;
      FUZZ_ASSERT(tr::parse_decimal(token, whole) == tr::fp_error::ok && whole.scale == 0 &&
                  static_cast<std::uint64_t>(whole.mantissa) == word);
    }
  }
  if (parsed != tr::fp_error::ok) return 0;
  FUZZ_ASSERT(d.scale >= 0 && d.scale <= tr::k_max_decimal_scale);
  for (const char* inc_text : {"0.5", "0.0001", "2.5e-5", "1", "10", "0.000000000000000001"}) {
    tr::increment inc;
    FUZZ_ASSERT(tr::increment::parse(inc_text, inc) == tr::fp_error::ok);
    std::int64_t down = 0, up = 0, nearest = 0, toward = 0, exact = 0;
    const bool ok_down = inc.to_units(d, tr::rounding::down, down) == tr::fp_error::ok;
    const bool ok_up = inc.to_units(d, tr::rounding::up, up) == tr::fp_error::ok;
    const bool ok_nearest = inc.to_units(d, tr::rounding::nearest, nearest) == tr::fp_error::ok;
    const bool ok_toward = inc.to_units(d, tr::rounding::toward_zero, toward) == tr::fp_error::ok;
    if (ok_down && ok_up) {
      FUZZ_ASSERT(up - down == 0 || up - down == 1);
      if (ok_nearest) FUZZ_ASSERT(nearest == down || nearest == up);
      if (ok_toward) FUZZ_ASSERT(toward == down || toward == up);
    }
    if (inc.to_units(d, tr::rounding::exact, exact) == tr::fp_error::ok) {
      FUZZ_ASSERT(ok_down && exact == down);
      char buf[32];
      std::size_t n = 0;
      if (inc.format(exact, buf, sizeof(buf), n) == tr::fp_error::ok) {
        tr::decimal back;
        FUZZ_ASSERT(tr::parse_decimal(std::string_view(buf, n), back) == tr::fp_error::ok);
        FUZZ_ASSERT(back == d);
      }
    }
  }
  return 0;
}
