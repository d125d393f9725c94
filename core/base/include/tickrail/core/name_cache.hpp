// tickrail/core/name_cache.hpp — a small direct-mapped cache from the short
// names a feed repeats on every frame (channel and stream names) to what the
// parser worked out from them: a route, an instrument id.
//
// A feed handler resolves a channel name once — split it, look its
// instrument up in the catalog's hash map — and then sees the same few
// hundred names again and again. The cache hashes a name from three 8-byte
// loads (start, middle, end: option names differ in the middle, by strike)
// and keeps one name per slot; a hit costs the hash and one compare. A miss,
// a collision or a name longer than k_max_name simply goes the slow way and
// may replace the slot. Callers cache only answers that cannot go stale.
//
// Fixed size, no allocation; not thread-safe (one per parser).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace tickrail::core {

template <typename Value, std::size_t SlotBits = 8>
class name_cache {
  static_assert(std::is_trivially_copyable_v<Value>);

 public:
  static constexpr std::size_t k_slots = std::size_t{1} << SlotBits;
  static constexpr std::size_t k_max_name = 62;

  // The value cached for `name`, or nullptr.
  [[nodiscard]] const Value* find(std::string_view name) const noexcept {
    if (name.size() > k_max_name) return nullptr;
    const slot& s = slots_[index(name)];
    if (s.length != name.size() || !same(s.name, name.data(), name.size())) return nullptr;
    return &s.value;
  }

  // Caches `value` for `name`, replacing whatever shared its slot. Names
  // longer than k_max_name are not cached.
  void put(std::string_view name, const Value& value) noexcept {
    if (name.size() > k_max_name) return;
    slot& s = slots_[index(name)];
    std::memcpy(s.name, name.data(), name.size());
    s.length = static_cast<std::uint8_t>(name.size());
    s.value = value;
  }

  void clear() noexcept {
    for (slot& s : slots_) s.length = k_empty;
  }

 private:
  static constexpr std::uint8_t k_empty = 0xff;  // no name has this length

  struct slot {
    std::uint8_t length = k_empty;
    char name[k_max_name];
    Value value{};
  };

  static std::uint64_t load8(const char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, sizeof(v));
    return v;
  }

  // Equality of n bytes in 8-byte words (the last one overlapping), inline:
  // names are a few dozen bytes and a libc call costs as much as the compare.
  static bool same(const char* a, const char* b, std::size_t n) noexcept {
    if (n < 8) {
      for (std::size_t i = 0; i < n; ++i) {
        if (a[i] != b[i]) return false;
      }
      return true;
    }
    for (std::size_t i = 0; i + 8 < n; i += 8) {
      if (load8(a + i) != load8(b + i)) return false;
    }
    return load8(a + n - 8) == load8(b + n - 8);
  }

  static std::size_t index(std::string_view name) noexcept {
    const char* p = name.data();
    const std::size_t n = name.size();
    std::uint64_t a = 0, b = 0, c = 0;
    if (n >= 8) {
      a = load8(p);
      b = load8(p + (n - 8) / 2);
      c = load8(p + n - 8);
    } else {
      for (std::size_t i = 0; i < n; ++i) a = (a << 8) | static_cast<unsigned char>(p[i]);
    }
    const std::uint64_t h = (a * 0x9e3779b97f4a7c15ull) ^ (b * 0xc2b2ae3d27d4eb4full) ^ (c * 0x165667b19e3779f9ull) ^ n;
    return static_cast<std::size_t>((h * 0x9e3779b97f4a7c15ull) >> (64 - SlotBits));
  }

  std::array<slot, k_slots> slots_{};
};

}  // namespace tickrail::core
