#include "tickrail/core/fixed_point.hpp"

#include <gtest/gtest.h>

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
  const char* texts[] = {"0", "7", "-7", "36779.0", "254870.0", "0.0001", ".5", "5.", "-", ".", "", "1234567.80",
                         "123456789012345678", "1234567890123456789", "1e5", "1.5e-3", "--1", "1..2", "12a",
                         "00012.3400", "-0.0", "+1", "0.000000000000000001", "37317.0000000000000"};
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

}  // namespace
}  // namespace tickrail::core
