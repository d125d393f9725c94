// tickrail-venue over the real transports: the JSON-RPC envelope and errors,
// auth and token lifetimes, channels with snapshots and change-id chains,
// the order lifecycle, venue rejects, rate limits, heartbeats, cancel on
// disconnect, HTTP with bearer / Basic / HMAC auth, WSS, and every fault.
#include <gtest/gtest.h>

#include <openssl/hmac.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "tickrail/core/clock.hpp"
#include "support/venue_harness.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail::test {
namespace {

constexpr const char* k_id = "tickrail-demo";
constexpr const char* k_secret = "tickrail-demo-secret";

json::object auth_params() {
  return {{"grant_type", "client_credentials"}, {"client_id", k_id}, {"client_secret", k_secret}};
}

std::int64_t error_code(const json::object& reply) {
  const json::value* e = reply.if_contains("error");
  return e != nullptr ? e->as_object().at("code").as_int64() : 0;
}

const json::object& result_object(const json::object& reply) { return reply.at("result").as_object(); }

std::string str(const json::value& v) { return std::string(v.as_string().c_str()); }

double num(const json::value& v) { return v.is_double() ? v.as_double() : static_cast<double>(v.as_int64()); }

// Every test runs over plain WS/HTTP and over WSS/HTTPS (a certificate made
// by openssl once for the suite, trusted by the clients).
class venue_test : public ::testing::TestWithParam<bool> {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_venue_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    make_test_certificate((dir_ / "cert.pem").string(), (dir_ / "key.pem").string());
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }

  void SetUp() override {
    if (GetParam()) {
      venue_ = std::make_unique<venue_process>(test_venue_config(), (dir_ / "cert.pem").string(),
                                               (dir_ / "key.pem").string());
      tls_.load_verify_file((dir_ / "cert.pem").string());
      tls_.set_verify_mode(ssl::verify_peer);
    } else {
      venue_ = std::make_unique<venue_process>();
    }
  }
  ssl::context* tls() { return GetParam() ? &tls_ : nullptr; }
  std::uint16_t port() const { return venue_->port(); }
  rpc_client connect() { return rpc_client(port(), tls()); }
  http_result http(const std::string& verb, const std::string& target, const std::string& body = {},
                   const std::string& authorization = {}) {
    return http_call(port(), verb, target, body, authorization, tls());
  }
  http_result admin(const std::string& query) { return http("POST", "/admin/fault?" + query); }
  rpc_client authed() {
    rpc_client c = connect();
    const auto r = c.call("public/auth", auth_params());
    EXPECT_EQ(error_code(r), 0) << json::serialize(r);
    return c;
  }
  // The best ask of BTC-PERPETUAL now.
  double best_ask(rpc_client& c) {
    const auto t = c.call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}});
    return num(result_object(t).at("best_ask_price"));
  }

  static inline std::filesystem::path dir_;
  ssl::context tls_{ssl::context::tls_client};
  std::unique_ptr<venue_process> venue_;
};

INSTANTIATE_TEST_SUITE_P(transport, venue_test, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& i) { return i.param ? "wss" : "ws"; });

TEST_P(venue_test, replies_carry_the_deribit_envelope_and_errors_their_codes) {
  rpc_client c = connect();
  const auto r = c.call("public/test");
  EXPECT_EQ(str(r.at("jsonrpc")), "2.0");
  EXPECT_EQ(r.at("id").as_int64(), 1);
  EXPECT_EQ(str(result_object(r).at("version")), "1.2.26");
  EXPECT_TRUE(r.at("testnet").as_bool());
  EXPECT_EQ(r.at("usDiff").as_int64(), r.at("usOut").as_int64() - r.at("usIn").as_int64());

  EXPECT_EQ(error_code(c.call("public/warp")), -32601);
  EXPECT_EQ(error_code(c.call("public/ticker", {{"instrument_name", "NOPE"}})), 10020);
  EXPECT_EQ(error_code(c.call("public/ticker")), -32602);
  EXPECT_EQ(error_code(c.call("private/get_positions", {{"currency", "BTC"}})), 13009);
  c.send_text("{not json");
  const auto parse = c.wait_notification([](const json::object& m) { return m.if_contains("error") != nullptr; });
  ASSERT_TRUE(parse);
  EXPECT_EQ(error_code(*parse), -32700);
  EXPECT_EQ(str(parse->at("id").is_null() ? json::value("null") : parse->at("id")), "null");
}

TEST_P(venue_test, auth_grants_refresh_once_and_expired_tokens_are_refused_with_13009) {
  rpc_client c = connect();
  EXPECT_EQ(error_code(c.call("public/auth",
                              {{"grant_type", "client_credentials"}, {"client_id", k_id}, {"client_secret", "wrong"}})),
            13004);
  const auto a = c.call("public/auth", auth_params());
  const json::object& tok = result_object(a);
  EXPECT_EQ(str(tok.at("token_type")), "bearer");
  EXPECT_EQ(tok.at("expires_in").as_int64(), 900);
  const std::string refresh = str(tok.at("refresh_token"));
  EXPECT_EQ(error_code(c.call("private/get_positions", {{"currency", "BTC"}})), 0);

  // A refresh token works once.
  const auto r1 = c.call("public/auth", {{"grant_type", "refresh_token"}, {"refresh_token", refresh}});
  EXPECT_EQ(error_code(r1), 0);
  EXPECT_EQ(error_code(c.call("public/auth", {{"grant_type", "refresh_token"}, {"refresh_token", refresh}})), 13009);

  // Expired (the fault expires every access token now): 13009, then refresh.
  ASSERT_EQ(admin("kind=expire_tokens").status, 200);
  const auto expired = c.call("private/get_positions", {{"currency", "BTC"}});
  EXPECT_EQ(error_code(expired), 13009);
  const auto r2 = c.call(
      "public/auth", {{"grant_type", "refresh_token"}, {"refresh_token", str(result_object(r1).at("refresh_token"))}});
  EXPECT_EQ(error_code(r2), 0);
  EXPECT_EQ(error_code(c.call("private/get_positions", {{"currency", "BTC"}})), 0);
}

TEST_P(venue_test, raw_channels_need_auth_and_books_start_with_a_snapshot_then_chain_their_change_ids) {
  rpc_client c = connect();
  EXPECT_EQ(error_code(c.call("public/subscribe", {{"channels", json::array{"book.BTC-PERPETUAL.raw"}}})), 13778);
  const auto sub =
      c.call("public/subscribe",
             {{"channels", json::array{"book.BTC-PERPETUAL.100ms", "ticker.BTC-PERPETUAL.100ms", "book.NOPE.100ms"}}});
  ASSERT_EQ(error_code(sub), 0);
  EXPECT_EQ(sub.at("result").as_array().size(), 2u);  // the unknown channel is left out

  const auto snap = c.wait_channel("book.BTC-PERPETUAL.100ms");
  ASSERT_TRUE(snap);
  const json::object& d0 = snap->at("params").as_object().at("data").as_object();
  EXPECT_EQ(str(d0.at("type")), "snapshot");
  EXPECT_FALSE(d0.at("bids").as_array().empty());
  std::int64_t last = d0.at("change_id").as_int64();
  int changes = 0;
  bool skipped_ids = false;
  for (int i = 0; i < 5; ++i) {
    const auto n = c.wait_channel("book.BTC-PERPETUAL.100ms", std::chrono::seconds(3));
    ASSERT_TRUE(n) << "no book change";
    const json::object& d = n->at("params").as_object().at("data").as_object();
    EXPECT_EQ(str(d.at("type")), "change");
    EXPECT_EQ(d.at("prev_change_id").as_int64(), last);
    skipped_ids = skipped_ids || d.at("change_id").as_int64() != last + 1;
    last = d.at("change_id").as_int64();
    ++changes;
  }
  EXPECT_EQ(changes, 5);
  EXPECT_TRUE(skipped_ids);  // ids are not consecutive, as on Deribit
  EXPECT_TRUE(c.wait_channel("ticker.BTC-PERPETUAL.100ms"));

  // The gap fault: the next change is never published, so the chain breaks.
  ASSERT_EQ(admin("kind=gap&count=1").status, 200);
  bool gap = false;
  for (int i = 0; i < 5 && !gap; ++i) {
    const auto n = c.wait_channel("book.BTC-PERPETUAL.100ms", std::chrono::seconds(3));
    ASSERT_TRUE(n);
    const json::object& d = n->at("params").as_object().at("data").as_object();
    gap = d.at("prev_change_id").as_int64() != last;
    last = d.at("change_id").as_int64();
  }
  EXPECT_TRUE(gap);
}

TEST_P(venue_test, order_lifecycle_with_user_channels_positions_and_trades) {
  rpc_client c = authed();
  const auto sub = c.call(
      "private/subscribe",
      {{"channels", json::array{"user.orders.BTC-PERPETUAL.raw", "user.trades.future.BTC.raw", "user.portfolio.btc"}}});
  ASSERT_EQ(sub.at("result").as_array().size(), 3u);
  const double ask = best_ask(c);

  // A resting bid far below the market.
  const auto buy = c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"},
                                          {"amount", 100},
                                          {"type", "limit"},
                                          {"price", ask - 500},
                                          {"label", "tr-1-1"}});
  ASSERT_EQ(error_code(buy), 0) << json::serialize(buy);
  const json::object& order = result_object(buy).at("order").as_object();
  EXPECT_EQ(str(order.at("order_state")), "open");
  EXPECT_EQ(str(order.at("label")), "tr-1-1");
  EXPECT_EQ(num(order.at("amount")), 100);
  const std::string id = str(order.at("order_id"));
  const auto upd = c.wait_channel("user.orders.BTC-PERPETUAL.raw");
  ASSERT_TRUE(upd);
  EXPECT_EQ(str(upd->at("params").as_object().at("data").as_object().at("order_id")), id);

  const auto open = c.call("private/get_open_orders_by_currency", {{"currency", "BTC"}});
  ASSERT_EQ(open.at("result").as_array().size(), 1u);

  // Edit, then cancel; a second cancel is 11044, an unknown id 10004.
  const auto edit = c.call("private/edit", {{"order_id", id}, {"amount", 200}, {"price", ask - 400}});
  ASSERT_EQ(error_code(edit), 0) << json::serialize(edit);
  EXPECT_EQ(num(result_object(edit).at("order").as_object().at("amount")), 200);
  const auto cancel = c.call("private/cancel", {{"order_id", id}});
  EXPECT_EQ(str(result_object(cancel).at("order_state")), "cancelled");
  EXPECT_EQ(error_code(c.call("private/cancel", {{"order_id", id}})), 11044);
  EXPECT_EQ(error_code(c.call("private/cancel", {{"order_id", "999999999"}})), 10004);

  // A market buy fills against the book: trades, a position, a fee.
  const auto mkt = c.call(
      "private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 1000}, {"type", "market"}, {"label", "tr-1-2"}});
  ASSERT_EQ(error_code(mkt), 0) << json::serialize(mkt);
  EXPECT_EQ(str(result_object(mkt).at("order").as_object().at("order_state")), "filled");
  EXPECT_FALSE(result_object(mkt).at("trades").as_array().empty());
  EXPECT_TRUE(c.wait_channel("user.trades.future.BTC.raw"));
  EXPECT_TRUE(c.wait_channel("user.portfolio.btc"));
  const auto pos = c.call("private/get_position", {{"instrument_name", "BTC-PERPETUAL"}});
  EXPECT_EQ(num(result_object(pos).at("size")), 1000);
  EXPECT_EQ(str(result_object(pos).at("direction")), "buy");
  const auto trades = c.call("private/get_user_trades_by_currency", {{"currency", "BTC"}, {"count", 100}});
  EXPECT_FALSE(result_object(trades).at("trades").as_array().empty());
  const auto summary = c.call("private/get_account_summary", {{"currency", "BTC"}});
  EXPECT_LT(num(result_object(summary).at("balance")), 10.0);  // the taker fee
  EXPECT_GT(num(result_object(summary).at("initial_margin")), 0.0);

  // cancel_by_label and cancel_all_by_instrument count what they cancel.
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(error_code(c.call("private/sell", {{"instrument_name", "BTC-PERPETUAL"},
                                                 {"amount", 10},
                                                 {"price", ask + 500 + i},
                                                 {"label", i == 0 ? "tr-9" : "tr-8"}})),
              0);
  }
  EXPECT_EQ(c.call("private/cancel_by_label", {{"label", "tr-9"}}).at("result").as_int64(), 1);
  EXPECT_EQ(c.call("private/cancel_all_by_instrument", {{"instrument_name", "BTC-PERPETUAL"}}).at("result").as_int64(),
            2);
}

TEST_P(venue_test, venue_rejects_post_only_funds_tick_and_reduce_only) {
  rpc_client c = authed();
  const double ask = best_ask(c);
  const auto po = c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"},
                                         {"amount", 10},
                                         {"price", ask + 10},
                                         {"post_only", true},
                                         {"reject_post_only", true}});
  EXPECT_EQ(error_code(po), 11054);
  // Without reject_post_only the price moves one tick inside the spread.
  const auto moved = c.call(
      "private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", ask + 10}, {"post_only", true}});
  ASSERT_EQ(error_code(moved), 0);
  EXPECT_LT(num(result_object(moved).at("order").as_object().at("price")), ask + 10);
  EXPECT_EQ(str(result_object(moved).at("order").as_object().at("order_state")), "open");

  EXPECT_EQ(error_code(c.call("private/buy",
                              {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 100'000'000}, {"type", "market"}})),
            10009);
  EXPECT_EQ(
      error_code(c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", 1000.25}})),
      10043);
  EXPECT_EQ(error_code(c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 15}, {"price", 1000}})),
            -32602);  // not a multiple of 10 USD
  EXPECT_EQ(error_code(
                c.call("private/sell",
                       {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", 1000}, {"reduce_only", true}})),
            11029);
  // The reject fault: the next order is refused with the code asked for.
  ASSERT_EQ(admin("kind=reject&count=1&code=10009").status, 200);
  EXPECT_EQ(error_code(c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", 1000}})),
            10009);
  EXPECT_EQ(error_code(c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", 1000}})),
            0);
}

TEST_P(venue_test, credits_run_out_with_10028_and_a_session_that_keeps_going_is_terminated) {
  rpc_client c = authed();
  int refused = 0;
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    const auto r = c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", 1000}});
    refused += error_code(r) == 10028 ? 1 : 0;
  }
  // Burst 20, refilled at 5/s: at most 20 + 5 per elapsed second pass
  // (a loaded machine makes the loop slower, never the venue kinder).
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(refused, 40 - 20 - static_cast<int>(5 * seconds) - 1);
  EXPECT_LE(refused, 20);
  // The storm fault: everything is refused, and a session that strikes more
  // than 20 times within a second is cut. The 21 requests go out back to
  // back (no round trip between them), so they reach the venue well inside
  // its one-second window however slow the runner.
  ASSERT_EQ(admin("kind=storm&on=1").status, 200);
  rpc_client d = connect();
  constexpr int k_strikes_to_cut = 21;
  for (int i = 0; i < k_strikes_to_cut; ++i) {
    d.send_text(R"({"jsonrpc":"2.0","id":)" + std::to_string(1000 + i) + R"(,"method":"public/test","params":{}})");
  }
  // Every reply is a 10028, until the server closes the connection: the
  // read ends on the close, not on the safety-net timeout (wait_closed(0)
  // only reports a close already seen).
  int replies = 0;
  while (const auto m = d.wait_notification([](const json::object&) { return true; }, std::chrono::seconds(10))) {
    EXPECT_EQ(error_code(*m), 10028) << json::serialize(*m);
    ++replies;
  }
  EXPECT_TRUE(d.wait_closed(std::chrono::milliseconds(0))) << "not closed by the venue; " << replies << " replies";
  EXPECT_GE(replies, k_strikes_to_cut - 1);
  EXPECT_LE(replies, k_strikes_to_cut);
  ASSERT_EQ(admin("kind=storm&on=0").status, 200);
}

TEST_P(venue_test, an_unanswered_test_request_closes_the_connection) {
  rpc_client c = connect();
  ASSERT_EQ(str(c.call("public/set_heartbeat", {{"interval", 1}}).at("result")), "ok");
  const auto hb =
      c.wait_notification([](const json::object& m) { return m.contains("method") && m.at("method") == "heartbeat"; },
                          std::chrono::seconds(3));
  ASSERT_TRUE(hb);
  EXPECT_EQ(str(hb->at("params").as_object().at("type")), "test_request");
  // Answered: the connection stays.
  ASSERT_EQ(error_code(c.call("public/test")), 0);
  // Not answered: closed within about two intervals (2 s); the wait ends on
  // the close, 10 s is only a safety net for a slow runner.
  rpc_client d = connect();
  ASSERT_EQ(str(d.call("public/set_heartbeat", {{"interval", 1}}).at("result")), "ok");
  EXPECT_TRUE(d.wait_closed(std::chrono::seconds(10)));
}

TEST_P(venue_test, cancel_on_disconnect_fires_on_a_drop_but_not_on_logout) {
  const auto open_orders = [&] {
    const std::string basic =
        "Basic dGlja3JhaWwtZGVtbzp0aWNrcmFpbC1kZW1vLXNlY3JldA==";  // tickrail-demo:tickrail-demo-secret
    const auto r = http("GET", "/api/v2/private/get_open_orders_by_currency?currency=BTC", {}, basic);
    EXPECT_EQ(r.status, 200) << r.body;
    return parse_object(r.body).at("result").as_array().size();
  };
  {
    rpc_client c = authed();
    ASSERT_EQ(str(c.call("private/enable_cancel_on_disconnect", {{"scope", "connection"}}).at("result")), "ok");
    ASSERT_EQ(
        error_code(c.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", 1000}})), 0);
    ASSERT_EQ(str(c.call("private/logout").at("result")), "ok");
    EXPECT_TRUE(c.wait_closed(std::chrono::seconds(2)));
  }
  EXPECT_EQ(open_orders(), 1u);  // logout does not cancel
  {
    rpc_client c = authed();
    ASSERT_EQ(str(c.call("private/enable_cancel_on_disconnect").at("result")), "ok");
    ASSERT_EQ(admin("kind=drop").status, 200);
    EXPECT_TRUE(c.wait_closed(std::chrono::seconds(2)));
  }
  EXPECT_EQ(open_orders(), 0u);  // the drop cancelled every order of the account
}

std::string hmac_hex(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &len);
  std::string hex;
  char buf[3];
  for (unsigned i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof(buf), "%02x", out[i]);
    hex += buf;
  }
  return hex;
}

TEST_P(venue_test, http_get_post_and_private_auth_by_bearer_basic_and_hmac) {
  const auto t = http("GET", "/api/v2/public/ticker?instrument_name=BTC-PERPETUAL");
  EXPECT_EQ(t.status, 200);
  EXPECT_EQ(str(parse_object(t.body).at("result").as_object().at("instrument_name")), "BTC-PERPETUAL");
  const auto post =
      http("POST", "/api/v2",
           R"({"jsonrpc":"2.0","id":7,"method":"public/get_index_price","params":{"index_name":"btc_usd"}})");
  EXPECT_EQ(post.status, 200);
  EXPECT_EQ(parse_object(post.body).at("id").as_int64(), 7);
  EXPECT_EQ(http("GET", "/api/v2/private/get_positions?currency=BTC").status, 400);

  // bearer
  const auto auth = http("GET", std::string("/api/v2/public/auth?grant_type=client_credentials&client_id=") + k_id +
                                    "&client_secret=" + k_secret);
  const std::string token = str(parse_object(auth.body).at("result").as_object().at("access_token"));
  EXPECT_EQ(http("GET", "/api/v2/private/get_positions?currency=BTC", {}, "bearer " + token).status, 200);
  EXPECT_EQ(http("GET", "/api/v2/private/get_positions?currency=BTC", {}, "bearer nope").status, 400);
  // Basic with a wrong secret
  EXPECT_EQ(http("GET", "/api/v2/private/get_positions?currency=BTC", {}, "Basic dGlja3JhaWwtZGVtbzp3cm9uZw==").status,
            401);
  // deri-hmac-sha256 over ts\nnonce\nVERB\nURI\nbody\n
  const std::string uri = "/api/v2/private/get_account_summary?currency=BTC";
  const auto sign = [&](std::int64_t ts, const std::string& nonce, const std::string& secret) {
    const std::string sig = hmac_hex(secret, std::to_string(ts) + "\n" + nonce + "\nGET\n" + uri + "\n\n");
    return "deri-hmac-sha256 id=" + std::string(k_id) + ",ts=" + std::to_string(ts) + ",sig=" + sig + ",nonce=" + nonce;
  };
  const std::int64_t now = core::wall_clock_ms();
  const auto ok = http("GET", uri, {}, sign(now, "abc123", k_secret));
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(str(parse_object(ok.body).at("result").as_object().at("currency")), "BTC");
  EXPECT_EQ(http("GET", uri, {}, sign(now, "abc123", "wrong")).status, 401);
  EXPECT_EQ(http("GET", uri, {}, sign(now - 600'000, "abc123", k_secret)).status, 401);
}

TEST_P(venue_test, get_instruments_loads_into_our_own_instrument_catalog) {
  const auto r = http("GET", "/api/v2/public/get_instruments?currency=BTC");
  ASSERT_EQ(r.status, 200);
  const std::string path = (std::filesystem::temp_directory_path() / "tickrail_venue_instruments.json").string();
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(r.body.c_str(), f);
    std::fclose(f);
  }
  core::instrument_catalog catalog;
  const absl::Status s = deribit::load_instruments_file(path, catalog);
  std::remove(path.c_str());
  ASSERT_TRUE(s.ok()) << s;
  const core::instrument* perp = catalog.find(core::venue::deribit, "BTC-PERPETUAL");
  ASSERT_NE(perp, nullptr);
  EXPECT_EQ(perp->format_price(1), "0.5");
  EXPECT_EQ(perp->format_qty(1), "10.0");  // as Deribit writes amounts: JSON doubles
  std::size_t options = 0;
  for (const core::instrument& i : catalog.all()) options += i.kind == core::instrument_kind::option ? 1 : 0;
  EXPECT_GT(options, 10u);
}

TEST_P(venue_test, stall_delay_and_corrupt_faults) {
  rpc_client c = connect();
  ASSERT_EQ(admin("kind=corrupt&count=1").status, 200);
  const auto frame = c.read_text(std::chrono::seconds(2));
  ASSERT_TRUE(frame);
  boost::system::error_code ec;
  (void)json::parse(*frame, ec);
  EXPECT_TRUE(ec);                                  // a frame that is not JSON
  EXPECT_EQ(error_code(c.call("public/test")), 0);  // and the connection still works

  rpc_client t = authed();
  ASSERT_EQ(admin("kind=delay&ms=400").status, 200);
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(error_code(t.call("private/buy", {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"price", 1000}})),
            0);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(350));
  ASSERT_EQ(admin("kind=delay&ms=0").status, 200);

  // A 2 s stall, so a request sent right after the fault is inside it even
  // on a slow runner; it is lost (no reply within 300 ms, nor later).
  const auto stall_started = std::chrono::steady_clock::now();
  ASSERT_EQ(admin("kind=stall&ms=2000").status, 200);
  EXPECT_THROW((void)c.call("public/test", {}, std::chrono::milliseconds(300)), std::runtime_error);
  // Then the venue answers again: retried, not slept for; 30 s is a safety net.
  bool answered = false;
  while (!answered && std::chrono::steady_clock::now() - stall_started < std::chrono::seconds(30)) {
    try {
      answered = error_code(c.call("public/test", {}, std::chrono::milliseconds(500))) == 0;
    } catch (const std::runtime_error&) {
      // still stalled: this request is lost too
    }
  }
  EXPECT_TRUE(answered);
  // Not before the stall was over (the stall runs on the venue's clock from
  // the fault; the fault call returned after it started).
  EXPECT_GE(std::chrono::steady_clock::now() - stall_started, std::chrono::milliseconds(1900));
}

TEST(venue_market, the_same_seed_gives_the_same_market) {
  venue::market_config mc;
  mc.seed = 9;
  mc.start_ms = k_venue_start_ms;
  venue::market a(mc), b(mc);
  const auto id = *a.find("BTC-PERPETUAL");
  a.at(id).active = b.at(id).active = true;
  for (int i = 1; i <= 50; ++i) {
    (void)a.advance(k_venue_start_ms + i * 100);
    (void)b.advance(k_venue_start_ms + i * 100);
  }
  EXPECT_EQ(a.at(id).mark, b.at(id).mark);
  ASSERT_EQ(a.at(id).bids.size(), b.at(id).bids.size());
  for (std::size_t i = 0; i < a.at(id).bids.size(); ++i) {
    EXPECT_EQ(a.at(id).bids[i].price, b.at(id).bids[i].price);
    EXPECT_EQ(a.at(id).bids[i].qty, b.at(id).bids[i].qty);
  }
  mc.seed = 10;
  venue::market c(mc);
  c.at(id).active = true;
  for (int i = 1; i <= 50; ++i) (void)c.advance(k_venue_start_ms + i * 100);
  EXPECT_NE(a.at(id).mark, c.at(id).mark);
  // Instruments: perpetual, dated futures on Fridays 08:00 UTC, weekly options.
  EXPECT_TRUE(a.find("BTC-27NOV26").has_value());
  EXPECT_TRUE(a.find("BTC-25DEC26").has_value());
  EXPECT_TRUE(a.find("BTC-27NOV26-100000-C").has_value());
  EXPECT_TRUE(a.find("ETH-PERPETUAL").has_value());
}

// WSS with a certificate generated now by openssl: a client that trusts it
// connects; one that does not is refused.
TEST(venue_tls, wss_serves_json_rpc_with_a_trusted_self_signed_certificate) {
  const auto dir = std::filesystem::temp_directory_path() / ("tickrail_venue_tls_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  make_test_certificate(cert, key);
  venue_process v(test_venue_config(), cert, key);

  ssl::context trusting(ssl::context::tls_client);
  trusting.load_verify_file(cert);
  trusting.set_verify_mode(ssl::verify_peer);
  rpc_client c(v.port(), &trusting);
  EXPECT_EQ(str(result_object(c.call("public/test")).at("version")), "1.2.26");

  ssl::context untrusting(ssl::context::tls_client);
  untrusting.set_default_verify_paths();
  untrusting.set_verify_mode(ssl::verify_peer);
  EXPECT_THROW(rpc_client(v.port(), &untrusting), std::exception);
  EXPECT_THROW(rpc_client{v.port()}, std::exception);  // plain WS to a TLS port
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tickrail::test
