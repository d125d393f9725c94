// Reconciliation paths against tickrail-venue over WSS (issue 27 path 7,
// beside session_paths_test's position alert): trade history longer than
// one page (the session follows `has_more` from the last trade's time and
// the tracker drops the trades the pages share), and a fill that happens
// while the gateway's connection is down, learned from the trade history
// after the reconnect.
//
// Each test is written to fail when its production line is removed; see
// docs/testing.md and tools/mutate. The gateway is polled on the test thread;
// the venue runs on its own thread. Every wait is bounded.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
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

class reconcile_paths_test : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_reconcile_paths_" + std::to_string(::getpid()));
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
    connect_client();
    const json::object r = client_->call("public/get_instruments", {{"currency", "BTC"}});
    const absl::Status loaded = load_instruments(json::serialize(r), catalog_);
    ASSERT_TRUE(loaded.ok()) << loaded;
    perp_ = catalog_.find(core::venue::deribit, "BTC-PERPETUAL")->id;
  }
  // The test's own connection, on the gateway's account.
  void connect_client() {
    client_ = std::make_unique<test::rpc_client>(port_, &tls_);
    const json::object a = client_->call("public/auth", {{"grant_type", "client_credentials"},
                                                         {"client_id", "tickrail-demo"},
                                                         {"client_secret", "tickrail-demo-secret"}});
    ASSERT_TRUE(a.contains("result")) << json::serialize(a);
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
    c.session.heartbeat_s = 10;
    c.session.channels = {"user.portfolio.btc"};
    c.session.currencies = {"BTC"};
    c.session.request_timeout = 5s;
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
  bool wait_ready(std::chrono::milliseconds timeout = 10s) {
    const bool ready = pump_until([&] { return gw_->connection().ready(); }, timeout);
    if (!ready) ADD_FAILURE() << "not ready: " << gw_->last_state_change();
    return ready;
  }
  std::string states() const {
    std::string out;
    for (const std::string& s : states_) out += "[" + s + "] ";
    return out;
  }
  std::vector<core::event> fills() const {
    std::vector<core::event> out;
    for (const core::event& e : reports_)
      if (e.exec.kind == exec_kind::fill) out.push_back(e);
    return out;
  }

  void fault(const std::string& query) {
    const test::http_result r = test::http_call(port_, "POST", "/admin/fault?" + query, {}, {}, &tls_);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // BTC-PERPETUAL's tick is 0.5 USD (a literal here, not the catalog's conversion).
  static core::ticks to_ticks(double usd) { return static_cast<core::ticks>(usd * 2.0 + 0.5); }
  json::object ticker() {
    return client_->call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}}).at("result").as_object();
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

// Path 7a: the account traded more often than one page holds (the session
// asks for 1000, the venue's most). Start-up reconciliation takes the first
// page, sees has_more and asks again from the last trade's time: every trade
// reaches the exec ring once (the second page repeats the trades of that
// millisecond; the tracker drops them), each flagged reconciled.
TEST_F(reconcile_paths_test, trade_history_longer_than_a_page_is_followed_through_has_more) {
  venue::venue_config vc = test::test_venue_config();
  vc.matching_per_s = 1'000'000;  // the test trades 1010 times in a few seconds
  vc.matching_burst = 1'000'000;
  start_venue(vc);
  constexpr int k_orders = 1010;
  std::map<std::int64_t, int> venue_trades;  // trade_seq → times seen in the replies
  for (int i = 0; i < k_orders; ++i) {
    // The venue stamps trades with its market time, which moves in 100 ms
    // steps: a pause every 100 orders spreads them over several stamps. (A
    // page of 1000 trades all of one millisecond would be asked for again
    // and again: the next page starts at the last trade's time.)
    if (i % 100 == 99) std::this_thread::sleep_for(150ms);
    const json::object r = client_->call(i % 2 == 0 ? "private/buy" : "private/sell",
                                         {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"type", "market"}});
    ASSERT_TRUE(r.contains("result")) << i << ": " << json::serialize(r);
    for (const json::value& t : r.at("result").as_object().at("trades").as_array())
      ++venue_trades[t.as_object().at("trade_seq").to_number<std::int64_t>()];
  }
  ASSERT_GE(venue_trades.size(), 1010u);  // more than one page of 1000

  start_gateway(config());
  ASSERT_TRUE(wait_ready()) << states();
  EXPECT_EQ(venue_->method_calls("private/get_user_trades_by_currency"), 2u);
  std::map<std::int64_t, int> published;
  std::size_t unflagged = 0;
  for (const core::event& e : fills()) {
    ++published[static_cast<std::int64_t>(e.exec.trade_seq)];
    unflagged += (e.header.flags & core::k_exec_reconciled) == 0;
  }
  EXPECT_EQ(published.size(), venue_trades.size());
  EXPECT_EQ(fills().size(), venue_trades.size()) << "a trade published twice";
  EXPECT_EQ(unflagged, 0u);
  for (const auto& [seq, n] : venue_trades) {
    const auto it = published.find(seq);
    EXPECT_TRUE(it != published.end() && it->second == 1) << "trade_seq " << seq;
  }
  // Bought and sold 505 lots each: flat.
  EXPECT_EQ(gw_->tracker().position_of(perp_).qty_lots, 0);
}

// Path 7b: a resting order of ours fills while the gateway is disconnected
// (cancel-on-disconnect off, so it stays; another connection moves it
// through the ask and it trades). Nothing arrives while the connection is
// down; after the reconnect the trade history brings the fill once,
// flagged reconciled, and the order is no longer live.
TEST_F(reconcile_paths_test, a_fill_missed_during_a_disconnect_is_published_once_after_the_reconnect) {
  start_venue();
  gateway_config c = config();
  c.session.cancel_on_disconnect = false;
  c.session.channels = {"user.orders.any.any.raw", "user.trades.any.any.raw", "user.portfolio.btc"};
  start_gateway(c);
  ASSERT_TRUE(wait_ready());
  const core::ticks bid = to_ticks(ticker().at("best_bid_price").to_number<double>());

  core::order_request r{};
  r.intent.kind = core::intent_kind::place;
  r.intent.cl_ord_id = core::make_client_order_id(1, 1001);
  r.intent.instrument = perp_;
  r.intent.order_side = core::side::buy;
  r.intent.type = core::order_type::limit;
  r.intent.price_ticks = bid - 400;  // 200 USD below the bid: rests
  r.intent.qty_lots = 1;
  r.intent.bot = 1;
  ASSERT_TRUE(orders_.try_push(r));
  const auto order_report = [&]() -> const core::event* {
    for (auto it = reports_.rbegin(); it != reports_.rend(); ++it)
      if (it->exec.cl_ord_id == r.intent.cl_ord_id && it->exec.kind != exec_kind::fill) return &*it;
    return nullptr;
  };
  ASSERT_TRUE(pump_until([&] { return order_report() != nullptr && order_report()->exec.state == order_state::open; }))
      << states();
  const std::string venue_id = order_report()->exec.venue_order_id;

  const std::uint64_t disconnects = gw_->connection().stats().disconnects;
  fault("kind=drop");  // every WebSocket connection, the test's own too
  ASSERT_TRUE(pump_until([&] { return gw_->connection().stats().disconnects > disconnects; })) << states();
  // The gateway is not polled now, so it stays down while the order trades.
  connect_client();
  // 50 USD through the ask, so a market step between the ticker and the
  // edit still leaves the order crossing; it fills at the touch.
  const double ask = ticker().at("best_ask_price").to_number<double>() + 50.0;
  const json::object edited = client_->call("private/edit", {{"order_id", venue_id}, {"amount", 10}, {"price", ask}});
  ASSERT_TRUE(edited.contains("result")) << json::serialize(edited);
  const json::array& traded = edited.at("result").as_object().at("trades").as_array();
  ASSERT_EQ(traded.size(), 1u) << json::serialize(edited);
  const auto trade_seq = traded[0].as_object().at("trade_seq").to_number<std::int64_t>();
  EXPECT_TRUE(fills().empty());

  const std::size_t mark = reports_.size();
  ASSERT_TRUE(wait_ready()) << states();
  // Anything late on user.trades would come now too; give it a moment.
  (void)pump_until([] { return false; }, 500ms);
  std::vector<core::event> got;
  for (std::size_t i = mark; i < reports_.size(); ++i)
    if (reports_[i].exec.kind == exec_kind::fill) got.push_back(reports_[i]);
  ASSERT_EQ(got.size(), 1u) << states();
  EXPECT_EQ(static_cast<std::int64_t>(got[0].exec.trade_seq), trade_seq);
  EXPECT_EQ(got[0].exec.cl_ord_id, r.intent.cl_ord_id);
  EXPECT_EQ(got[0].exec.last_qty_lots, 1);
  EXPECT_EQ(got[0].exec.order_side, core::side::buy);
  EXPECT_NE(got[0].header.flags & core::k_exec_reconciled, 0u);
  EXPECT_EQ(gw_->tracker().position_of(perp_).qty_lots, 1);
  const core::order_tracker::order* o = gw_->tracker().find(r.intent.cl_ord_id);
  EXPECT_TRUE(o == nullptr || core::is_terminal(o->visible_state())) << "the filled order is still live";
  EXPECT_EQ(gw_->connection().stats().disconnects, disconnects + 1);
}

}  // namespace
}  // namespace tickrail::deribit
