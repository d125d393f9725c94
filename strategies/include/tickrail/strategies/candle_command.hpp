// tickrail/strategies/candle_command.hpp — a closed venue candle as a
// sequenced command, so the regime classifier's history comes from the
// stream (replay gives the same regimes) and survives a restart.
//
// The engine fetches the venue's candles (Deribit
// `public/get_tradingview_chart_data`, resolution = the classifier's candle
// period) and the 8 h funding rate on its control thread and publishes each
// closed candle into the command ring: a burst of up to 24 h of history at
// start-up, then one per period. Encoding of a `command_kind::candle`:
//
//   event_header.instrument  the candle's instrument
//   cmd.bot                  the target bot, or k_all_bots (0xFFFF) for every
//                            bot trading that instrument
//   cmd.args[0]              candle open time, ms since the Unix epoch (venue time)
//   cmd.args[1]              close price, ticks of the instrument (> 0)
//   cmd.args[2]              candle period, ms (> 0; must equal the bot's
//                            classifier candle period or the bot refuses it)
//   cmd.args[3]              8 h funding rate × 1e9, or k_funding_unknown
//   regime, reply_id, text   0
//
// Only closed candles may be sent: a bot keeps the first candle it accepts
// for an open time and ignores any later one with the same open time (a
// re-fetch repeats candles), so a still-forming candle would stay in its
// history with a provisional close. What a bot does with them: bot.hpp.
#pragma once

#include <cstdint>

#include "tickrail/core/events.hpp"

namespace tickrail::strategies {

inline constexpr std::uint16_t k_all_bots = 0xFFFF;
inline constexpr std::int64_t k_funding_unknown = INT64_MIN;

// A candle command's payload (see the table above).
struct venue_candle {
  std::int64_t open_ms = 0;
  core::ticks close_ticks = 0;
  std::int64_t period_ms = 0;
  std::int64_t funding_8h_e9 = k_funding_unknown;
};

// The command for one closed candle; the caller puts it in an event whose
// header names the instrument (core::make_header(event_type::command, ...)).
[[nodiscard]] constexpr core::command make_candle_command(std::uint16_t bot, std::int64_t open_ms, core::ticks close,
                                                          std::int64_t period_ms,
                                                          std::int64_t funding_8h_e9 = k_funding_unknown) noexcept {
  core::command c{};
  c.kind = core::command_kind::candle;
  c.bot = bot;
  c.args[0] = open_ms;
  c.args[1] = close;
  c.args[2] = period_ms;
  c.args[3] = funding_8h_e9;
  return c;
}

// Reads a candle command. False (and `out` untouched) when it is not one or
// is malformed: a non-positive close or period, or a negative open time.
// Commands are operator/engine input, so this is a check, not an assertion.
[[nodiscard]] constexpr bool from_candle_command(const core::command& c, venue_candle& out) noexcept {
  if (c.kind != core::command_kind::candle || c.args[0] < 0 || c.args[1] <= 0 || c.args[2] <= 0) return false;
  out = venue_candle{c.args[0], c.args[1], c.args[2], c.args[3]};
  return true;
}

}  // namespace tickrail::strategies
