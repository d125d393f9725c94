// tickrail/binance/feed_parser.hpp — Binance USD-M futures market data into
// core events: `depthUpdate` (U, u, pu), `bookTicker`, `trade`, `aggTrade`,
// raw or wrapped in combined-stream frames ({"stream":…,"data":…}), and the
// REST depth snapshot ({"lastUpdateId":…,"bids":…,"asks":…}).
//
// Order-book sync follows Binance's futures procedure: depth updates that
// arrive before the snapshot are buffered; on the snapshot (id L) updates
// with u < L are dropped, the first one applied must cover L (U <= L <= u),
// and each later one must have pu equal to the previous u. The parser emits
// the snapshot and then the updates with prev_change_id = pu (the first one
// re-chained to L), so the core book stage checks one uniform rule for every
// venue. When the parser itself finds the chain cannot continue (the update
// covering L never came), it emits an empty book_change whose
// prev_change_id is k_gap_marker: the book stage reports the gap and asks for
// a resync like any other. request_resync() puts an instrument back to
// buffering until the next snapshot.
//
// The REST snapshot names no symbol: it is attributed to the instrument given
// to expect_snapshot(), or else to the only instrument waiting for one.
//
// No allocation after construction; the buffer is bounded (overflow drops
// the buffered updates, and the sync then fails into a resync, safely).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "tickrail/core/events.hpp"
#include "tickrail/core/feed_status.hpp"
#include "tickrail/core/instrument.hpp"

namespace tickrail::binance {

inline constexpr std::int64_t k_gap_marker = -2;

enum class sync_state : std::uint8_t { awaiting_snapshot, awaiting_first, live };

struct sync_counters {
  std::uint64_t snapshots = 0;         // snapshots applied
  std::uint64_t dropped_stale = 0;     // buffered or live updates with u < L
  std::uint64_t sync_failures = 0;     // the update covering L was missing
  std::uint64_t buffer_overflows = 0;  // pre-snapshot buffer ran out of room
};

class feed_parser {
 public:
  struct options {
    std::size_t max_frame_bytes = 4u << 20;
    std::size_t max_events = 8192;           // events one frame may produce
    std::size_t max_buffered_events = 8192;  // pre-snapshot depth buffer
  };

  explicit feed_parser(const core::instrument_catalog& catalog) : feed_parser(catalog, options{}) {}
  feed_parser(const core::instrument_catalog& catalog, options opts);
  ~feed_parser();
  feed_parser(const feed_parser&) = delete;
  feed_parser& operator=(const feed_parser&) = delete;

  // As deribit::feed_parser::parse: events() holds this frame's events on ok
  // (possibly none, e.g. a depth update buffered before the snapshot).
  core::feed_error parse(std::string_view frame, std::int64_t local_ts_ns) noexcept;
  core::feed_error parse_padded(const char* data, std::size_t len, std::size_t capacity,
                                std::int64_t local_ts_ns) noexcept;

  void request_resync(core::instrument_id id) noexcept;
  void expect_snapshot(core::instrument_id id) noexcept;

  [[nodiscard]] sync_state state(core::instrument_id id) const noexcept;
  [[nodiscard]] std::span<const core::event> events() const noexcept;
  [[nodiscard]] const core::feed_counters& counters() const noexcept;
  [[nodiscard]] const sync_counters& sync() const noexcept;

  static constexpr std::size_t k_padding = 64;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace tickrail::binance
