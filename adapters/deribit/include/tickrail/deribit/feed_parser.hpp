// tickrail/deribit/feed_parser.hpp — Deribit JSON-RPC v2 market-data frames
// into core market-data events, with simdjson On-Demand.
//
// Handles subscription notifications on `book.{instrument}.raw|100ms`
// (snapshot and change; old frames without `type`: no `prev_change_id` means
// snapshot), grouped `book.{instrument}.{group}.{depth}.{interval}` (a full
// top-N snapshot each time), `ticker.{instrument}.{interval}`,
// `trades.{instrument}.{interval}` and kind-wide `trades.{kind}.{currency}.
// {interval}`, `quote.{instrument}`; and RPC results shaped as a ticker
// (public/ticker) or a list of book summaries (get_book_summary_by_*), as
// ticker events. Heartbeats and other replies are `ignored`.
//
// Real-traffic facts it respects: any key order; `null` where numbers are
// documented (those fields are simply absent in the event); strings where
// numbers are documented on fields we do not read; exponents in numbers;
// string trade ids. Numbers are converted exactly from their JSON text
// (fixed_point.hpp); a price or amount off its instrument's grid is
// `off_tick`, never silently rounded.
//
// One parser per feed thread; the parser and its buffers are allocated at
// construction and reused, so parsing allocates nothing.
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

class feed_parser {
 public:
  struct options {
    std::size_t max_frame_bytes = 4u << 20;  // larger frames are frame_too_large
    std::size_t max_events = 8192;           // events one frame may produce
  };

  explicit feed_parser(const core::instrument_catalog& catalog) : feed_parser(catalog, options{}) {}
  feed_parser(const core::instrument_catalog& catalog, options opts);
  ~feed_parser();
  feed_parser(const feed_parser&) = delete;
  feed_parser& operator=(const feed_parser&) = delete;

  // Parses one text frame received at `local_ts_ns`. On `ok` the frame's
  // events are in events() until the next call; on anything else events()
  // is empty. Every outcome is counted in counters(). Copies the frame into
  // the parser's padded buffer; see parse_padded() to avoid that.
  core::feed_error parse(std::string_view frame, std::int64_t local_ts_ns) noexcept;
  // Zero-copy: `data` must stay readable for `capacity` bytes, with
  // capacity >= len + k_padding (the read buffer of the WebSocket client).
  core::feed_error parse_padded(const char* data, std::size_t len, std::size_t capacity,
                                std::int64_t local_ts_ns) noexcept;

  [[nodiscard]] std::span<const core::event> events() const noexcept;
  [[nodiscard]] const core::feed_counters& counters() const noexcept;

  static constexpr std::size_t k_padding = 64;  // simdjson's SIMDJSON_PADDING

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tickrail::deribit
