// tickrail-gateway, the binary, against an in-process tickrail-venue over
// WS: a check reports and cancels nothing; --flatten-orphans cancels our
// labelled orders only; --cancel-all clears the account; bad configs and an
// unreachable venue exit with their codes and say why.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/run_binary.hpp"
#include "support/venue_harness.hpp"

namespace tickrail::test {
namespace {

run_result run(const std::string& args) { return run_binary(TICKRAIL_GATEWAY_BINARY, args); }

class gateway_cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_gateway_cli_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    config_ = write_config("url = \"ws://127.0.0.1:" + std::to_string(venue_.port()) + "/ws/api/v2\"\n" +
                           "client_id = \"tickrail-demo\"\nclient_secret = \"tickrail-demo-secret\"\n"
                           "currencies = [\"BTC\"]\n");
    client_ = std::make_unique<rpc_client>(venue_.port());
    const auto auth = client_->call("public/auth", {{"grant_type", "client_credentials"},
                                                    {"client_id", "tickrail-demo"},
                                                    {"client_secret", "tickrail-demo-secret"}});
    ASSERT_TRUE(auth.contains("result"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write_config(const std::string& body, const char* name = "gateway.toml") {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << "[venues.deribit]\n" << body;
    return path;
  }
  std::size_t open_orders() {
    return client_->call("private/get_open_orders_by_currency", {{"currency", "BTC"}}).at("result").as_array().size();
  }
  void place(const char* label) {
    const double bid = client_->call("public/ticker", {{"instrument_name", "BTC-PERPETUAL"}})
                           .at("result")
                           .as_object()
                           .at("best_bid_price")
                           .to_number<double>();
    json::object params{{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"type", "limit"}, {"price", bid - 500}};
    if (label != nullptr) params["label"] = label;
    ASSERT_TRUE(client_->call("private/buy", params).contains("result"));
  }

  venue_process venue_;
  std::filesystem::path dir_;
  std::string config_;
  std::unique_ptr<rpc_client> client_;
};

TEST_F(gateway_cli, check_orphans_flatten_and_cancel_all) {
  place("tr-5-42");  // ours, from an earlier run
  place(nullptr);    // someone's manual order
  run_result r = run("--config " + config_ + " --json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("\"state\":\"ready\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\"orphans\":1,\"orphans_cancelled\":0"), std::string::npos) << r.output;
  EXPECT_EQ(open_orders(), 2u);  // a check cancels nothing

  r = run("--config " + config_ + " --flatten-orphans --json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("\"orphans_cancelled\":1"), std::string::npos) << r.output;
  EXPECT_EQ(open_orders(), 1u);  // only ours went

  r = run("--config " + config_ + " --cancel-all");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("ready: reconciled"), std::string::npos) << r.output;
  EXPECT_EQ(open_orders(), 0u);
}

TEST_F(gateway_cli, bad_usage_config_and_unreachable_venue) {
  EXPECT_EQ(run("").status, 1);
  EXPECT_EQ(run("--config").status, 1);
  EXPECT_EQ(run("--config x --cancel-all --flatten-orphans").status, 1);
  EXPECT_EQ(run("--config x --seconds -3").status, 1);
  run_result r = run("--config " + write_config("url = \"ws://127.0.0.1:1/\"\nclient_id = \"a\"\n", "bad.toml"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.output.find("client_secret"), std::string::npos) << r.output;
  // Nothing listens on the venue's port + 1 ... most likely; a refused
  // connection is what is tested, so use a port just freed.
  std::uint16_t dead = 0;
  {
    venue_process gone;
    dead = gone.port();
  }
  r = run("--config " +
          write_config("url = \"ws://127.0.0.1:" + std::to_string(dead) +
                           "/ws/api/v2\"\nclient_id = \"a\"\nclient_secret = \"b\"\ncurrencies = [\"BTC\"]\n",
                       "dead.toml") +
          " --timeout-s 2");
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_NE(r.output.find("instruments"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tickrail::test
