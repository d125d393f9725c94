// tickrail/deribit/exec_parser.hpp — every frame of a Deribit trading
// connection, parsed once with simdjson On-Demand: the JSON-RPC envelope for
// the session (reply / error / subscription / heartbeat, request id, error
// code, auth tokens), and execution events for the exec ring.
//
//   result {order, trades}  (buy, sell, edit)        → order_ack + fill per trade
//   result {order fields}   (cancel, get_order_state) → order_ack
//   result [orders]         (get_open_orders_*)       → order_update per order
//   result {trades, has_more} / [trades]              → fill per trade
//   result [positions]      (get_positions)           → position per instrument
//   result {equity, ...}    (get_account_summary)     → portfolio
//   result N                (cancel_all*, cancel_by_label) → frame.count
//   user.orders.*.raw / .100ms → order_update (one order / an array)
//   user.trades.*              → fill per trade
//   user.portfolio.{ccy}       → portfolio (equity)
//   other subscriptions        → frame.market_data (hand it to feed_parser)
//
// Shapes are recognised by their fields, so replies need no request table
// here; the session correlates `frame.id`. Our orders are recognised by
// their label (order_encoder::parse_label); other orders and trades have
// cl_ord_id 0. An element for an instrument the catalog lacks is skipped and
// counted (reconciliation lists every order of a currency); a malformed
// frame is an error and produces no events. Order states map as: open with
// a fill → partially_filled; "triggered" → open. Prices and amounts convert
// exactly (off the grid → off_tick); average prices, fees and equity round
// to nearest (fees and equity × 1e8).
//
// One parser per connection thread; buffers are allocated at construction,
// so parsing allocates nothing. Views in frame() stay valid until the next
// parse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "tickrail/core/events.hpp"
#include "tickrail/core/feed_status.hpp"
#include "tickrail/core/instrument.hpp"

namespace tickrail::deribit {

class order_encoder;

enum class frame_kind : std::uint8_t {
  reply,         // {"id":N,"result":...}
  error,         // {"id":N,"error":{...}}
  subscription,  // {"method":"subscription","params":{"channel":...}}
  test_request,  // heartbeat asking for public/test
  heartbeat,     // heartbeat, nothing to answer
  other,         // any other valid object
};

struct rpc_frame {
  frame_kind kind = frame_kind::other;
  std::int64_t id = -1;            // replies and errors; -1 when absent
  std::int32_t error_code = 0;     // frame_kind::error
  std::string_view error_message;  // frame_kind::error
  std::string_view channel;        // frame_kind::subscription
  bool market_data = false;        // a subscription that is not user.*
  bool has_more = false;           // a trades reply with more pages
  std::int64_t count = -1;         // a numeric result (orders cancelled)
  std::string_view access_token;   // public/auth reply
  std::string_view refresh_token;
  std::int64_t expires_in_s = 0;
  std::uint32_t skipped = 0;  // elements for instruments we do not know
};

class exec_parser {
 public:
  struct options {
    std::size_t max_frame_bytes = 4u << 20;
    std::size_t max_events = 4096;
  };

  exec_parser(const core::instrument_catalog& catalog, const order_encoder& labels)
      : exec_parser(catalog, labels, options{}) {}
  exec_parser(const core::instrument_catalog& catalog, const order_encoder& labels, options opts);
  ~exec_parser();
  exec_parser(const exec_parser&) = delete;
  exec_parser& operator=(const exec_parser&) = delete;

  // Parses one text frame received at `local_ts_ns`. `ok` also for frames
  // with no events (heartbeats, acks); then frame() says what it was. On an
  // error frame() and events() are empty. Every outcome is counted.
  core::feed_error parse(std::string_view text, std::int64_t local_ts_ns) noexcept;
  // Zero-copy: `data` readable for `capacity` >= len + k_padding bytes.
  core::feed_error parse_padded(const char* data, std::size_t len, std::size_t capacity,
                                std::int64_t local_ts_ns) noexcept;

  [[nodiscard]] const rpc_frame& frame() const noexcept;
  // exec_report events; exec.request_id is the frame's id for replies.
  [[nodiscard]] std::span<const core::event> events() const noexcept;
  [[nodiscard]] const core::feed_counters& counters() const noexcept;

  static constexpr std::size_t k_padding = 64;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tickrail::deribit
