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

namespace tickrail::core {

enum class [[nodiscard]] feed_error : std::uint8_t {
  ok = 0,
  ignored,              // valid, but not market data we consume
  not_json,             // malformed JSON
  frame_too_large,      // larger than the parser's buffer, or too many levels
  unexpected_shape,     // valid JSON, but not an object/array where one must be
  unknown_channel,      // a channel or event type we do not handle
  unknown_instrument,   // a name the instrument catalog does not know
  missing_field,        // a required field is absent or null
  bad_number,           // a number field is not a number, or does not fit
  off_tick,             // a price or quantity not on its instrument's grid
  bad_level,            // a book level that is not [action?, price, amount]
  unsynced_snapshot,    // a depth snapshot nobody is waiting for
  count_                // number of codes, not a code
};

inline constexpr std::size_t k_feed_error_count = static_cast<std::size_t>(feed_error::count_);

[[nodiscard]] constexpr std::string_view to_string(feed_error e) noexcept {
  switch (e) {
    case feed_error::ok: return "ok";
    case feed_error::ignored: return "ignored";
    case feed_error::not_json: return "not_json";
    case feed_error::frame_too_large: return "frame_too_large";
    case feed_error::unexpected_shape: return "unexpected_shape";
    case feed_error::unknown_channel: return "unknown_channel";
    case feed_error::unknown_instrument: return "unknown_instrument";
    case feed_error::missing_field: return "missing_field";
    case feed_error::bad_number: return "bad_number";
    case feed_error::off_tick: return "off_tick";
    case feed_error::bad_level: return "bad_level";
    case feed_error::unsynced_snapshot: return "unsynced_snapshot";
    case feed_error::count_: break;
  }
  return "unknown";
}

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
