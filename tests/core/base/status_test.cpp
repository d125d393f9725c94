#include "tickrail/core/status.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tickrail::core {
namespace {

absl::StatusOr<int> parse_positive(int x) {
  if (x <= 0) return absl::InvalidArgumentError("not positive");
  return x;
}

absl::Status check_positive(int x) { return parse_positive(x).status(); }

absl::StatusOr<int> doubled(int x) {
  TR_ASSIGN_OR_RETURN(const int v, parse_positive(x));
  return 2 * v;
}

absl::Status both_positive(int a, int b, int* calls) {
  ++*calls;
  TR_RETURN_IF_ERROR(check_positive(a));
  ++*calls;
  TR_RETURN_IF_ERROR(check_positive(b));
  ++*calls;
  return absl::OkStatus();
}

TEST(status, assign_or_return_unwraps_or_propagates) {
  ASSERT_TRUE(doubled(21).ok());
  EXPECT_EQ(*doubled(21), 42);
  const auto bad = doubled(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(bad.status().message()), "not positive");
}

TEST(status, return_if_error_stops_at_the_first_error) {
  int calls = 0;
  EXPECT_TRUE(both_positive(1, 2, &calls).ok());
  EXPECT_EQ(calls, 3);
  calls = 0;
  EXPECT_FALSE(both_positive(-1, 2, &calls).ok());
  EXPECT_EQ(calls, 1);
  calls = 0;
  EXPECT_FALSE(both_positive(1, -2, &calls).ok());
  EXPECT_EQ(calls, 2);
}

TEST(status, to_absl_bridges_std_string_view) {
  const std::string_view sv = "abc";
  EXPECT_EQ(std::string(to_absl(sv)), "abc");
}

}  // namespace
}  // namespace tickrail::core
