// More gateway and session paths against tickrail-venue over WSS (issue 27,
// beside session_paths_test): an exec ring that overflows (the overflow
// buffer keeps order, what exceeds both is counted lost), stopping (a stalled
// venue times the stop out, a disconnected session stops at once, a refused
// cancel_all still logs out) and what a reconnect restores (the same
// subscriptions, a fresh book snapshot, user.orders again).
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
using core::exec_kind;
using core::order_state;
using namespace std::chrono_literals;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

class gateway_paths_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_gateway_paths_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    test::make_test_certificate(path("cert.pem"), path("key.pem"));
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string path(const char* name) { return (dir_ / name).string(); }

  void start_venue() {
    venue_ = std::make_unique<test::venue_process>(test::test_venue_config(), path("cert.pem"), path("key.pem"));
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
    c.credits = {.burst_credits = 50, .refill_per_s = 10};
    if (venue_) c.session.wall_clock_ms = [venue = venue_.get()] { return venue->venue_now_ms(); };
    return c;
  }

  void start_gateway(gateway_config c) {
    gw_ = std::make_unique<gateway>(io_, std::move(c), catalog_, orders_, 0, *exec_);
    gw_->start(now_ns());
  }

  // Polls the gateway and (when `drain`) collects exec reports, and records
  // every distinct state change, until `done` or the timeout.
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds timeout = 5s, bool drain = true) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      gw_->poll(now_ns());
      if (drain) exec_->poll(0, [&](const core::event& e, core::sequence_t, bool) { reports_.push_back(e); });
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
  core::client_order_id next_id() { return core::make_client_order_id(1, ++counter_); }
  void submit(const core::order_request& r) { ASSERT_TRUE(orders_.try_push(r)); }
  void fault(const std::string& query) {
    const test::http_result r = test::http_call(port_, "POST", "/admin/fault?" + query, {}, {}, &tls_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::uint64_t reports_out() const {
    const auto& s = gw_->stats();
    return s.published + s.overflowed + s.lost;
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
  std::unique_ptr<core::ring<core::event>> exec_ = std::make_unique<core::ring<core::event>>(8192, 1);
  std::unique_ptr<gateway> gw_;
  std::vector<core::event> reports_;
  std::vector<std::string> states_;
  std::uint64_t counter_ = 5000;
};

// Path 6: an exec ring of 4 and an overflow of 4, nobody reading: of 12
// acknowledgements 4 go on the ring, 4 wait in the overflow and 4 are lost
// (counted). Once the ring drains, the overflow follows in order.
TEST_F(gateway_paths_test, a_full_exec_ring_overflows_in_order_and_counts_what_is_lost) {
  start_venue();
  exec_ = std::make_unique<core::ring<core::event>>(4, 1);
  gateway_config c = config();
  c.session.channels = {};  // one report per order: its reply's acknowledgement
  c.overflow_events = 4;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  pump_until([] { return false; }, 200ms);  // the ring is empty now
  reports_.clear();
  const std::uint64_t published = gw_->stats().published, overflowed = gw_->stats().overflowed,
                      lost = gw_->stats().lost, out = reports_out();
  const core::ticks bid = best_bid();
  std::vector<core::client_order_id> ids;
  for (int i = 0; i < 12; ++i) {
    ids.push_back(next_id());
    submit(order(ids.back(), bid - 400 - 2 * i));
  }
  ASSERT_TRUE(pump_until([&] { return reports_out() - out >= 12; }, 8s, /*drain=*/false))
      << "reports out: " << reports_out() - out << "; " << states();
  pump_until([] { return false; }, 300ms, /*drain=*/false);  // nothing more comes
  EXPECT_EQ(gw_->stats().sent, 12u);
  EXPECT_EQ(reports_out() - out, 12u);
  EXPECT_EQ(gw_->stats().published - published, 4u);
  EXPECT_EQ(gw_->stats().overflowed - overflowed, 4u);
  EXPECT_EQ(gw_->stats().lost - lost, 4u);

  ASSERT_TRUE(pump_until([&] { return reports_.size() >= 8; }, 3s));
  pump_until([] { return false; }, 200ms);
  ASSERT_EQ(reports_.size(), 8u);
  for (std::size_t i = 0; i < reports_.size(); ++i) {
    EXPECT_EQ(reports_[i].exec.cl_ord_id, ids[i]) << "report " << i;
    EXPECT_EQ(reports_[i].exec.kind, exec_kind::order_ack) << "report " << i;
  }
  EXPECT_EQ(gw_->stats().published - published, 8u);
  EXPECT_EQ(gw_->stats().lost - lost, 4u);
}

// Path 9a: a venue that answers nothing: stop() sends cancel_all, no reply
// comes, and the session gives up at stop_timeout ("stop timed out").
TEST_F(gateway_paths_test, a_stop_against_a_stalled_venue_times_out_at_stop_timeout) {
  start_venue();
  gateway_config c = config();
  c.session.stop_timeout = 600ms;
  c.session.request_timeout = 5s;  // only the stop timeout may end it
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  fault("kind=stall&ms=8000");
  const auto t0 = std::chrono::steady_clock::now();
  gw_->stop(now_ns());
  EXPECT_EQ(gw_->connection().state(), session_state::stopping);
  ASSERT_TRUE(pump_until([&] { return gw_->connection().state() == session_state::stopped; }, 4s)) << states();
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(elapsed, 600ms);
  EXPECT_LT(elapsed, 600ms + 1500ms);
  EXPECT_NE(gw_->last_state_change().find("stop timed out"), std::string::npos) << states();
}

// Path 9b: with the venue gone the session is waiting to reconnect; stop()
// ends it at once, and it never tries again.
TEST_F(gateway_paths_test, a_stop_while_disconnected_is_immediately_stopped) {
  start_venue();
  gateway_config c = config();
  c.session.reconnect_min = 100ms;
  c.session.reconnect_max = 200ms;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  venue_.reset();
  client_.reset();
  ASSERT_TRUE(pump_until([&] { return gw_->connection().state() == session_state::disconnected; }, 5s)) << states();
  gw_->stop(now_ns());
  EXPECT_EQ(gw_->connection().state(), session_state::stopped) << states();
  const std::uint64_t connects = gw_->connection().stats().connects;
  pump_until([] { return false; }, 500ms);  // beyond the reconnect backoff
  EXPECT_EQ(gw_->connection().state(), session_state::stopped) << states();
  EXPECT_EQ(gw_->connection().stats().connects, connects);
}

// Path 9c: the venue refuses everything (a rate storm: 10028): the refused
// cancel_all is followed by private/logout all the same, and the session
// closes on that answer, long before its stop timeout.
TEST_F(gateway_paths_test, a_refused_cancel_all_at_stop_still_logs_out) {
  start_venue();
  gateway_config c = config();
  c.session.stop_timeout = 6s;
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  const std::uint64_t cancels = venue_->method_calls("private/cancel_all");
  const std::uint64_t logouts = venue_->method_calls("private/logout");
  fault("kind=storm&on=1");
  const auto t0 = std::chrono::steady_clock::now();
  gw_->stop(now_ns());
  ASSERT_TRUE(pump_until([&] { return gw_->connection().state() == session_state::stopped; }, 5s)) << states();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  EXPECT_EQ(venue_->method_calls("private/cancel_all") - cancels, 1u);
  EXPECT_EQ(venue_->method_calls("private/logout") - logouts, 1u);
  EXPECT_EQ(gw_->last_state_change().find("timed out"), std::string::npos) << states();
  fault("kind=storm&on=0");
}

// Path 4: the venue drops the connection. The session reconnects and
// subscribes again (one private/subscribe, as at start-up) to every channel
// it had: the book channel answers with a fresh snapshot, and user.orders
// tells of an order cancelled from another connection.
TEST_F(gateway_paths_test, a_reconnect_restores_every_subscription_and_the_book_gets_a_fresh_snapshot) {
  start_venue();
  std::vector<std::string> frames;
  gateway_config c = config();
  c.session.channels = {"user.orders.any.any.raw", "user.portfolio.btc", "book.BTC-PERPETUAL.100ms"};
  c.on_market_data = [&frames](std::string_view frame, std::int64_t) { frames.emplace_back(frame); };
  const auto snapshots_since = [&frames](std::size_t first) {
    std::size_t n = 0;
    for (std::size_t i = first; i < frames.size(); ++i) {
      const json::object f = json::parse(frames[i]).as_object();
      const json::object& p = f.at("params").as_object();
      if (p.at("channel").as_string() != "book.BTC-PERPETUAL.100ms") continue;
      const json::object& d = p.at("data").as_object();
      if (d.contains("type") && d.at("type").as_string() == "snapshot") ++n;
    }
    return n;
  };
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  ASSERT_TRUE(pump_until([&] { return snapshots_since(0) >= 1; }, 3s)) << frames.size() << " frames";
  const std::uint64_t subscribes = venue_->method_calls("private/subscribe");
  const std::uint64_t disconnects = gw_->connection().stats().disconnects;
  const core::ticks bid = best_bid();  // the drop closes this test's own connection too

  fault("kind=drop");
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().disconnects > disconnects; }, 5s)) << states();
  const std::size_t mark = frames.size();
  ASSERT_TRUE(wait_ready());
  EXPECT_EQ(venue_->method_calls("private/subscribe") - subscribes, 1u);
  EXPECT_TRUE(pump_until([&] { return snapshots_since(mark) >= 1; }, 3s))
      << "no book snapshot after the reconnect; " << frames.size() - mark << " frames";

  // An order cancelled from another connection: only user.orders tells.
  const core::client_order_id id = next_id();
  submit(order(id, bid - 400));
  const auto last = [&]() -> const core::event* {
    for (auto it = reports_.rbegin(); it != reports_.rend(); ++it)
      if (it->exec.cl_ord_id == id && it->exec.kind != exec_kind::fill) return &*it;
    return nullptr;
  };
  ASSERT_TRUE(pump_until([&] { return last() != nullptr && last()->exec.state == order_state::open; }, 3s)) << states();
  const std::string venue_id = last()->exec.venue_order_id;
  client_ = std::make_unique<test::rpc_client>(port_, &tls_);
  ASSERT_TRUE(client_
                  ->call("public/auth", {{"grant_type", "client_credentials"},
                                         {"client_id", "tickrail-demo"},
                                         {"client_secret", "tickrail-demo-secret"}})
                  .contains("result"));
  const json::object cancelled = client_->call("private/cancel", {{"order_id", venue_id}});
  ASSERT_TRUE(cancelled.contains("result")) << json::serialize(cancelled);
  EXPECT_TRUE(pump_until([&] { return last()->exec.state == order_state::cancelled; }, 3s))
      << "no user.orders update after the reconnect; " << states();
  EXPECT_EQ(gw_->connection().stats().disconnects, disconnects + 1);
}

}  // namespace
}  // namespace tickrail::deribit
