// tickrail-venue, the rest of the surface: every remaining method and channel
// over the WebSocket, stop and time-in-force semantics, closing positions,
// order history, the public tape, per-method request counters, and the
// exchange's maker fills and funding driven directly (deterministic, no
// sockets).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "tickrail/core/clock.hpp"
#include "support/venue_harness.hpp"

namespace tickrail::test {
namespace {

json::object auth_params() {
  return {
      {"grant_type", "client_credentials"}, {"client_id", "tickrail-demo"}, {"client_secret", "tickrail-demo-secret"}};
}
std::int64_t error_code(const json::object& r) {
  const json::value* e = r.if_contains("error");
  return e != nullptr ? e->as_object().at("code").as_int64() : 0;
}
std::string str(const json::value& v) { return std::string(v.as_string().c_str()); }
double num(const json::value& v) { return v.is_double() ? v.as_double() : static_cast<double>(v.as_int64()); }
const json::value& result(const json::object& r) { return r.at("result"); }
// The order ids of an array of orders, in order.
std::vector<std::string> order_ids(const json::object& reply) {
  std::vector<std::string> ids;
  for (const json::value& o : result(reply).as_array()) ids.push_back(str(o.as_object().at("order_id")));
  return ids;
}

// Every test runs over plain WS and over WSS (a certificate made by openssl
// once for the suite, trusted by the client).
class venue_methods_test : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_venue_methods_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    make_test_certificate(cert(), key());
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::string cert() { return (dir_ / "cert.pem").string(); }
  static std::string key() { return (dir_ / "key.pem").string(); }

  void SetUp() override {
    if (GetParam()) {
      venue_ = std::make_unique<venue_process>(test_venue_config(), cert(), key());
      tls_.load_verify_file(cert());
      tls_.set_verify_mode(ssl::verify_peer);
      client_ = std::make_unique<rpc_client>(venue_->port(), &tls_);
    } else {
      venue_ = std::make_unique<venue_process>();
      client_ = std::make_unique<rpc_client>(venue_->port());
    }
    ASSERT_EQ(error_code(client_->call("public/auth", auth_params())), 0);
  }
  double touch(const char* side) {
    const auto t = client_->call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}});
    return num(result(t).as_object().at(side));
  }
  json::object buy(json::object p) {
    p["instrument_name"] = "BTC-PERPETUAL";
    return client_->call("private/buy", p);
  }

  static inline std::filesystem::path dir_;
  ssl::context tls_{ssl::context::tls_client};
  std::unique_ptr<venue_process> venue_;
  std::unique_ptr<rpc_client> client_;
};

INSTANTIATE_TEST_SUITE_P(transport, venue_methods_test, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "wss" : "ws"; });

TEST_P(venue_methods_test, market_data_methods) {
  const auto time = client_->call("public/get_time");
  EXPECT_NEAR(static_cast<double>(result(time).as_int64()), static_cast<double>(core::wall_clock_ms()), 5000);
  const auto currencies = client_->call("public/get_currencies");
  EXPECT_EQ(result(currencies).as_array().size(), 2u);
  const auto inst = client_->call("public/get_instrument", {{"instrument_name", "ETH-PERPETUAL"}});
  EXPECT_EQ(num(result(inst).as_object().at("tick_size")), 0.05);
  EXPECT_EQ(num(result(inst).as_object().at("contract_size")), 1);
  const auto options = client_->call("public/get_instruments", {{"currency", "BTC"}, {"kind", "option"}});
  const json::object& opt = result(options).as_array().at(0).as_object();
  EXPECT_EQ(str(opt.at("kind")), "option");
  EXPECT_EQ(num(opt.at("min_trade_amount")), 0.1);
  ASSERT_EQ(opt.at("tick_size_steps").as_array().size(), 1u);
  EXPECT_EQ(num(opt.at("tick_size_steps").as_array().at(0).as_object().at("above_price")), 0.005);
  EXPECT_EQ(error_code(client_->call("public/get_instruments", {{"currency", "DOGE"}})), -32602);

  const auto book = client_->call("public/get_order_book", {{"instrument_name", "BTC-PERPETUAL"}, {"depth", 5}});
  const json::object& b = result(book).as_object();
  EXPECT_EQ(b.at("bids").as_array().size(), 5u);
  EXPECT_LT(num(b.at("bids").as_array().at(0).as_array().at(0)), num(b.at("asks").as_array().at(0).as_array().at(0)));
  EXPECT_TRUE(b.contains("mark_price"));
  EXPECT_TRUE(b.contains("change_id"));

  const auto index = client_->call("public/get_index_price", {{"index_name", "eth_usd"}});
  EXPECT_GT(num(result(index).as_object().at("index_price")), 0);
  const auto chart =
      client_->call("public/get_tradingview_chart_data", {{"instrument_name", "BTC-PERPETUAL"},
                                                          {"start_timestamp", k_venue_start_ms - 3'600'000},
                                                          {"end_timestamp", k_venue_start_ms},
                                                          {"resolution", "5"}});
  const json::object& c = result(chart).as_object();
  EXPECT_EQ(str(c.at("status")), "ok");
  EXPECT_EQ(c.at("ticks").as_array().size(), 13u);
  EXPECT_EQ(c.at("close").as_array().size(), 13u);
  bool moved = false;
  for (std::size_t i = 0; i < 13; ++i) {
    EXPECT_GE(num(c.at("high").as_array().at(i)), num(c.at("low").as_array().at(i)));
    moved = moved || num(c.at("close").as_array().at(i)) != num(c.at("close").as_array().at(0));
  }
  EXPECT_TRUE(moved);  // candles of the simulated path, not a flat line
  EXPECT_EQ(
      error_code(client_->call(
          "public/get_tradingview_chart_data",
          {{"instrument_name", "BTC-PERPETUAL"}, {"start_timestamp", 2}, {"end_timestamp", 1}, {"resolution", "5"}})),
      -32602);
  const auto funding =
      client_->call("public/get_funding_rate_value",
                    {{"instrument_name", "BTC-PERPETUAL"}, {"start_timestamp", 0}, {"end_timestamp", 8 * 3'600'000}});
  EXPECT_NEAR(num(result(funding)), 0.0001, 1e-12);
}

TEST_P(venue_methods_test, account_methods_and_cancels) {
  const double bid = touch("best_bid_price");
  std::string first;
  for (int i = 0; i < 3; ++i) {
    const auto r = buy({{"amount", 10}, {"price", bid - 100 - i}, {"label", "q"}});
    ASSERT_EQ(error_code(r), 0);
    if (i == 0) first = str(result(r).as_object().at("order").as_object().at("order_id"));
  }
  const auto state = client_->call("private/get_order_state", {{"order_id", first}});
  EXPECT_EQ(str(result(state).as_object().at("order_state")), "open");
  EXPECT_EQ(result(client_->call("private/get_open_orders_by_instrument", {{"instrument_name", "BTC-PERPETUAL"}}))
                .as_array()
                .size(),
            3u);
  EXPECT_EQ(result(client_->call("private/get_open_orders_by_currency", {{"currency", "ETH"}})).as_array().size(), 0u);
  EXPECT_EQ(
      result(client_->call("private/cancel_all_by_currency", {{"currency", "BTC"}, {"kind", "option"}})).as_int64(), 0);
  EXPECT_EQ(
      result(client_->call("private/cancel_all_by_currency", {{"currency", "BTC"}, {"kind", "future"}})).as_int64(),
      2 + 1);
  ASSERT_EQ(error_code(buy({{"amount", 10}, {"price", bid - 100}})), 0);
  EXPECT_EQ(result(client_->call("private/cancel_all")).as_int64(), 1);

  ASSERT_EQ(error_code(buy({{"amount", 20}, {"type", "market"}})), 0);
  const auto positions = client_->call("private/get_positions", {{"currency", "BTC"}, {"kind", "future"}});
  ASSERT_EQ(result(positions).as_array().size(), 1u);
  EXPECT_EQ(num(result(positions).as_array().at(0).as_object().at("size")), 20);
  const auto trades = client_->call("private/get_user_trades_by_instrument", {{"instrument_name", "BTC-PERPETUAL"}});
  EXPECT_GE(result(trades).as_object().at("trades").as_array().size(), 1u);
  EXPECT_EQ(str(result(trades).as_object().at("trades").as_array().at(0).as_object().at("liquidity")), "T");

  // Selling it back realises the P&L and flattens the position.
  ASSERT_EQ(error_code(client_->call(
                "private/sell",
                {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 20}, {"type", "market"}, {"reduce_only", true}})),
            0);
  const auto pos = client_->call("private/get_position", {{"instrument_name", "BTC-PERPETUAL"}});
  EXPECT_EQ(num(result(pos).as_object().at("size")), 0);
  EXPECT_EQ(str(result(pos).as_object().at("direction")), "zero");

  EXPECT_EQ(str(result(client_->call("private/get_cancel_on_disconnect")).as_object().at("scope")), "connection");
  EXPECT_EQ(str(result(client_->call("private/disable_cancel_on_disconnect"))), "ok");
  EXPECT_EQ(str(result(client_->call("public/disable_heartbeat"))), "ok");
}

TEST_P(venue_methods_test, time_in_force_and_stop_orders) {
  // FOK and IOC for more than the touch holds, priced at the touch, within
  // the account's margin (1 000 000 USD of a 10 BTC account), so neither is
  // refused first: the FOK is killed whole, the IOC fills what the touch has.
  const double ask = touch("best_ask_price");
  const auto fok = buy({{"amount", 1'000'000}, {"price", ask}, {"time_in_force", "fill_or_kill"}});
  ASSERT_EQ(error_code(fok), 0) << json::serialize(fok);
  const json::object& killed = result(fok).as_object().at("order").as_object();
  EXPECT_EQ(str(killed.at("order_state")), "cancelled") << json::serialize(fok);
  EXPECT_EQ(num(killed.at("filled_amount")), 0);
  EXPECT_TRUE(result(fok).as_object().at("trades").as_array().empty());
  // A FOK the book can take whole (10 USD within 500 USD of the ask) fills whole.
  const auto fok_filled =
      buy({{"amount", 10}, {"price", touch("best_ask_price") + 500}, {"time_in_force", "fill_or_kill"}});
  ASSERT_EQ(error_code(fok_filled), 0) << json::serialize(fok_filled);
  EXPECT_EQ(str(result(fok_filled).as_object().at("order").as_object().at("order_state")), "filled");
  EXPECT_EQ(num(result(fok_filled).as_object().at("order").as_object().at("filled_amount")), 10);
  // IOC crossing the touch: what the touch has fills, the rest is cancelled.
  const auto ioc =
      buy({{"amount", 1'000'000}, {"price", touch("best_ask_price")}, {"time_in_force", "immediate_or_cancel"}});
  ASSERT_EQ(error_code(ioc), 0) << json::serialize(ioc);
  const json::object& o = result(ioc).as_object().at("order").as_object();
  EXPECT_EQ(str(o.at("order_state")), "cancelled");
  EXPECT_GT(num(o.at("filled_amount")), 0);
  EXPECT_LT(num(o.at("filled_amount")), 1'000'000);

  // A buy stop below the last price triggers on the next step and fills.
  ASSERT_EQ(client_->call("private/subscribe", {{"channels", json::array{"user.orders.any.any.raw"}}})
                .at("result")
                .as_array()
                .size(),
            1u);
  const auto last = client_->call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}});
  const double last_price = num(result(last).as_object().at("last_price"));
  const auto stop =
      buy({{"amount", 10}, {"type", "stop_market"}, {"trigger_price", last_price - 50}, {"trigger", "last_price"}});
  ASSERT_EQ(error_code(stop), 0) << json::serialize(stop);
  const std::string id = str(result(stop).as_object().at("order").as_object().at("order_id"));
  EXPECT_EQ(str(result(stop).as_object().at("order").as_object().at("order_state")), "untriggered");
  EXPECT_EQ(str(result(stop).as_object().at("order").as_object().at("price")), "market_price");
  bool filled = false;
  for (int i = 0; i < 40 && !filled; ++i) {
    const auto n = client_->wait_channel("user.orders.any.any.raw", std::chrono::seconds(2));
    if (!n) break;
    const json::object& d = n->at("params").as_object().at("data").as_object();
    filled = str(d.at("order_id")) == id && str(d.at("order_state")) == "filled";
  }
  EXPECT_TRUE(filled);
  EXPECT_EQ(error_code(buy({{"amount", 10}, {"type", "stop_limit"}, {"price", 1000}})), -32602);  // no trigger price
}

TEST_P(venue_methods_test, trades_and_grouped_book_channels_and_unsubscribe) {
  const auto sub =
      client_->call("public/subscribe",
                    {{"channels", json::array{"trades.BTC-PERPETUAL.100ms", "book.BTC-PERPETUAL.none.10.100ms"}}});
  ASSERT_EQ(result(sub).as_array().size(), 2u);
  const auto grouped = client_->wait_channel("book.BTC-PERPETUAL.none.10.100ms");
  ASSERT_TRUE(grouped);
  const json::object& g = grouped->at("params").as_object().at("data").as_object();
  EXPECT_FALSE(g.contains("type"));
  EXPECT_LE(g.at("bids").as_array().size(), 10u);
  EXPECT_EQ(g.at("bids").as_array().at(0).as_array().size(), 2u);  // [price, amount]
  const auto trades = client_->wait_channel("trades.BTC-PERPETUAL.100ms", std::chrono::seconds(5));
  ASSERT_TRUE(trades);
  const json::array& arr = trades->at("params").as_object().at("data").as_array();
  ASSERT_FALSE(arr.empty());
  EXPECT_TRUE(arr.at(0).as_object().contains("trade_seq"));
  EXPECT_TRUE(arr.at(0).as_object().contains("direction"));

  const auto unsub = client_->call("public/unsubscribe", {{"channels", json::array{"trades.BTC-PERPETUAL.100ms"}}});
  EXPECT_EQ(result(unsub).as_array().size(), 1u);
  EXPECT_EQ(str(result(client_->call("public/unsubscribe_all"))), "ok");
  client_->notifications().clear();
  EXPECT_FALSE(client_->wait_channel("book.BTC-PERPETUAL.none.10.100ms", std::chrono::milliseconds(500)));
}

TEST_P(venue_methods_test, close_position_flattens_the_position_with_a_reduce_only_order) {
  const json::object perp{{"instrument_name", "BTC-PERPETUAL"}, {"type", "market"}};
  EXPECT_EQ(error_code(client_->call("private/close_position", perp)), 11029);  // nothing to close
  ASSERT_EQ(error_code(buy({{"amount", 50}, {"type", "market"}})), 0);
  const auto closed = client_->call("private/close_position", perp);
  ASSERT_EQ(error_code(closed), 0) << json::serialize(closed);
  const json::object& o = result(closed).as_object().at("order").as_object();
  EXPECT_TRUE(o.at("reduce_only").as_bool());
  EXPECT_EQ(str(o.at("direction")), "sell");
  EXPECT_EQ(str(o.at("order_type")), "market");
  EXPECT_EQ(num(o.at("amount")), 50);
  EXPECT_EQ(str(o.at("order_state")), "filled");
  double traded = 0;
  for (const json::value& t : result(closed).as_object().at("trades").as_array()) {
    EXPECT_EQ(str(t.as_object().at("order_id")), str(o.at("order_id")));
    traded += num(t.as_object().at("amount"));
  }
  EXPECT_EQ(traded, 50);
  auto pos = client_->call("private/get_position", {{"instrument_name", "BTC-PERPETUAL"}});
  EXPECT_EQ(num(result(pos).as_object().at("size")), 0);

  // A short, closed by a limit buy through the ask.
  ASSERT_EQ(error_code(client_->call("private/sell",
                                     {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 30}, {"type", "market"}})),
            0);
  EXPECT_EQ(
      error_code(client_->call("private/close_position", {{"instrument_name", "BTC-PERPETUAL"}, {"type", "limit"}})),
      -32602);  // a limit needs its price
  EXPECT_EQ(error_code(client_->call("private/close_position",
                                     {{"instrument_name", "BTC-PERPETUAL"}, {"type", "stop_market"}})),
            -32602);
  const double ask = touch("best_ask_price");
  const auto limit = client_->call("private/close_position",
                                   {{"instrument_name", "BTC-PERPETUAL"}, {"type", "limit"}, {"price", ask + 50}});
  ASSERT_EQ(error_code(limit), 0) << json::serialize(limit);
  const json::object& lo = result(limit).as_object().at("order").as_object();
  EXPECT_EQ(str(lo.at("direction")), "buy");
  EXPECT_EQ(num(lo.at("amount")), 30);
  EXPECT_TRUE(lo.at("reduce_only").as_bool());
  pos = client_->call("private/get_position", {{"instrument_name", "BTC-PERPETUAL"}});
  EXPECT_EQ(num(result(pos).as_object().at("size")), 0);
  EXPECT_EQ(str(result(pos).as_object().at("direction")), "zero");
}

TEST_P(venue_methods_test, order_history_lists_closed_orders_and_their_trades) {
  const double bid = touch("best_bid_price");
  const auto resting = buy({{"amount", 10}, {"price", bid - 500}, {"label", "hist"}});
  ASSERT_EQ(error_code(resting), 0);
  const std::string cancelled = str(result(resting).as_object().at("order").as_object().at("order_id"));
  ASSERT_EQ(error_code(client_->call("private/cancel", {{"order_id", cancelled}})), 0);
  const auto market = buy({{"amount", 10}, {"type", "market"}, {"label", "hist"}});
  ASSERT_EQ(error_code(market), 0);
  const std::string filled = str(result(market).as_object().at("order").as_object().at("order_id"));
  const auto open = buy({{"amount", 10}, {"price", bid - 600}, {"label", "hist"}});  // live: never history
  ASSERT_EQ(error_code(open), 0);
  const std::string open_id = str(result(open).as_object().at("order").as_object().at("order_id"));

  const json::object perp{{"instrument_name", "BTC-PERPETUAL"}};
  const auto all = client_->call("private/get_order_history_by_instrument",
                                 {{"instrument_name", "BTC-PERPETUAL"}, {"include_unfilled", true}});
  EXPECT_EQ(order_ids(all), (std::vector<std::string>{filled, cancelled}));  // newest first
  EXPECT_EQ(str(result(all).as_array().at(0).as_object().at("order_state")), "filled");
  EXPECT_EQ(str(result(all).as_array().at(1).as_object().at("order_state")), "cancelled");
  // Orders closed with nothing filled only with include_unfilled.
  EXPECT_EQ(order_ids(client_->call("private/get_order_history_by_instrument", perp)),
            (std::vector<std::string>{filled}));
  EXPECT_EQ(
      order_ids(client_->call(
          "private/get_order_history_by_instrument",
          {{"instrument_name", "BTC-PERPETUAL"}, {"include_unfilled", true}, {"include_old", true}, {"count", 1}})),
      (std::vector<std::string>{filled}));
  EXPECT_EQ(order_ids(client_->call(
                "private/get_order_history_by_instrument",
                {{"instrument_name", "BTC-PERPETUAL"}, {"include_unfilled", true}, {"count", 1}, {"offset", 1}})),
            (std::vector<std::string>{cancelled}));
  EXPECT_EQ(order_ids(client_->call("private/get_order_history_by_currency",
                                    {{"currency", "BTC"}, {"kind", "future"}, {"include_unfilled", true}})),
            (std::vector<std::string>{filled, cancelled}));
  EXPECT_TRUE(order_ids(client_->call("private/get_order_history_by_currency",
                                      {{"currency", "BTC"}, {"kind", "option"}, {"include_unfilled", true}}))
                  .empty());
  EXPECT_TRUE(order_ids(client_->call("private/get_order_history_by_currency",
                                      {{"currency", "ETH"}, {"include_unfilled", true}}))
                  .empty());

  // Every order with the label, whatever its state, in placement order.
  EXPECT_EQ(order_ids(client_->call("private/get_order_state_by_label", {{"currency", "BTC"}, {"label", "hist"}})),
            (std::vector<std::string>{cancelled, filled, open_id}));
  EXPECT_TRUE(
      order_ids(client_->call("private/get_order_state_by_label", {{"currency", "BTC"}, {"label", "other"}})).empty());
  EXPECT_EQ(order_ids(client_->call("private/get_open_orders_by_label", {{"currency", "BTC"}, {"label", "hist"}})),
            (std::vector<std::string>{open_id}));
  EXPECT_EQ(order_ids(client_->call("private/get_open_orders", {{"kind", "future"}, {"type", "limit"}})),
            (std::vector<std::string>{open_id}));
  EXPECT_TRUE(order_ids(client_->call("private/get_open_orders", {{"type", "stop_all"}})).empty());

  // The fills of one order, and none for an order that never traded.
  const auto trades = client_->call("private/get_user_trades_by_order", {{"order_id", filled}});
  ASSERT_FALSE(result(trades).as_array().empty());
  double amount = 0;
  for (const json::value& t : result(trades).as_array()) {
    EXPECT_EQ(str(t.as_object().at("order_id")), filled);
    EXPECT_EQ(str(t.as_object().at("label")), "hist");
    amount += num(t.as_object().at("amount"));
  }
  EXPECT_EQ(amount, 10);
  EXPECT_TRUE(result(client_->call("private/get_user_trades_by_order", {{"order_id", cancelled}})).as_array().empty());
  EXPECT_EQ(error_code(client_->call("private/get_user_trades_by_order")), -32602);
  const auto by_time =
      client_->call("private/get_user_trades_by_instrument_and_time",
                    {{"instrument_name", "BTC-PERPETUAL"}, {"start_timestamp", 0}, {"end_timestamp", INT64_MAX}});
  EXPECT_EQ(result(by_time).as_object().at("trades").as_array().size(), result(trades).as_array().size());
}

TEST_P(venue_methods_test, account_summaries_carry_the_account_and_one_summary_per_currency) {
  const auto r = client_->call("private/get_account_summaries");
  ASSERT_EQ(error_code(r), 0) << json::serialize(r);
  const json::object& a = result(r).as_object();
  EXPECT_EQ(str(a.at("username")), "tickrail-demo");
  EXPECT_EQ(str(a.at("type")), "main");
  EXPECT_TRUE(a.at("email").is_string());
  EXPECT_TRUE(a.at("system_name").is_string());
  const json::array& summaries = a.at("summaries").as_array();
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_EQ(str(summaries.at(0).as_object().at("currency")), "BTC");
  EXPECT_EQ(str(summaries.at(1).as_object().at("currency")), "ETH");
  EXPECT_EQ(num(summaries.at(0).as_object().at("equity")), 10);  // nothing traded yet: the deposit
  EXPECT_EQ(num(summaries.at(1).as_object().at("balance")), 100);
  EXPECT_FALSE(summaries.at(0).as_object().contains("fees"));

  const std::int64_t id = a.at("id").as_int64();
  const auto extended = client_->call("private/get_account_summaries", {{"subaccount_id", id}, {"extended", true}});
  ASSERT_EQ(error_code(extended), 0);
  const json::object& s0 = result(extended).as_object().at("summaries").as_array().at(0).as_object();
  EXPECT_EQ(s0.at("id").as_int64(), id);
  ASSERT_EQ(s0.at("fees").as_array().size(), 3u);
  const json::object& perp_fee = s0.at("fees").as_array().at(0).as_object();
  EXPECT_EQ(str(perp_fee.at("instrument_type")), "perpetual");
  EXPECT_EQ(num(perp_fee.at("taker_fee")), 0.0005);
  EXPECT_EQ(error_code(client_->call("private/get_account_summaries", {{"subaccount_id", id + 1}})), -32602);
  const auto one = client_->call("private/get_account_summary", {{"currency", "BTC"}, {"extended", true}});
  EXPECT_EQ(str(result(one).as_object().at("username")), "tickrail-demo");
}

TEST_P(venue_methods_test, book_summaries_status_public_tape_and_funding_history) {
  const auto status = client_->call("public/status");
  EXPECT_EQ(str(result(status).as_object().at("locked")), "false");
  EXPECT_TRUE(result(status).as_object().at("locked_indices").as_array().empty());

  const auto futures = client_->call("public/get_book_summary_by_currency", {{"currency", "BTC"}, {"kind", "future"}});
  const auto instruments = client_->call("public/get_instruments", {{"currency", "BTC"}, {"kind", "future"}});
  ASSERT_EQ(result(futures).as_array().size(), result(instruments).as_array().size());
  bool saw_perp = false;
  for (const json::value& v : result(futures).as_array()) {
    const json::object& b = v.as_object();
    EXPECT_EQ(str(b.at("base_currency")), "BTC");
    EXPECT_LT(num(b.at("bid_price")), num(b.at("ask_price")));
    EXPECT_GT(num(b.at("mark_price")), 0);
    if (str(b.at("instrument_name")) != "BTC-PERPETUAL") continue;
    saw_perp = true;
    EXPECT_NEAR(num(b.at("funding_8h")), 0.0001, 1e-12);
    EXPECT_NEAR(num(b.at("mid_price")), (num(b.at("bid_price")) + num(b.at("ask_price"))) / 2, 1e-9);
  }
  EXPECT_TRUE(saw_perp);
  const auto options = client_->call("public/get_book_summary_by_currency", {{"currency", "ETH"}, {"kind", "option"}});
  ASSERT_FALSE(result(options).as_array().empty());
  EXPECT_EQ(str(result(options).as_array().at(0).as_object().at("underlying_index")), "eth_usd");
  const auto one = client_->call("public/get_book_summary_by_instrument", {{"instrument_name", "ETH-PERPETUAL"}});
  ASSERT_EQ(result(one).as_array().size(), 1u);
  EXPECT_EQ(str(result(one).as_array().at(0).as_object().at("instrument_name")), "ETH-PERPETUAL");
  EXPECT_EQ(error_code(client_->call("public/get_book_summary_by_currency", {{"currency", "DOGE"}})), -32602);

  // Our fills are on the public tape, the taker's side as the direction.
  const auto none = client_->call("public/get_last_trades_by_instrument", {{"instrument_name", "ETH-PERPETUAL"}});
  EXPECT_TRUE(result(none).as_object().at("trades").as_array().empty());
  ASSERT_EQ(error_code(buy({{"amount", 20}, {"type", "market"}})), 0);
  ASSERT_EQ(error_code(client_->call("private/sell",
                                     {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"type", "market"}})),
            0);
  const auto mine = client_->call("private/get_user_trades_by_instrument",
                                  {{"instrument_name", "BTC-PERPETUAL"}, {"sorting", "asc"}, {"count", 100}});
  const json::array& my_trades = result(mine).as_object().at("trades").as_array();
  ASSERT_GE(my_trades.size(), 2u);
  const auto tape = client_->call("public/get_last_trades_by_instrument",
                                  {{"instrument_name", "BTC-PERPETUAL"}, {"count", 1000}, {"sorting", "asc"}});
  const json::array& public_trades = result(tape).as_object().at("trades").as_array();
  for (const json::value& m : my_trades) {
    bool found = false;
    for (const json::value& t : public_trades) {
      if (str(t.as_object().at("trade_id")) != str(m.as_object().at("trade_id"))) continue;
      found = true;
      EXPECT_EQ(str(t.as_object().at("direction")), str(m.as_object().at("direction")));  // takers
      EXPECT_EQ(num(t.as_object().at("price")), num(m.as_object().at("price")));
      EXPECT_EQ(num(t.as_object().at("amount")), num(m.as_object().at("amount")));
    }
    EXPECT_TRUE(found) << json::serialize(m);
  }
  const auto last =
      client_->call("public/get_last_trades_by_instrument", {{"instrument_name", "BTC-PERPETUAL"}, {"count", 1}});
  ASSERT_EQ(result(last).as_object().at("trades").as_array().size(), 1u);
  EXPECT_TRUE(result(last).as_object().at("has_more").as_bool());
  EXPECT_EQ(str(result(last).as_object().at("trades").as_array().at(0).as_object().at("direction")), "sell");  // newest

  // Hourly funding points: 00:00 to 05:00 UTC on the start day.
  const auto history =
      client_->call("public/get_funding_rate_history", {{"instrument_name", "BTC-PERPETUAL"},
                                                        {"start_timestamp", k_venue_start_ms - 5 * 3'600'000},
                                                        {"end_timestamp", k_venue_start_ms}});
  const json::array& h = result(history).as_array();
  ASSERT_EQ(h.size(), 6u) << json::serialize(history);
  for (std::size_t i = 0; i < h.size(); ++i) {
    const json::object& e = h.at(i).as_object();
    EXPECT_EQ(e.at("timestamp").as_int64(), k_venue_start_ms - static_cast<std::int64_t>(5 - i) * 3'600'000);
    EXPECT_NEAR(num(e.at("interest_8h")), 0.0001, 1e-12);
    EXPECT_NEAR(num(e.at("interest_1h")), 0.0001 / 8, 1e-12);
    if (i > 0) {
      EXPECT_EQ(num(e.at("prev_index_price")), num(h.at(i - 1).as_object().at("index_price")));
    }
  }
  EXPECT_EQ(error_code(client_->call("public/get_funding_rate_history", {{"instrument_name", "BTC-PERPETUAL"}})),
            -32602);
}

TEST_P(venue_methods_test, method_calls_count_every_request_over_ws_and_http) {
  ssl::context* tls = GetParam() ? &tls_ : nullptr;
  EXPECT_EQ(venue_->method_calls("private/buy"), 0u);
  EXPECT_EQ(venue_->method_calls("public/auth"), 1u);  // SetUp's
  ASSERT_EQ(error_code(buy({{"amount", 10}, {"type", "market"}})), 0);
  EXPECT_NE(error_code(buy({{"amount", 0}, {"type", "market"}})), 0);  // refused, still counted
  const auto auth = client_->call("public/auth", auth_params());
  const std::string token = str(result(auth).as_object().at("access_token"));
  const std::string body =
      R"({"jsonrpc":"2.0","id":1,"method":"private/buy","params":{"instrument_name":"BTC-PERPETUAL","amount":10,"type":"market"}})";
  EXPECT_EQ(http_call(venue_->port(), "POST", "/api/v2", body, "bearer " + token, tls).status, 200);
  EXPECT_EQ(http_call(venue_->port(), "POST", "/api/v2", body, {}, tls).status, 400);  // unauthorized, counted
  EXPECT_EQ(http_call(venue_->port(), "GET", "/api/v2/no/such_method", {}, {}, tls).status, 400);

  EXPECT_EQ(venue_->method_calls("private/buy"), 4u);
  EXPECT_EQ(venue_->method_calls("public/auth"), 2u);
  EXPECT_EQ(venue_->method_calls("private/sell"), 0u);
  EXPECT_EQ(venue_->method_calls("private/edit"), 0u);
  EXPECT_EQ(venue_->method_calls("no/such_method"), 0u);

  const http_result stats = http_call(venue_->port(), "GET", "/admin/stats", {}, {}, tls);
  ASSERT_EQ(stats.status, 200) << stats.body;
  const json::object reply = parse_object(stats.body);
  const json::object& methods = reply.at("methods").as_object();
  EXPECT_EQ(methods.at("private/buy").as_int64(), 4);
  EXPECT_EQ(methods.at("private/cancel").as_int64(), 0);  // every registered method is listed
  EXPECT_EQ(methods.at("public/auth").as_int64(), 2);
  EXPECT_FALSE(methods.contains("no/such_method"));
  EXPECT_EQ(http_call(venue_->port(), "POST", "/admin/stats", {}, {}, tls).status, 405);
}

TEST(venue_exchange, resting_orders_fill_as_maker_when_the_market_trades_through) {
  venue::market_config mc;
  mc.seed = 5;
  mc.start_ms = k_venue_start_ms;
  mc.annual_vol = 3.0;  // a lively market so the touch reaches the order soon
  venue::market m(mc);
  venue::exchange ex(m, {});
  const std::size_t acc = ex.open_account("a", "s");
  const core::instrument_id perp = *m.find("BTC-PERPETUAL");
  m.refresh_book(perp);
  venue::order_params p;
  p.instrument = perp;
  p.direction = core::side::buy;
  p.amount = 10;
  p.price = m.at(perp).bids.front().price;  // at the touch: fills when the ask comes down to it
  const auto r = ex.place(acc, p);
  ASSERT_TRUE(std::holds_alternative<venue::exchange::placed>(r));
  const std::string id = std::get<venue::exchange::placed>(r).order->order_id;
  bool filled = false;
  for (int i = 1; i <= 20'000 && !filled; ++i) {
    m.at(perp).active = true;
    (void)m.advance(k_venue_start_ms + i * 100);
    ex.step();
    filled = ex.find_order(id)->state == venue::order_state::filled;
  }
  ASSERT_TRUE(filled);
  const venue::sim_trade& t = ex.trades().back();
  EXPECT_TRUE(t.maker);
  EXPECT_EQ(t.price, p.price);
  EXPECT_EQ(t.fee, 0);  // futures maker fee
  EXPECT_EQ(ex.account(acc).positions.at(perp).size, 10);
}

TEST(venue_exchange, perpetual_positions_pay_funding_every_eight_hours) {
  venue::market_config mc;
  mc.seed = 6;
  mc.start_ms = k_venue_start_ms;  // 05:00 UTC: the next funding is 08:00
  venue::market m(mc);
  venue::exchange ex(m, {});
  const std::size_t acc = ex.open_account("a", "s");
  const core::instrument_id perp = *m.find("BTC-PERPETUAL");
  venue::order_params p;
  p.instrument = perp;
  p.direction = core::side::buy;
  p.type = venue::order_type::market;
  p.amount = 1000;  // 10 000 USD
  ASSERT_TRUE(std::holds_alternative<venue::exchange::placed>(ex.place(acc, p)));
  const double before = ex.account(acc).currencies.at("BTC").balance;
  (void)m.advance(k_venue_start_ms + 2 * 3'600'000);  // 07:00
  ex.step();
  EXPECT_EQ(ex.account(acc).currencies.at("BTC").balance, before);
  (void)m.advance(k_venue_start_ms + 3 * 3'600'000 + 1);  // past 08:00
  ex.step();
  const double paid = before - ex.account(acc).currencies.at("BTC").balance;
  // By hand, not through the market's own conversions: an inverse perpetual
  // pays notional / mark in coin × the 8 h rate (0.0001). The mark is the
  // input: the instrument's mark when funding was paid, in 0.5 USD ticks.
  ASSERT_EQ(core::normalized(m.spec(perp).tick.value()), (core::decimal{5, 1}));
  const core::ticks mark_ticks = m.at(perp).mark;
  ASSERT_GT(mark_ticks, 0);
  const double mark_usd = static_cast<double>(mark_ticks) * 0.5;
  EXPECT_NEAR(paid, 10'000.0 / mark_usd * 0.0001, 1e-12) << "mark " << mark_usd << " USD";  // longs pay
  EXPECT_GT(paid, 0);
}

// venue_core without a transport, on a clock the test sets: the configured
// token lifetime, and an oversized request.
TEST(venue_core_direct, access_tokens_expire_after_the_configured_lifetime_and_oversized_requests_are_refused) {
  venue::venue_config config = test_venue_config();
  config.token_ttl_s = 2;
  const std::int64_t t0 = 1'000'000;
  venue::venue_core core(config, t0);
  std::vector<std::string> sent;
  venue::session& s = core.open_session(
      true, [&](std::string m) { sent.push_back(std::move(m)); }, [] {});
  const auto reply = [&](const std::string& request, std::int64_t now) {
    sent.clear();
    core.on_message(s, request, now);
    for (const std::string& m : sent) {
      const json::object o = parse_object(m);
      if (o.contains("id")) return o;
    }
    return json::object{};
  };
  const auto auth =
      reply(R"({"jsonrpc":"2.0","id":1,"method":"public/auth","params":{"grant_type":"client_credentials",)"
            R"("client_id":"tickrail-demo","client_secret":"tickrail-demo-secret"}})",
            t0);
  ASSERT_EQ(error_code(auth), 0);
  EXPECT_EQ(auth.at("result").as_object().at("expires_in").as_int64(), 2);
  const std::string positions =
      R"({"jsonrpc":"2.0","id":2,"method":"private/get_positions","params":{"currency":"BTC"}})";
  EXPECT_EQ(error_code(reply(positions, t0 + 1'999)), 0);
  const auto expired = reply(positions, t0 + 2'000);
  EXPECT_EQ(error_code(expired), 13009);
  EXPECT_EQ(str(expired.at("error").as_object().at("data").as_object().at("reason")), "token has expired");

  const std::string huge =
      R"({"jsonrpc":"2.0","id":3,"method":"public/test","params":{"pad":")" + std::string(70'000, 'x') + R"("}})";
  EXPECT_EQ(error_code(reply(huge, t0 + 2'001)), -32600);
  EXPECT_EQ(error_code(reply(R"({"jsonrpc":"2.0","id":4,"method":"public/test","params":[1]})", t0 + 2'002)), -32602);
  EXPECT_EQ(error_code(reply(R"({"jsonrpc":"2.0","id":5})", t0 + 2'003)), -32600);
}

// One venue_core on a clock that does not move between requests, so two
// methods see the same marks: get_account_summaries' per-currency equity is
// get_account_summary's, with a position whose floating P&L makes equity
// differ from the balance. The counters read from this thread too.
TEST(venue_core_direct, account_summaries_match_get_account_summary_and_method_calls_count) {
  const std::int64_t t0 = 1'000'000;
  venue::venue_core core(test_venue_config(), t0);
  std::vector<std::string> sent;
  venue::session& s = core.open_session(
      true, [&](std::string m) { sent.push_back(std::move(m)); }, [] {});
  std::int64_t next_id = 1;
  const auto call = [&](const std::string& method, const json::object& params) {
    sent.clear();
    const std::int64_t id = next_id++;
    core.on_message(
        s, json::serialize(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}), t0);
    for (const std::string& m : sent) {
      const json::object o = parse_object(m);
      if (o.contains("id") && o.at("id").as_int64() == id) return o;
    }
    return json::object{};
  };
  EXPECT_EQ(error_code(call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"type", "market"}})),
            13009);  // before auth: refused, counted
  ASSERT_EQ(error_code(call("public/auth", auth_params())), 0);
  ASSERT_EQ(
      error_code(call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 5000}, {"type", "market"}})), 0);
  ASSERT_EQ(
      error_code(call("private/sell", {{"instrument_name", "ETH-PERPETUAL"}, {"amount", 300}, {"type", "market"}})), 0);
  const auto all = call("private/get_account_summaries", {});
  ASSERT_EQ(error_code(all), 0);
  for (const json::value& v : result(all).as_object().at("summaries").as_array()) {
    const json::object& many = v.as_object();
    const auto single = call("private/get_account_summary", {{"currency", many.at("currency")}});
    ASSERT_EQ(error_code(single), 0);
    const json::object& one = result(single).as_object();
    EXPECT_EQ(num(many.at("equity")), num(one.at("equity")));
    EXPECT_EQ(num(many.at("balance")), num(one.at("balance")));
    EXPECT_EQ(num(many.at("available_funds")), num(one.at("available_funds")));
    EXPECT_EQ(num(many.at("initial_margin")), num(one.at("initial_margin")));
    EXPECT_NE(num(one.at("equity")), num(one.at("balance")));  // the position's floating P&L is in equity
    EXPECT_GT(num(one.at("initial_margin")), 0);
  }
  EXPECT_EQ(core.method_calls("private/buy"), 2u);
  EXPECT_EQ(core.method_calls("private/sell"), 1u);
  EXPECT_EQ(core.method_calls("private/get_account_summary"), 2u);
  EXPECT_EQ(core.method_calls("private/get_account_summaries"), 1u);
  EXPECT_EQ(core.method_calls("private/cancel"), 0u);
  const json::object stats = parse_object(core.method_stats_json());
  EXPECT_EQ(stats.at("methods").as_object().at("private/buy").as_int64(), 2);
}

TEST(venue_cli, help_documents_every_flag_and_bad_flags_fail_clearly) {
  const std::string venue = TICKRAIL_VENUE_BINARY;
  EXPECT_EQ(std::system((venue + " --help | grep -q -- --fault-gap-every").c_str()), 0);
  EXPECT_EQ(std::system((venue + " --help | grep -q -- --tls-cert").c_str()), 0);
  EXPECT_NE(std::system((venue + " --warp 9 2>/dev/null").c_str()), 0);
  EXPECT_NE(std::system((venue + " --port 99999 2>/dev/null").c_str()), 0);
  EXPECT_NE(std::system((venue + " --tls-cert /nonexistent --tls-key /nonexistent --port 0 2>/dev/null").c_str()), 0);
}

}  // namespace
}  // namespace tickrail::test
