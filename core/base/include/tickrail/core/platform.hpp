// tickrail/core/platform.hpp — the few machine facts the hot path relies on.
//
// `cache_line` is the one project constant for false-sharing layout (not the
// standard library's destructive-interference constant: GCC 12 warns when it
// is used in headers because its value may differ between translation units).
// `cpu_relax()` is the spin-loop hint used by every busy wait.
#pragma once

#include <cstddef>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace tickrail::core {

inline constexpr std::size_t cache_line = 64;

// 128-bit integers for exact fixed-point products (GCC and clang extension).
__extension__ using int128_t = __int128;
__extension__ using uint128_t = unsigned __int128;

// Tells the core we are spinning: on x86 `pause` lowers power, frees the
// sibling hyper-thread and avoids the memory-order mis-speculation penalty
// when the awaited line finally changes.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

// A value alone on its cache line(s). Used for every independently written
// cursor and for every cached copy of another thread's cursor.
template <typename T>
struct alignas(cache_line) cache_padded {
  T value{};
};

}  // namespace tickrail::core
