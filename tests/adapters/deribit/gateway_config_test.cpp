// [venues.deribit]: URLs, secrets from the environment, the user channels
// added per currency, and every bad input refused with file:line:key.
#include "tickrail/deribit/gateway_config.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>

namespace tickrail::deribit {
namespace {

const char* fake_env(const char* name) { return std::strcmp(name, "DERIBIT_SECRET") == 0 ? "s3cret" : nullptr; }

absl::StatusOr<gateway_config> parse(const std::string& body) {
  return parse_gateway_config("[venues.deribit]\n" + body, "test.toml", fake_env);
}

TEST(gateway_config, full_section) {
  const auto c = parse(R"(url = "wss://www.deribit.com/ws/api/v2"
ca_file = "/etc/ca.pem"
client_id = "abc"
client_secret_env = "DERIBIT_SECRET"
currencies = ["BTC", "ETH"]
channels = ["book.BTC-PERPETUAL.raw"]
label_prefix = "desk_1"
heartbeat_s = 15
cancel_on_disconnect = false
request_timeout_ms = 3000
reconnect_min_ms = 100
reconnect_max_ms = 5000
credits_burst = 50
credits_per_second = 10
max_send_wait_ms = 500
)");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->session.endpoint.tls.enabled);
  EXPECT_EQ(c->session.endpoint.host, "www.deribit.com");
  EXPECT_EQ(c->session.endpoint.port, 443);
  EXPECT_EQ(c->session.endpoint.path, "/ws/api/v2");
  EXPECT_EQ(c->session.endpoint.tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(c->session.client_secret, "s3cret");
  EXPECT_EQ(c->label_prefix, "desk_1");
  EXPECT_EQ(c->session.heartbeat_s, 15);
  EXPECT_FALSE(c->session.cancel_on_disconnect);
  EXPECT_EQ(c->credits.burst_credits, 50);
  EXPECT_EQ(c->max_send_wait.count(), 500);
  const std::vector<std::string> want = {"book.BTC-PERPETUAL.raw", "user.orders.any.BTC.raw", "user.trades.any.BTC.raw",
                                         "user.portfolio.btc",     "user.orders.any.ETH.raw", "user.trades.any.ETH.raw",
                                         "user.portfolio.eth"};
  EXPECT_EQ(c->session.channels, want);
}

TEST(gateway_config, urls) {
  auto ep = parse_ws_url("ws://127.0.0.1:8787/ws/api/v2");
  ASSERT_TRUE(ep.ok());
  EXPECT_FALSE(ep->tls.enabled);
  EXPECT_EQ(ep->port, 8787);
  ep = parse_ws_url("wss://test.deribit.com");
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->path, "/ws/api/v2");
  for (const char* bad :
       {"http://x", "ws://", "ws://:80/", "ws://h:0/", "ws://h:70000/", "ws://h:8x/", "deribit.com"}) {
    EXPECT_FALSE(parse_ws_url(bad).ok()) << bad;
  }
}

TEST(gateway_config, bad_input_names_the_key) {
  const std::string base = "url = \"ws://127.0.0.1:1/\"\nclient_id = \"a\"\n";
  struct bad_case {
    std::string body;
    std::string fragment;
  };
  const bad_case cases[] = {
      {"client_id = \"a\"\nclient_secret = \"b\"\n", "venues.deribit.url"},
      {"url = \"ws://h:1/\"\nclient_secret = \"b\"\n", "venues.deribit.client_id"},
      {base, "client_secret"},
      {base + "client_secret = \"b\"\nclient_secret_env = \"DERIBIT_SECRET\"\n", "give one of"},
      {base + "client_secret_env = \"MISSING\"\n", "MISSING is not set"},
      {base + "client_secret = \"b\"\nheartbeat_s = 0\n", "venues.deribit.heartbeat_s"},
      {base + "client_secret = \"b\"\nlabel_prefix = \"a-b\"\n", "venues.deribit.label_prefix"},
      {base + "client_secret = \"b\"\ncurrencies = [1]\n", "venues.deribit.currencies"},
      {base + "client_secret = \"b\"\ncancel_on_disconnect = \"yes\"\n", "cancel_on_disconnect"},
      {base + "client_secret = \"b\"\nreconnect_min_ms = 500\nreconnect_max_ms = 100\n", "reconnect_max_ms"},
      {base + "client_secret = \"b\"\nsurprise = 1\n", "unknown key"},
      {"url = \"ftp://x\"\nclient_id = \"a\"\nclient_secret = \"b\"\n", "ws:// or wss://"},
      {base + "client_secret_file = \"/nonexistent/tickrail.secret\"\n", "cannot read the secret file"},
      {base + "client_secret = \"b\"\nclient_secret_file = \"/etc/hostname\"\n", "give one of"},
  };
  for (const bad_case& c : cases) {
    const auto r = parse(c.body);
    ASSERT_FALSE(r.ok()) << c.body;
    EXPECT_NE(std::string(r.status().message()).find(c.fragment), std::string::npos) << r.status() << "\n" << c.body;
    EXPECT_NE(std::string(r.status().message()).find("test.toml"), std::string::npos) << r.status();
  }
  EXPECT_FALSE(parse_gateway_config("[risk]\n", "x.toml").ok());
  EXPECT_FALSE(parse_gateway_config("[venues.deribit\n", "x.toml").ok());
}

TEST(gateway_config, the_shipped_default_config_loads) {
  const auto c = load_gateway_config_file(std::string(TICKRAIL_SOURCE_DIR) + "/config/default.toml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->session.endpoint.host, "127.0.0.1");
}

}  // namespace
}  // namespace tickrail::deribit
