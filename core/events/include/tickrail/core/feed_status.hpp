// tickrail/core/feed_status.hpp — what can go wrong with a market-data frame,
// as typed codes, and per-reason counters.
//
// Venue parsers (adapters/deribit, adapters/binance) and the book stage
// report every malformed or unexpected frame with one of these codes and
// never throw: the frame is dropped, counted by reason, and the feed goes on.
// A frame that is valid but carries no market data (a heartbeat, an RPC
// reply to something else) is `ignored`, which is not an error.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "tickrail/core/enum_names.hpp"

namespace tickrail::core {

#define TR_FEED_ERRORS(X)                                                                                 \
  X(ok, "ok")                                                                                             \
  X(ignored, "ignored")                       /* valid, but not market data we consume */                 \
  X(not_json, "not_json")                     /* malformed JSON */                                        \
  X(frame_too_large, "frame_too_large")       /* larger than the parser's buffer, or too many levels */   \
  X(unexpected_shape, "unexpected_shape")     /* valid JSON, but not an object/array where one must be */ \
  X(unknown_channel, "unknown_channel")       /* a channel or event type we do not handle */              \
  X(unknown_instrument, "unknown_instrument") /* a name the instrument catalog does not know */           \
  X(missing_field, "missing_field")           /* a required field is absent or null */                    \
  X(bad_number, "bad_number")                 /* a number field is not a number, or does not fit */       \
  X(off_tick, "off_tick")                     /* a price or quantity not on its instrument's grid */      \
  X(bad_level, "bad_level")                   /* a book level that is not [action?, price, amount] */     \
  X(unsynced_snapshot, "unsynced_snapshot")   /* a depth snapshot nobody is waiting for */
TR_DEFINE_NODISCARD_ENUM(feed_error, std::uint8_t, TR_FEED_ERRORS)

// Frames by outcome. One writer (the feed thread); read on the slow path.
struct feed_counters {
  std::array<std::uint64_t, k_feed_error_count> by_reason{};
  void count(feed_error e) noexcept { ++by_reason[static_cast<std::size_t>(e)]; }
  [[nodiscard]] std::uint64_t operator[](feed_error e) const noexcept { return by_reason[static_cast<std::size_t>(e)]; }
  [[nodiscard]] std::uint64_t errors() const noexcept {
    std::uint64_t n = 0;
    for (std::size_t i = static_cast<std::size_t>(feed_error::not_json); i < k_feed_error_count; ++i) n += by_reason[i];
    return n;
  }
};

}  // namespace tickrail::core
