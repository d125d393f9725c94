// The engine's layered configuration: overlays win key by key, [[bots]]
// merge by name, every error names the layer (file and line) that set the
// key, the secret is resolved but never part of the config hash, and the
// profile guard refuses the wrong venue.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/engine_config.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail::engine {
namespace {

const std::string k_default = std::string(TICKRAIL_SOURCE_DIR) + "/config/default.toml";

class engine_config_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_engine_config_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(
        deribit::load_instruments_file(std::string(TICKRAIL_SOURCE_DIR) + "/config/instruments/deribit.json", catalog_)
            .ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::filesystem::path dir_;
  core::instrument_catalog catalog_;
};

TEST_F(engine_config_test, the_shipped_default_loads_and_resolves) {
  auto c = load_engine_config({k_default});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->run_profile, profile::dev);
  EXPECT_EQ(c->start_bots, std::vector<std::string>{"demo"});
  EXPECT_EQ(c->layout.workers.size(), 2u);
  EXPECT_EQ(c->hash.size(), 16u);
  auto t = resolve_trading(*c, catalog_);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->bots.size(), 1u);
  EXPECT_EQ(catalog_[t->instruments.at(0)].symbol, "BTC-PERPETUAL");
}

TEST_F(engine_config_test, a_later_layer_wins_key_by_key) {
  const std::string overlay = write("a.toml",
                                    "[engine]\nstop_timeout_ms = 1234\n[risk]\nmax_open_orders = 7\n"
                                    "[venues.deribit]\nurl = \"ws://127.0.0.1:9999/ws/api/v2\"\n");
  auto c = load_engine_config({k_default, overlay});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->stop_timeout_ms, 1234);
  EXPECT_TRUE(c->cancel_on_stop);  // untouched keys of the same table stay
  EXPECT_EQ(c->gateway.session.endpoint.port, 9999);
  EXPECT_EQ(c->gateway.session.client_id, "tickrail-demo");
  auto t = resolve_trading(*c, catalog_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->limits.max_open_orders, 7u);
  EXPECT_EQ(t->limits.runaway_max_orders, 300u);  // from the base
}

TEST_F(engine_config_test, bots_merge_by_name_and_new_names_are_added) {
  const std::string overlay = write("bots.toml",
                                    "[[bots]]\nname = \"demo\"\ncancel_timeout_ms = 5000\n"
                                    "[[bots]]\nname = \"second\"\ninstrument = \"BTC-PERPETUAL\"\n"
                                    "[bots.grid]\nlevels = 2\nspacing = 10\nsize = 10\n");
  auto c = load_engine_config({k_default, overlay});
  ASSERT_TRUE(c.ok()) << c.status();
  auto t = resolve_trading(*c, catalog_);
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->bots.size(), 2u);
  EXPECT_EQ(t->bots[0].name, "demo");
  EXPECT_EQ(t->bots[0].cancel_timeout_ns, 5'000'000'000);
  EXPECT_FALSE(t->bots[0].start.empty());  // the base's start list survives the overlay
  EXPECT_EQ(t->bots[1].name, "second");
}

TEST_F(engine_config_test, errors_name_the_layer_that_set_the_key) {
  const std::string overlay = write("bad.toml", "\n\n[risk.instruments.\"BTC-PERPETUAL\"]\ncollar_pct = -3\n");
  auto c = load_engine_config({k_default, overlay});
  ASSERT_TRUE(c.ok()) << c.status();
  auto t = resolve_trading(*c, catalog_);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find(overlay + ":4: key 'risk.instruments.\"BTC-PERPETUAL\".collar_pct'"),
            std::string::npos)
      << t.status();
  // The same kind of key left in the base is reported against the base.
  const std::string base = write("base.toml", std::string("[engine]\nprofile = \"staging\"\n"));
  auto b = load_engine_config({base, overlay});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find(base + ":2: key 'engine.profile'"), std::string::npos) << b.status();
}

TEST_F(engine_config_test, unknown_keys_and_sections_are_errors) {
  auto a = load_engine_config({k_default, write("a.toml", "[store]\npaht = \"x.db\"\n")});
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("key 'store.paht': unknown key"), std::string::npos) << a.status();
  auto b = load_engine_config({k_default, write("b.toml", "[venues.binance]\nurl = \"x\"\n")});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("key 'venues.binance': unknown venue"), std::string::npos) << b.status();
}

TEST_F(engine_config_test, the_secret_comes_from_env_or_file_and_never_changes_the_hash) {
  std::string text = "[venues.deribit]\nclient_secret = \"one\"\n";
  auto one = load_engine_config({k_default, write("one.toml", text)});
  auto two = load_engine_config({k_default, write("two.toml", "[venues.deribit]\nclient_secret = \"two\"\n")});
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(one->gateway.session.client_secret, "one");
  EXPECT_EQ(one->hash, two->hash) << "the hash must not depend on the secret";
  auto limit = load_engine_config({k_default, write("limit.toml", "[risk]\nmax_open_orders = 9\n")});
  ASSERT_TRUE(limit.ok());
  EXPECT_NE(limit->hash, one->hash);

  // Only one way to give it; a base with the literal demo secret plus an
  // overlay naming an environment variable is refused.
  auto both = load_engine_config({k_default, write("env.toml", "[venues.deribit]\nclient_secret_env = \"X\"\n")});
  ASSERT_FALSE(both.ok());
  EXPECT_NE(both.status().message().find("give one of"), std::string::npos) << both.status();

  std::string base = k_default;
  {
    std::ifstream in(k_default);
    std::string d((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    d.replace(d.find("client_secret = \"tickrail-demo-secret\"\n"), 39, "");
    base = write("nosecret.toml", d);
  }
  const auto env = [](const char* name) -> const char* {
    return std::string(name) == "TR_TEST_SECRET" ? "from-env" : nullptr;
  };
  auto from_env =
      load_engine_config({base, write("e.toml", "[venues.deribit]\nclient_secret_env = \"TR_TEST_SECRET\"\n")}, +env);
  ASSERT_TRUE(from_env.ok()) << from_env.status();
  EXPECT_EQ(from_env->gateway.session.client_secret, "from-env");
  auto unset =
      load_engine_config({base, write("u.toml", "[venues.deribit]\nclient_secret_env = \"TR_NOT_SET\"\n")}, +env);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.status().message().find("TR_NOT_SET is not set"), std::string::npos) << unset.status();
  const std::string secret_file = write("secret", "from-file\n");
  auto from_file =
      load_engine_config({base, write("f.toml", "[venues.deribit]\nclient_secret_file = \"" + secret_file + "\"\n")});
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(from_file->gateway.session.client_secret, "from-file");
}

TEST_F(engine_config_test, the_profile_guard_refuses_the_wrong_venue) {
  const auto url = [&](const std::string& p, const std::string& u) {
    return load_engine_config(
        {k_default, write("p.toml", "[engine]\nprofile = \"" + p + "\"\n[venues.deribit]\nurl = \"" + u + "\"\n")});
  };
  EXPECT_FALSE(url("prod", "wss://test.deribit.com/ws/api/v2").ok());
  EXPECT_FALSE(url("dev", "wss://www.deribit.com/ws/api/v2").ok());
  EXPECT_FALSE(url("demo", "wss://www.deribit.com/ws/api/v2").ok());
  EXPECT_FALSE(url("demo", "ws://test.deribit.com/ws/api/v2").ok()) << "Deribit without TLS";
  EXPECT_TRUE(url("demo", "wss://test.deribit.com/ws/api/v2").ok());
  EXPECT_TRUE(url("prod", "wss://www.deribit.com/ws/api/v2").ok());
  EXPECT_TRUE(url("dev", "ws://127.0.0.1:8787/ws/api/v2").ok());
}

}  // namespace
}  // namespace tickrail::engine
