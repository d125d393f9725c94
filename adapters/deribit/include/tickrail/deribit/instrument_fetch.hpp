// tickrail/deribit/instrument_fetch.hpp — the venue's instrument definitions
// over a connection of their own (public/get_instruments, one request per
// currency), into the catalog: the first thing the engine and the tools ask
// a venue, before any session or feed exists. Cold path; blocking, bounded by
// `timeout`. Public method: nothing private is sent.
#pragma once

#include <chrono>
#include <span>
#include <string>

#include "absl/status/status.h"
#include "tickrail/core/instrument.hpp"
#include "tickrail/net/ws_client.hpp"

namespace tickrail::deribit {

// Errors say what failed: "venue unreachable: ...", "no reply to
// public/get_instruments within 10 s", or the loader's error.
absl::Status fetch_instruments(const net::ws_endpoint& endpoint, std::span<const std::string> currencies,
                               core::instrument_catalog& catalog,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace tickrail::deribit
