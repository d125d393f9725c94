// tickrail/core/status.hpp — cold-path error plumbing over absl::Status.
//
// Debian's Abseil ships no status_macros.h, so the project has its own two:
//   TR_RETURN_IF_ERROR(expr)          return the Status if `expr` is not OK
//   TR_ASSIGN_OR_RETURN(lhs, expr)    unwrap an absl::StatusOr or return its error
// Use them in config, start-up, storage and network set-up code; the hot path
// uses [[nodiscard]] enum codes instead.
#pragma once

#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace tickrail::core {
// Debian's Abseil is built with its own string_view (ABSL_OPTION_USE_STD_STRING_VIEW
// is 0), which does not convert from std::string_view: bridge explicitly.
[[nodiscard]] inline absl::string_view to_absl(std::string_view s) noexcept { return {s.data(), s.size()}; }
}  // namespace tickrail::core

#define TR_STATUS_CONCAT_INNER(a, b) a##b
#define TR_STATUS_CONCAT(a, b) TR_STATUS_CONCAT_INNER(a, b)

#define TR_RETURN_IF_ERROR(expr)                                           \
  do {                                                                     \
    if (::absl::Status tr_status_ = (expr); !tr_status_.ok()) [[unlikely]] \
      return tr_status_;                                                   \
  } while (false)

#define TR_ASSIGN_OR_RETURN(lhs, expr) TR_ASSIGN_OR_RETURN_IMPL(TR_STATUS_CONCAT(tr_statusor_, __LINE__), lhs, expr)

#define TR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) [[unlikely]]                    \
    return std::move(tmp).status();              \
  lhs = std::move(tmp).value()
