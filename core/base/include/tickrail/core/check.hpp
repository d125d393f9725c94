// tickrail/core/check.hpp — two kinds of assertion, named for what they guard.
//
//   TR_CHECK(cond, msg)   caller input and start-up preconditions; always on,
//                         in every build. On failure prints file:line and the
//                         message, then aborts. Never used per event.
//   TR_DCHECK(cond, msg)  internal invariants; compiled in debug and sanitizer
//                         builds (TICKRAIL_DCHECK_ENABLED), free in release.
#pragma once

namespace tickrail::core::detail {
[[noreturn]] void check_failed(const char* file, int line, const char* expr, const char* msg) noexcept;
}  // namespace tickrail::core::detail

#define TR_CHECK(cond, msg)                                                     \
  do {                                                                          \
    if (!(cond)) [[unlikely]]                                                   \
      ::tickrail::core::detail::check_failed(__FILE__, __LINE__, #cond, (msg)); \
  } while (false)

#if defined(TICKRAIL_DCHECK_ENABLED)
#define TR_DCHECK(cond, msg) TR_CHECK(cond, msg)
#else
#define TR_DCHECK(cond, msg) \
  do {                       \
    (void)sizeof(cond);      \
  } while (false)
#endif
