// tickrail/core/fixed_point.hpp — venue decimals ↔ integer ticks and lots.
//
// Inside the pipeline a price is an int64 count of its instrument's tick size
// and a quantity an int64 count of its lot size (events.hpp). Conversion
// happens only at the edges — feed parse, order encode, config — and is exact:
//
//   * `parse_decimal` reads JSON/config number text ("12345.5", "-0.25",
//     "2.11e-5", "1E+3") into mantissa × 10^-scale with no floating point.
//     Digits that do not fit an int64 mantissa are `overflow`, never a silent
//     truncation.
//   * `increment` is a tick or lot size. `to_units` divides a decimal by it
//     exactly and rounds as asked:
//       nearest      half away from zero (12.25 with tick 0.5 → 24.5 → 25)
//       down / up    toward −∞ / +∞ (bid prices round down, asks up, to stay
//                    on the passive side)
//       toward_zero  truncation (quantities: never exceed what was asked)
//       exact        `inexact` unless the value is a whole number of units
//   * a double (e.g. from a config or a computed price) converts through its
//     shortest round-trip decimal text (std::to_chars), so 0.1 + 0.2 is
//     0.30000000000000004 and rounds as that decimal would — no binary
//     surprises from dividing doubles.
//   * `format` writes units back as the shortest decimal text (no exponent,
//     no trailing zeros): what goes into an order request.
//
// All functions are noexcept and report failure with `fp_error`.
#pragma once

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/platform.hpp"

namespace tickrail::core {

#define TR_FP_ERRORS(X)                                                                                             \
  X(ok, "ok")                                                                                                       \
  X(empty, "empty")                         /* no text */                                                           \
  X(syntax, "syntax")                       /* not a decimal number */                                              \
  X(overflow, "overflow")                   /* more than 18 significant digits, or the result does not fit int64 */ \
  X(inexact, "inexact")                     /* rounding::exact and the value is not a whole number of units */      \
  X(invalid_increment, "invalid_increment") /* increment must be > 0 */                                             \
  X(not_finite, "not_finite")               /* NaN or infinity */                                                   \
  X(buffer_too_small, "buffer_too_small")
TR_DEFINE_NODISCARD_ENUM(fp_error, std::uint8_t, TR_FP_ERRORS)

enum class rounding : std::uint8_t { nearest, down, up, toward_zero, exact };

inline constexpr int k_max_decimal_scale = 18;

// An exact decimal: mantissa × 10^-scale, 0 <= scale <= 18.
struct decimal {
  std::int64_t mantissa = 0;
  std::int32_t scale = 0;
  friend constexpr bool operator==(const decimal&, const decimal&) = default;
};

namespace detail {
inline constexpr std::int64_t k_pow10[19] = {1,
                                             10,
                                             100,
                                             1000,
                                             10000,
                                             100000,
                                             1000000,
                                             10000000,
                                             100000000,
                                             1000000000,
                                             10000000000,
                                             100000000000,
                                             1000000000000,
                                             10000000000000,
                                             100000000000000,
                                             1000000000000000,
                                             10000000000000000,
                                             100000000000000000,
                                             1000000000000000000};
}  // namespace detail

namespace detail {
// The shape of nearly every venue number: -?digits(.digits)? with at most 18
// digits, which cannot overflow. Reads it as mantissa × 10^-scale WITHOUT
// normalising ("37317.0" → 373170 × 10^-1): exact, and all a conversion to
// units needs. Returns false (leaving the outputs alone) for anything else.
// The two digit loops accumulate unsigned, so a 19th digit wraps harmlessly
// before the count rejects it.
[[nodiscard]] constexpr bool parse_plain_digits(std::string_view text, std::int64_t& mantissa_out,
                                                std::int32_t& scale_out) noexcept {
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  p += negative ? 1 : 0;
  const char* const first = p;
  std::uint64_t m = 0;
  for (; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p) m = m * 10 + static_cast<unsigned char>(*p - '0');
  const auto int_digits = static_cast<std::int32_t>(p - first);
  std::int32_t scale = 0;
  if (p != end && *p == '.') {
    const char* const frac = ++p;
    for (; p != end && static_cast<unsigned char>(*p - '0') <= 9; ++p)
      m = m * 10 + static_cast<unsigned char>(*p - '0');
    scale = static_cast<std::int32_t>(p - frac);
  }
  const std::int32_t digits = int_digits + scale;
  if (p != end || digits == 0 || digits > 18) return false;
  mantissa_out = negative ? -static_cast<std::int64_t>(m) : static_cast<std::int64_t>(m);
  scale_out = scale;
  return true;
}

// ---- digits a word at a time, for padded parser buffers ------------------
// A feed parser's input buffer is padded (simdjson needs 64 bytes), so a
// number token in it may be loaded 8 bytes at a time past its end. Its
// characters are then checked for digits and combined in three multiplies,
// with no per-digit loop or branch. Little-endian hosts (x86) only.
static_assert(std::endian::native == std::endian::little);

// The 8 bytes at `p` with '0'..'9' mapped to 0..9 (anything else > 9), and a
// mask with the high bit set in each byte that is not a digit.
struct digit_word {
  std::uint64_t values;
  std::uint64_t not_digit;
};
[[nodiscard]] inline digit_word load_digit_word(const char* p) noexcept {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof(word));
  const std::uint64_t x = word ^ 0x3030303030303030ull;
  // No carries between bytes: each byte's high bit is cleared before the add.
  return {x, (((x & 0x7f7f7f7f7f7f7f7full) + 0x7676767676767676ull) | x) & 0x8080808080808080ull};
}

// The value of 8 digit values packed in the top bytes of `v` (first digit
// lowest), as a number with the first digit most significant.
[[nodiscard]] constexpr std::uint64_t combine_digits(std::uint64_t v) noexcept {
  v = (v * 10 + (v >> 8)) & 0x00ff00ff00ff00ffull;
  v = (v * 100 + (v >> 16)) & 0x0000ffff0000ffffull;
  return (v * 10000 + (v >> 32)) & 0x00000000ffffffffull;
}

// 1 to 8 digits at `p` (8 bytes readable) as a number; false if any of the
// n characters is not a digit.
[[nodiscard]] inline bool parse_word_uint8(const char* p, std::size_t n, std::uint64_t& out) noexcept {
  const digit_word w = load_digit_word(p);
  const auto unused = static_cast<unsigned>(8 * (8 - n));  // bits past the token
  if ((w.not_digit << unused) != 0) return false;
  out = combine_digits(w.values << unused);
  return true;
}

// parse_plain_digits for a token of 1 to 8 characters inside a padded
// buffer: digits with at most one '.' (digits on its left). False (outputs
// left alone) for anything else, including a sign: callers fall back.
[[nodiscard]] inline bool parse_word_digits(std::string_view text, std::int64_t& mantissa_out,
                                            std::int32_t& scale_out) noexcept {
  const std::size_t n = text.size();
  if (n == 0 || n > 8) return false;
  const digit_word w = load_digit_word(text.data());
  const auto unused = static_cast<unsigned>(8 * (8 - n));
  const std::uint64_t inside = w.not_digit << unused;  // the token's non-digits, moved to the top
  if (inside == 0) {
    mantissa_out = static_cast<std::int64_t>(combine_digits(w.values << unused));
    scale_out = 0;
    return true;
  }
  const auto dot = static_cast<unsigned>(std::countr_zero(w.not_digit)) >> 3;
  if ((inside & (inside - 1)) != 0 || dot == 0 || text[dot] != '.') return false;
  const std::uint64_t below = (std::uint64_t{1} << (8 * dot)) - 1;
  const std::uint64_t digits = (w.values & below) | ((w.values >> 8) & ~below);  // the dot taken out
  mantissa_out = static_cast<std::int64_t>(combine_digits(digits << (unused + 8)));
  scale_out = static_cast<std::int32_t>(n - 1 - dot);
  return true;
}

// An unsigned integer token of 1 to 16 digits inside a padded buffer, as two
// words. False otherwise.
[[nodiscard]] inline bool parse_word_uint(std::string_view text, std::uint64_t& out) noexcept {
  const std::size_t n = text.size();
  if (n == 0 || n > 16) return false;
  if (n <= 8) return parse_word_uint8(text.data(), n, out);
  std::uint64_t high = 0, low = 0;
  if (!parse_word_uint8(text.data(), n - 8, high) || !parse_word_uint8(text.data() + n - 8, 8, low)) return false;
  out = high * 100000000u + low;
  return true;
}

}  // namespace detail

// Drops trailing fractional zeros of mantissa × 10^-scale while the scale
// stays above `min_scale`: 12.500 → 12.5 (the one copy of this loop; any
// integer width, so 128-bit products normalise too).
template <typename Int>
constexpr void strip_trailing_zeros(Int& mantissa, std::int32_t& scale, std::int32_t min_scale = 0) noexcept {
  while (scale > min_scale && mantissa % 10 == 0) {
    mantissa /= 10;
    --scale;
  }
}

// `d` with no trailing fractional zeros (and scale 0 for zero): the form
// decimals compare and print in.
[[nodiscard]] constexpr decimal normalized(decimal d) noexcept {
  strip_trailing_zeros(d.mantissa, d.scale);
  if (d.mantissa == 0) d.scale = 0;
  return d;
}

namespace detail {

// parse_plain_digits, normalised (no trailing fractional zeros).
[[nodiscard]] constexpr bool parse_plain_decimal(std::string_view text, decimal& out) noexcept {
  std::int64_t mantissa = 0;
  std::int32_t scale = 0;
  if (!parse_plain_digits(text, mantissa, scale)) return false;
  strip_trailing_zeros(mantissa, scale);
  out.mantissa = mantissa;
  out.scale = mantissa == 0 ? 0 : scale;
  return true;
}
}  // namespace detail

// Parses [+-]digits[.digits][(e|E)[+-]digits]; a '.' needs a digit on at
// least one side. The result is normalised — no trailing zeros in the
// mantissa — so equal values have equal decimals ("1.50" → 15 × 10^-1,
// "1000" → 1000 × 10^0). `overflow` when the significant digits do not fit
// an int64 mantissa or the value needs more than 18 decimal places; zeros
// are counted only where they matter, so "1.000…0" of any length is fine.
[[nodiscard]] constexpr fp_error parse_decimal(std::string_view text, decimal& out) noexcept {
  if (text.empty()) return fp_error::empty;
  if (detail::parse_plain_decimal(text, out)) return fp_error::ok;
  std::size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') {
    negative = text[i] == '-';
    ++i;
  }
  std::int64_t mantissa = 0;       // significant digits up to the last non-zero one
  std::int64_t pending_zeros = 0;  // zeros after it, folded in only if a non-zero digit follows
  std::int64_t fraction_digits = 0;
  int digits = 0;
  bool seen_point = false;
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch >= '0' && ch <= '9') {
      ++digits;
      if (seen_point) ++fraction_digits;
      if (ch == '0') {
        if (mantissa != 0) ++pending_zeros;
        continue;
      }
      if (pending_zeros >= k_max_decimal_scale) return fp_error::overflow;
      // Overflow-checked multiply-add (no per-digit division on the hot path).
      if (__builtin_mul_overflow(mantissa, detail::k_pow10[pending_zeros + 1], &mantissa) ||
          __builtin_add_overflow(mantissa, static_cast<std::int64_t>(ch - '0'), &mantissa)) {
        return fp_error::overflow;
      }
      pending_zeros = 0;
    } else if (ch == '.' && !seen_point) {
      seen_point = true;
    } else {
      break;
    }
  }
  if (digits == 0) return fp_error::syntax;
  std::int64_t exponent = 0;
  if (i < text.size()) {
    if (text[i] != 'e' && text[i] != 'E') return fp_error::syntax;
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    if (i == text.size()) return fp_error::syntax;
    for (; i < text.size(); ++i) {
      const char ch = text[i];
      if (ch < '0' || ch > '9') return fp_error::syntax;
      if (exponent > 100000) return fp_error::overflow;
      exponent = exponent * 10 + (ch - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  if (mantissa == 0) {
    out = decimal{0, 0};
    return fp_error::ok;
  }
  // value = mantissa × 10^(pending_zeros + exponent - fraction_digits)
  const std::int64_t power = pending_zeros + exponent - fraction_digits;
  if (power > 0) {
    if (power > k_max_decimal_scale || __builtin_mul_overflow(mantissa, detail::k_pow10[power], &mantissa)) {
      return fp_error::overflow;
    }
  } else if (-power > k_max_decimal_scale) {
    return fp_error::overflow;
  }
  out.mantissa = negative ? -mantissa : mantissa;
  out.scale = power > 0 ? 0 : static_cast<std::int32_t>(-power);
  return fp_error::ok;
}

// A double as the decimal of its shortest round-trip text (std::to_chars):
// 0.1 is 1e-1, not 0.1000000000000000055… — the rule for venue doubles and
// config floats everywhere (see banner).
[[nodiscard]] inline fp_error decimal_from_double(double value, decimal& out) noexcept {
  if (!std::isfinite(value)) return fp_error::not_finite;
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  if (ec != std::errc()) return fp_error::overflow;
  return parse_decimal(std::string_view(buf, static_cast<std::size_t>(end - buf)), out);
}

// A tick size or lot size.
class increment {
 public:
  constexpr increment() noexcept = default;

  // `value` must be > 0.
  [[nodiscard]] static constexpr fp_error make(decimal value, increment& out) noexcept {
    if (value.mantissa <= 0) return fp_error::invalid_increment;
    out.value_ = value;
    out.reciprocal_ = UINT64_MAX / static_cast<std::uint64_t>(value.mantissa);
    for (std::size_t k = 0; k < out.exact_.size(); ++k) {
      std::int64_t divisor = 0;
      out.exact_[k] = __builtin_mul_overflow(value.mantissa, detail::k_pow10[k], &divisor)
                          ? exact_divisor{}
                          : exact_divisor::of(static_cast<std::uint64_t>(divisor));
    }
    return fp_error::ok;
  }
  [[nodiscard]] static constexpr fp_error parse(std::string_view text, increment& out) noexcept {
    decimal d;
    if (const fp_error e = parse_decimal(text, d); e != fp_error::ok) return e;
    return make(d, out);
  }

  [[nodiscard]] constexpr decimal value() const noexcept { return value_; }

  // value / increment, rounded as asked. 64-bit arithmetic when the scaled
  // operands fit (the venue-price case); 128-bit only when they might not.
  [[nodiscard]] constexpr fp_error to_units(decimal value, rounding mode, std::int64_t& units) const noexcept {
    if (value_.mantissa <= 0) return fp_error::invalid_increment;
    // The feed's case: a value on the grid, written with up to three digits
    // finer than the increment ("254870.0" against a lot of 10). One exact
    // division by multiplication; anything off the grid goes the long way.
    if (value.scale >= value_.scale && value.scale - value_.scale < static_cast<std::int32_t>(exact_.size())) {
      const bool negative = value.mantissa < 0;
      const std::uint64_t magnitude =
          negative ? 0 - static_cast<std::uint64_t>(value.mantissa) : static_cast<std::uint64_t>(value.mantissa);
      std::uint64_t q = 0;
      if (exact_[static_cast<std::size_t>(value.scale - value_.scale)].divide(magnitude, q)) {
        units = static_cast<std::int64_t>(negative ? 0 - q : q);
        return fp_error::ok;
      }
    }
    // Venue doubles end in ".0" ("1230.0" against a lot of 10): drop zeros
    // finer than the increment, so the division below takes the reciprocal
    // path instead of an idiv (a division by the constant 10 is a multiply).
    strip_trailing_zeros(value.mantissa, value.scale, value_.scale);
    std::int64_t numerator = value.mantissa;
    std::int64_t denominator = value_.mantissa;
    const bool narrow =
        value_.scale >= value.scale
            ? !__builtin_mul_overflow(numerator, detail::k_pow10[value_.scale - value.scale], &numerator)
            : !__builtin_mul_overflow(denominator, detail::k_pow10[value.scale - value_.scale], &denominator);
    if (narrow) {
      if (denominator == 1) {
        units = numerator;
        return fp_error::ok;
      }
      if (denominator == value_.mantissa) {
        // The common case (value no finer than the increment): divide by the
        // increment through its precomputed reciprocal — a multiply instead
        // of a 40-90 cycle idiv on the feed's hot path.
        const bool negative = numerator < 0;
        const std::uint64_t magnitude =
            negative ? 0 - static_cast<std::uint64_t>(numerator) : static_cast<std::uint64_t>(numerator);
        const auto d = static_cast<std::uint64_t>(denominator);
        auto q = static_cast<std::uint64_t>((static_cast<uint128_t>(magnitude) * reciprocal_) >> 64);
        std::uint64_t r = magnitude - q * d;
        while (r >= d) {  // the estimate is low by at most 2
          ++q;
          r -= d;
        }
        const auto sq = static_cast<std::int64_t>(q);
        const auto sr = static_cast<std::int64_t>(r);
        return divide(negative ? -sq : sq, negative ? -sr : sr, denominator, negative, mode, units);
      }
      return divide(numerator / denominator, numerator % denominator, denominator, numerator < 0, mode, units);
    }
    int128_t wide_numerator = value.mantissa;
    int128_t wide_denominator = value_.mantissa;
    if (value_.scale >= value.scale) {
      wide_numerator *= detail::k_pow10[value_.scale - value.scale];
    } else {
      wide_denominator *= detail::k_pow10[value.scale - value_.scale];
    }
    return divide(wide_numerator / wide_denominator, wide_numerator % wide_denominator, wide_denominator,
                  wide_numerator < 0, mode, units);
  }

  // Decimal text straight to units: plain numbers skip normalisation (the
  // division does not need it; ~30 fewer instructions per number on the
  // feed path); anything else goes through parse_decimal.
  [[nodiscard]] constexpr fp_error to_units(std::string_view text, rounding mode, std::int64_t& units) const noexcept {
    decimal d;
    if (!detail::parse_plain_digits(text, d.mantissa, d.scale)) {
      if (const fp_error e = parse_decimal(text, d); e != fp_error::ok) return e;
    }
    return to_units(d, mode, units);
  }

  // to_units(text) for text inside a padded parser buffer (at least 8 bytes
  // readable after its start, as in simdjson's input): a plain number of up
  // to 8 characters is read as one word (detail::parse_word_digits); the rest
  // goes through to_units(text). Same results.
  [[nodiscard]] fp_error to_units_padded(std::string_view text, rounding mode, std::int64_t& units) const noexcept {
    decimal d;
    if (detail::parse_word_digits(text, d.mantissa, d.scale)) return to_units(d, mode, units);
    return to_units(text, mode, units);
  }

  // Through the double's shortest round-trip decimal text (see banner).
  [[nodiscard]] fp_error to_units(double value, rounding mode, std::int64_t& units) const noexcept {
    decimal d;
    if (const fp_error e = decimal_from_double(value, d); e != fp_error::ok) return e;
    return to_units(d, mode, units);
  }

  // units × increment, exactly.
  [[nodiscard]] constexpr fp_error to_decimal(std::int64_t units, decimal& out) const noexcept {
    const int128_t m = static_cast<int128_t>(units) * value_.mantissa;
    if (m > INT64_MAX || m < INT64_MIN) return fp_error::overflow;
    out = normalized(decimal{static_cast<std::int64_t>(m), value_.scale});
    return fp_error::ok;
  }

  // For display and analytics only; the pipeline never computes in doubles.
  [[nodiscard]] double to_double(std::int64_t units) const noexcept {
    return static_cast<double>(units) * static_cast<double>(value_.mantissa) /
           static_cast<double>(detail::k_pow10[value_.scale]);
  }

  // Writes units × increment as shortest plain decimal text ("12345.5",
  // "-0.0025", "100"); sets `written`. Needs at most 22 bytes.
  [[nodiscard]] constexpr fp_error format(std::int64_t units, char* buf, std::size_t capacity,
                                          std::size_t& written) const noexcept {
    decimal d;
    if (const fp_error e = to_decimal(units, d); e != fp_error::ok) return e;
    return format_decimal(d, buf, capacity, written);
  }

  [[nodiscard]] static constexpr fp_error format_decimal(decimal d, char* buf, std::size_t capacity,
                                                         std::size_t& written) noexcept {
    char digits[20];
    int n = 0;
    const bool negative = d.mantissa < 0;
    // Work in unsigned so that INT64_MIN negates safely.
    std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(d.mantissa) : static_cast<std::uint64_t>(d.mantissa);
    do {
      digits[n++] = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    const int integer_digits = n > d.scale ? n - d.scale : 0;
    // Compose locally (at most 1 + 19 + 1 + 18 characters), then copy once:
    // the capacity check and the copy are then visibly about the same size.
    char text[48];
    std::size_t pos = 0;
    if (negative) text[pos++] = '-';
    if (integer_digits == 0) {
      text[pos++] = '0';
    } else {
      for (int k = n - 1; k >= d.scale; --k) text[pos++] = digits[k];
    }
    if (d.scale > 0) {
      text[pos++] = '.';
      for (int k = d.scale - 1; k >= 0; --k) text[pos++] = k < n ? digits[k] : '0';
    }
    if (pos > capacity) return fp_error::buffer_too_small;
    for (std::size_t i = 0; i < pos; ++i) buf[i] = text[i];
    written = pos;
    return fp_error::ok;
  }

 private:
  // Applies `mode` to quotient q and remainder r of a division by d > 0.
  template <typename Int>
  [[nodiscard]] static constexpr fp_error divide(Int q, Int r, Int d, bool negative, rounding mode,
                                                 std::int64_t& units) noexcept {
    if (r != 0) {
      switch (mode) {
        case rounding::exact: return fp_error::inexact;
        case rounding::toward_zero: break;
        case rounding::down:
          if (r < 0) --q;
          break;
        case rounding::up:
          if (r > 0) ++q;
          break;
        case rounding::nearest: {
          const Int magnitude = r < 0 ? -r : r;
          if (magnitude >= d - magnitude) q += negative ? -1 : 1;  // |r| >= d/2 without overflow
          break;
        }
      }
    }
    if (q > INT64_MAX || q < INT64_MIN) return fp_error::overflow;
    units = static_cast<std::int64_t>(q);
    return fp_error::ok;
  }

  decimal value_{};
  // Division that must come out exact, by multiplication: a divisor 2^t × o
  // (o odd) divides n iff n's low t bits are zero and (n >> t) × o⁻¹ mod 2^64
  // is at most (2^64 - 1) / o — which is then the quotient.
  struct exact_divisor {
    std::uint64_t inverse = 0;  // o⁻¹ mod 2^64
    std::uint64_t limit = 0;    // (2^64 - 1) / o
    std::uint8_t shift = 0;     // t
    bool valid = false;         // false: the divisor did not fit int64

    static constexpr exact_divisor of(std::uint64_t divisor) noexcept {
      exact_divisor e;
      e.shift = static_cast<std::uint8_t>(std::countr_zero(divisor));
      const std::uint64_t odd = divisor >> e.shift;
      std::uint64_t inverse = odd;  // correct to 3 bits; each Newton step doubles that
      for (int i = 0; i < 5; ++i) inverse *= 2 - odd * inverse;
      e.inverse = inverse;
      e.limit = UINT64_MAX / odd;
      e.valid = true;
      return e;
    }
    [[nodiscard]] constexpr bool divide(std::uint64_t n, std::uint64_t& q) const noexcept {
      if (!valid || (n & ((std::uint64_t{1} << shift) - 1)) != 0) return false;
      q = (n >> shift) * inverse;
      return q <= limit;
    }
  };

  std::uint64_t reciprocal_ = 0;          // floor((2^64 - 1) / mantissa), for division by the increment
  std::array<exact_divisor, 4> exact_{};  // mantissa × 10^k, k = 0..3
};

// The increment 10^-scale for scale 0..18: the unit of the project's scaled
// integers (fees and equity × 1e8, funding rates × 1e9). Built once, shared;
// a scale outside 0..18 is clamped.
[[nodiscard]] const increment& decimal_unit(int scale) noexcept;

// Cold path (config readers): floor / ceil of limit / unit in integer
// units, exact, saturating at ±INT64_MAX (risk's k_no_limit). `unit` must be
// positive; 0 when it is not.
[[nodiscard]] std::int64_t decimal_ratio_floor(decimal limit, decimal unit) noexcept;
[[nodiscard]] std::int64_t decimal_ratio_ceil(decimal limit, decimal unit) noexcept;

}  // namespace tickrail::core
