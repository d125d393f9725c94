// tickrail/deribit/instrument_fetch.hpp — public venue data over a
// connection of its own, outside any session: the instrument definitions
// (public/get_instruments, the first thing the engine and the tools ask a
// venue) and the regime classifier's candles and funding
// (public/get_tradingview_chart_data, public/ticker). Cold path; blocking,
// bounded by `timeout`. Public methods only: nothing private is sent.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tickrail/core/instrument.hpp"
#include "tickrail/net/ws_client.hpp"

namespace tickrail::deribit {

// Errors say what failed: "venue unreachable: ...", "no reply to
// public/get_instruments within 10 s", or the loader's error.
absl::Status fetch_instruments(const net::ws_endpoint& endpoint, std::span<const std::string> currencies,
                               core::instrument_catalog& catalog,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sends each of `requests` (JSON-RPC text whose "id" is its index + 1) on
// one connection and returns the replies in the same order.
absl::StatusOr<std::vector<std::string>> rpc_once(const net::ws_endpoint& endpoint,
                                                  std::span<const std::string> requests,
                                                  std::chrono::milliseconds timeout);

struct candle {
  std::int64_t open_ms = 0;  // venue time
  core::ticks close_ticks = 0;
};

// Deribit's chart resolution for a candle period ("1", "5", "60", "1D"), or
// nothing when the venue has no such resolution.
std::optional<std::string> chart_resolution(std::int64_t period_ms);

// The candles of public/get_tradingview_chart_data's reply, oldest first,
// closes in ticks of `inst` (rounded to the nearest tick). An error reply or
// a malformed one is an error.
absl::StatusOr<std::vector<candle>> parse_chart_data(std::string_view reply, const core::instrument& inst);
// funding_8h of a public/ticker reply × 1e9, or nothing when absent.
std::optional<std::int64_t> parse_ticker_funding_8h(std::string_view reply);

}  // namespace tickrail::deribit
