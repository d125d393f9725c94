// tickrail/deribit/gateway.hpp — the order gateway stage for Deribit: the
// gateway I/O thread's one object.
//
//   risk ──[order ring: order_request]──▶ credits ─▶ order_tracker ─▶ encode ─▶ session (WSS)
//   sequencer ◀──[exec ring: event]── order_tracker ◀── exec_parser ◀── replies, user.*
//
// poll() runs the connection (io_context::poll), the session's timers, then
// drains the order ring while the session is ready and credits allow:
// * every request passes the credit limiter first; one it cannot send —
//   no credits, or the session reconnecting or reconciling — waits at the
//   head of the ring (back-pressure to risk) for up to `max_send_wait`, then
//   is rejected (k_error_rate_limited / k_error_disconnected): never sent
//   beyond the venue's limit, never sent late. A 10028 that comes back
//   anyway backs the limiter off;
// * the tracker records it (pending_new / pending_cancel / pending_replace,
//   and fills in the venue order id), the encoder writes it into a
//   preallocated buffer with the label as client id, the session sends it;
// * a request that cannot be encoded (an edit before the venue acknowledged
//   the order) is rejected back with k_error_unencodable.
// Reports are checked by the tracker (duplicates and stale ones dropped,
// fills deduplicated, positions kept) and published on the exec ring; if the
// ring is full they wait in an overflow buffer — execution reports are never
// dropped while it has room, and its overflow is counted.
//
// Reconciliation (start-up and every reconnect, before trading resumes):
// open orders with our label that we do not track are orphans and are
// cancelled; tracked live orders the venue no longer lists are closed as
// cancelled (cancel-on-disconnect took them); fills from the last 24 h the
// tracker has not seen are published flagged k_exec_reconciled; position
// snapshots that differ from ours correct the tracker and count an alert.
//
// stop(): cancel_all, then logout, then close (session.hpp).
#pragma once

#include <boost/asio/io_context.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "tickrail/core/credit_limiter.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/fifo.hpp"
#include "tickrail/core/histogram.hpp"
#include "tickrail/core/order_tracker.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/deribit/order_encoder.hpp"
#include "tickrail/deribit/session.hpp"

namespace tickrail::deribit {

struct gateway_config {
  session_config session;
  std::string label_prefix = "tr";
  core::credit_config credits;  // mirror of the account's matching-engine pool
  std::int64_t credits_per_request = 1;
  std::chrono::milliseconds max_send_wait{2000};  // for credits or a ready session
  std::size_t max_orders = 65536;                 // tracked at once
  std::size_t overflow_events = 65536;            // exec reports held while the exec ring is full
  // Orders with our label prefix that this gateway does not track are
  // cancelled at reconciliation. Off for tools that only look (a check
  // against an account where the engine is trading).
  bool cancel_orphans = true;
  // Market data arriving on this connection (a shared market-data and
  // trading connection): the frame verbatim, for the feed handler. Unset =
  // a trading-only connection; such frames are counted and dropped.
  std::function<void(std::string_view frame, std::int64_t local_ts_ns)> on_market_data;
};

class gateway final : private session_listener {
 public:
  struct counters {
    std::uint64_t sent = 0, rate_limited = 0, unsent_disconnected = 0, venue_rate_limited = 0, unencodable = 0,
                  rejected = 0;
    std::uint64_t published = 0, overflowed = 0, lost = 0, orphans = 0, orphans_cancelled = 0, closed_missing = 0;
    std::uint64_t position_alerts = 0, timeouts = 0, market_data_frames = 0;
    std::uint64_t acks = 0;  // orders the venue acknowledged as live (not reconciliation)
  };

  gateway(boost::asio::io_context& io, gateway_config config, const core::instrument_catalog& catalog,
          core::ring<core::order_request>& orders, std::size_t consumer, core::ring<core::event>& exec_out);
  ~gateway() override;
  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  void start(std::int64_t now_ns);
  // cancel_all then logout (cancel_all = false: logout only, for tools).
  void stop(std::int64_t now_ns, bool cancel_all = true);
  // One turn of the I/O thread; the amount of work done (0 = idle).
  std::size_t poll(std::int64_t now_ns);

  // Records, for every order handed to the socket, `clock` now minus the
  // receipt time of the event that caused it (tick-to-order). Owning thread;
  // nullptr stops recording. The caller swaps histograms to read them.
  void set_latency_sink(core::latency_histogram* sink, const core::tsc_clock* clock) noexcept {
    latency_ = sink;
    clock_ = clock;
  }

  [[nodiscard]] const session& connection() const noexcept { return session_; }
  [[nodiscard]] session& connection() noexcept { return session_; }
  [[nodiscard]] const core::order_tracker& tracker() const noexcept { return tracker_; }
  [[nodiscard]] const core::credit_limiter& limiter() const noexcept { return limiter_; }
  [[nodiscard]] const order_encoder& encoder() const noexcept { return encoder_; }
  [[nodiscard]] const counters& stats() const noexcept { return counters_; }
  // The session's last state change and why ("disconnected: TLS handshake:
  // certificate verify failed"), for status and alerts.
  [[nodiscard]] const std::string& last_state_change() const noexcept { return last_state_change_; }
  // Why the session last went down ("disconnected: request failed:
  // invalid_credentials"), kept across reconnect attempts; else the last
  // state change.
  [[nodiscard]] const std::string& last_failure() const noexcept {
    return last_failure_.empty() ? last_state_change_ : last_failure_;
  }

 private:
  // session_listener
  void on_state(session_state state, std::string_view why) override;
  void on_exec(std::span<const core::event> events, bool reconciled) override;
  void on_request_failed(std::int64_t request_id, std::int32_t code, rpc_reason reason) override;
  void on_reconciled() override;
  void on_market_data(std::string_view frame, std::int64_t local_ts_ns) override;

  std::size_t drain_orders();
  bool send(core::order_request r);
  void reject_unsent(const core::order_request& r, std::int32_t code);
  void publish(const core::event& e);
  std::size_t flush_overflow();

  boost::asio::io_context& io_;
  gateway_config config_;
  order_encoder encoder_;
  core::order_tracker tracker_;
  core::credit_limiter limiter_;
  session session_;
  core::ring<core::order_request>& orders_;
  std::size_t consumer_;
  core::ring<core::event>& exec_out_;
  core::fifo<core::event> overflow_;
  std::array<char, order_encoder::k_max_frame> frame_{};
  std::int64_t now_ns_ = 0;
  core::sequence_t blocked_seq_ = -1;  // the head request waiting for credits
  std::int64_t blocked_since_ns_ = 0;
  std::vector<core::client_order_id> listed_;  // live orders the venue listed in this reconciliation
  std::string last_state_change_;
  std::string last_failure_;
  counters counters_;
  core::latency_histogram* latency_ = nullptr;
  const core::tsc_clock* clock_ = nullptr;
};

}  // namespace tickrail::deribit
