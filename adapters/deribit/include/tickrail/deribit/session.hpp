// tickrail/deribit/session.hpp — one Deribit JSON-RPC session over a
// WebSocket: the connection's life from connect to logout, on the thread
// that polls it (the gateway I/O thread).
//
//   connecting ─▶ authenticating ─▶ configuring ─▶ reconciling ─▶ ready
//       ▲            public/auth      set_heartbeat    open orders,     │
//       │                             enable_cancel_   user trades 24 h,│
//       │                             on_disconnect,   positions        │
//       │                             subscribe                         │
//       └──── backoff (capped, jittered exponential) ◀── any failure ◀──┘
//
// * Auth: client_credentials; refreshed with the refresh token at
//   `refresh_fraction` of its lifetime; any 13009 re-authenticates.
// * Heartbeat: set_heartbeat(interval); every test_request is answered with
//   public/test; no frame for 2 intervals + 1 s means the link is dead →
//   reconnect.
// * Requests carry ids from one counter; each has a deadline. A session
//   request that times out or fails restarts the connection; an order
//   request (the gateway's) is reported to the listener.
// * After every reconnect: re-auth, exactly the previous subscriptions
//   (book channels answer with a fresh snapshot: the book resyncs), then
//   reconciliation, and only then ready — trading resumes.
// * stop(): private/cancel_all, then private/logout (cancel-on-disconnect
//   does not fire on logout), then close.
//
// The listener receives everything the connection carries, parsed once.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/clock.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/deribit/exec_parser.hpp"
#include "tickrail/deribit/rpc_errors.hpp"
#include "tickrail/net/ws_client.hpp"

namespace tickrail::deribit {

class order_encoder;

#define TR_SESSION_STATES(X)                                 \
  X(disconnected, "disconnected") /* waiting to reconnect */ \
  X(connecting, "connecting")                                \
  X(authenticating, "authenticating")                        \
  X(configuring, "configuring")                              \
  X(reconciling, "reconciling")                              \
  X(ready, "ready")                                          \
  X(stopping, "stopping")                                    \
  X(stopped, "stopped")
TR_DEFINE_ENUM(session_state, std::uint8_t, TR_SESSION_STATES)

// Appends `s` as a JSON string literal (quoted, `"` `\` and control
// characters escaped): the request parameters the session writes, and
// those of tools that speak to the venue directly (tickrail-record).
void append_json_string(std::string& out, std::string_view s);

struct session_config {
  net::ws_endpoint endpoint;
  std::string client_id;
  std::string client_secret;
  std::int32_t heartbeat_s = 10;     // Deribit's minimum is 10
  bool cancel_on_disconnect = true;  // a trading session
  // false: a public market-data session (the feed in --dry-run): no
  // public/auth, subscriptions through public/subscribe, nothing private is
  // ever sent (cancel_on_disconnect and reconciliation are skipped).
  bool authenticate = true;
  std::vector<std::string> channels;    // restored exactly after a reconnect
  std::vector<std::string> currencies;  // reconciled (open orders, trades, positions); empty = no reconciliation
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds reconnect_min{250};
  std::chrono::milliseconds reconnect_max{10000};
  std::chrono::hours trades_lookback{24};
  // The venue's wall clock, ms since the Unix epoch: reconciliation's trade
  // lookback counts back from it. The system clock in production; tests and
  // replays inject the (simulated) venue's time. Cold path only.
  std::function<std::int64_t()> wall_clock_ms = core::wall_clock_ms;
  double refresh_fraction = 0.8;
  std::chrono::milliseconds stop_timeout{3000};
};

class session_listener {
 public:
  virtual ~session_listener() = default;
  virtual void on_state(session_state state, std::string_view why) = 0;
  // Execution events of a frame (replies to order requests, user.* channels,
  // reconciliation listings — then `reconciled` is true).
  virtual void on_exec(std::span<const core::event> events, bool reconciled) = 0;
  // An order request (not the session's own) failed or timed out.
  virtual void on_request_failed(std::int64_t request_id, std::int32_t code, rpc_reason reason) = 0;
  // Reconciliation finished listing: open orders, trades and positions have
  // all been passed to on_exec. The listener cancels orphans and closes what
  // the venue no longer lists before trading resumes.
  virtual void on_reconciled() = 0;
  // A market-data frame, verbatim (a shared connection).
  virtual void on_market_data(std::string_view frame, std::int64_t local_ts_ns) = 0;
};

class session {
 public:
  session(boost::asio::io_context& io, session_config config, const core::instrument_catalog& catalog,
          const order_encoder& labels, session_listener& listener);
  ~session();
  session(const session&) = delete;
  session& operator=(const session&) = delete;

  void start(std::int64_t now_ns);
  // Graceful: cancel_all (unless told not to), logout, close. Poll until
  // state() is stopped.
  void stop(std::int64_t now_ns, bool cancel_all = true);
  // Timers: refresh, heartbeat silence, request deadlines, reconnects.
  void poll(std::int64_t now_ns);

  // Sends an order request the caller encoded with next_id(); false when the
  // session is not ready or the write queue is full.
  [[nodiscard]] std::int64_t next_id() noexcept { return ++last_id_; }
  [[nodiscard]] bool send_order(std::string_view text, std::int64_t request_id, std::int64_t now_ns);
  // A session-owned private/cancel (orphans found by reconciliation).
  bool cancel_order(std::string_view venue_order_id, std::int64_t now_ns);
  // Orphan cancels sent and not yet answered (the engine waits for 0
  // before its strategies quote again after a restart).
  [[nodiscard]] std::size_t orphan_cancels_pending() const noexcept { return orphan_cancels_pending_; }
  // Re-runs reconciliation on the live connection (after an order timeout).
  void reconcile(std::int64_t now_ns);
  // Adds channels (kept for reconnects).
  void subscribe(std::span<const std::string> channels, std::int64_t now_ns);
  // Unsubscribes and subscribes `channel` again on the live connection: a
  // book channel answers with a fresh snapshot (the feed's answer to a gap).
  // False when the session is not ready (a reconnect resubscribes anyway).
  bool resubscribe(std::string_view channel, std::int64_t now_ns);

  [[nodiscard]] session_state state() const noexcept { return state_; }
  [[nodiscard]] bool ready() const noexcept { return state_ == session_state::ready; }

  struct counters {
    std::uint64_t connects = 0, disconnects = 0, auths = 0, refreshes = 0, reauths = 0;
    std::uint64_t test_requests = 0, timeouts = 0, parse_errors = 0, frames = 0;
  };
  [[nodiscard]] const counters& stats() const noexcept { return counters_; }
  [[nodiscard]] const exec_parser& parser() const noexcept { return parser_; }

 private:
  enum class purpose : std::uint8_t {
    none,
    order,
    auth,
    refresh,
    heartbeat,
    cancel_on_disconnect,
    subscribe,
    test,
    open_orders,
    user_trades,
    positions,
    orphan_cancel,
    cancel_all,
    logout,
    resubscribe,
  };
  struct pending {
    std::int64_t id = 0;
    std::int64_t deadline_ns = 0;
    purpose what = purpose::none;
    std::uint16_t currency = 0;  // reconciliation requests
  };

  void on_open();
  void on_text(std::string_view text);
  void on_closed(std::string_view reason);
  void on_reply(const rpc_frame& f, const pending& p);
  void on_error_reply(const rpc_frame& f, const pending& p);
  void set_state(session_state s, std::string_view why);
  std::int64_t request(purpose what, std::string_view method, std::string_view params, std::uint16_t currency = 0);
  bool track_and_send(std::int64_t id, purpose what, std::uint16_t currency, std::string_view text);
  [[nodiscard]] std::string currency_params(std::uint16_t currency) const;
  void authenticate(bool refresh);
  [[nodiscard]] std::string_view subscribe_method() const noexcept;
  void configure();
  void start_reconciliation();
  void request_trades(std::uint16_t currency, std::int64_t start_ms);
  void maybe_configured();
  void maybe_reconciled();
  void fail(std::string_view why);
  pending* find(std::int64_t id) noexcept;
  void check_deadlines();

  session_config config_;
  session_listener& listener_;
  exec_parser parser_;
  net::ws_client client_;
  session_state state_ = session_state::stopped;
  std::int64_t now_ns_ = 0;
  std::int64_t last_id_ = 0;
  std::vector<pending> pending_;  // by id % size
  std::size_t outstanding_ = 0;
  std::size_t orphan_cancels_pending_ = 0;
  std::int64_t next_deadline_scan_ns_ = 0;
  std::string access_token_, refresh_token_;
  std::int64_t refresh_at_ns_ = 0;
  bool refreshing_ = false;
  std::int64_t last_frame_ns_ = 0;
  std::int64_t reconnect_at_ns_ = 0;
  std::chrono::nanoseconds backoff_{0};
  std::uint64_t jitter_state_ = 0x9E3779B97F4A7C15ull;
  int configure_waiting_ = 0;
  int reconcile_waiting_ = 0;
  std::int64_t stop_deadline_ns_ = 0;
  std::string scratch_;  // request text, reused
  std::string failure_;  // why we dropped the connection, for on_state
  counters counters_;
};

}  // namespace tickrail::deribit
