// TR_DEFINE_ENUM: one list gives enumerators, names, count and parser.
#include "tickrail/core/enum_names.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace tickrail::core::test_enums {

#define TR_TEST_COLOURS(X) \
  X(red, "RED")            \
  X(green, "green")        \
  X(deep_blue, "deep_blue")
TR_DEFINE_ENUM(colour, std::uint8_t, TR_TEST_COLOURS)

static_assert(k_colour_count == 3);
static_assert(static_cast<int>(colour::deep_blue) == 2);
static_assert(to_string(colour::green) == "green");

TEST(enum_names, names_follow_the_list_and_out_of_range_is_unknown) {
  EXPECT_EQ(to_string(colour::red), "RED");
  EXPECT_EQ(to_string(colour::deep_blue), "deep_blue");
  EXPECT_EQ(to_string(static_cast<colour>(3)), "unknown");
  EXPECT_EQ(to_string(static_cast<colour>(255)), "unknown");
}

TEST(enum_names, parse_is_the_inverse_and_ignores_ascii_case) {
  for (std::size_t i = 0; i < k_colour_count; ++i) {
    const auto c = static_cast<colour>(i);
    EXPECT_EQ(parse_colour(to_string(c)), c);
  }
  EXPECT_EQ(parse_colour("red"), colour::red);
  EXPECT_EQ(parse_colour("GREEN"), colour::green);
  EXPECT_EQ(parse_colour("Deep_Blue"), colour::deep_blue);
  EXPECT_EQ(parse_colour("deep"), std::nullopt);
  EXPECT_EQ(parse_colour(""), std::nullopt);
  EXPECT_EQ(parse_colour("unknown"), std::nullopt);
}

}  // namespace tickrail::core::test_enums
