// Decoding fuzzer bytes into typed values for the targets that build event
// streams (risk_engine_fuzz, strategies_fuzz). A short input reads as zeros.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tickrail::fuzz {

struct byte_reader {
  const std::uint8_t* p;
  std::size_t n;

  template <typename T>
  T take() noexcept {
    T v{};
    const std::size_t k = n < sizeof(T) ? n : sizeof(T);
    std::memcpy(&v, p, k);
    p += k;
    n -= k;
    return v;
  }

  // Mostly near `center` (±32767), sometimes any int32, now and then any
  // int64: near the action, with the extremes that find overflows.
  std::int64_t value(std::int64_t center) noexcept {
    const auto mode = take<std::uint8_t>();
    if (mode < 200) return center + take<std::int16_t>();
    if (mode < 250) return static_cast<std::int64_t>(take<std::int32_t>());
    return take<std::int64_t>();
  }
};

}  // namespace tickrail::fuzz
