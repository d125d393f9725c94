// tickrail/core/sequence.hpp — the sequence number type of rings and of the
// pipeline's total order. 64-bit and signed: at a billion events a second
// it lasts 292 years, so sequences never wrap and -1 can mean "nothing yet".
#pragma once

#include <cstdint>

namespace tickrail::core {

using sequence_t = std::int64_t;

}  // namespace tickrail::core
