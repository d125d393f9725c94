// tickrail/deribit/rpc_errors.hpp — Deribit JSON-RPC error codes as typed
// reasons the gateway acts on (and operators read in alerts).
#pragma once

#include <cstdint>
#include <string_view>

#include "tickrail/core/enum_names.hpp"

namespace tickrail::deribit {

#define TR_RPC_REASONS(X)                                                                                      \
  X(ok, "ok")                                                                                                  \
  X(not_enough_funds, "not_enough_funds")       /* 10009 */                                                    \
  X(too_many_requests, "too_many_requests")     /* 10028: back off */                                          \
  X(order_not_found, "order_not_found")         /* 11044 (and 10004): a cancel or edit that came too late */   \
  X(post_only_reject, "post_only_reject")       /* 11054 */                                                    \
  X(price_out_of_bounds, "price_out_of_bounds") /* 10007 / 11050 / 10044 style price checks */                 \
  X(invalid_amount, "invalid_amount")           /* 11029 / 10043 */                                            \
  X(unauthorized, "unauthorized")               /* 13009 / 13004: re-authenticate */                           \
  X(invalid_params, "invalid_params")           /* -32602 */                                                   \
  X(method_not_found, "method_not_found")       /* -32601 */                                                   \
  X(not_open, "not_open")                       /* 11030 / 10010: not open / already closed */                 \
  X(timeout, "timeout")                         /* no reply before the deadline (ours) */                      \
  X(disconnected, "disconnected")               /* the connection dropped with the request in flight (ours) */ \
  X(other, "other")
TR_DEFINE_ENUM(rpc_reason, std::uint8_t, TR_RPC_REASONS)

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

// Our own codes for failures the venue never sent (exec_report.venue_error).
inline constexpr std::int32_t k_error_timeout = -1;
inline constexpr std::int32_t k_error_disconnected = -2;
inline constexpr std::int32_t k_error_rate_limited = -3;  // waited too long for credits; never sent
inline constexpr std::int32_t k_error_unencodable = -4;   // e.g. an edit before the venue acknowledged

}  // namespace tickrail::deribit
