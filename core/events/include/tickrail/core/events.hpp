// tickrail/core/events.hpp — the POD events that travel the rings.
//
//   feed I/O ──market_data──▶ [md ring]   ─┐
//   gateway  ──exec_report──▶ [exec ring] ─┼─▶ sequencer ──event──▶ book/strategy
//   control  ──command─────▶ [cmd ring]  ─┘        (+ its own timer events)
//   strategy ──order_intent──▶ risk ──order_request──▶ gateway
//
// Every event is trivially copyable and fixed-size, so rings preallocate them
// and copying one is a memcpy. Prices are integer ticks and quantities integer
// lots of the event's instrument (fixed_point.hpp); no floating point crosses
// a ring. Each event keeps both the venue's timestamp and our local receipt
// timestamp, and the sequencer stamps a pipeline sequence number: the total
// order that makes book, strategy and risk a pure function of the journal.
//
// Sizes are asserted below: changing one changes ring memory and the journal
// record format, so it should be a deliberate act.
#pragma once

#include <cstdint>
#include <type_traits>

#include "tickrail/core/sequence.hpp"

namespace tickrail::core {

using ticks = std::int64_t;           // a price in integer ticks of its instrument
using lots = std::int64_t;            // a quantity in integer lots of its instrument
using instrument_id = std::uint16_t;  // dense id for array indexing (instrument catalog)
// Ours; encoded into the venue order `label`. The top 16 bits are the bot,
// the low 48 a counter the strategy stage keeps strictly increasing per bot
// (seeded from time at start-up, so a restart never reuses an id): risk
// detects duplicates and replays with one compare (risk.hpp). 0 = not ours.
using client_order_id = std::uint64_t;
inline constexpr int k_client_order_bot_shift = 48;
[[nodiscard]] constexpr std::uint16_t bot_of(client_order_id id) noexcept {
  return static_cast<std::uint16_t>(id >> k_client_order_bot_shift);
}
[[nodiscard]] constexpr client_order_id make_client_order_id(std::uint16_t bot, std::uint64_t counter) noexcept {
  return (static_cast<client_order_id>(bot) << k_client_order_bot_shift) |
         (counter & ((1ull << k_client_order_bot_shift) - 1));
}

inline constexpr instrument_id no_instrument = 0xFFFF;

enum class side : std::uint8_t { buy = 0, sell = 1 };

// Venue timestamps arrive in milliseconds; events keep nanoseconds. False
// (and no result) when the value cannot be represented — venue input is
// untrusted, and an overflow here would be undefined behaviour.
[[nodiscard]] constexpr bool ms_to_ns(std::int64_t ms, std::int64_t& ns) noexcept {
  constexpr std::int64_t k_ns_per_ms = 1'000'000;
  if (ms > INT64_MAX / k_ns_per_ms || ms < INT64_MIN / k_ns_per_ms) return false;
  ns = ms * k_ns_per_ms;
  return true;
}

// market_data, exec_report, command and timer are what the sequencer merges;
// intent and reference are what the strategy stage emits into the risk
// stage's input ring (order intents, and the top of each valid book after an
// update) alongside the sequenced events it forwards, so risk consumes one
// ring in one total order (risk.hpp).
enum class event_type : std::uint8_t { none = 0, market_data, exec_report, command, timer, intent, reference };

// Common to every sequenced event. 32 bytes.
struct event_header {
  sequence_t sequence;          // pipeline sequence, stamped by the sequencer; -1 before
  std::int64_t exchange_ts_ns;  // venue timestamp, ns since the Unix epoch; 0 if none
  std::int64_t local_ts_ns;     // receipt on our side, tsc_clock ns (steady_clock epoch)
  event_type type;
  std::uint8_t venue;        // venue index in the running configuration
  instrument_id instrument;  // no_instrument for events about no instrument
  std::uint32_t flags;       // type-specific
};

// The sequence of an event that has not been through the sequencer yet.
inline constexpr sequence_t k_unsequenced = -1;

// The header a producer (feed, gateway, control, a test) gives an event it
// is about to publish: unsequenced, no flags unless given. The one place the
// field order is spelled out.
[[nodiscard]] constexpr event_header make_header(event_type type, instrument_id instrument, std::int64_t local_ts_ns,
                                                 std::int64_t exchange_ts_ns = 0, std::uint8_t venue = 0,
                                                 std::uint32_t flags = 0) noexcept {
  return event_header{k_unsequenced, exchange_ts_ns, local_ts_ns, type, venue, instrument, flags};
}

// ---- market data ----------------------------------------------------------------

enum class md_kind : std::uint8_t { book_snapshot, book_change, ticker, trade, quote };
enum class book_action : std::uint8_t { new_level, change_level, delete_level };

struct level_update {  // 24 bytes
  ticks price_ticks;
  lots qty_lots;  // new total at this price; 0 with delete_level
  side book_side;
  book_action action;
  std::uint8_t pad[6];
};

struct trade_print {  // 32 bytes
  ticks price_ticks;
  lots qty_lots;
  std::int64_t trade_seq;  // venue trade sequence / numeric trade id
  side aggressor;
  std::uint8_t pad[7];
};

// Ticker / quote fields. Any may be absent (venues send null): `present` has
// one bit per field, in declaration order (ticker_field enum).
struct ticker_fields {
  ticks best_bid_ticks;
  ticks best_ask_ticks;
  lots best_bid_lots;
  lots best_ask_lots;
  ticks mark_ticks;
  ticks index_ticks;
  ticks last_ticks;
  std::int64_t funding_e9;     // current funding rate × 1e9
  std::int64_t funding_8h_e9;  // 8h funding rate × 1e9
  lots open_interest_lots;
  std::uint32_t present;
  std::uint32_t pad;
};

enum class ticker_field : std::uint32_t {
  best_bid = 1u << 0,
  best_ask = 1u << 1,
  best_bid_qty = 1u << 2,
  best_ask_qty = 1u << 3,
  mark = 1u << 4,
  index = 1u << 5,
  last = 1u << 6,
  funding = 1u << 7,
  funding_8h = 1u << 8,
  open_interest = 1u << 9,
};

inline constexpr std::uint32_t k_md_inline_levels = 8;
inline constexpr std::uint32_t k_md_inline_trades = 6;

// market_data.fragment: a frame with more levels or trades than fit inline is
// split into consecutive events; all but the last carry more_follows, all but
// the first carry continuation. Consumers apply a book frame atomically only
// after the fragment without more_follows.
inline constexpr std::uint8_t k_fragment_more_follows = 1u << 0;
inline constexpr std::uint8_t k_fragment_continuation = 1u << 1;

struct market_data {
  md_kind kind;
  std::uint8_t fragment;  // k_fragment_* bits
  std::uint8_t count;     // valid entries in levels[] or trades[]
  std::uint8_t pad[5];
  std::int64_t change_id;       // book change id; 0 when not a book event
  std::int64_t prev_change_id;  // -1 when the venue sent none (a snapshot)
  union {
    level_update levels[k_md_inline_levels];
    trade_print trades[k_md_inline_trades];
    ticker_fields ticker;
  };
};

// ---- execution reports ------------------------------------------------------------

enum class order_state : std::uint8_t {
  pending_new,
  open,
  partially_filled,
  filled,
  cancelled,
  rejected,
  pending_cancel,
  pending_replace,
  untriggered,  // resting stop order not yet triggered
};

// Filled, cancelled and rejected orders never change state again.
[[nodiscard]] constexpr bool is_terminal(order_state s) noexcept {
  return s == order_state::filled || s == order_state::cancelled || s == order_state::rejected;
}

enum class exec_kind : std::uint8_t {
  order_ack,     // RPC response to buy/sell/edit/cancel
  order_update,  // user.orders notification
  fill,          // user.trades notification or reconciliation
  reject,        // RPC error for an order request
  position,      // position snapshot (reconciliation / portfolio)
  portfolio,     // equity / margin update
};

enum class order_type : std::uint8_t { limit, market, stop_limit, stop_market, take_limit, take_market };
enum class time_in_force : std::uint8_t { good_til_cancelled, immediate_or_cancel, fill_or_kill, good_til_day };

// order_intent.flags / exec_report.order_flags
inline constexpr std::uint8_t k_order_post_only = 1u << 0;
inline constexpr std::uint8_t k_order_reduce_only = 1u << 1;

inline constexpr std::uint32_t k_venue_order_id_size = 32;

struct exec_report {
  exec_kind kind;
  order_state state;
  side order_side;
  order_type type;
  std::uint8_t order_flags;
  std::uint8_t risk_reason;  // exec_kind::reject from pre-trade risk: its risk_reason (risk.hpp); else 0
  std::uint8_t pad[2];
  std::int32_t venue_error;                    // JSON-RPC error code (10009, 11054, ...) or 0
  client_order_id cl_ord_id;                   // 0 when the order is not ours (no/foreign label)
  std::int64_t request_id;                     // JSON-RPC id of the request this answers; 0 for notifications
  char venue_order_id[k_venue_order_id_size];  // NUL-padded
  ticks price_ticks;
  lots qty_lots;           // order amount (position size for exec_kind::position)
  lots filled_lots;        // cumulative
  ticks last_price_ticks;  // fill price (exec_kind::fill)
  lots last_qty_lots;      // fill quantity (exec_kind::fill)
  std::int64_t fee_e8;     // fee in settlement currency × 1e8 (negative = rebate)
  std::int64_t trade_seq;  // venue trade sequence for fills
  std::int64_t equity_e8;  // exec_kind::portfolio: equity × 1e8
};

// event_header.flags on an exec_report: the report comes from start-up or
// post-reconnect reconciliation, not from a request risk passed. Open orders
// of ours reported this way are adopted (tracked) instead of counted as
// divergence.
inline constexpr std::uint32_t k_exec_reconciled = 1u << 0;
// event_header.flags on an exec_report: a reject pre-trade risk sent back to
// the strategies (risk_stage's feedback ring, through the sequencer). The
// engine ignores these when they come round: it made the decision.
inline constexpr std::uint32_t k_exec_risk_feedback = 1u << 1;

// ---- operator commands and timers ------------------------------------------------

enum class command_kind : std::uint8_t {
  kill,
  reset_kill,
  reduce_only_on,
  reduce_only_off,
  cancel_all,
  regime_set,
  signal,
  anchor_price,
  reload_risk,
  stop,
  candle,  // a closed venue candle for the regime classifiers (strategies/candle_command.hpp)
};
// Command kinds are journalled by value: new kinds go at the end.
inline constexpr std::uint8_t k_command_kind_count = static_cast<std::uint8_t>(command_kind::candle) + 1;

struct command {
  command_kind kind;
  std::uint8_t regime;     // regime_set
  std::uint16_t bot;       // target bot, 0xFFFF for all
  std::uint32_t reply_id;  // correlates the reply on the control socket
  std::int64_t args[4];    // kind-specific (e.g. anchor price ticks)
  char text[64];           // kind-specific (e.g. signal name), NUL-padded
};

// event_header.flags of a command: sent by the strategy stage on a bot's
// regime change (not by an operator). Risk follows it but never lets it lift
// a BLACK its circuit breaker forced; only an operator's regime_set does.
inline constexpr std::uint32_t k_command_from_strategy = 1u << 0;

struct timer {
  std::uint32_t timer_id;
  std::uint32_t pad;
  std::int64_t deadline_ns;  // when it was due (sequencer time)
  std::int64_t fired_ns;     // when the sequencer fired it
};

// ---- orders --------------------------------------------------------------------

enum class intent_kind : std::uint8_t { place, cancel, replace, cancel_all, cancel_instrument, cancel_by_label };

// What a strategy wants; risk decides whether it becomes an order_request.
struct order_intent {
  sequence_t trigger_sequence;       // the sequenced event that caused it
  std::int64_t trigger_local_ts_ns;  // that event's receipt time (tick-to-order)
  client_order_id cl_ord_id;         // new order's id, or the order to cancel/replace
  ticks price_ticks;
  ticks trigger_price_ticks;  // stop/take trigger; 0 otherwise
  lots qty_lots;
  intent_kind kind;
  side order_side;
  order_type type;
  time_in_force tif;
  std::uint8_t flags;  // k_order_*
  std::uint8_t pad;
  instrument_id instrument;
  std::uint16_t bot;
  std::uint16_t component;  // which strategy component of the bot
  std::uint32_t pad2;
};

// The top of a book as the book+strategy stage left it after a frame: what
// pre-trade risk collars against. `valid` is false while the book is stale
// (gap, awaiting resync) or crossed; a side with no levels has 0 ticks.
struct reference_prices {
  ticks best_bid_ticks;
  ticks best_ask_ticks;
  std::uint8_t valid;
  std::uint8_t pad[7];
};

// ---- the sequenced stream --------------------------------------------------------

// What the sequencer emits: one total order of everything the hot path sees.
struct event {
  event_header header;
  union {
    market_data md;
    exec_report exec;
    command cmd;
    timer tick;
    order_intent intent;   // event_type::intent (strategy → risk)
    reference_prices ref;  // event_type::reference (strategy → risk)
  };
};

// An intent that passed pre-trade risk, ready to encode.
struct order_request {
  order_intent intent;
  sequence_t risk_sequence;                    // position in the risk stage's output
  char venue_order_id[k_venue_order_id_size];  // for cancel/edit; NUL-padded
};

// ---- layout contract ---------------------------------------------------------------

static_assert(std::is_trivially_copyable_v<event_header> && sizeof(event_header) == 32);
static_assert(std::is_trivially_copyable_v<level_update> && sizeof(level_update) == 24);
static_assert(std::is_trivially_copyable_v<trade_print> && sizeof(trade_print) == 32);
static_assert(std::is_trivially_copyable_v<market_data> && sizeof(market_data) == 216);
static_assert(std::is_trivially_copyable_v<exec_report> && sizeof(exec_report) == 128);
static_assert(std::is_trivially_copyable_v<command> && sizeof(command) == 104);
static_assert(std::is_trivially_copyable_v<timer> && sizeof(timer) == 24);
static_assert(std::is_trivially_copyable_v<event> && sizeof(event) == 248);
static_assert(std::is_trivially_copyable_v<order_intent> && sizeof(order_intent) == 64);
static_assert(std::is_trivially_copyable_v<reference_prices> && sizeof(reference_prices) == 24);
static_assert(std::is_trivially_copyable_v<order_request> && sizeof(order_request) == 104);
static_assert(std::is_standard_layout_v<event> && std::is_standard_layout_v<order_request>);

}  // namespace tickrail::core
