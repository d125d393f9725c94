// tools/engine/engine_config.hpp — the engine's whole configuration: layered
// TOML files (a base, then overlays, later wins key by key), validated in two
// passes. Cold path only.
//
//   load_engine_config(paths)      syntax, unknown keys, types, ranges, the
//                                  venue section (secret resolved, never
//                                  printed), placement, the profile guard
//   resolve_trading(config, cat)   risk limits and bots, which name
//                                  instruments: against the venue's catalog
//                                  at start, or the offline one for
//                                  --check-config
//
// Sections (docs/operations.md, "Configuration"):
//   [engine]       profile (dev | demo | prod), start_bots, cancel_on_stop,
//                  stop_timeout_ms, startup_timeout_ms, timer_interval_ms,
//                  ring_capacity
//   [venues.deribit]  url, credentials reference, CA file, credits (gateway_config.hpp)
//   [instruments]  book_interval (raw | 100ms), subscribe (extra symbols),
//                  catalog_file (offline catalog for --check-config)
//   [placement]    workers, cores, wait strategies (core/placement.hpp)
//   [risk]         pre-trade limits (core/risk_limits.hpp)
//   [[bots]]       bots and their components (strategies/bot_config.hpp),
//                  with [bots.regime_classifier]
//   [store]        path of the SQLite database (bot_state: HWM, kill state)
//   [paper]        --dry-run's paper account: equity = { BTC = 10 }
// Every error names the file and line the key came from, and the key.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "absl/status/statusor.h"
#include "tickrail/core/fixed_point.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/placement.hpp"
#include "tickrail/core/risk_limits.hpp"
#include "tickrail/deribit/gateway.hpp"
#include "tickrail/strategies/bot_config.hpp"

namespace tickrail::engine {

#define TR_PROFILES(X) \
  X(dev, "dev")        \
  X(demo, "demo")      \
  X(prod, "prod")
TR_DEFINE_ENUM(profile, std::uint8_t, TR_PROFILES)

struct engine_config {
  std::vector<std::string> files;  // the layers, in order
  std::string source;              // "a.toml + b.toml", for messages
  toml::table merged;              // the effective config (secrets included: never print it)
  std::string hash;                // of the effective config with secrets redacted, 16 hex digits

  profile run_profile = profile::dev;
  std::vector<std::string> start_bots;
  bool cancel_on_stop = true;
  std::int64_t stop_timeout_ms = 10'000;
  std::int64_t startup_timeout_ms = 30'000;
  std::int64_t timer_interval_ms = 1;
  std::size_t ring_capacity = 8192;

  deribit::gateway_config gateway;
  std::string book_interval = "raw";
  std::vector<std::string> subscribe;  // symbols beyond the bots' own
  std::string catalog_file;            // resolved against the file that named it; empty = none

  core::placement layout;
  std::string store_path = "tickrail.db";
  std::vector<std::pair<std::string, core::decimal>> paper_equity{{"BTC", core::decimal{10, 0}}};
};

// The trading sections, which need the instrument catalog.
struct trading_config {
  core::risk_limits limits;
  std::vector<strategies::bot_config> bots;
  std::vector<core::instrument_id> instruments;  // subscribed: the bots' and [instruments].subscribe, in order
};

// `env` looks up client_secret_env (getenv by default).
absl::StatusOr<engine_config> load_engine_config(const std::vector<std::string>& files,
                                                 const char* (*env)(const char*) = nullptr);

absl::StatusOr<trading_config> resolve_trading(const engine_config& config, const core::instrument_catalog& catalog);

// The URL guard: a testnet URL under prod, a production URL under dev or
// demo, is refused (so is a non-TLS URL to a Deribit host).
absl::Status check_profile(profile p, const net::ws_endpoint& venue, std::string_view url_source);

// The book channel for an instrument at the configured interval.
std::string book_channel(const core::instrument& inst, std::string_view interval);

}  // namespace tickrail::engine
