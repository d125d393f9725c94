// tickrail/deribit/order_encoder.hpp — order requests into Deribit JSON-RPC
// text, written straight into a caller's preallocated buffer.
//
//   place   → private/buy | private/sell   {instrument_name, amount, type, label,
//                                           price?, trigger_price + trigger?,
//                                           time_in_force, post_only?, reduce_only?}
//   replace → private/edit                 {order_id, amount, price, post_only?}
//   cancel  → private/cancel               {order_id}
//             private/cancel_by_label      {label} while the venue id is unknown
//   cancel_instrument → private/cancel_all_by_instrument {instrument_name}
//   cancel_by_label   → private/cancel_by_label          {label}
//   cancel_all        → private/cancel_all               {}
//
// Our client order id travels as the order `label`: "<prefix>-<bot>-<counter>"
// (decimal; prefix from config, default "tr"), so every bot's orders share
// the label prefix "<prefix>-<bot>-" and a label maps back to the id with no
// table (parse_label). Labels are unique per order, which makes
// cancel_by_label a cancel that works before the venue's order id is known.
//
// Prices and amounts are written from integer ticks and lots as exact decimal
// text (fixed_point.hpp); nothing goes through a double. No allocation: the
// encoder holds a few precomputed strings from construction and writes into
// the span it is given (k_max_frame bytes suffice for instrument names up to
// 96 characters; Deribit's are under 30).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"

namespace tickrail::deribit {

#define TR_RPC_METHODS(X)                                         \
  X(buy, "private/buy")                                           \
  X(sell, "private/sell")                                         \
  X(edit, "private/edit")                                         \
  X(cancel, "private/cancel")                                     \
  X(cancel_by_label, "private/cancel_by_label")                   \
  X(cancel_all_by_instrument, "private/cancel_all_by_instrument") \
  X(cancel_all, "private/cancel_all")
TR_DEFINE_ENUM(rpc_method, std::uint8_t, TR_RPC_METHODS)
// Matching-engine methods cost matching credits at the venue (all of these do).
[[nodiscard]] constexpr bool is_matching(rpc_method) noexcept { return true; }

#define TR_ENCODE_ERRORS(X)                                                                           \
  X(ok, "ok")                                                                                         \
  X(unknown_instrument, "unknown_instrument") /* the request names an instrument the catalog lacks */ \
  X(no_venue_order_id, "no_venue_order_id")   /* an edit before the venue acknowledged the order */   \
  X(invalid_client_id, "invalid_client_id")   /* client order id 0 where a label is needed */         \
  X(unrepresentable, "unrepresentable")       /* a price or amount that does not fit as text */       \
  X(buffer_too_small, "buffer_too_small")
TR_DEFINE_ENUM(encode_error, std::uint8_t, TR_ENCODE_ERRORS)

struct encoded_order {
  std::size_t size = 0;  // bytes written
  rpc_method method = rpc_method::buy;
};

class order_encoder {
 public:
  static constexpr std::size_t k_max_frame = 640;  // any request fits (see above)
  static constexpr std::size_t k_max_label = 64;   // Deribit's label limit
  static constexpr std::size_t k_max_prefix = 24;

  // `label_prefix`: letters, digits and '_' only, 1..k_max_prefix characters
  // (check with valid_label_prefix first; the constructor CHECKs it).
  order_encoder(const core::instrument_catalog& catalog, std::string_view label_prefix);

  [[nodiscard]] encode_error encode(const core::order_request& r, std::int64_t request_id, std::span<char> out,
                                    encoded_order& result) const noexcept;

  // "<prefix>-<bot>-<counter>" into `out` (≥ k_max_label bytes); its length.
  [[nodiscard]] std::size_t write_label(core::client_order_id id, char* out) const noexcept;
  // The client order id a label names, or 0 when it is not one of ours
  // (another prefix, a manual order, malformed).
  [[nodiscard]] core::client_order_id parse_label(std::string_view label) const noexcept;
  // The label prefix every order of `bot` carries ("tr-3-").
  [[nodiscard]] std::string bot_label_prefix(std::uint16_t bot) const;
  [[nodiscard]] std::string_view label_prefix() const noexcept { return prefix_; }

  [[nodiscard]] static bool valid_label_prefix(std::string_view prefix) noexcept;

 private:
  const core::instrument_catalog& catalog_;
  std::string prefix_;
};

}  // namespace tickrail::deribit
