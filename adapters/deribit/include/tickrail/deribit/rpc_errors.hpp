// tickrail/deribit/rpc_errors.hpp — Deribit JSON-RPC error codes as typed
// reasons the gateway acts on (and operators read in alerts).
#pragma once

#include <cstdint>
#include <string_view>

namespace tickrail::deribit {

enum class rpc_reason : std::uint8_t {
  ok,
  not_enough_funds,     // 10009
  too_many_requests,    // 10028: back off
  order_not_found,      // 11044 (and 10004): a cancel or edit that came too late
  post_only_reject,     // 11054
  price_out_of_bounds,       // 10007 / 11050 / 10044 style price checks
  invalid_amount,       // 11029 / 10043
  unauthorized,         // 13009 / 13004: re-authenticate
  invalid_params,       // -32602
  method_not_found,     // -32601
  not_open,             // 11030 / 10010: not open / already closed
  timeout,              // no reply before the deadline (ours)
  disconnected,         // the connection dropped with the request in flight (ours)
  other,
};

[[nodiscard]] constexpr rpc_reason to_reason(std::int32_t code) noexcept {
  switch (code) {
    case 0: return rpc_reason::ok;
    case 10009: return rpc_reason::not_enough_funds;
    case 10028: return rpc_reason::too_many_requests;
    case 10004:
    case 11044: return rpc_reason::order_not_found;
    case 11054: return rpc_reason::post_only_reject;
    case 10007:
    case 10044:
    case 11050: return rpc_reason::price_out_of_bounds;
    case 10043:
    case 11029: return rpc_reason::invalid_amount;
    case 13004:
    case 13009: return rpc_reason::unauthorized;
    case -32602: return rpc_reason::invalid_params;
    case -32601: return rpc_reason::method_not_found;
    case 10010:
    case 11030: return rpc_reason::not_open;
    default: return rpc_reason::other;
  }
}

[[nodiscard]] constexpr std::string_view to_string(rpc_reason r) noexcept {
  switch (r) {
    case rpc_reason::ok: return "ok";
    case rpc_reason::not_enough_funds: return "not_enough_funds";
    case rpc_reason::too_many_requests: return "too_many_requests";
    case rpc_reason::order_not_found: return "order_not_found";
    case rpc_reason::post_only_reject: return "post_only_reject";
    case rpc_reason::price_out_of_bounds: return "price_out_of_bounds";
    case rpc_reason::invalid_amount: return "invalid_amount";
    case rpc_reason::unauthorized: return "unauthorized";
    case rpc_reason::invalid_params: return "invalid_params";
    case rpc_reason::method_not_found: return "method_not_found";
    case rpc_reason::not_open: return "not_open";
    case rpc_reason::timeout: return "timeout";
    case rpc_reason::disconnected: return "disconnected";
    case rpc_reason::other: return "other";
  }
  return "other";
}

// Our own codes for failures the venue never sent (exec_report.venue_error).
inline constexpr std::int32_t k_error_timeout = -1;
inline constexpr std::int32_t k_error_disconnected = -2;
inline constexpr std::int32_t k_error_rate_limited = -3;  // waited too long for credits; never sent
inline constexpr std::int32_t k_error_unencodable = -4;   // e.g. an edit before the venue acknowledged

}  // namespace tickrail::deribit
