// Counts every global operator new in the test binary that links
// alloc_counter.cpp: zero-allocation tests read it before and after the
// steady state they check.
#pragma once

#include <cstdint>

namespace tickrail::test {
[[nodiscard]] std::uint64_t allocations() noexcept;
}  // namespace tickrail::test
