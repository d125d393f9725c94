// Re-authentication paths session_paths_test does not reach (issue 27 path
// 2), against tickrail-venue over WSS: a refresh the venue refuses (its
// refresh token expired) makes the session authenticate again with client
// credentials and stay usable, counted as a re-auth; an auth reply that
// carries no token (the venue's tokenless_auth fault) is a failure with that
// reason, and the session reconnects and gets ready.
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

namespace tickrail::deribit {
namespace {

namespace json = boost::json;
using core::order_state;
using namespace std::chrono_literals;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class session_auth_paths_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_session_auth_paths_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    test::make_test_certificate(path("cert.pem"), path("key.pem"));
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string path(const char* name) { return (dir_ / name).string(); }

  void start_venue(venue::venue_config vc = test::test_venue_config()) {
    venue_ = std::make_unique<test::venue_process>(std::move(vc), path("cert.pem"), path("key.pem"));
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
    c.session.channels = {"user.orders.any.any.raw"};
    c.session.currencies = {"BTC"};
    c.session.request_timeout = 2s;
    c.session.reconnect_min = 50ms;
    c.session.reconnect_max = 400ms;
    c.credits = {.burst_credits = 50, .refill_per_s = 10};
    if (venue_) c.session.wall_clock_ms = [venue = venue_.get()] { return venue->venue_now_ms(); };
    return c;
  }

  void start_gateway(gateway_config c) {
    gw_ = std::make_unique<gateway>(io_, std::move(c), catalog_, orders_, 0, exec_);
    gw_->start(now_ns());
  }

  // Polls the gateway, collects exec reports and records every distinct
  // state change, until `done` or the timeout.
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
  std::string states() const {
    std::string out;
    for (const std::string& s : states_) out += "[" + s + "] ";
    return out;
  }
  const core::event* last_report(core::client_order_id id) const {
    for (auto it = reports_.rbegin(); it != reports_.rend(); ++it) {
      if (it->exec.cl_ord_id == id) return &*it;
    }
    return nullptr;
  }

  core::ticks best_bid() {
    const json::object r = client_->call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}});
    const double px = r.at("result").as_object().at("best_bid_price").to_number<double>();
    // BTC-PERPETUAL's tick is 0.5 USD (a literal here, not the catalog's conversion).
    return static_cast<core::ticks>(px * 2.0 + 0.5);
  }
  core::order_request order(core::client_order_id id, core::ticks px) {
    core::order_request r{};
    r.intent.kind = core::intent_kind::place;
    r.intent.cl_ord_id = id;
    r.intent.instrument = perp_;
    r.intent.order_side = core::side::buy;
    r.intent.type = core::order_type::limit;
    r.intent.price_ticks = px;
    r.intent.qty_lots = 1;
    r.intent.bot = 1;
    return r;
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
};

// Path 2c: access tokens live 2 s and refresh tokens 1 s, so the refresh at
// 0.8 of the token's life (1.6 s) is refused with 13009. The session must
// authenticate again with client credentials before the token runs out: an
// order placed after the first token expired (2 s) goes through at once,
// with no 13009 and no disconnect.
TEST_F(session_auth_paths_test, a_refused_refresh_reauthenticates_with_client_credentials_and_stays_usable) {
  venue::venue_config vc = test::test_venue_config();
  vc.token_ttl_s = 2;
  vc.refresh_ttl_s = 1;
  start_venue(vc);
  gateway_config c = config();
  c.session.refresh_fraction = 0.8;
  start_gateway(c);
  ASSERT_TRUE(pump_until([&] { return gw_->connection().ready(); })) << states();
  const auto ready_at = std::chrono::steady_clock::now();
  ASSERT_EQ(gw_->connection().stats().auths, 1u);
  ASSERT_EQ(gw_->connection().stats().reauths, 0u);
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().reauths >= 1; }, 4s)) << states();
  EXPECT_EQ(gw_->connection().stats().refreshes, 0u);  // the refresh was refused, not counted as one
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().auths >= 2; }, 3s)) << states();
  // Past the first token's expiry (venue time runs with ours).
  pump_until([&] { return std::chrono::steady_clock::now() >= ready_at + 2500ms; }, 3s);
  const core::client_order_id id = core::make_client_order_id(1, 7001);
  ASSERT_TRUE(orders_.try_push(order(id, best_bid() - 400)));
  ASSERT_TRUE(pump_until([&] {
    const core::event* e = last_report(id);
    return e != nullptr && e->exec.state != order_state::pending_new;
  })) << states();
  EXPECT_EQ(last_report(id)->exec.state, order_state::open) << "venue error " << last_report(id)->exec.venue_error;
  EXPECT_TRUE(gw_->connection().ready());
  EXPECT_EQ(gw_->connection().stats().disconnects, 0u) << states();
  EXPECT_GE(venue_->method_calls("public/auth"), 3u);  // ours, the test's, the refused refresh and the re-auth
}

// Path 2d: the venue answers the first public/auth with a result that has no
// access_token. That is a failure with a clear reason, counted as a
// disconnect; the reconnect authenticates and the session gets ready.
TEST_F(session_auth_paths_test, an_auth_reply_without_a_token_fails_with_that_reason_and_reconnects) {
  start_venue();
  fault("kind=tokenless_auth&count=1");
  start_gateway(config());
  ASSERT_TRUE(pump_until([&] { return gw_->connection().ready(); })) << states();
  EXPECT_EQ(gw_->connection().stats().disconnects, 1u) << states();
  EXPECT_EQ(gw_->connection().stats().connects, 2u) << states();
  EXPECT_EQ(gw_->connection().stats().auths, 1u) << states();  // only the reply with a token counts
  EXPECT_TRUE(std::any_of(states_.begin(), states_.end(), [](const std::string& s) {
    return s.starts_with("disconnected") && s.find("auth reply without a token") != std::string::npos;
  })) << states();
}

}  // namespace
}  // namespace tickrail::deribit
