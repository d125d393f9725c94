#include "tickrail/core/fixed_point.hpp"

#include <algorithm>
#include <array>

namespace tickrail::core {
namespace {

// decimal × 10^k as an int128, or false when it does not fit comfortably.
bool scale_up(int128_t& value, int k) {
  for (; k > 0; --k) {
    if (value > (static_cast<int128_t>(1) << 120) / 10 || value < -((static_cast<int128_t>(1) << 120) / 10))
      return false;
    value *= 10;
  }
  return true;
}

std::int64_t decimal_ratio(decimal limit, decimal unit, bool up) noexcept {
  constexpr std::int64_t k_max = INT64_MAX;
  if (unit.mantissa <= 0) return 0;
  // limit / unit = (l.m × 10^u.s) / (u.m × 10^l.s)
  int128_t num = limit.mantissa;
  int128_t den = unit.mantissa;
  if (unit.scale > limit.scale && !scale_up(num, unit.scale - limit.scale)) return num < 0 ? -k_max : k_max;
  if (limit.scale > unit.scale && !scale_up(den, limit.scale - unit.scale)) return 0;
  int128_t q = num / den;
  if (num % den != 0 && num < 0 && !up) --q;
  if (num % den != 0 && num > 0 && up) ++q;
  if (q > k_max) return k_max;
  if (q < -k_max) return -k_max;
  return static_cast<std::int64_t>(q);
}

}  // namespace

const increment& decimal_unit(int scale) noexcept {
  static const std::array<increment, 19> units = [] {
    std::array<increment, 19> out{};
    for (std::int32_t s = 0; s < 19; ++s) (void)increment::make(decimal{1, s}, out[static_cast<std::size_t>(s)]);
    return out;
  }();
  return units[static_cast<std::size_t>(std::clamp(scale, 0, 18))];
}

std::int64_t decimal_ratio_floor(decimal limit, decimal unit) noexcept { return decimal_ratio(limit, unit, false); }
std::int64_t decimal_ratio_ceil(decimal limit, decimal unit) noexcept { return decimal_ratio(limit, unit, true); }

}  // namespace tickrail::core
