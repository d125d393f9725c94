// tools/venue/core.hpp — the simulator behind the sockets: sessions,
// authentication, credit-based rate limits, the JSON-RPC methods, channel
// notifications and fault injection. Transport-free (server.hpp moves bytes),
// single-threaded (the server's one I/O thread calls everything), so tests
// drive it directly as well as over WS, WSS and HTTP. The one exception is
// method_calls(), which any thread may read (see there).
//
// Protocol (Deribit API v2):
//   request  {"jsonrpc":"2.0","id":N,"method":"public/test","params":{...}}
//   reply    {"jsonrpc":"2.0","id":N,"result":...,"usIn":µs,"usOut":µs,"usDiff":µs,"testnet":true}
//   error    {"jsonrpc":"2.0","id":N,"error":{"code":C,"message":"...","data":{"reason":"...","param":"..."}},...}
//   notification {"jsonrpc":"2.0","method":"subscription","params":{"channel":"...","data":...}}
//   heartbeat    {"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}
//
// Rate limits: every account (or, unauthenticated, every session) has two
// credit pools refilled continuously — matching-engine requests (buy, sell,
// edit, cancel*) and the rest. A request with too few credits is answered
// 10028 too_many_requests; a WebSocket session that keeps going after
// `k_rate_strikes` refusals in one second is terminated.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tickrail/core/token_bucket.hpp"
#include "venue/exchange.hpp"
#include "venue/json_writer.hpp"
#include "venue/market.hpp"

namespace tickrail::venue {

// A Deribit credit pool: core's exact token bucket, on wall ms.
struct credit_pool {
  core::token_bucket bucket;
  [[nodiscard]] bool take(std::int64_t cost, std::int64_t now_ms) noexcept {
    return bucket.take(now_ms * 1'000'000, cost);
  }
};

struct venue_config {
  market_config market;
  exchange_config accounts;
  std::string client_id = "tickrail-demo";
  std::string client_secret = "tickrail-demo-secret";
  std::int64_t token_ttl_s = 900;  // access tokens expire after this (then 13009)
  std::int64_t refresh_ttl_s = 86'400;
  double speed = 1.0;          // simulated ms per wall ms
  std::int64_t step_ms = 100;  // market step, simulated time
  // Credits (Deribit's default tier): matching engine 5 requests/s, burst
  // 20; others 20 requests/s, burst 100.
  std::int64_t matching_per_s = 5, matching_burst = 20;
  std::int64_t other_per_s = 20, other_burst = 100;
  std::int64_t hmac_max_skew_ms = 60'000;
  bool testnet = true;
};

// Faults (admin endpoint and CLI).
struct fault_state {
  std::int64_t stall_until_ms = 0;  // wall ms: no replies, no notifications until then
  int skip_book_changes = 0;        // publish a gap on the next N book changes
  int reject_orders = 0;            // reject the next N orders ...
  int reject_code = 10009;          // ... with this code
  std::int64_t ack_delay_ms = 0;    // delay replies to order methods
  bool rate_storm = false;          // every request answered 10028
  int corrupt_frames = 0;           // send N corrupt frames to every session
  int tokenless_auths = 0;          // answer the next N public/auth with a result that has no token
  // Periodic (CLI flags, for soak runs): 0 = off.
  int gap_every = 0;                  // every Nth book change is never published
  std::int64_t drop_every_ms = 0;     // drop every WebSocket connection this often
  std::int64_t corrupt_every_ms = 0;  // a corrupt frame to every session this often
};

struct session {
  std::uint64_t id = 0;
  bool websocket = true;
  std::function<void(std::string)> send;
  std::function<void()> close;  // graceful: after what is queued
  std::function<void()> abort;  // the TCP connection dropped with no close frame (fault)
  std::optional<std::size_t> account;
  std::string access_token;
  std::set<std::string> channels;
  std::int64_t heartbeat_ms = 0;        // 0 = off
  std::int64_t next_heartbeat_ms = 0;   // wall
  std::int64_t test_request_at_ms = 0;  // a test_request awaiting public/test (0 = none)
  bool cancel_on_disconnect = false;
  credit_pool matching, other;
  int strikes = 0;
  std::int64_t strikes_window_ms = 0;
  bool closed = false;
  // replies held back by the ack-delay fault: (due wall ms, text)
  std::vector<std::pair<std::int64_t, std::string>> delayed;
};

struct http_reply {
  int status = 200;
  std::string body;
};

class venue_core {
 public:
  static constexpr int k_rate_strikes = 20;

  explicit venue_core(const venue_config& config, std::int64_t wall_start_ms);
  // The simulated time (ms since the epoch) at a wall time: the market's
  // start plus speed × the wall time elapsed. Reads only what construction
  // set, so any thread may call it.
  [[nodiscard]] std::int64_t sim_ms(std::int64_t now_wall_ms) const noexcept {
    return sim_start_ms_ + static_cast<std::int64_t>(static_cast<double>(now_wall_ms - wall_start_ms_) * config_.speed);
  }

  // Sessions (one per WebSocket connection).
  // Its credit pools start full.
  session& open_session(bool websocket, std::function<void(std::string)> send, std::function<void()> close);
  // The connection went away: cancel-on-disconnect applies (not on logout).
  void close_session(std::uint64_t id);
  [[nodiscard]] session* find_session(std::uint64_t id) noexcept;

  // One WebSocket text frame.
  void on_message(session& s, std::string_view text, std::int64_t now_wall_ms);
  // One HTTP request: GET /api/v2/{method}?{query} or POST /api/v2 (JSON-RPC body).
  http_reply on_http(std::string_view verb, std::string_view target, std::string_view body,
                     std::string_view authorization, std::int64_t now_wall_ms);

  // Timers: moves the market (simulated time = speed × wall time), publishes
  // notifications, sends heartbeats and closes sessions that did not answer.
  void tick(std::int64_t now_wall_ms);

  fault_state& faults() noexcept { return faults_; }
  // Faults acting on sessions right away.
  void drop_connections();
  void expire_tokens();

  [[nodiscard]] market& sim_market() noexcept { return market_; }
  [[nodiscard]] exchange& sim_exchange() noexcept { return exchange_; }
  [[nodiscard]] std::size_t session_count() const noexcept;

  // How many requests named `method` arrived (over WS and HTTP), whatever
  // their outcome: refused for credits or authorization, failed, or
  // answered. Requests lost to the stall fault, unparseable ones and unknown
  // methods are not counted (an unknown name reads 0). Thread-safe: the I/O
  // thread increments (release) before it handles the request, any thread
  // reads (acquire). A count read after a request's reply arrived includes
  // that request (the reply is written after the increment, and the socket
  // round trip through the kernel orders the two).
  [[nodiscard]] std::uint64_t method_calls(std::string_view method) const noexcept;
  // {"methods":{"private/buy":N,...}}: every registered method and its count
  // (GET /admin/stats).
  [[nodiscard]] std::string method_stats_json() const;

 private:
  struct token_info {
    std::size_t account;
    std::int64_t expires_ms;  // wall
    bool refresh;
  };
  struct request {
    std::string id_json = "null";  // the request id as written (number or string)
    std::string method;
    const void* params = nullptr;  // boost::json::object*, kept opaque to keep Boost out of this header
  };
  using method_fn = std::optional<rpc_error> (venue_core::*)(session&, const request&, json_writer&);
  struct method_entry {
    method_fn fn = nullptr;
    std::size_t counter = 0;  // index into calls_
  };
  // One trade on the public tape (public/get_last_trades_by_instrument):
  // synthetic market trades and our clients' fills, newest last.
  struct tape_trade {
    std::int64_t trade_seq = 0;
    std::string trade_id;
    std::int64_t timestamp = 0;
    core::side aggressor = core::side::buy;
    core::ticks price = 0;
    core::lots amount = 0;
    core::ticks mark = 0;
    double index_price = 0;
  };
  static constexpr std::size_t k_tape_length = 1000;  // per instrument

  void dispatch(session& s, std::string_view text, std::int64_t now_wall_ms, std::string& reply);
  void reply_error(const request& r, const rpc_error& e, std::int64_t us_in, std::string& out) const;
  bool authorize(session& s, const request& r, std::int64_t now_wall_ms, rpc_error& e);
  std::optional<rpc_error> subscribe(session& s, const request& r, json_writer& w, bool is_private);
  void publish_market(std::int64_t now_wall_ms);
  void publish_account_events();
  void send_channel(const std::string& channel, const std::string& data_json);
  void send_to_account(std::size_t account, const std::string& channel, const std::string& data_json);

  // methods (methods.cpp)
  std::optional<rpc_error> m_auth(session&, const request&, json_writer&);
  std::optional<rpc_error> m_test(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_time(session&, const request&, json_writer&);
  std::optional<rpc_error> m_set_heartbeat(session&, const request&, json_writer&);
  std::optional<rpc_error> m_disable_heartbeat(session&, const request&, json_writer&);
  std::optional<rpc_error> m_subscribe_public(session&, const request&, json_writer&);
  std::optional<rpc_error> m_subscribe_private(session&, const request&, json_writer&);
  std::optional<rpc_error> m_unsubscribe(session&, const request&, json_writer&);
  std::optional<rpc_error> m_unsubscribe_all(session&, const request&, json_writer&);
  std::optional<rpc_error> m_enable_cod(session&, const request&, json_writer&);
  std::optional<rpc_error> m_disable_cod(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_cod(session&, const request&, json_writer&);
  std::optional<rpc_error> m_logout(session&, const request&, json_writer&);
  std::optional<rpc_error> m_buy(session&, const request&, json_writer&);
  std::optional<rpc_error> m_sell(session&, const request&, json_writer&);
  std::optional<rpc_error> m_edit(session&, const request&, json_writer&);
  std::optional<rpc_error> m_cancel(session&, const request&, json_writer&);
  std::optional<rpc_error> m_cancel_all(session&, const request&, json_writer&);
  std::optional<rpc_error> m_cancel_all_by_currency(session&, const request&, json_writer&);
  std::optional<rpc_error> m_cancel_all_by_instrument(session&, const request&, json_writer&);
  std::optional<rpc_error> m_cancel_by_label(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_order_state(session&, const request&, json_writer&);
  std::optional<rpc_error> m_open_orders_by_currency(session&, const request&, json_writer&);
  std::optional<rpc_error> m_open_orders_by_instrument(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_positions(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_position(session&, const request&, json_writer&);
  std::optional<rpc_error> m_user_trades_by_currency(session&, const request&, json_writer&);
  std::optional<rpc_error> m_user_trades_by_instrument(session&, const request&, json_writer&);
  std::optional<rpc_error> m_account_summary(session&, const request&, json_writer&);
  std::optional<rpc_error> m_account_summaries(session&, const request&, json_writer&);
  std::optional<rpc_error> m_close_position(session&, const request&, json_writer&);
  std::optional<rpc_error> m_order_history_by_currency(session&, const request&, json_writer&);
  std::optional<rpc_error> m_order_history_by_instrument(session&, const request&, json_writer&);
  std::optional<rpc_error> m_user_trades_by_order(session&, const request&, json_writer&);
  std::optional<rpc_error> m_order_state_by_label(session&, const request&, json_writer&);
  std::optional<rpc_error> m_open_orders(session&, const request&, json_writer&);
  std::optional<rpc_error> m_open_orders_by_label(session&, const request&, json_writer&);
  std::optional<rpc_error> m_status(session&, const request&, json_writer&);
  std::optional<rpc_error> m_book_summary_by_currency(session&, const request&, json_writer&);
  std::optional<rpc_error> m_book_summary_by_instrument(session&, const request&, json_writer&);
  std::optional<rpc_error> m_last_trades_by_instrument(session&, const request&, json_writer&);
  std::optional<rpc_error> m_funding_rate_history(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_instruments(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_instrument(session&, const request&, json_writer&);
  std::optional<rpc_error> m_get_currencies(session&, const request&, json_writer&);
  std::optional<rpc_error> m_ticker(session&, const request&, json_writer&);
  std::optional<rpc_error> m_order_book(session&, const request&, json_writer&);
  std::optional<rpc_error> m_index_price(session&, const request&, json_writer&);
  std::optional<rpc_error> m_chart(session&, const request&, json_writer&);
  std::optional<rpc_error> m_funding_rate_value(session&, const request&, json_writer&);
  std::optional<rpc_error> place(session&, const request&, json_writer&, core::side);

  std::optional<rpc_error> write_placed(json_writer& w, const std::variant<exchange::placed, rpc_error>& result) const;

  // The public book of `id`: synthetic levels plus our clients' resting orders.
  void public_levels(core::instrument_id id, std::map<core::ticks, core::lots>& bids,
                     std::map<core::ticks, core::lots>& asks) const;

  // JSON shapes (shapes.cpp)
  void write_order(json_writer& w, const sim_order& o) const;
  void write_trade(json_writer& w, const sim_trade& t) const;
  void write_instrument(json_writer& w, core::instrument_id id) const;
  void write_ticker(json_writer& w, core::instrument_id id) const;
  void write_book(json_writer& w, core::instrument_id id, std::size_t depth) const;
  void write_position(json_writer& w, std::size_t account, core::instrument_id id) const;
  // `extended`: the account's identity and fee fields as well.
  void write_summary(json_writer& w, std::size_t account, const std::string& currency, bool extended = false) const;
  void write_account_identity(json_writer& w, std::size_t account) const;
  void write_book_summary(json_writer& w, core::instrument_id id) const;
  void write_tape_trade(json_writer& w, core::instrument_id id, const tape_trade& t) const;
  void record_tape(core::instrument_id id, tape_trade t);

  venue_config config_;
  market market_;
  exchange exchange_;
  // Built by the constructor and never changed after, so method_calls()
  // may look names up from any thread. The counters are all written by the
  // one I/O thread (no false sharing between writers to avoid, hence no
  // per-counter cache-line padding).
  std::map<std::string, method_entry, std::less<>> methods_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> calls_;
  std::map<core::instrument_id, std::deque<tape_trade>> tape_;
  std::map<std::uint64_t, std::unique_ptr<session>> sessions_;
  std::map<std::string, token_info, std::less<>> tokens_;
  std::uint64_t next_session_ = 1;
  std::uint64_t next_token_ = 1;
  std::int64_t wall_start_ms_;
  std::int64_t sim_start_ms_;
  std::int64_t last_step_sim_ms_;
  std::int64_t last_100ms_ = 0;
  // per instrument: the book as last published (price → qty per side) and its change id
  struct published_book {
    std::map<core::ticks, core::lots> bids, asks;
    std::int64_t change_id = 0;
    bool sent = false;
  };
  std::map<core::instrument_id, published_book> published_;
  std::map<std::size_t, credit_pool> account_matching_, account_other_;
  fault_state faults_;
  std::int64_t now_wall_ms_ = 0;
  std::int64_t us_in_ = 0;
  std::int64_t book_changes_ = 0;
  std::int64_t next_drop_ms_ = 0;
  std::int64_t next_corrupt_ms_ = 0;
};

}  // namespace tickrail::venue
