// tickrail/core/enum_names.hpp — enums whose names, count and parser come
// from one list, so a new enumerator cannot be forgotten in a table.
//
//   #define TR_TRADING_STATES(X) X(active, "ACTIVE") X(reducing, "REDUCING") X(halted, "HALTED")
//   TR_DEFINE_ENUM(trading_state, std::uint8_t, TR_TRADING_STATES)
//
// defines, in the enclosing namespace:
//   enum class trading_state : std::uint8_t { active, reducing, halted };
//   k_trading_state_names   the texts, in enumerator order (index = value)
//   k_trading_state_count   how many there are
//   to_string(trading_state)          its text; "unknown" outside the list
//   parse_trading_state(std::string_view) → std::optional; ASCII case ignored
// Enumerators count from 0 without gaps (what arrays indexed by them need).
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

namespace tickrail::core {

template <typename Enum, std::size_t N>
[[nodiscard]] constexpr std::string_view enum_text(const std::string_view (&names)[N], Enum v) noexcept {
  const auto i = static_cast<std::size_t>(v);
  return i < N ? names[i] : std::string_view("unknown");
}

// ASCII case-insensitive: "CALM" and "calm" are the same regime.
[[nodiscard]] constexpr bool same_text_ignoring_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    const char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

template <typename Enum, std::size_t N>
[[nodiscard]] constexpr std::optional<Enum> enum_from_text(const std::string_view (&names)[N],
                                                           std::string_view text) noexcept {
  for (std::size_t i = 0; i < N; ++i) {
    if (same_text_ignoring_case(names[i], text)) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace tickrail::core

#define TR_ENUM_ENUMERATOR_(name, text) name,
#define TR_ENUM_TEXT_(name, text) std::string_view{text},

#define TR_DEFINE_ENUM_WITH_(attributes, Enum, Underlying, LIST)                             \
  enum class attributes Enum : Underlying { LIST(TR_ENUM_ENUMERATOR_) };                     \
  inline constexpr std::string_view k_##Enum##_names[] = {LIST(TR_ENUM_TEXT_)};              \
  inline constexpr std::size_t k_##Enum##_count = std::size(k_##Enum##_names);               \
  [[nodiscard]] constexpr std::string_view to_string(Enum v) noexcept {                      \
    return ::tickrail::core::enum_text(k_##Enum##_names, v);                                 \
  }                                                                                          \
  [[nodiscard]] constexpr std::optional<Enum> parse_##Enum(std::string_view text) noexcept { \
    return ::tickrail::core::enum_from_text<Enum>(k_##Enum##_names, text);                   \
  }

#define TR_DEFINE_ENUM(Enum, Underlying, LIST) TR_DEFINE_ENUM_WITH_(, Enum, Underlying, LIST)
// For result codes a caller must not drop: enum class [[nodiscard]].
#define TR_DEFINE_NODISCARD_ENUM(Enum, Underlying, LIST) TR_DEFINE_ENUM_WITH_([[nodiscard]], Enum, Underlying, LIST)
