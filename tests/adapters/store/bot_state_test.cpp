// The store's bot_state table: the risk engine's kill latch and high-water
// mark survive a restart of the stage (engine rebuilt from the database),
// until an operator resets the kill; unreadable values refuse to load.
#include "tickrail/store/bot_state.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "support/risk_fixture.hpp"
#include "tickrail/core/risk_stage.hpp"

namespace tickrail {
namespace {

using namespace test;

class bot_state_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_bot_state_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "tickrail.db").string();
    auto parsed = core::parse_risk_limits_toml(k_risk_toml, "risk.toml", catalog_);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    limits_ = *std::move(parsed);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One run of the risk stage: state loaded from the store, `events` pushed
  // through the stage, records written back the way the slow path does.
  // Returns the ids of the orders that passed.
  std::vector<core::client_order_id> run(const std::vector<core::event>& events) {
    auto store = store::bot_state_store::open(path_);
    EXPECT_TRUE(store.ok()) << store.status();
    auto restored = (*store)->load_risk_state();
    EXPECT_TRUE(restored.ok()) << restored.status();
    core::risk_engine engine(catalog_, &limits_, *restored, 64);
    core::ring<core::event> input(256, 1);
    core::ring<core::order_request> output(256, 1);
    std::vector<core::risk_record> records;
    auto sink = [&](const core::risk_record& r) noexcept {
      records.push_back(r);
      return true;
    };
    core::risk_stage<decltype(sink)> stage(input, 0, output, engine, sink);
    for (const core::event& e : events) EXPECT_TRUE(input.try_push(e));
    while (stage.poll() > 0) {
    }
    for (const core::risk_record& r : records) EXPECT_TRUE((*store)->apply(r).ok());
    std::vector<core::client_order_id> passed;
    output.poll(0, [&](const core::order_request& r, core::sequence_t, bool) { passed.push_back(r.intent.cl_ord_id); });
    killed_ = engine.killed();
    return passed;
  }

  std::vector<core::event> market() { return {reference(k_perp, 99990, 100010), ticker_mark(k_perp, 100000)}; }

  std::filesystem::path dir_;
  std::string path_;
  core::instrument_catalog catalog_ = make_risk_catalog();
  core::risk_limits limits_;
  bool killed_ = false;
};

TEST_F(bot_state_test, kill_survives_restart_until_reset) {
  auto events = market();
  events.push_back(place(k_perp, core::side::buy, 1, 99900, 1));
  events.push_back(command(core::command_kind::kill));
  events.push_back(place(k_perp, core::side::buy, 1, 99900, 2));
  EXPECT_EQ(run(events), (std::vector<core::client_order_id>{1, 0}));  // order 1, then the kill's cancel_all
  EXPECT_TRUE(killed_);

  // Restart: still killed, nothing passes.
  events = market();
  events.push_back(place(k_perp, core::side::buy, 1, 99900, 3));
  EXPECT_TRUE(run(events).empty());
  EXPECT_TRUE(killed_);

  // The operator resets; the reset is persisted too.
  events = market();
  events.push_back(command(core::command_kind::reset_kill));
  events.push_back(place(k_perp, core::side::buy, 1, 99900, 4));
  EXPECT_EQ(run(events), (std::vector<core::client_order_id>{4}));
  EXPECT_FALSE(killed_);
  events = market();
  events.push_back(place(k_perp, core::side::buy, 1, 99900, 5));
  EXPECT_EQ(run(events), (std::vector<core::client_order_id>{5}));
}

TEST_F(bot_state_test, high_water_mark_is_persisted_and_drawdown_measured_from_it) {
  const std::int64_t t = 1'700'000'000'000'000'000;
  run({portfolio(0, 150'000'000, t), portfolio(0, 140'000'000, t + 1)});
  auto store = store::bot_state_store::open(path_);
  ASSERT_TRUE(store.ok());
  const auto hwm = (*store)->get("hwmEquity.deribit");
  ASSERT_TRUE(hwm.ok());
  ASSERT_TRUE(hwm->has_value());
  EXPECT_EQ(**hwm, "1.50000000");
  store->reset();
  // After a restart, 1.35 is 10 % below the persisted 1.5: kill.
  run({portfolio(0, 135'000'000, t + 2)});
  EXPECT_TRUE(killed_);
  store = store::bot_state_store::open(path_);
  ASSERT_TRUE(store.ok());
  const auto cause = (*store)->get("killCause");
  ASSERT_TRUE(cause.ok() && cause->has_value());
  EXPECT_EQ(**cause, "equity_drawdown");
}

TEST_F(bot_state_test, unreadable_values_refuse_to_load) {
  for (const auto& [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"killTriggered", "yes"},
                                                        {"killCause", "gremlins"},
                                                        {"killTime", "12x"},
                                                        {"hwmEquity.deribit", "1.000000001"}}) {
    std::filesystem::remove(path_);
    auto store = store::bot_state_store::open(path_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->put(key, value).ok());
    const auto state = (*store)->load_risk_state();
    ASSERT_FALSE(state.ok()) << key;
    EXPECT_NE(state.status().message().find(key), std::string::npos) << state.status();
  }
}

TEST_F(bot_state_test, database_is_in_wal_mode_and_errors_name_the_path) {
  {
    auto store = store::bot_state_store::open(path_);
    ASSERT_TRUE(store.ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);

  const auto bad = store::bot_state_store::open((dir_ / "missing" / "x.db").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace tickrail
