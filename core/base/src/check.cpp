#include "tickrail/core/check.hpp"

#include <cstdio>
#include <cstdlib>

namespace tickrail::core::detail {

void check_failed(const char* file, int line, const char* expr, const char* msg) noexcept {
  std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", file, line, expr, msg);
  std::fflush(stderr);
  std::abort();
}

}  // namespace tickrail::core::detail
