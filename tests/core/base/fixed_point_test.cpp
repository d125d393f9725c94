#include "tickrail/core/fixed_point.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

namespace tickrail::core {
namespace {

decimal dec(std::string_view s) {
  decimal d;
  EXPECT_EQ(parse_decimal(s, d), fp_error::ok) << s;
  return d;
}

increment inc(std::string_view s) {
  increment i;
  EXPECT_EQ(increment::parse(s, i), fp_error::ok) << s;
  return i;
}

std::int64_t units(const increment& i, std::string_view s, rounding mode) {
  std::int64_t u = 0;
  EXPECT_EQ(i.to_units(s, mode, u), fp_error::ok) << s;
  return u;
}

std::string text(const increment& i, std::int64_t u) {
  char buf[32];
  std::size_t n = 0;
  EXPECT_EQ(i.format(u, buf, sizeof(buf), n), fp_error::ok);
  return std::string(buf, n);
}

TEST(fixed_point, parses_venue_number_forms) {
  EXPECT_EQ(dec("12345.5"), (decimal{123455, 1}));
  EXPECT_EQ(dec("-0.0025"), (decimal{-25, 4}));
  EXPECT_EQ(dec("2.11e-5"), (decimal{211, 7}));  // seen in real Deribit traffic
  EXPECT_EQ(dec("1E+3"), (decimal{1000, 0}));
  EXPECT_EQ(dec("1.50"), (decimal{15, 1}));
  EXPECT_EQ(dec("+7"), (decimal{7, 0}));
  EXPECT_EQ(dec("0.000"), (decimal{0, 0}));
  EXPECT_EQ(dec("00012"), (decimal{12, 0}));
  EXPECT_EQ(dec("0.30000000000000004"), (decimal{30000000000000004, 17}));
  // Zeros count only where they carry value (found by the fuzz target: "1e18"
  // parsed but its own formatted text did not).
  EXPECT_EQ(dec("1000000000000000000"), (decimal{1'000'000'000'000'000'000, 0}));
  EXPECT_EQ(dec("1e18"), dec("1000000000000000000"));
  EXPECT_EQ(dec("1.0000000000000000000000000"), (decimal{1, 0}));
  EXPECT_EQ(dec("9223372036854775807"), (decimal{INT64_MAX, 0}));
  EXPECT_EQ(dec("-0.000000000000000001"), (decimal{-1, 18}));
  EXPECT_EQ(dec("1.05e2"), (decimal{105, 0}));
  EXPECT_EQ(dec("120e-1"), (decimal{12, 0}));
}

TEST(fixed_point, rejects_what_is_not_a_number) {
  decimal d;
  EXPECT_EQ(parse_decimal("", d), fp_error::empty);
  for (const char* bad : {"-", ".", "abc", "1.2.3", "12x", "1e", "1e+", "--1", "market_price", "null", "1e5x"}) {
    EXPECT_EQ(parse_decimal(bad, d), fp_error::syntax) << bad;
  }
  EXPECT_EQ(parse_decimal("12345678901234567890", d), fp_error::overflow);  // does not fit int64
  EXPECT_EQ(parse_decimal("9223372036854775808", d), fp_error::overflow);   // INT64_MAX + 1
  EXPECT_EQ(parse_decimal("1e19", d), fp_error::overflow);
  EXPECT_EQ(parse_decimal("1e99999999", d), fp_error::overflow);
  EXPECT_EQ(parse_decimal("1e-19", d), fp_error::overflow);
}

TEST(fixed_point, converts_to_ticks_exactly) {
  const increment half = inc("0.5");  // BTC-PERPETUAL tick
  EXPECT_EQ(units(half, "62001.5", rounding::exact), 124003);
  const increment eth_option = inc("0.0005");
  EXPECT_EQ(units(eth_option, "0.0465", rounding::exact), 93);
  const increment tiny = inc("2.5e-5");
  EXPECT_EQ(units(tiny, "0.001", rounding::exact), 40);
  const increment ten = inc("10");
  EXPECT_EQ(units(ten, "1e3", rounding::exact), 100);
  std::int64_t u = 0;
  EXPECT_EQ(half.to_units(dec("62001.25"), rounding::exact, u), fp_error::inexact);
}

TEST(fixed_point, rounding_modes_are_as_documented) {
  const increment half = inc("0.5");
  // 12.25 / 0.5 = 24.5 ticks
  EXPECT_EQ(units(half, "12.25", rounding::nearest), 25);
  EXPECT_EQ(units(half, "12.25", rounding::down), 24);
  EXPECT_EQ(units(half, "12.25", rounding::up), 25);
  EXPECT_EQ(units(half, "12.25", rounding::toward_zero), 24);
  EXPECT_EQ(units(half, "-12.25", rounding::nearest), -25);  // half away from zero
  EXPECT_EQ(units(half, "-12.25", rounding::down), -25);
  EXPECT_EQ(units(half, "-12.25", rounding::up), -24);
  EXPECT_EQ(units(half, "-12.25", rounding::toward_zero), -24);
  EXPECT_EQ(units(half, "12.2", rounding::nearest), 24);
  EXPECT_EQ(units(half, "12.3", rounding::nearest), 25);
}

TEST(fixed_point, doubles_convert_through_their_shortest_decimal) {
  const increment cent = inc("0.01");
  std::int64_t u = 0;
  ASSERT_EQ(cent.to_units(0.1 + 0.2, rounding::nearest, u), fp_error::ok);
  EXPECT_EQ(u, 30);
  ASSERT_EQ(cent.to_units(0.1 + 0.2, rounding::up, u), fp_error::ok);
  EXPECT_EQ(u, 31) << "0.30000000000000004 is above 0.30";
  ASSERT_EQ(cent.to_units(1.005, rounding::nearest, u), fp_error::ok);
  EXPECT_EQ(u, 101) << "1.005 prints as 1.005, a tie, away from zero";
  EXPECT_EQ(cent.to_units(std::nan(""), rounding::nearest, u), fp_error::not_finite);
  EXPECT_EQ(cent.to_units(1e300, rounding::nearest, u), fp_error::overflow);
}

TEST(fixed_point, overflow_and_bad_increments_are_errors) {
  increment i;
  EXPECT_EQ(increment::parse("0", i), fp_error::invalid_increment);
  EXPECT_EQ(increment::parse("-0.5", i), fp_error::invalid_increment);
  const increment tiny = inc("0.000000000000000001");
  std::int64_t u = 0;
  EXPECT_EQ(tiny.to_units(dec("100"), rounding::exact, u), fp_error::overflow);
  const increment big = inc("1000000");
  decimal d;
  EXPECT_EQ(big.to_decimal(INT64_MAX / 10, d), fp_error::overflow);
}

TEST(fixed_point, formats_shortest_decimal_text) {
  EXPECT_EQ(text(inc("0.5"), 124003), "62001.5");
  EXPECT_EQ(text(inc("0.5"), 124002), "62001");
  EXPECT_EQ(text(inc("0.0005"), 93), "0.0465");
  EXPECT_EQ(text(inc("0.0005"), -5), "-0.0025");
  EXPECT_EQ(text(inc("10"), 7), "70");
  EXPECT_EQ(text(inc("1"), 0), "0");
  EXPECT_EQ(text(inc("1"), INT64_MIN), "-9223372036854775808");
  char small[3];
  std::size_t n = 0;
  EXPECT_EQ(inc("0.5").format(124003, small, sizeof(small), n), fp_error::buffer_too_small);
}

TEST(fixed_point, format_then_parse_round_trips) {
  std::mt19937_64 rng(11);
  const char* increments[] = {"0.5", "0.0001", "2.5e-5", "1", "25", "0.1"};
  for (const char* s : increments) {
    const increment i = inc(s);
    std::uniform_int_distribution<std::int64_t> dist(-10'000'000'000, 10'000'000'000);
    for (int k = 0; k < 10'000; ++k) {
      const std::int64_t u = dist(rng);
      ASSERT_EQ(units(i, text(i, u), rounding::exact), u) << s << " " << u;
    }
  }
}

}  // namespace
}  // namespace tickrail::core

namespace tickrail::core {
namespace {

// to_units(text) reads plain numbers without normalising; it must agree with
// parse_decimal + to_units on every shape, including the fallbacks.
TEST(fixed_point_text, unnormalised_plain_path_agrees_with_parse_decimal) {
  const char* texts[] = {"0",
                         "7",
                         "-7",
                         "36779.0",
                         "254870.0",
                         "0.0001",
                         ".5",
                         "5.",
                         "-",
                         ".",
                         "",
                         "1234567.80",
                         "123456789012345678",
                         "1234567890123456789",
                         "1e5",
                         "1.5e-3",
                         "--1",
                         "1..2",
                         "12a",
                         "00012.3400",
                         "-0.0",
                         "+1",
                         "0.000000000000000001",
                         "37317.0000000000000"};
  for (const char* inc_text : {"0.5", "0.0001", "10", "0.000000000000000001"}) {
    increment inc;
    ASSERT_EQ(increment::parse(inc_text, inc), fp_error::ok);
    for (const char* t : texts) {
      for (auto mode : {rounding::exact, rounding::down, rounding::up, rounding::nearest}) {
        std::int64_t a = 0, b = 0;
        decimal d;
        const fp_error parsed = parse_decimal(t, d);
        const fp_error ea = parsed != fp_error::ok ? parsed : inc.to_units(d, mode, a);
        const fp_error eb = inc.to_units(std::string_view(t), mode, b);
        ASSERT_EQ(ea, eb) << t << " / " << inc_text;
        if (ea == fp_error::ok) {
          EXPECT_EQ(a, b) << t << " / " << inc_text;
        }
      }
    }
  }
}

// to_units_padded reads short plain numbers as one word from a padded
// buffer. Every shape, followed by digits (which must not be read as part of
// the token) or by separators, agrees with to_units(text), errors included.
TEST(fixed_point_text, padded_word_path_agrees_with_the_text_path) {
  const char* texts[] = {
      "0",         "7",        "-7",        "36779.0",   "254870.0", "0.0001", ".5",  "5.",       "-",    ".",
      "1234567.8", "12345678", "123456789", "1e5",       "1.5e-3",   "1..2",   "12a", "0012.340", "-0.0", "+1",
      "1.05",      "1.50",     "99999999",  "9.9999999", "0.000000", "3 ",     " 3",  "1,2",      "\"1\""};
  for (const char* inc_text : {"0.5", "0.0001", "10", "1", "2.5", "0.000000000000000001", "7"}) {
    increment inc;
    ASSERT_EQ(increment::parse(inc_text, inc), fp_error::ok);
    for (const char* t : texts) {
      for (const char* after : {"99999999", ",\"x\"]]}", "\0\0\0\0\0\0\0\0"}) {
        std::string buffer = std::string(t) + std::string(after, 8);
        const std::string_view token(buffer.data(), std::strlen(t));
        for (auto mode : {rounding::exact, rounding::down, rounding::up, rounding::nearest, rounding::toward_zero}) {
          std::int64_t a = -1, b = -1;
          const fp_error ea = inc.to_units(token, mode, a);
          const fp_error eb = inc.to_units_padded(token, mode, b);
          ASSERT_EQ(ea, eb) << '"' << t << "\" / " << inc_text;
          if (ea == fp_error::ok) {
            EXPECT_EQ(a, b) << '"' << t << "\" / " << inc_text;
          }
        }
      }
    }
  }
}

// Random tokens of 1..10 characters from digits and number punctuation, then
// digits or separators in the padding: the word readers agree with the byte
// loops, and never take the padding as part of a number.
TEST(fixed_point_text, word_readers_agree_with_the_byte_loops) {
  std::mt19937_64 rng(7);
  const char punctuation[] = "0123456789.-e+ x";
  char buffer[32];
  for (int i = 0; i < 300000; ++i) {
    const std::size_t n = 1 + rng() % 10;
    for (std::size_t k = 0; k < n; ++k) {
      buffer[k] = rng() % 4 != 0 ? static_cast<char>('0' + rng() % 10) : punctuation[rng() % 16];
    }
    for (std::size_t k = n; k < sizeof(buffer); ++k)
      buffer[k] = rng() % 2 != 0 ? static_cast<char>('0' + rng() % 10) : ',';
    const std::string_view token(buffer, n);
    std::int64_t word_mantissa = 0, loop_mantissa = 0;
    std::int32_t word_scale = 0, loop_scale = 0;
    if (detail::parse_word_digits(token, word_mantissa, word_scale)) {
      ASSERT_TRUE(detail::parse_plain_digits(token, loop_mantissa, loop_scale)) << token;
      ASSERT_EQ(word_mantissa, loop_mantissa) << token;
      ASSERT_EQ(word_scale, loop_scale) << token;
    }
    bool all_digits = n <= 16;
    std::uint64_t expected = 0;
    for (const char c : token) {
      all_digits = all_digits && c >= '0' && c <= '9';
      expected = expected * 10 + static_cast<std::uint64_t>(c - '0');
    }
    std::uint64_t value = 0;
    ASSERT_EQ(detail::parse_word_uint(token, value), all_digits) << token;
    if (all_digits) {
      ASSERT_EQ(value, expected) << token;
    }
  }
  // The longest integer the word reader takes, and one digit more.
  std::uint64_t value = 0;
  ASSERT_TRUE(detail::parse_word_uint("9999999999999999", value));
  EXPECT_EQ(value, 9999999999999999u);
  EXPECT_FALSE(detail::parse_word_uint("12345678901234567", value));
  EXPECT_FALSE(detail::parse_word_uint("", value));
}

// On-grid values take the exact divisor (multiplication by the increment's
// odd inverse); off-grid ones the general division. Against a 128-bit
// reference, for increments with odd and even parts and values written with
// up to 5 decimals.
TEST(fixed_point, exact_division_agrees_with_a_wide_reference) {
  std::mt19937_64 rng(11);
  const decimal increments[] = {{5, 1}, {10, 0}, {1, 0},   {1, 4}, {25, 2},  {5, 4},
                                {3, 0}, {7, 3},  {100, 0}, {1, 9}, {125, 3}, {96, 0}};
  for (const decimal& step : increments) {
    increment i;
    ASSERT_EQ(increment::make(step, i), fp_error::ok);
    for (int n = 0; n < 200000; ++n) {
      decimal v{static_cast<std::int64_t>(rng() % 2000000000) - 1000000000, static_cast<std::int32_t>(rng() % 6)};
      if (rng() % 2 == 0) {  // on the grid, written with 0..2 extra zeros
        const int extra = static_cast<int>(rng() % 3);
        int128_t m = (static_cast<int128_t>(rng() % 2000000) - 1000000) * step.mantissa;
        for (int k = 0; k < extra; ++k) m *= 10;
        v = decimal{static_cast<std::int64_t>(m), step.scale + extra};
      }
      int128_t numerator = v.mantissa, denominator = step.mantissa;
      for (int k = step.scale; k < v.scale; ++k) denominator *= 10;
      for (int k = v.scale; k < step.scale; ++k) numerator *= 10;
      std::int64_t u = 0;
      const fp_error e = i.to_units(v, rounding::exact, u);
      if (numerator % denominator == 0) {
        ASSERT_EQ(e, fp_error::ok) << v.mantissa << "e-" << v.scale;
        ASSERT_EQ(u, static_cast<std::int64_t>(numerator / denominator)) << v.mantissa << "e-" << v.scale;
      } else {
        ASSERT_EQ(e, fp_error::inexact) << v.mantissa << "e-" << v.scale;
      }
    }
  }
  // Extremes: the most negative mantissa, and a divisor too large for ×10^3.
  increment one;
  ASSERT_EQ(increment::make(decimal{1, 0}, one), fp_error::ok);
  std::int64_t u = 0;
  ASSERT_EQ(one.to_units(decimal{INT64_MIN, 0}, rounding::exact, u), fp_error::ok);
  EXPECT_EQ(u, INT64_MIN);
  increment huge;
  ASSERT_EQ(increment::make(decimal{INT64_MAX / 10, 0}, huge), fp_error::ok);
  ASSERT_EQ(huge.to_units(decimal{INT64_MAX / 10, 0}, rounding::exact, u), fp_error::ok);
  EXPECT_EQ(u, 1);
  EXPECT_EQ(huge.to_units(decimal{(INT64_MAX / 10) * 10, 1}, rounding::exact, u), fp_error::ok);
  EXPECT_EQ(u, 1);
}

}  // namespace
}  // namespace tickrail::core

namespace tickrail::core {
namespace {

TEST(fixed_point, decimal_unit_is_ten_to_the_minus_scale_and_shared) {
  EXPECT_EQ(decimal_unit(8).value(), (decimal{1, 8}));
  EXPECT_EQ(decimal_unit(0).value(), (decimal{1, 0}));
  EXPECT_EQ(&decimal_unit(9), &decimal_unit(9));
  EXPECT_EQ(&decimal_unit(-3), &decimal_unit(0));  // clamped
  EXPECT_EQ(&decimal_unit(40), &decimal_unit(18));
  std::int64_t e8 = 0;
  ASSERT_EQ(decimal_unit(8).to_units(std::string_view("0.00012345"), rounding::exact, e8), fp_error::ok);
  EXPECT_EQ(e8, 12'345);
}

TEST(fixed_point, normalized_and_decimal_from_double_follow_the_shortest_text) {
  EXPECT_EQ(normalized(decimal{12500, 3}), (decimal{125, 1}));
  EXPECT_EQ(normalized(decimal{0, 5}), (decimal{0, 0}));
  EXPECT_EQ(normalized(decimal{-700, 2}), (decimal{-7, 0}));
  decimal d;
  ASSERT_EQ(decimal_from_double(0.1, d), fp_error::ok);
  EXPECT_EQ(d, (decimal{1, 1}));
  ASSERT_EQ(decimal_from_double(1230.0, d), fp_error::ok);
  EXPECT_EQ(normalized(d), (decimal{1230, 0}));
  EXPECT_EQ(decimal_from_double(std::numeric_limits<double>::infinity(), d), fp_error::not_finite);
}

}  // namespace
}  // namespace tickrail::core
