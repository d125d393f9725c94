// tickrail/sim/paper_gateway.hpp — the in-process paper gateway for
// `--dry-run`: the order gateway stage with the venue simulated in place.
// Orders never leave the process; fills are simulated against the live book
// with a queue position and the instrument's fees, and the execution reports
// are the ones deribit::gateway publishes for the same venue behaviour, so
// strategies and risk cannot tell the two apart.
//
//   risk ──[order ring: order_request]──▶ order_tracker ─▶ simulated venue ─┐
//   feed ──[md ring: event]──(extra consumer)──▶ book_builder ─▶ matching ──┤
//   sequencer ◀──[exec ring: event]── order_tracker ◀── exec reports ◀──────┘
//
// poll() applies the market data that arrived since the last turn (books,
// trades, tickers), matching resting orders against it, then drains the
// order ring. Every report goes through a core::order_tracker exactly as the
// real gateway's do (canonical state, ids filled in, duplicates dropped,
// positions kept) before it is published.
//
// What the venue does here (Deribit's rules, as tools/venue implements them):
//   * place: a marketable order (market, or a limit that crosses) walks the
//     visible levels at the taker fee, each fill at its level's price; what
//     is left rests (limit GTC), is cancelled (market, IOC), or — FOK — the
//     order is cancelled unfilled unless the visible liquidity covers it.
//     Reply: order_ack then one fill per level (request_id set); then one
//     portfolio event.
//   * visible liquidity is not consumed permanently (the real book never sees
//     our orders), but what our fills took at a level stays taken while the
//     level lasts: it is capped to the level's quantity on every book update
//     and forgotten when the level goes, so the same visible lots never fill
//     twice.
//   * post_only that would cross: rejected with 11054 (the real encoder
//     always sends reject_post_only, so Deribit rejects rather than reprices).
//   * reduce_only: the amount is cut to what reduces the position, rejected
//     (11029) when nothing would; a resting reduce-only order never fills past
//     flat (the rest is cancelled).
//   * queue: a resting order's queue ahead is the visible quantity at its
//     price on its side when it rests (or re-prices / grows on edit). Trades
//     printed at its price by the other side reduce the queue ahead, and what
//     is left of the print fills it; a print through its price fills it
//     directly. A level that shrinks below the queue ahead shrinks it. When
//     the opposite best reaches its price it fills against the crossing
//     visible levels. Resting fills are maker fills at the order's price:
//     fills, then order_update, then portfolio (notifications, request_id 0).
//   * stop_market / stop_limit rest `untriggered` until a trade prints at or
//     through the trigger (buy: ≥, sell: ≤), then act as a market / limit
//     order (fills, then order_update).
//   * replace = private/edit (amount, price; post_only re-checked), cancel,
//     cancel_all, cancel_instrument, cancel_by_label (notifications).
//   * errors as Deribit's codes (constants below) become reject events through
//     the tracker, as deribit::gateway publishes them.
// Fees in the settlement currency × 1e8, exact integer arithmetic rounded to
// nearest: inverse futures qty_usd / price × rate; linear qty × price ×
// rate; options rate per contract capped at 12.5 % of the premium.
// Equity per settlement currency = start + realised P&L − fees ± option
// premiums + open P&L at the mark (ticker mark, else mid, else last trade),
// published as exec_kind::portfolio after each place and fill batch, and on
// mark moves at most every `portfolio_interval_ns`. Not simulated: margin
// (no 10009), funding, settlement, rate limits, latency.
//
// Deterministic: state moves only with the rings' contents and the `now_ns`
// passed in; exchange timestamps are the market data's own (ms, like
// Deribit's). No allocation after construction, no locks, no syscalls, no
// clock. One owner thread (the gateway worker).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/fifo.hpp"
#include "tickrail/core/fixed_point.hpp"
#include "tickrail/core/id_table.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/order_tracker.hpp"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/position.hpp"
#include "tickrail/core/ring.hpp"

namespace tickrail::sim {

// Deribit's JSON-RPC codes for what the paper venue refuses, and the real
// gateway's own code for a request it cannot encode (deribit/rpc_errors.hpp;
// the sim library does not link the Deribit adapter, the test checks they
// agree).
inline constexpr std::int32_t k_error_order_not_found = 10004;
inline constexpr std::int32_t k_error_price_wrong_tick = 10043;
inline constexpr std::int32_t k_error_reduce_only = 11029;
inline constexpr std::int32_t k_error_not_open = 11044;
inline constexpr std::int32_t k_error_post_only = 11054;
inline constexpr std::int32_t k_error_invalid_params = -32602;
inline constexpr std::int32_t k_error_unencodable = -4;

struct paper_config {
  // Kept for parity with deribit::gateway_config; labels never leave the
  // process, orders are known by client order id.
  std::string label_prefix = "tr";
  // Starting equity per settlement currency, e.g. {"BTC", {10, 0}}; reported
  // as exec_kind::portfolio events by start(). Currencies of the catalog not
  // listed start at 0.
  std::vector<std::pair<std::string, core::decimal>> start_equity;
  std::size_t max_orders = 65536;       // live at once (venue side and tracker)
  std::size_t overflow_events = 65536;  // exec reports held while the exec ring is full
  // Mark-to-market portfolio events for held positions at most this often
  // (now_ns); 0 = only after places and fills.
  std::int64_t portfolio_interval_ns = 1'000'000'000;
};

class paper_gateway {
 public:
  struct counters {
    std::uint64_t requests = 0, placed = 0, filled = 0, cancelled = 0, rejected = 0, edits = 0, fills = 0;
    std::uint64_t triggered = 0, md_events = 0, book_frames = 0, trade_prints = 0;
    std::uint64_t published = 0, overflowed = 0, lost = 0, portfolio_updates = 0;
  };

  // orders: risk's output ring (consumer `order_consumer`); md: the feed's
  // market-data ring, read as an extra consumer (`md_consumer`: the ring
  // must be built with a cursor for it, and this gateway gates the feed like
  // any consumer); exec_out: the exec ring into the sequencer (its only
  // producer). The catalog must outlive the gateway.
  paper_gateway(const core::instrument_catalog& catalog, paper_config config, core::ring<core::order_request>& orders,
                std::size_t order_consumer, core::ring<core::event>& md, std::size_t md_consumer,
                core::ring<core::event>& exec_out);
  paper_gateway(const paper_gateway&) = delete;
  paper_gateway& operator=(const paper_gateway&) = delete;

  // Publishes the starting portfolio (one event per start_equity entry).
  void start(std::int64_t now_ns);
  // One turn: new market data (matching resting orders), then the order
  // ring. Returns the work done (0 = idle).
  std::size_t poll(std::int64_t now_ns);

  [[nodiscard]] const counters& stats() const noexcept { return counters_; }
  [[nodiscard]] const core::order_tracker& tracker() const noexcept { return tracker_; }
  [[nodiscard]] const core::book_builder& books() const noexcept { return books_; }
  // The simulated venue's position (signed lots, average entry).
  [[nodiscard]] const core::position& position_of(core::instrument_id id) const noexcept;
  // Equity × 1e8 in `currency` as the next portfolio event would report it;
  // 0 for an unknown currency. Cold path (linear in currencies).
  [[nodiscard]] std::int64_t equity_e8(std::string_view currency) const noexcept;
  // Live orders on the simulated venue (open or untriggered).
  [[nodiscard]] std::size_t live_orders() const noexcept { return live_; }
  // The queue ahead of a resting order, in lots; -1 when it is not resting.
  [[nodiscard]] core::lots queue_ahead(core::client_order_id id) const noexcept;

 private:
  static constexpr std::uint32_t k_none = 0xFFFF'FFFFu;
  static constexpr std::size_t k_max_walk = 256;     // levels a taker walks at most
  static constexpr std::size_t k_max_consumed = 64;  // levels with liquidity our fills took

  enum class venue_state : std::uint8_t { free, open, untriggered };

  struct sim_order {
    core::client_order_id id = 0;
    std::uint64_t number = 0;  // PAPER-<number>
    core::instrument_id instrument = core::no_instrument;
    core::side order_side = core::side::buy;
    core::order_type type = core::order_type::limit;
    core::time_in_force tif = core::time_in_force::good_til_cancelled;
    venue_state state = venue_state::free;
    bool post_only = false, reduce_only = false, resting = false;
    core::ticks price_ticks = 0;  // 0 for market-like orders
    core::ticks trigger_ticks = 0;
    core::lots amount_lots = 0, filled_lots = 0, queue_ahead_lots = 0;
    core::int128_t fill_value = 0;  // Σ price × qty, for the average price
    std::int64_t update_ms = 0;
    std::uint32_t prev = k_none, next = k_none;  // the instrument's live list, arrival order
    char venue_order_id[core::k_venue_order_id_size] = {};
  };

  // Lots our fills took from one visible level.
  struct consumed_level {
    core::instrument_id instrument = core::no_instrument;
    core::side level_side = core::side::buy;
    core::ticks price_ticks = 0;
    core::lots qty_lots = 0;
  };

  struct fill_note {  // a fill buffered until its order report is out
    core::ticks price_ticks;
    core::lots qty_lots;
    std::int64_t fee_e8;
    std::int64_t trade_seq;
    core::order_state state_after;
  };

  struct currency_state {
    std::string name;
    core::int128_t balance_e8 = 0;  // start + realised − fees ± premiums
    std::uint8_t venue = 0;
    bool mark_dirty = false;
  };

  enum class style : std::uint8_t { inverse, linear, option };  // how notional and P&L are computed

  struct instrument_state {
    core::position pos;
    core::ticks mark_ticks = 0, last_trade_ticks = 0;
    std::uint16_t currency = 0;
    style money = style::linear;
    bool held = false;                           // in held_
    std::uint32_t head = k_none, tail = k_none;  // live orders
  };

  // market data
  bool on_market_data(const core::event& e) noexcept;
  void match_book(core::instrument_id id) noexcept;
  void finish_resting(sim_order& o) noexcept;
  void match_trade(core::instrument_id id, const core::trade_print& t) noexcept;
  // orders
  void on_request(core::order_request r) noexcept;
  void place(const core::order_request& r, std::int64_t request_id) noexcept;
  void edit(const core::order_request& r, std::int64_t request_id) noexcept;
  void cancel(const core::order_request& r, std::int64_t request_id) noexcept;
  // Cancels the live orders of `only` (no_instrument: all) as
  // notifications, as cancel_all / cancel_all_by_instrument do.
  void cancel_matching(core::instrument_id only) noexcept;
  void cancel_by_label(core::client_order_id id) noexcept;
  // the venue
  [[nodiscard]] std::uint32_t find_venue(const char (&venue_order_id)[core::k_venue_order_id_size]) const noexcept;
  [[nodiscard]] std::uint32_t allocate() noexcept;
  void link(std::uint32_t index) noexcept;
  void release(std::uint32_t index) noexcept;
  // Fills o against the visible opposite levels (through its price when it
  // has one), net of what our fills took, into fills_: at each level's price
  // and the taker fee, or (maker) at the order's price and the maker fee.
  // Returns the lots filled.
  core::lots sweep(sim_order& o, bool maker) noexcept;
  // The visible lots sweep() could take for o, up to `want`.
  [[nodiscard]] core::lots takeable(const sim_order& o, core::lots want) noexcept;
  void rest(sim_order& o, bool requeue) noexcept;
  // One fill on the venue: position, balance, fee; buffered in fills_.
  void fill(sim_order& o, core::ticks price, core::lots qty, bool maker) noexcept;
  // Executes a live, triggered order: take, then rest or cancel. Returns its
  // state: filled, cancelled, or open (resting).
  core::order_state execute(sim_order& o, bool requeue) noexcept;
  [[nodiscard]] core::lots reduce_room(const sim_order& o) const noexcept;
  [[nodiscard]] core::lots taken_at(core::instrument_id id, core::side s, core::ticks price) const noexcept;
  void add_taken(core::instrument_id id, core::side s, core::ticks price, core::lots qty) noexcept;
  void trim_taken(core::instrument_id id) noexcept;
  void set_held(core::instrument_id id) noexcept;
  [[nodiscard]] std::int64_t fee_e8(const core::instrument& inst, core::ticks price, core::lots qty,
                                    bool maker) const noexcept;
  [[nodiscard]] core::int128_t open_value_e8(core::instrument_id id) const noexcept;
  [[nodiscard]] std::int64_t equity_of(std::uint16_t currency) const noexcept;
  // reports
  void report_order(const sim_order& o, core::exec_kind kind, core::order_state state,
                    std::int64_t request_id) noexcept;
  void report_fills(const sim_order& o, std::int64_t request_id) noexcept;
  void report_portfolio(std::uint16_t currency) noexcept;
  void reject(std::int64_t request_id, std::int32_t code, const core::order_request& r) noexcept;
  void reject_unsent(const core::order_request& r, std::int32_t code) noexcept;
  void unencodable(const core::order_request& r, std::int64_t request_id) noexcept;
  void submit(core::event& e) noexcept;  // through the tracker, then published if applied
  void publish(const core::event& e) noexcept;
  std::size_t flush_overflow() noexcept;
  [[nodiscard]] core::event_header header(core::instrument_id id) const noexcept;

  const core::instrument_catalog& catalog_;
  paper_config config_;
  core::ring<core::order_request>& orders_;
  std::size_t order_consumer_;
  core::ring<core::event>& md_;
  std::size_t md_consumer_;
  core::ring<core::event>& exec_out_;
  core::order_tracker tracker_;
  core::book_builder books_;
  std::vector<sim_order> pool_;
  std::vector<std::uint32_t> free_;
  core::id_table by_number_;  // PAPER-<n> → pool index
  core::id_table by_label_;   // client order id → pool index
  std::vector<instrument_state> instruments_;
  std::vector<currency_state> currencies_;
  std::vector<core::instrument_id> held_;  // instruments with a position
  std::vector<consumed_level> consumed_;   // lots == 0: free
  std::size_t consumed_next_ = 0;          // round-robin eviction when full
  std::vector<fill_note> fills_;
  std::vector<core::book_level> walk_;
  core::fifo<core::event> overflow_;
  std::size_t live_ = 0;
  std::uint64_t next_order_number_ = 1;
  std::int64_t next_trade_seq_ = 1;
  std::int64_t next_request_id_ = 1;
  std::int64_t now_ns_ = 0;
  std::int64_t venue_ms_ = 0;  // the latest market-data exchange time, ms
  std::int64_t last_mark_publish_ns_ = 0;
  counters counters_;
};

}  // namespace tickrail::sim
