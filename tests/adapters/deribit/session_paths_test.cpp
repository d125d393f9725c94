// Session and gateway paths that gateway_test does not reach, against
// tickrail-venue over WSS (in-process, loopback, certificate made now): the
// answer to the venue's heartbeat test_request, an order request that times
// out and is settled by reconciliation, re-authentication after 13009 and
// refused credentials, reconnect backoff (growth, cap, jitter floor), the
// gateway's own rejects (credit starvation, a duplicate place, a full
// tracker) and the position-mismatch alert of reconciliation.
//
// Each test is written to fail when its production line is removed; see
// docs/testing.md and tools/mutate. The gateway is polled on the test thread;
// the venue runs on its own thread. Every wait is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "support/venue_harness.hpp"
#include "tickrail/deribit/gateway.hpp"
#include "tickrail/deribit/instruments.hpp"
#include "tickrail/deribit/rpc_errors.hpp"

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

class session_paths_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_session_paths_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    test::make_test_certificate(path("cert.pem"), path("key.pem"));
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string path(const char* name) { return (dir_ / name).string(); }

  void start_venue(venue::venue_config vc = test::test_venue_config()) {
    venue_ = std::make_unique<test::venue_process>(vc, path("cert.pem"), path("key.pem"));
    port_ = venue_->port();
    tls_.load_verify_file(path("cert.pem"));
    tls_.set_verify_mode(boost::asio::ssl::verify_peer);
    client_ = std::make_unique<test::rpc_client>(port_, &tls_);
    const json::object a = client_->call("public/auth", {{"grant_type", "client_credentials"},
                                                         {"client_id", "tickrail-demo"},
                                                         {"client_secret", "tickrail-demo-secret"}});
    ASSERT_TRUE(a.contains("result")) << json::serialize(a);
    const json::object r = client_->call("public/get_instruments", {{"currency", "BTC"}});
    const absl::Status loaded = load_instruments(json::serialize(r), catalog_);
    ASSERT_TRUE(loaded.ok()) << loaded;
    perp_ = catalog_.find(core::venue::deribit, "BTC-PERPETUAL")->id;
  }

  gateway_config config() const {
    gateway_config c;
    c.session.endpoint.host = "127.0.0.1";
    c.session.endpoint.port = port_;
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
    if (venue_) c.session.wall_clock_ms = [venue = venue_.get()] { return venue->venue_now_ms(); };
    return c;
  }

  void start_gateway(gateway_config c) {
    gw_ = std::make_unique<gateway>(io_, std::move(c), catalog_, orders_, 0, exec_);
    gw_->start(now_ns());
  }

  // Polls the gateway, collects exec reports and every distinct state change
  // (the session may pass through a state between two looks, but each change
  // that needs a venue round trip is seen) until `done` or the timeout.
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      gw_->poll(now_ns());
      exec_.poll(0, [&](const core::event& e, core::sequence_t, bool) { reports_.push_back(e); });
      if (states_.empty() || states_.back() != gw_->last_state_change()) states_.push_back(gw_->last_state_change());
      if (done()) return true;
      std::this_thread::sleep_for(200us);
    }
    return false;
  }
  bool wait_ready(std::chrono::milliseconds timeout = 5s) {
    const bool ready = pump_until([&] { return gw_->connection().ready(); }, timeout);
    if (!ready) ADD_FAILURE() << "not ready: " << gw_->last_state_change();
    return ready;
  }
  bool saw_state(std::string_view prefix) const {
    return std::any_of(states_.begin(), states_.end(), [&](const std::string& s) { return s.starts_with(prefix); });
  }
  std::string states() const {
    std::string out;
    for (const std::string& s : states_) out += "[" + s + "] ";
    return out;
  }

  core::ticks best_bid() {
    const json::object r = client_->call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}});
    const double px = r.at("result").as_object().at("best_bid_price").to_number<double>();
    // BTC-PERPETUAL's tick is 0.5 USD (a literal here, not the catalog's conversion).
    return static_cast<core::ticks>(px * 2.0 + 0.5);
  }

  core::order_request order(core::intent_kind kind, core::client_order_id id, core::ticks px = 0, core::lots qty = 1) {
    core::order_request r{};
    r.intent.kind = kind;
    r.intent.cl_ord_id = id;
    r.intent.instrument = perp_;
    r.intent.order_side = core::side::buy;
    r.intent.type = core::order_type::limit;
    r.intent.price_ticks = px;
    r.intent.qty_lots = qty;
    r.intent.bot = 1;
    return r;
  }
  core::client_order_id next_id() { return core::make_client_order_id(1, ++counter_); }
  void submit(const core::order_request& r) { ASSERT_TRUE(orders_.try_push(r)); }

  const core::event* last_report(core::client_order_id id) const {
    for (auto it = reports_.rbegin(); it != reports_.rend(); ++it) {
      if (it->exec.cl_ord_id != id) continue;
      const exec_kind k = it->exec.kind;
      if (k == exec_kind::order_ack || k == exec_kind::order_update || k == exec_kind::reject) return &*it;
    }
    return nullptr;
  }
  bool reached(core::client_order_id id, order_state s) const {
    const core::event* e = last_report(id);
    return e != nullptr && e->exec.state == s;
  }
  std::size_t rejects_with(std::int32_t code) const {
    return static_cast<std::size_t>(std::count_if(reports_.begin(), reports_.end(), [&](const core::event& e) {
      return e.exec.kind == exec_kind::reject && e.exec.venue_error == code;
    }));
  }
  void fault(const std::string& query) {
    const test::http_result r = test::http_call(port_, "POST", "/admin/fault?" + query, {}, {}, &tls_);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static inline std::filesystem::path dir_;
  boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};
  std::unique_ptr<test::venue_process> venue_;
  std::uint16_t port_ = 0;
  std::unique_ptr<test::rpc_client> client_;
  core::instrument_catalog catalog_;
  core::instrument_id perp_ = 0;
  boost::asio::io_context io_;
  core::ring<core::order_request> orders_{1024, 1};
  core::ring<core::event> exec_{8192, 1};
  std::unique_ptr<gateway> gw_;
  std::vector<core::event> reports_;
  std::vector<std::string> states_;
  std::uint64_t counter_ = 1000;
};

// Path 0: the venue sends a test_request each heartbeat interval and closes
// a session that leaves one unanswered; the session answers public/test.
TEST_F(session_paths_test, heartbeat_test_requests_are_answered_with_public_test) {
  start_venue();
  start_gateway(config());  // heartbeat_s = 1
  ASSERT_TRUE(wait_ready());
  const std::uint64_t before = venue_->method_calls("public/test");
  ASSERT_TRUE(pump_until([&] { return venue_->method_calls("public/test") >= before + 3; }, 6s))
      << "public/test calls: " << venue_->method_calls("public/test") << "; " << states();
  EXPECT_GE(gw_->connection().stats().test_requests, 3u);
  EXPECT_EQ(gw_->connection().stats().disconnects, 0u) << states();
  EXPECT_TRUE(gw_->connection().ready());
}

// Path 1: an order whose reply does not come within request_timeout is not
// guessed at: the gateway counts the timeout and reconciles, and the venue's
// listing tells what became of it. Without user.orders the listing is the
// only way to learn it; the held-back reply comes too late to matter.
TEST_F(session_paths_test, an_order_request_timeout_triggers_reconciliation_that_learns_its_state) {
  start_venue();
  gateway_config c = config();
  c.session.channels = {"user.portfolio.btc"};
  c.session.request_timeout = 700ms;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  const std::uint64_t listings = venue_->method_calls("private/get_open_orders_by_currency");
  fault("kind=delay&ms=4000");
  const core::client_order_id id = next_id();
  const auto t0 = std::chrono::steady_clock::now();
  submit(order(core::intent_kind::place, id, best_bid() - 400, 1));
  ASSERT_TRUE(pump_until([&] { return gw_->stats().timeouts >= 1; }, 3s)) << states();
  EXPECT_EQ(gw_->connection().stats().timeouts, 1u);
  ASSERT_TRUE(pump_until([&] { return reached(id, order_state::open); }, 3s)) << states();
  // Learned before the delayed reply could have arrived, and from the listing.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3500ms);
  EXPECT_NE(last_report(id)->header.flags & core::k_exec_reconciled, 0u);
  EXPECT_GT(venue_->method_calls("private/get_open_orders_by_currency"), listings);
  EXPECT_TRUE(saw_state("reconciling")) << states();
  EXPECT_EQ(gw_->connection().stats().disconnects, 0u);
  fault("kind=delay&ms=0");
}

// Path 2a: the venue revokes every token (13009 on the next private call):
// the session re-authenticates on the same connection and trading goes on.
TEST_F(session_paths_test, a_13009_mid_session_reauthenticates_and_trading_continues) {
  start_venue();
  start_gateway(config());
  ASSERT_TRUE(wait_ready());
  const std::uint64_t auths = venue_->method_calls("public/auth");
  ASSERT_EQ(gw_->connection().stats().reauths, 0u);
  fault("kind=expire_tokens");
  const core::client_order_id id = next_id();
  submit(order(core::intent_kind::place, id, best_bid() - 400, 1));
  ASSERT_TRUE(pump_until([&] { return last_report(id) != nullptr; })) << states();
  EXPECT_EQ(last_report(id)->exec.state, order_state::rejected);
  EXPECT_EQ(last_report(id)->exec.venue_error, 13009);
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().reauths >= 1; }, 2s));
  // Once the new token is in (the venue has counted the request whose reply
  // arrived), the next order goes through.
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().auths >= 2; }, 3s));
  EXPECT_GT(venue_->method_calls("public/auth"), auths);
  const core::client_order_id again = next_id();
  submit(order(core::intent_kind::place, again, best_bid() - 400, 1));
  ASSERT_TRUE(pump_until([&] { return reached(again, order_state::open); })) << states();
  EXPECT_EQ(gw_->connection().stats().reauths, 1u);
  EXPECT_EQ(gw_->connection().stats().disconnects, 0u);
}

// Path 2b: refused credentials never reach ready, and the state change says
// why in the venue's words.
TEST_F(session_paths_test, wrong_credentials_are_reported_as_invalid_credentials) {
  start_venue();
  gateway_config c = config();
  c.session.client_secret = "not-the-secret";
  c.session.reconnect_min = 2s;
  c.session.reconnect_max = 2s;
  start_gateway(c);
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().disconnects >= 1; }, 4s)) << states();
  EXPECT_FALSE(gw_->connection().ready());
  EXPECT_EQ(gw_->connection().stats().auths, 0u);
  EXPECT_TRUE(std::any_of(states_.begin(), states_.end(), [](const std::string& s) {
    return s.starts_with("disconnected") && s.find("invalid_credentials") != std::string::npos;
  })) << states();
}

// Path 3: with nothing listening every attempt fails at once, so the gap
// between attempts is the backoff: it starts in [min/2, min], doubles, and
// stays within [max/2, max] once capped. Bounds are generous for a loaded box.
TEST_F(session_paths_test, reconnect_backoff_grows_to_its_cap_and_jitter_stays_above_half_the_minimum) {
  start_venue();
  venue_.reset();  // the port is free now: connections are refused
  client_.reset();
  gateway_config c = config();
  c.session.reconnect_min = 200ms;
  c.session.reconnect_max = 800ms;
  start_gateway(c);
  std::vector<std::chrono::steady_clock::duration> gaps;
  std::uint64_t connects = gw_->connection().stats().connects;
  auto last = std::chrono::steady_clock::now();
  ASSERT_TRUE(pump_until(
      [&] {
        const std::uint64_t n = gw_->connection().stats().connects;
        if (n != connects) {
          const auto now = std::chrono::steady_clock::now();
          gaps.push_back(now - last);
          last = now;
          connects = n;
        }
        return gaps.size() >= 7;
      },
      15s))
      << states();
  std::string seen;
  for (const auto g : gaps)
    seen += std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(g).count()) + " ";
  SCOPED_TRACE("gaps ms: " + seen);
  for (const auto g : gaps) {
    EXPECT_GE(g, 100ms);          // jitter never below half the minimum
    EXPECT_LE(g, 800ms + 250ms);  // never beyond the cap (plus scheduling slack)
  }
  EXPECT_LE(gaps[0], 200ms + 150ms);                                        // the first retry waits about the minimum
  for (std::size_t i = 3; i < gaps.size(); ++i) EXPECT_GE(gaps[i], 400ms);  // 800 ms after doubling twice
  EXPECT_FALSE(gw_->connection().ready());
}

// Path 5a: a pool of one credit refilling at 1/s against ten orders: those
// that wait longer than max_send_wait are rejected k_error_rate_limited and
// never sent; the venue never sees more orders than the credits allowed.
TEST_F(session_paths_test, credit_starvation_rejects_rate_limited_and_never_oversends) {
  start_venue();
  gateway_config c = config();
  c.credits = {.burst_credits = 1, .refill_per_s = 1};
  c.max_send_wait = 200ms;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  const std::uint64_t buys = venue_->method_calls("private/buy");
  const core::ticks bid = best_bid();
  std::vector<core::client_order_id> ids;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) {
    ids.push_back(next_id());
    submit(order(core::intent_kind::place, ids.back(), bid - 400 - 2 * i, 1));
  }
  ASSERT_TRUE(pump_until(
      [&] { return std::all_of(ids.begin(), ids.end(), [&](auto id) { return last_report(id) != nullptr; }); }, 8s));
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // The burst, plus what refilled meanwhile (and the credit the limiter had
  // accrued since the gateway started).
  const auto allowed = static_cast<std::uint64_t>(2 + elapsed_s * 1.0);
  const std::uint64_t sent_to_venue = venue_->method_calls("private/buy") - buys;
  EXPECT_LE(sent_to_venue, allowed) << "elapsed " << elapsed_s << " s";
  EXPECT_EQ(sent_to_venue, gw_->stats().sent);
  EXPECT_GE(gw_->stats().rate_limited, 5u);
  EXPECT_EQ(rejects_with(k_error_rate_limited), gw_->stats().rate_limited);
  EXPECT_EQ(gw_->stats().sent + gw_->stats().rate_limited, 10u);
}

// Path 5b: a second place with a live order's id is rejected here and never
// reaches the venue; the live order is untouched.
TEST_F(session_paths_test, a_duplicate_place_id_is_rejected_unsent) {
  start_venue();
  start_gateway(config());
  ASSERT_TRUE(wait_ready());
  const std::uint64_t buys = venue_->method_calls("private/buy");
  const core::client_order_id id = next_id();
  submit(order(core::intent_kind::place, id, best_bid() - 400, 1));
  ASSERT_TRUE(pump_until([&] { return reached(id, order_state::open); }));
  submit(order(core::intent_kind::place, id, best_bid() - 500, 2));
  ASSERT_TRUE(pump_until([&] { return rejects_with(k_error_unencodable) >= 1; }, 2s));
  pump_until([] { return false; }, 300ms);  // anything sent would be answered by now
  EXPECT_EQ(venue_->method_calls("private/buy") - buys, 1u);
  EXPECT_EQ(gw_->stats().sent, 1u);
  EXPECT_EQ(gw_->tracker().live_orders(), 1u);
  const core::order_tracker::order* o = gw_->tracker().find(id);
  ASSERT_NE(o, nullptr);
  EXPECT_EQ(o->qty_lots, 1);
  EXPECT_EQ(o->state, order_state::open);
}

// Path 7: the venue holds a position this gateway never saw a fill for (the
// trade is outside the lookback: the injected wall clock runs 25 h ahead), so
// the positions snapshot disagrees with the tracker: an alert, and the
// tracker takes the venue's figure.
TEST_F(session_paths_test, reconciliation_alerts_when_the_venue_position_differs) {
  start_venue();
  const json::object bought = client_->call(
      "private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 20}, {"type", "market"}, {"label", "manual"}});
  ASSERT_TRUE(bought.contains("result")) << json::serialize(bought);
  gateway_config c = config();
  c.session.wall_clock_ms = [venue = venue_.get()] { return venue->venue_now_ms() + 25 * 3'600'000; };
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  EXPECT_EQ(gw_->stats().position_alerts, 1u);
  EXPECT_EQ(gw_->tracker().position_of(perp_).qty_lots, 2);  // 20 USD in 10 USD lots
}

// Path 5c: a tracker full of live orders takes no more: the next place is
// rejected here and never reaches the venue.
TEST_F(session_paths_test, a_full_tracker_rejects_the_next_place_unsent) {
  start_venue();
  gateway_config c = config();
  c.max_orders = 2;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  const std::uint64_t buys = venue_->method_calls("private/buy");
  const core::ticks bid = best_bid();
  const core::client_order_id a = next_id(), b = next_id(), extra = next_id();
  submit(order(core::intent_kind::place, a, bid - 400, 1));
  submit(order(core::intent_kind::place, b, bid - 402, 1));
  ASSERT_TRUE(pump_until([&] { return reached(a, order_state::open) && reached(b, order_state::open); }));
  submit(order(core::intent_kind::place, extra, bid - 404, 1));
  ASSERT_TRUE(pump_until([&] { return last_report(extra) != nullptr; }, 2s));
  EXPECT_EQ(last_report(extra)->exec.state, order_state::rejected);
  EXPECT_EQ(last_report(extra)->exec.venue_error, k_error_unencodable);
  pump_until([] { return false; }, 300ms);  // anything sent would be answered by now
  EXPECT_EQ(venue_->method_calls("private/buy") - buys, 2u);
  EXPECT_EQ(gw_->tracker().live_orders(), 2u);
}

}  // namespace
}  // namespace tickrail::deribit
