// The Deribit gateway against tickrail-venue over WSS (in-process venue on a
// loopback port, certificate made now): order lifecycle, venue errors,
// credits and 10028, token refresh and expiry, heartbeat silence, dropped
// connections with cancel-on-disconnect and reconciliation, orphans,
// graceful stop, and TLS that fails closed.
//
// The gateway is polled on the test thread (as its I/O thread would poll
// it), so the test reads its state without races; the venue runs on its
// own thread. Every wait is bounded.
#include "tickrail/deribit/gateway.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <thread>

#include "support/venue_harness.hpp"
#include "tickrail/core/risk.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail::deribit {
namespace {

namespace json = boost::json;
using core::exec_kind;
using core::order_state;
using namespace std::chrono_literals;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class gateway_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_gateway_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    test::make_test_certificate(path("cert.pem"), path("key.pem"));
    test::make_test_certificate(path("expired.pem"), path("expired_key.pem"), true);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string path(const char* name) { return (dir_ / name).string(); }

  void start_venue(venue::venue_config vc = test::test_venue_config()) {
    venue_ = std::make_unique<test::venue_process>(vc, path("cert.pem"), path("key.pem"));
    tls_.load_verify_file(path("cert.pem"));
    tls_.set_verify_mode(boost::asio::ssl::verify_peer);
    connect_client();
    const json::object r = client_->call("public/get_instruments", {{"currency", "BTC"}});
    const absl::Status loaded = load_instruments(json::serialize(r), catalog_);
    ASSERT_TRUE(loaded.ok()) << loaded;
    perp_ = catalog_.find(core::venue::deribit, "BTC-PERPETUAL")->id;
    // ticker() converts prices by hand on this: a tick of 0.5 USD.
    ASSERT_EQ(core::normalized(catalog_[perp_].tick.value()), (core::decimal{5, 1}));
  }
  // The test's own authenticated connection (the same account as the
  // gateway's), to look at the venue's side. Again after a drop fault.
  void connect_client() {
    client_ = std::make_unique<test::rpc_client>(venue_->port(), &tls_);
    const json::object r = client_->call("public/auth", {{"grant_type", "client_credentials"},
                                                         {"client_id", "tickrail-demo"},
                                                         {"client_secret", "tickrail-demo-secret"}});
    ASSERT_TRUE(r.contains("result")) << json::serialize(r);
  }

  gateway_config config() const {
    gateway_config c;
    c.session.endpoint.host = "127.0.0.1";
    c.session.endpoint.port = venue_->port();
    c.session.endpoint.tls.enabled = true;
    c.session.endpoint.tls.ca_file = path("cert.pem");
    c.session.endpoint.connect_timeout = 3s;
    c.session.client_id = "tickrail-demo";
    c.session.client_secret = "tickrail-demo-secret";
    c.session.heartbeat_s = 1;
    c.session.channels = {"user.orders.any.any.raw", "user.trades.any.any.raw", "user.portfolio.btc"};
    c.session.currencies = {"BTC"};
    c.session.request_timeout = 2s;
    c.session.reconnect_min = 50ms;
    c.session.reconnect_max = 400ms;
    c.credits = {.burst_credits = 20, .refill_per_s = 5};
    // Reconciliation looks back the real default (24 h) from the venue's own
    // clock, injected: the simulated venue starts at a fixed date, so the
    // system clock would put its trades outside the window (or, on a host
    // clock before that date, in the future).
    c.session.wall_clock_ms = [venue = venue_.get()] { return venue->venue_now_ms(); };
    return c;
  }

  void start_gateway(gateway_config c) {
    gw_ = std::make_unique<gateway>(io_, std::move(c), catalog_, orders_, 0, exec_);
    gw_->start(now_ns());
  }

  // Polls the gateway and collects exec reports until `done` or the timeout.
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      gw_->poll(now_ns());
      exec_.poll(0, [&](const core::event& e, core::sequence_t, bool) { reports_.push_back(e); });
      if (done()) return true;
      std::this_thread::sleep_for(200us);
    }
    return false;
  }
  bool wait_ready(std::chrono::milliseconds timeout = 5s) {
    const bool ready = pump_until([&] { return gw_->connection().ready(); }, timeout);
    if (!ready) {
      std::string errors;
      const core::feed_counters& fc = gw_->connection().parser().counters();
      for (std::size_t i = 2; i < core::k_feed_error_count; ++i) {
        if (fc.by_reason[i] > 0) errors += std::string(core::to_string(static_cast<core::feed_error>(i))) + " ";
      }
      ADD_FAILURE() << "not ready: " << gw_->last_state_change() << "; frame errors: " << errors;
    }
    return ready;
  }

  core::ticks ticker(const char* field) {
    const json::object r = client_->call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}});
    const double usd = r.at("result").as_object().at(field).to_number<double>();
    // By hand, not through the code under test: a 0.5 USD tick, so ticks =
    // USD × 2 (e.g. 60 000.5 USD = 120 001 ticks); the venue quotes on ticks.
    const double ticks = usd * 2;
    EXPECT_EQ(ticks, std::floor(ticks)) << field << " = " << usd << " USD is not on the 0.5 tick";
    return static_cast<core::ticks>(ticks);
  }

  core::order_request order(core::intent_kind kind, core::client_order_id id, core::side s = core::side::buy,
                            core::ticks px = 0, core::lots qty = 1) {
    core::order_request r{};
    r.intent.kind = kind;
    r.intent.cl_ord_id = id;
    r.intent.instrument = perp_;
    r.intent.order_side = s;
    r.intent.type = core::order_type::limit;
    r.intent.price_ticks = px;
    r.intent.qty_lots = qty;
    r.intent.bot = 1;
    return r;
  }
  core::client_order_id next_id() { return core::make_client_order_id(1, ++counter_); }
  void submit(const core::order_request& r) { ASSERT_TRUE(orders_.try_push(r)); }

  // The latest forwarded report of `id` of one of `kinds`, or nullptr.
  const core::event* last_report(core::client_order_id id,
                                 std::initializer_list<exec_kind> kinds = {
                                     exec_kind::order_ack, exec_kind::order_update, exec_kind::reject}) const {
    for (auto it = reports_.rbegin(); it != reports_.rend(); ++it) {
      if (it->exec.cl_ord_id != id) continue;
      for (const exec_kind k : kinds) {
        if (it->exec.kind == k) return &*it;
      }
    }
    return nullptr;
  }
  std::string dump(core::client_order_id id) const {
    std::string out;
    for (const core::event& e : reports_) {
      if (e.exec.cl_ord_id != id) continue;
      out += "kind=" + std::to_string(int(e.exec.kind)) + " state=" + std::to_string(int(e.exec.state)) +
             " qty=" + std::to_string(e.exec.qty_lots) + " filled=" + std::to_string(e.exec.filled_lots) +
             " error=" + std::to_string(e.exec.venue_error) + "\n";
    }
    return out + "state: " + gw_->last_state_change();
  }
  // Any report of `id` in state `s` (later ones may have moved on).
  bool seen(core::client_order_id id, order_state s) const {
    return std::any_of(reports_.begin(), reports_.end(),
                       [&](const core::event& e) { return e.exec.cl_ord_id == id && e.exec.state == s; });
  }
  bool reached(core::client_order_id id, order_state s) const {
    const core::event* e = last_report(id);
    return e != nullptr && e->exec.state == s;
  }
  std::size_t venue_open_orders() {
    const json::object r = client_->call("private/get_open_orders_by_currency", {{"currency", "BTC"}});
    return r.at("result").as_array().size();
  }
  void fault(const std::string& query) {
    const test::http_result r = test::http_call(venue_->port(), "POST", "/admin/fault?" + query, {}, {}, &tls_);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static inline std::filesystem::path dir_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
  std::unique_ptr<test::venue_process> venue_;
  std::unique_ptr<test::rpc_client> client_;
  core::instrument_catalog catalog_;
  core::instrument_id perp_ = 0;
  boost::asio::io_context io_;
  core::ring<core::order_request> orders_{1024, 1};
  core::ring<core::event> exec_{8192, 1};
  std::unique_ptr<gateway> gw_;
  std::vector<core::event> reports_;
  std::uint64_t counter_ = 1000;
};

TEST_F(gateway_test, full_order_lifecycle) {
  start_venue();
  start_gateway(config());
  ASSERT_TRUE(wait_ready());

  // A resting bid well below the market: new → open.
  const core::ticks bid = ticker("best_bid_price");
  const core::client_order_id a = next_id();
  submit(order(core::intent_kind::place, a, core::side::buy, bid - 400, 2));
  ASSERT_TRUE(pump_until([&] { return reached(a, order_state::open); }));
  const core::event* ack = last_report(a);
  EXPECT_NE(ack->exec.venue_order_id[0], '\0');
  EXPECT_EQ(ack->exec.qty_lots, 2);
  EXPECT_EQ(ack->exec.price_ticks, bid - 400);
  EXPECT_EQ(venue_open_orders(), 1u);

  // Edit: new price and amount confirmed.
  core::order_request edit = order(core::intent_kind::replace, a, core::side::buy, bid - 300, 3);
  submit(edit);
  ASSERT_TRUE(pump_until([&] {
    const core::event* e = last_report(a);
    return e != nullptr && e->exec.price_ticks == bid - 300 && e->exec.state == order_state::open;
  }));
  EXPECT_EQ(last_report(a)->exec.qty_lots, 3);

  // Cancel.
  submit(order(core::intent_kind::cancel, a));
  ASSERT_TRUE(pump_until([&] { return reached(a, order_state::cancelled); }));
  EXPECT_EQ(venue_open_orders(), 0u);

  // A marketable buy far bigger than the synthetic asks within its price:
  // fills part, rests the rest (which the moving market may fill later).
  const core::ticks limit = ticker("best_ask_price") + 40;
  const core::client_order_id b = next_id();
  submit(order(core::intent_kind::place, b, core::side::buy, limit, 100'000));
  ASSERT_TRUE(pump_until([&] { return seen(b, order_state::partially_filled); })) << dump(b);
  // Each trade arrives twice (reply and user.trades): forwarded once.
  ASSERT_TRUE(pump_until([&] { return gw_->tracker().stats().duplicate_fills > 0; }, 2s));
  const auto fills_of = [&](core::client_order_id id) {
    core::lots sum = 0;
    for (const core::event& e : reports_) {
      if (e.exec.kind != exec_kind::fill || e.exec.cl_ord_id != id) continue;
      sum += e.exec.last_qty_lots;
      EXPECT_LE(e.exec.last_price_ticks, limit);
    }
    return sum;
  };
  // The order's cumulative filled amount and its fills agree (they travel
  // separately: the order report and the trades).
  ASSERT_TRUE(pump_until(
      [&] {
        return last_report(b, {exec_kind::order_ack, exec_kind::order_update})->exec.filled_lots == fills_of(b);
      },
      2s))
      << dump(b);
  EXPECT_GT(fills_of(b), 0);
  EXPECT_EQ(gw_->tracker().position_of(perp_).qty_lots, fills_of(b));
  EXPECT_LE(gw_->tracker().position_of(perp_).avg_entry_ticks, limit);

  // A marketable sell that fills completely; then cancel_all takes the rest.
  const core::client_order_id c = next_id();
  submit(order(core::intent_kind::place, c, core::side::sell, ticker("best_bid_price") - 200, 1));
  ASSERT_TRUE(pump_until([&] { return reached(c, order_state::filled); }));
  submit(order(core::intent_kind::cancel_all, 0));
  ASSERT_TRUE(pump_until([&] { return reached(b, order_state::cancelled) || reached(b, order_state::filled); }))
      << dump(b);
  EXPECT_EQ(venue_open_orders(), 0u);
  EXPECT_EQ(gw_->tracker().live_orders(), 0u);
}

TEST_F(gateway_test, venue_rejects_reach_the_exec_ring_typed) {
  start_venue();
  start_gateway(config());
  ASSERT_TRUE(wait_ready());
  // post_only that would cross: 11054.
  core::order_request p = order(core::intent_kind::place, next_id(), core::side::buy, ticker("best_ask_price") + 20, 1);
  p.intent.flags = core::k_order_post_only;
  submit(p);
  ASSERT_TRUE(pump_until([&] { return reached(p.intent.cl_ord_id, order_state::rejected); }));
  EXPECT_EQ(last_report(p.intent.cl_ord_id)->exec.kind, exec_kind::reject);
  EXPECT_EQ(last_report(p.intent.cl_ord_id)->exec.venue_error, 11054);
  // More than the account can margin: 10009.
  core::order_request big =
      order(core::intent_kind::place, next_id(), core::side::buy, ticker("best_bid_price") - 400, 100'000'000);
  submit(big);
  ASSERT_TRUE(pump_until([&] { return reached(big.intent.cl_ord_id, order_state::rejected); }));
  EXPECT_EQ(last_report(big.intent.cl_ord_id)->exec.venue_error, 10009);
  // An edit before the venue knows the order cannot be encoded: rejected
  // back, the order untouched.
  core::order_request unknown = order(core::intent_kind::replace, next_id(), core::side::buy, 100, 1);
  submit(unknown);
  ASSERT_TRUE(pump_until([&] { return last_report(unknown.intent.cl_ord_id) != nullptr; }));
  EXPECT_EQ(last_report(unknown.intent.cl_ord_id)->exec.venue_error, k_error_unencodable);
  EXPECT_EQ(gw_->tracker().live_orders(), 0u);
}

TEST_F(gateway_test, credits_hold_requests_and_10028_backs_off_without_orphans) {
  start_venue();
  gateway_config c = config();
  c.credits = {.burst_credits = 3, .refill_per_s = 20, .min_backoff_ns = 200'000'000, .max_backoff_ns = 800'000'000};
  c.max_send_wait = 5s;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  const core::ticks bid = ticker("best_bid_price");
  // Ten orders at once against a pool of 3: all go, none beyond the rate.
  std::vector<core::client_order_id> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(next_id());
    submit(order(core::intent_kind::place, ids.back(), core::side::buy, bid - 400 - 2 * i, 1));
  }
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(pump_until(
      [&] { return std::all_of(ids.begin(), ids.end(), [&](auto id) { return reached(id, order_state::open); }); }));
  // 7 orders beyond the burst at 20/s take at least 300 ms.
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 300ms);
  EXPECT_EQ(gw_->stats().venue_rate_limited, 0u);

  // The venue refuses everything: 10028 → rejected and backing off.
  fault("kind=storm&on=1");
  const core::client_order_id stormed = next_id();
  submit(order(core::intent_kind::place, stormed, core::side::buy, bid - 500, 1));
  ASSERT_TRUE(pump_until([&] { return reached(stormed, order_state::rejected); }));
  EXPECT_EQ(last_report(stormed)->exec.venue_error, 10028);
  EXPECT_GE(gw_->stats().venue_rate_limited, 1u);
  EXPECT_TRUE(gw_->limiter().backing_off(now_ns()));
  fault("kind=storm&on=0");
  // No orphaned state: cancel everything, nothing live on either side.
  submit(order(core::intent_kind::cancel_all, 0));
  ASSERT_TRUE(pump_until([&] {
    return std::all_of(ids.begin(), ids.end(), [&](auto id) { return reached(id, order_state::cancelled); });
  }));
  EXPECT_EQ(gw_->tracker().live_orders(), 0u);
  EXPECT_EQ(venue_open_orders(), 0u);
}

TEST_F(gateway_test, tokens_are_refreshed_before_expiry_and_reacquired_after_13009) {
  venue::venue_config vc = test::test_venue_config();
  vc.token_ttl_s = 2;
  start_venue(vc);
  const gateway_config c = config();
  const double refresh_fraction = c.session.refresh_fraction;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  // The first refresh comes at refresh_fraction (0.8) × 2 s = 1.6 s; 10 s is
  // only a safety net.
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().refreshes >= 1; }, 10s));
  EXPECT_EQ(gw_->connection().stats().reauths, 0u);
  // Just refreshed, so the next refresh is 1.6 s away and the order below is
  // the first private request to meet the revoked token: a 13009.
  ASSERT_LT(refresh_fraction * vc.token_ttl_s, 10.0);
  const core::ticks px = ticker("best_bid_price") - 400;
  const std::uint64_t reauths = gw_->connection().stats().reauths;
  fault("kind=expire_tokens");
  const core::client_order_id id = next_id();
  submit(order(core::intent_kind::place, id, core::side::buy, px, 1));
  ASSERT_TRUE(pump_until([&] { return last_report(id) != nullptr; }));
  EXPECT_EQ(last_report(id)->exec.kind, exec_kind::reject) << dump(id);
  EXPECT_EQ(last_report(id)->exec.state, order_state::rejected) << dump(id);
  EXPECT_EQ(last_report(id)->exec.venue_error, 13009) << dump(id);
  // ...and the session re-authenticated on it, without a reconnect.
  EXPECT_EQ(gw_->connection().stats().reauths, reauths + 1);
  const core::client_order_id again = next_id();
  submit(order(core::intent_kind::place, again, core::side::buy, px, 1));
  ASSERT_TRUE(pump_until([&] { return reached(again, order_state::open); })) << dump(again);
  EXPECT_EQ(gw_->connection().stats().reauths, reauths + 1);
  EXPECT_EQ(gw_->connection().stats().disconnects, 0u);
}

TEST_F(gateway_test, a_silent_venue_is_dropped_and_the_session_comes_back) {
  start_venue();
  start_gateway(config());
  ASSERT_TRUE(wait_ready());
  constexpr auto k_stall = 4000ms;
  fault("kind=stall&ms=" + std::to_string(k_stall.count()));  // no heartbeats, no replies
  // The silence must be noticed during the stall (after it the venue talks
  // again and nothing would drop), so the stall itself bounds it; the wait
  // is only a safety net.
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().disconnects >= 1; }, 4 * k_stall));
  // Back once the stall is over: at worst an attempt that began just before
  // its end times out (connect_timeout), then the capped backoff and a
  // handshake with its requests. Twice that, as a safety net.
  const gateway_config c = config();
  const auto back_within = std::chrono::duration_cast<std::chrono::milliseconds>(
      2 * (k_stall + c.session.endpoint.connect_timeout + c.session.reconnect_max + c.session.request_timeout));
  ASSERT_TRUE(wait_ready(back_within));
  EXPECT_GE(gw_->connection().stats().connects, 2u);
}

TEST_F(gateway_test, dropped_connection_cancel_on_disconnect_then_reconciliation) {
  start_venue();
  start_gateway(config());
  ASSERT_TRUE(wait_ready());
  const core::client_order_id id = next_id();
  submit(order(core::intent_kind::place, id, core::side::buy, ticker("best_bid_price") - 400, 1));
  ASSERT_TRUE(pump_until([&] { return reached(id, order_state::open); }));
  fault("kind=drop");
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().disconnects >= 1; }));
  ASSERT_TRUE(wait_ready(5s));
  connect_client();  // the fault dropped it too
  // The venue cancelled it on disconnect; reconciliation closes it here.
  const core::event* e = last_report(id);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->exec.state, order_state::cancelled);
  EXPECT_NE(e->header.flags & core::k_exec_reconciled, 0u);
  EXPECT_EQ(gw_->stats().closed_missing, 1u);
  EXPECT_EQ(gw_->tracker().live_orders(), 0u);
  // Trading resumed.
  const core::client_order_id after = next_id();
  submit(order(core::intent_kind::place, after, core::side::buy, ticker("best_bid_price") - 400, 1));
  ASSERT_TRUE(pump_until([&] { return reached(after, order_state::open); }));
}

TEST_F(gateway_test, orders_during_a_disconnect_are_rejected_not_sent_late) {
  start_venue();
  gateway_config c = config();
  // Stay disconnected for a while: the backoff is jittered in [b/2, b], so
  // the earliest reconnect is reconnect_min / 2 = 5 s, far beyond the
  // 300 ms an order may wait to be sent.
  c.session.reconnect_min = 10s;
  c.session.reconnect_max = 10s;
  c.max_send_wait = 300ms;
  const auto earliest_reconnect = c.session.reconnect_min / 2;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  fault("kind=drop");
  ASSERT_TRUE(pump_until([&] { return !gw_->connection().ready(); }));
  const core::client_order_id id = next_id();
  submit(order(core::intent_kind::place, id, core::side::buy, 100, 1));
  // The reject comes after max_send_wait, before any reconnect can happen.
  ASSERT_TRUE(pump_until([&] { return last_report(id) != nullptr; }, earliest_reconnect));
  EXPECT_FALSE(gw_->connection().ready());  // still down: it was refused for that
  EXPECT_EQ(last_report(id)->exec.state, order_state::rejected);
  EXPECT_EQ(last_report(id)->exec.venue_error, k_error_disconnected);
  EXPECT_EQ(gw_->stats().unsent_disconnected, 1u);
  EXPECT_EQ(gw_->stats().sent, 0u);
}

TEST_F(gateway_test, reconciliation_cancels_orphans_and_reports_missed_fills) {
  start_venue();
  // Left by an earlier run: a resting order with our label, and a fill.
  const json::object orphan =
      client_->call("private/buy", {{"instrument_name", "BTC-PERPETUAL"},
                                    {"amount", 10},
                                    {"type", "limit"},
                                    {"label", "tr-1-77"},
                                    {"price", catalog_[perp_].tick.to_double(ticker("best_bid_price") - 400)}});
  ASSERT_TRUE(orphan.contains("result")) << json::serialize(orphan);
  const json::object filled = client_->call(
      "private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"type", "market"}, {"label", "tr-1-78"}});
  ASSERT_TRUE(filled.contains("result")) << json::serialize(filled);
  // A manual order (no label of ours) is left alone.
  ASSERT_TRUE(client_
                  ->call("private/buy", {{"instrument_name", "BTC-PERPETUAL"},
                                         {"amount", 10},
                                         {"type", "limit"},
                                         {"price", catalog_[perp_].tick.to_double(ticker("best_bid_price") - 500)}})
                  .contains("result"));

  start_gateway(config());
  ASSERT_TRUE(wait_ready());
  EXPECT_EQ(gw_->stats().orphans_cancelled, 1u);
  const core::event* fill = last_report(core::make_client_order_id(1, 78), {exec_kind::fill});
  ASSERT_NE(fill, nullptr);
  EXPECT_NE(fill->header.flags & core::k_exec_reconciled, 0u);
  EXPECT_EQ(gw_->tracker().position_of(perp_).qty_lots, 1);
  ASSERT_TRUE(pump_until([&] { return venue_open_orders() == 1; }, 3s));  // only the manual one
}

TEST_F(gateway_test, stop_cancels_everything_before_logout) {
  start_venue();
  gateway_config c = config();
  c.session.cancel_on_disconnect = false;  // so only the explicit cancel_all can clear it
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  const core::client_order_id id = next_id();
  submit(order(core::intent_kind::place, id, core::side::buy, ticker("best_bid_price") - 400, 1));
  ASSERT_TRUE(pump_until([&] { return reached(id, order_state::open); }));
  gw_->stop(now_ns());
  ASSERT_TRUE(pump_until([&] { return gw_->connection().state() == session_state::stopped; }));
  EXPECT_EQ(venue_open_orders(), 0u);
}

TEST_F(gateway_test, market_data_on_a_shared_connection_reaches_the_feed_handler) {
  start_venue();
  feed_parser feed(catalog_);
  std::size_t book_events = 0;
  gateway_config c = config();
  c.session.channels.push_back("book.BTC-PERPETUAL.raw");
  c.on_market_data = [&](std::string_view frame, std::int64_t ts) {
    if (feed.parse(frame, ts) == core::feed_error::ok) book_events += feed.events().size();
  };
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  ASSERT_TRUE(pump_until([&] { return book_events > 0; }, 3s));
}

TEST_F(gateway_test, tls_fails_closed) {
  start_venue();
  // One attempt per case, its refusal reason (the session's last state
  // change). The wait ends at the first disconnect or ready; the bound is a
  // safety net of three connect timeouts. The next attempt is a minute away.
  const auto refusal = [&](gateway_config c) -> std::string {
    c.session.reconnect_min = 60s;
    c.session.reconnect_max = 60s;
    const auto bound = 3 * c.session.endpoint.connect_timeout;
    gw_.reset();
    start_gateway(std::move(c));
    bool was_ready = false;
    const bool ended = pump_until(
        [&] {
          was_ready |= gw_->connection().ready();
          return was_ready || gw_->connection().stats().disconnects >= 1;
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(bound));
    EXPECT_TRUE(ended) << "neither refused nor ready: " << gw_->last_state_change();
    EXPECT_FALSE(was_ready) << "connected: " << gw_->last_state_change();
    EXPECT_EQ(gw_->connection().stats().auths, 0u);
    return gw_->last_state_change();
  };
  const auto says = [](const std::string& reason, const char* part) {
    return reason.find(part) != std::string::npos ? ::testing::AssertionSuccess()
                                                  : ::testing::AssertionFailure() << "\"" << reason << "\"";
  };
  // OpenSSL's handshake error is the same for a wrong host, an untrusted and
  // an expired certificate; ws_client adds the verify result (OpenSSL 3's
  // text), so each case must be refused by its own check.
  gateway_config wrong_host = config();
  wrong_host.session.endpoint.host = "localhost";  // the certificate names 127.0.0.1 only
  EXPECT_TRUE(says(refusal(wrong_host), "TLS handshake: certificate verify failed (SSL routines) (hostname mismatch)"));
  gateway_config untrusted = config();
  untrusted.session.endpoint.tls.ca_file.clear();  // the system store does not know it
  EXPECT_TRUE(
      says(refusal(untrusted), "TLS handshake: certificate verify failed (SSL routines) (self-signed certificate)"));
  gateway_config missing_ca = config();
  missing_ca.session.endpoint.tls.ca_file = path("nope.pem");
  EXPECT_TRUE(says(refusal(missing_ca), "TLS trust store: No such file or directory"));
  gateway_config plain = config();
  plain.session.endpoint.tls.enabled = false;  // ws:// to a TLS port
  EXPECT_TRUE(says(refusal(plain), "WebSocket handshake"));
  // Same instruments (the venue is deterministic); only the certificate differs.
  gw_.reset();
  client_.reset();
  venue_ =
      std::make_unique<test::venue_process>(test::test_venue_config(), path("expired.pem"), path("expired_key.pem"));
  gateway_config expired = config();
  expired.session.endpoint.tls.ca_file = path("expired.pem");
  EXPECT_TRUE(
      says(refusal(expired), "TLS handshake: certificate verify failed (SSL routines) (certificate has expired)"));
}

}  // namespace
}  // namespace tickrail::deribit
