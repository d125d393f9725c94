// tickrail/deribit/gateway_config.hpp — the `[venues.deribit]` section of a
// tickrail config: where and how the gateway connects (cold path).
//
//   [venues.deribit]
//   url = "wss://www.deribit.com/ws/api/v2"   # ws:// or wss://host[:port]/path
//   ca_file = "/etc/tickrail/ca.pem"          # optional; default: the system store
//   server_name = "www.deribit.com"           # optional SNI/verification name; default: the host
//   client_id = "..."                         # required
//   client_secret_env = "TICKRAIL_DERIBIT_SECRET"  # the secret is read from this variable...
//   client_secret_file = "/etc/tickrail/deribit.secret"  # ...or read from this file (trailing newline dropped)...
//   client_secret = "..."                     # ...or given here (demo and tests only)
//   currencies = ["BTC"]                      # reconciled at start-up and after reconnects
//   channels = ["book.BTC-PERPETUAL.raw"]     # extra subscriptions (user.orders/trades/portfolio
//                                             #   for the currencies are always added)
//   label_prefix = "tr"                       # our orders' labels: "<prefix>-<bot>-<n>"
//   heartbeat_s = 10
//   cancel_on_disconnect = true
//   request_timeout_ms = 5000
//   reconnect_min_ms = 250
//   reconnect_max_ms = 10000
//   credits_burst = 20                        # the account's matching-engine pool
//   credits_per_second = 5
//   max_send_wait_ms = 2000                   # waiting for credits or a ready session; then rejected, never sent late
//
// Unknown keys, wrong types and out-of-range values are errors naming the
// file, line and key.
#pragma once

#include <string>
#include <string_view>

#include "tickrail/core/toml_fwd.hpp"
#include "absl/status/statusor.h"
#include "tickrail/deribit/gateway.hpp"

namespace tickrail::deribit {

// Parses a ws:// or wss:// URL into an endpoint (TLS on for wss).
absl::StatusOr<net::ws_endpoint> parse_ws_url(std::string_view url);

// From config text (`source` names it in errors); `env` looks up
// client_secret_env (getenv by default).
absl::StatusOr<gateway_config> parse_gateway_config(std::string_view toml_text, std::string_view source,
                                                    const char* (*env)(const char*) = nullptr);
// The same, from a parsed (possibly layered) config.
absl::StatusOr<gateway_config> parse_gateway_config(const toml::table& root, std::string_view source,
                                                    const char* (*env)(const char*) = nullptr);
absl::StatusOr<gateway_config> load_gateway_config_file(const std::string& path);

}  // namespace tickrail::deribit
