// tickrail/core/risk.hpp — pre-trade risk: the checks every order intent
// passes before it may become an order request, and the state they need
// (positions, our resting orders, reference prices, equity, kill switch).
//
// `risk_engine` is pure logic over one input stream in one total order —
// what the strategy stage writes into the risk stage's ring: order intents,
// reference prices (top of each book), and the sequenced execution reports,
// commands, tickers and timers it forwards (events.hpp). It reads no clock:
// time is the events' timestamps (local receipt time for rates and windows,
// venue time for the UTC daily reset). Replaying the same stream gives the
// same decisions, byte for byte.
//
// For a new order (intent_kind::place) the checks run in this order; the
// first that fails is the reject reason, counted per reason:
//   kill switch latched → trading state HALTED → instrument has limits →
//   quantity > 0, limit price > 0 → min quantity → max order quantity →
//   regime gate for the side → reduce-only (state REDUCING, daily loss
//   breached, or the intent's reduce_only flag: only orders that shrink the
//   position, counting our resting orders on the same side) → quantization to
//   the tick step (reject, or round to the passive side) → a reference price
//   exists (mid of a valid book, or mark) → price collar against mid and mark
//   (percent and ticks) → max order notional, min notional → max position
//   with every resting order on the side filled (worst case) → max open
//   orders (instrument, then all) → self-trade (a buy at or above our lowest
//   resting sell, or vice versa) → client order id (the intent's bot, and
//   above the last id that bot had passed: catches duplicates and replays
//   with one compare, events.hpp) → order-rate
//   token bucket of the venue → runaway guard (more than K orders within the
//   window trips HALTED).
// Cancels (one order, all, by instrument, by label) pass everything but need
// a known order; replaces are checked like a new order of the new size
// against the position without the order being replaced.
//
// State kept from the stream:
//   * positions from fills (exec_kind::fill) and reconciliation snapshots
//     (exec_kind::position); resting quantity per side from what risk passed,
//     corrected by order updates (amount − filled) and removed on a terminal
//     state. Pending orders count as resting: the worst case.
//   * equity per venue (exec_kind::portfolio): the high-water mark (persisted)
//     and the equity at the last daily reset. Equity covers realised and
//     unrealised P&L, fees and funding, so the daily loss is
//     equity at reset − equity now.
//   * divergence: an execution report for an order of ours that risk never
//     passed, or fills beyond an order's amount. More than max_divergence of
//     them trips HALTED (orders on the wire no longer match intents).
//
// Automatic actions, each reported as a risk_record for the slow path
// (persistence, alerts):
//   kill (operator command, or equity ≤ HWM × (1 − kill_loss)): latches,
//     forces BLACK, emits one cancel_all request; survives restart through
//     risk_persisted_state until a reset_kill command.
//   circuit breaker (mid fell by drop % within the window): forces BLACK
//     until the next regime_set command.
//   runaway / divergence: HALTED until reset_kill.
//   daily loss breached: reduce-only until the next daily reset.
//   funding beyond warn / extreme: an alert on each upward crossing.
//
// No allocation after construction, no locks, no syscalls. Thread-safety:
// one owning stage; `metrics()` may be read from any thread.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/id_table.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/relaxed_counter.hpp"
#include "tickrail/core/token_bucket.hpp"
#include "tickrail/core/regime.hpp"
#include "tickrail/core/risk_limits.hpp"

namespace tickrail::core {

#define TR_RISK_REASONS(X)                                                                                        \
  X(accepted, "accepted")                                                                                         \
  X(kill_switch, "kill_switch")                                                                                   \
  X(halted, "halted")                                                                                             \
  X(unknown_instrument, "unknown_instrument") /* not in the catalog, or no [risk.instruments] limits */           \
  X(invalid_quantity, "invalid_quantity")                                                                         \
  X(invalid_price, "invalid_price")                                                                               \
  X(below_min_qty, "below_min_qty")                                                                               \
  X(max_order_qty, "max_order_qty")                                                                               \
  X(regime_gated, "regime_gated")                                                                                 \
  X(reduce_only, "reduce_only")                                                                                   \
  X(daily_loss, "daily_loss") /* reduce-only because the daily loss limit is breached */                          \
  X(off_tick, "off_tick")                                                                                         \
  X(no_reference_price, "no_reference_price")                                                                     \
  X(price_collar, "price_collar")                                                                                 \
  X(max_order_notional, "max_order_notional")                                                                     \
  X(min_notional, "min_notional")                                                                                 \
  X(max_position, "max_position")                                                                                 \
  X(max_open_orders, "max_open_orders")                                                                           \
  X(self_trade, "self_trade")                                                                                     \
  X(invalid_client_id, "invalid_client_id")     /* 0, or not of the intent's bot (events.hpp: client_order_id) */ \
  X(duplicate_client_id, "duplicate_client_id") /* not above the last id the bot had passed */                    \
  X(rate_limited, "rate_limited")                                                                                 \
  X(runaway, "runaway")                                                                                           \
  X(unknown_order, "unknown_order") /* cancel / replace of an order risk does not know */                         \
  X(capacity, "capacity")           /* the order table is full (risk_limits::k_max_open_orders) */
TR_DEFINE_ENUM(risk_reason, std::uint8_t, TR_RISK_REASONS)

#define TR_TRADING_STATES(X) \
  X(active, "ACTIVE")        \
  X(reducing, "REDUCING")    \
  X(halted, "HALTED")
TR_DEFINE_ENUM(trading_state, std::uint8_t, TR_TRADING_STATES)

#define TR_HEALTH_STATES(X) \
  X(ok, "OK")               \
  X(degraded, "DEGRADED")   \
  X(halted, "HALTED")
TR_DEFINE_ENUM(health, std::uint8_t, TR_HEALTH_STATES)
// ACTIVE → OK, REDUCING → DEGRADED, HALTED → HALTED; a latched kill is HALTED.
[[nodiscard]] constexpr health health_of(trading_state s, bool killed) noexcept {
  if (killed || s == trading_state::halted) return health::halted;
  return s == trading_state::reducing ? health::degraded : health::ok;
}

#define TR_KILL_CAUSES(X)                 \
  X(none, "none")                         \
  X(operator_command, "operator_command") \
  X(equity_drawdown, "equity_drawdown")
TR_DEFINE_ENUM(kill_cause, std::uint8_t, TR_KILL_CAUSES)

#define TR_HALT_CAUSES(X) \
  X(none, "none")         \
  X(runaway, "runaway")   \
  X(divergence, "divergence")
TR_DEFINE_ENUM(halt_cause, std::uint8_t, TR_HALT_CAUSES)

// What survives a restart (the store's bot_state table).
struct risk_persisted_state {
  bool killed = false;
  kill_cause cause = kill_cause::none;
  std::int64_t killed_utc_ns = 0;
  std::array<std::int64_t, k_venue_count> hwm_equity_e8{};  // 0 = not yet known
};

// Records for the slow path: persistence (kill, kill_reset, hwm) and alerts
// (everything else). POD, no strings: formatting happens on the slow path.
#define TR_RISK_RECORD_KINDS(X)                                                                                  \
  X(rejected, "rejected") /* reason, cl_ord_id, instrument */                                                    \
  X(kill, "kill")         /* cause (kill_cause), value0 = equity_e8, value1 = hwm_e8 */                          \
  X(kill_reset, "kill_reset")                                                                                    \
  X(hwm, "hwm")                         /* venue, value0 = new high-water mark e8 */                             \
  X(halted, "halted")                   /* cause (halt_cause), value0 = count that tripped it */                 \
  X(trading_state, "trading_state")     /* cause (trading_state) */                                              \
  X(circuit_breaker, "circuit_breaker") /* instrument, value0 = window high (ticks), value1 = mid now (ticks) */ \
  X(funding_warn, "funding_warn")       /* instrument, value0 = funding e9 */                                    \
  X(funding_extreme, "funding_extreme") /* instrument, value0 = funding e9 */                                    \
  X(daily_loss, "daily_loss")           /* venue, value0 = equity at reset e8, value1 = equity now e8 */         \
  X(day_rolled, "day_rolled")           /* venue, value0 = equity at reset e8 */                                 \
  X(limits_reloaded, "limits_reloaded")
TR_DEFINE_ENUM(risk_record_kind, std::uint8_t, TR_RISK_RECORD_KINDS)

struct risk_record {
  risk_record_kind kind;
  risk_reason reason;
  std::uint8_t cause;
  std::uint8_t venue;
  instrument_id instrument;
  std::uint16_t pad;
  std::int64_t utc_ns;    // venue time of the latest event (0 before any)
  std::int64_t local_ns;  // local time of the event that caused it
  client_order_id cl_ord_id;
  std::int64_t value0;
  std::int64_t value1;
};
static_assert(std::is_trivially_copyable_v<risk_record> && sizeof(risk_record) == 48);

// What the control socket and /metrics read, from any thread (relaxed: each
// value is individually current, not a consistent snapshot).
struct alignas(cache_line) risk_metrics {
  std::array<relaxed_counter, k_risk_reason_count> decisions;  // [accepted] = passed orders
  relaxed_counter cancels_passed;
  relaxed_counter divergences;
  relaxed_counter records_dropped;     // outbox full
  std::atomic<std::uint8_t> state{0};  // trading_state
  std::atomic<std::uint8_t> killed{0};
  std::atomic<std::uint8_t> regime{0};  // effective regime
  std::atomic<std::uint32_t> open_orders{0};
};

class risk_engine {
 public:
  static constexpr std::size_t k_outbox_capacity = 64;

  // `limits` must outlive the engine or be replaced through set_limits()
  // first; `restored` is the persisted state from the previous run.
  // `order_capacity` bounds the orders tracked at once (live and pending);
  // beyond it new orders are refused with `capacity`.
  risk_engine(const instrument_catalog& catalog, const risk_limits* limits, const risk_persisted_state& restored = {},
              std::size_t order_capacity = 8192);

  // Processes one event of the risk input stream. Returns true and fills
  // `out` when an order request must go to the gateway: a passed intent, or
  // the cancel_all of a kill or of an operator cancel_all command.
  [[nodiscard]] bool on_event(const event& ev, order_request& out) noexcept;

  // The decision for the most recent intent (accepted when it passed).
  [[nodiscard]] risk_reason last_decision() const noexcept { return last_decision_; }

  // Swaps in new limits (already validated) and emits limits_reloaded.
  void set_limits(const risk_limits* limits) noexcept;
  [[nodiscard]] const risk_limits& limits() const noexcept { return *limits_; }

  // Slow-path records since the last clear_records().
  [[nodiscard]] std::span<const risk_record> records() const noexcept { return {outbox_.data(), outbox_size_}; }
  void clear_records() noexcept { outbox_size_ = 0; }

  // ---- views (owning thread; tests, the stage) ----
  [[nodiscard]] bool killed() const noexcept { return killed_; }
  [[nodiscard]] kill_cause cause_of_kill() const noexcept { return kill_cause_; }
  [[nodiscard]] trading_state state() const noexcept { return state_; }
  [[nodiscard]] halt_cause cause_of_halt() const noexcept { return halt_cause_; }
  [[nodiscard]] bool daily_loss_breached() const noexcept { return daily_loss_breached_; }
  [[nodiscard]] regime effective_regime() const noexcept;
  [[nodiscard]] health current_health() const noexcept { return health_of(state_, killed_); }
  [[nodiscard]] lots position(instrument_id id) const noexcept { return inst_[id].position; }
  [[nodiscard]] lots resting(instrument_id id, side s) const noexcept { return inst_[id].resting[idx(s)]; }
  [[nodiscard]] std::uint32_t open_orders() const noexcept { return static_cast<std::uint32_t>(orders_.size()); }
  [[nodiscard]] std::uint32_t open_orders(instrument_id id) const noexcept { return inst_[id].open_orders; }
  [[nodiscard]] risk_persisted_state persisted() const noexcept;
  [[nodiscard]] const risk_metrics& metrics() const noexcept { return *metrics_; }

 private:
  // One cache line per order: what the checks and the cancel path read.
  // The venue's order id (written on acknowledgement, read for cancels and
  // edits) lives beside it in venue_ids_.
  struct alignas(cache_line) tracked_order {
    client_order_id cl_ord_id = 0;
    ticks price_ticks = 0;
    lots amount_lots = 0;                      // order amount as last known
    lots remaining_lots = 0;                   // what may still fill (counted as resting)
    lots fills_lots = 0;                       // from fill reports (overfill check)
    std::uint32_t prev = k_nil, next = k_nil;  // per-instrument list
    instrument_id instrument = no_instrument;
    side order_side = side::buy;
    order_state state = order_state::pending_new;
  };
  static_assert(sizeof(tracked_order) == cache_line);
  using venue_order_id_text = std::array<char, k_venue_order_id_size>;
  static constexpr std::uint32_t k_nil = 0xFFFF'FFFFu;

  // Per instrument, hot fields first: what a new order reads lies in the
  // first two cache lines — the limits and catalog entry it is checked
  // against (lim is null when the instrument has no [risk.instruments]
  // table: orders are refused), position, resting orders and the collar band.
  struct alignas(cache_line) instrument_state {
    const instrument_limits* lim = nullptr;
    const instrument* inst = nullptr;
    lots position = 0;
    std::array<lots, 2> resting{};
    // Prices that pass the collar against mid and mark, recomputed when a
    // reference or the limits change, so an order pays two compares.
    ticks band_lo = 0, band_hi = 0;
    bool have_band = false;  // a reference price exists
    bool stepped = false;    // the instrument's tick size steps with price
    bool book_valid = false;
    bool have_mark = false;
    std::uint8_t venue = 0;  // the catalog entry's, as an index
    std::uint32_t open_orders = 0;
    std::array<std::uint32_t, 2> resting_count{};
    std::uint32_t head = k_nil;
    // [buy] the highest resting buy, [sell] the lowest resting sell; valid
    // while resting_count of that side is not 0.
    std::array<ticks, 2> best_resting{};
    ticks bid = 0, ask = 0, mark = 0;
    std::uint8_t funding_level = 0;  // 0 normal, 1 warn, 2 extreme
  };

  struct breaker_bucket {
    std::int64_t epoch = -1;  // local_ns / bucket length
    ticks high = 0;
  };
  static constexpr std::size_t k_breaker_buckets = 32;
  using breaker_window = std::array<breaker_bucket, k_breaker_buckets>;

  struct venue_state {
    std::int64_t equity_e8 = 0;
    std::int64_t hwm_e8 = 0;
    std::int64_t day_start_e8 = 0;
    bool have_equity = false;
    bool have_day_start = false;
    // Order rate, from the venue's rate limit (apply_limits); full at start.
    token_bucket orders;
  };

  static constexpr std::size_t idx(side s) noexcept { return static_cast<std::size_t>(s); }

  risk_reason check_place(const event& ev, order_request& out) noexcept;
  risk_reason check_replace(const event& ev, order_request& out) noexcept;
  risk_reason check_cancel(const event& ev, order_request& out) noexcept;
  // Shared by place and replace. `price_ticks` may be rounded to the tick
  // step; `track_price` is the price the order is tracked at (the notional
  // reference for market orders). `replaced_lots` is the resting quantity of
  // the order a replace supersedes (0 for a new order).
  risk_reason check_new_risk(const order_intent& in, const instrument_state& st, ticks& price_ticks, ticks& track_price,
                             lots replaced_lots) noexcept;
  bool take_token(std::size_t venue) noexcept;
  bool runaway_trips() noexcept;

  void on_exec(const event& ev) noexcept;
  void on_command(const event& ev, bool& emit_cancel_all) noexcept;
  void on_market_data(const event& ev) noexcept;
  void on_reference(const event& ev) noexcept;
  void on_mid(instrument_id id, ticks mid) noexcept;
  void update_band(instrument_id id) noexcept;
  void on_equity(std::uint8_t venue_index, std::int64_t equity_e8) noexcept;
  void advance_time(const event_header& h) noexcept;

  void kill(kill_cause cause, std::int64_t equity_e8, std::int64_t hwm_e8) noexcept;
  void halt(halt_cause cause, std::int64_t count) noexcept;
  void note_divergence() noexcept;
  void set_state(trading_state s) noexcept;
  // Publishes the status to the metrics and recomputes side_open_; called
  // on every change of kill, trading state, regime, breaker or daily loss.
  void publish_status() noexcept;
  // Points each instrument at its limits and catalog entry, recomputes its
  // collar band, and takes each venue's bucket rate, capacity and fill time
  // (construction and set_limits).
  void apply_limits() noexcept;
  void fill_cancel_all(order_request& out, sequence_t trigger) noexcept;

  std::uint32_t track(const order_intent& in, ticks price_ticks, order_state state) noexcept;
  void untrack(std::uint32_t index) noexcept;
  void set_remaining(tracked_order& o, lots remaining) noexcept;
  void refresh_best(instrument_id id, side s) noexcept;
  void note_id(client_order_id id) noexcept;
  [[nodiscard]] bool passed_before(client_order_id id) const noexcept;

  void emit(risk_record_kind kind, const risk_record& fields) noexcept;
  void reject(risk_reason reason, const order_intent& in) noexcept;

  const instrument_catalog& catalog_;
  const risk_limits* limits_;
  std::unique_ptr<risk_metrics> metrics_;

  std::vector<instrument_state> inst_;
  std::vector<breaker_window> breakers_;  // by instrument: the circuit breaker's window highs
  std::array<venue_state, k_venue_count> venues_{};
  std::vector<tracked_order> pool_;
  std::vector<venue_order_id_text> venue_ids_;  // by pool index
  std::vector<std::uint32_t> free_;
  id_table orders_;                       // live orders: cl_ord_id → pool index
  std::vector<client_order_id> last_id_;  // per bot: the highest id passed or reported
  std::vector<std::int64_t> runaway_times_;
  std::uint64_t runaway_total_ = 0;

  bool killed_ = false;
  kill_cause kill_cause_ = kill_cause::none;
  std::int64_t killed_utc_ns_ = 0;
  trading_state state_ = trading_state::active;
  halt_cause halt_cause_ = halt_cause::none;
  regime regime_ = regime::calm;
  bool breaker_tripped_ = false;
  bool daily_loss_breached_ = false;
  // [side]: nothing above restricts new orders on that side (not killed,
  // not halted, not reduce-only, daily loss not breached, the effective
  // regime does not gate it), so a new order skips those checks.
  std::array<bool, 2> side_open_{};
  std::uint64_t divergences_ = 0;

  std::int64_t now_local_ns_ = 0;
  std::int64_t now_utc_ns_ = 0;
  std::int64_t next_reset_utc_ns_ = 0;
  sequence_t output_sequence_ = 0;
  bool cancel_all_due_ = false;
  risk_reason last_decision_ = risk_reason::accepted;

  std::array<risk_record, k_outbox_capacity> outbox_{};
  std::size_t outbox_size_ = 0;
};

}  // namespace tickrail::core
