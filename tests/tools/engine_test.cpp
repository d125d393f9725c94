// tickrail, the engine binary, against an in-process tickrail-venue over
// WS on loopback: the real start-up, trading, shutdown and restart paths,
// each bounded in time.
//
//   * --once: quotes reach the venue, the first order is acknowledged, a
//     clean exit 0, and no order of ours is left resting;
//   * SIGTERM while trading: our orders are cancelled on the venue, exit 0;
//   * kill -9 while trading (cancel-on-disconnect off, so the orders
//     survive the crash), then a restart: the orphans are cancelled before
//     quoting again, the account's fills are reconciled, and no label is
//     ever used for two venue orders;
//   * --dry-run: trading on the paper gateway while the venue receives no
//     private method at all (and no auth);
//   * broken configs: a clear file:line:key error, exit 1, nothing sent;
//   * a locked store, an unreachable venue and bad credentials: exit 2
//     with the reason, nothing traded.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "support/run_binary.hpp"
#include "support/venue_harness.hpp"
#include "tickrail/core/clock.hpp"

namespace tickrail::test {
namespace {

using namespace std::chrono_literals;

const std::string k_engine = TICKRAIL_ENGINE_BINARY;
const std::string k_default = std::string(TICKRAIL_SOURCE_DIR) + "/config/default.toml";

// The simulated venue's clock is the wall clock (as a real venue's is), so
// the engine's 24 h reconciliation lookback sees the fills of this run.
venue::venue_config live_venue() {
  venue::venue_config c = test_venue_config();
  c.market.start_ms = core::wall_clock_ms();
  return c;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// An engine process with its output in a file.
class engine_process {
 public:
  engine_process(const std::vector<std::string>& args, std::string log) : log_(std::move(log)) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(k_engine.c_str()));
      for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(k_engine.c_str(), argv.data());
      ::_exit(127);
    }
  }
  ~engine_process() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  // The log matches `pattern` within the timeout (false when the process
  // exited first or time ran out).
  bool wait_for(const std::string& pattern, std::chrono::milliseconds timeout) {
    const std::regex re(pattern);
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      if (std::regex_search(output(), re)) return true;
      if (!alive()) return std::regex_search(output(), re);
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  // Exit status, -1 when killed by a signal, -2 when still running at the deadline.
  int wait_exit(std::chrono::milliseconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(20ms);
    }
    return -2;
  }
  bool alive() {
    if (exited_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    return !exited_;
  }
  [[nodiscard]] std::string output() const { return slurp(log_); }

 private:
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_status_ = -2;
};

class engine_test : public ::testing::Test {
 protected:
  engine_test() : venue_(live_venue()) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tickrail_engine_test_" + std::to_string(::getpid()) + "_" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    overlay_ = write("local.toml", overlay_text(""));
    client_ = std::make_unique<rpc_client>(venue_.port());
    ASSERT_TRUE(client_
                    ->call("public/auth", {{"grant_type", "client_credentials"},
                                           {"client_id", "tickrail-demo"},
                                           {"client_secret", "tickrail-demo-secret"}})
                    .contains("result"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The demo config, pointed at this test's venue and database.
  std::string overlay_text(const std::string& venue_extra) {
    return "[venues.deribit]\nurl = \"ws://127.0.0.1:" + std::to_string(venue_.port()) + "/ws/api/v2\"\n" +
           "reconnect_max_ms = 500\n" + venue_extra + "[store]\npath = \"" + (dir_ / "engine.db").string() +
           "\"\n[engine]\nstartup_timeout_ms = 20000\nstop_timeout_ms = 8000\n";
  }
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  std::vector<std::string> args(std::initializer_list<std::string> extra) {
    std::vector<std::string> a = {"--config", k_default, "--config", overlay_};
    a.insert(a.end(), extra);
    return a;
  }

  json::array open_orders() {
    return client_->call("private/get_open_orders_by_currency", {{"currency", "BTC"}}).at("result").as_array();
  }
  std::size_t our_open_orders() {
    std::size_t n = 0;
    for (const auto& o : open_orders()) {
      const auto& label = o.as_object().at("label").as_string();
      if (label.starts_with("tr")) ++n;
    }
    return n;
  }
  std::uint64_t private_calls() {
    std::uint64_t n = 0;
    for (const char* m :
         {"private/buy", "private/sell", "private/edit", "private/cancel", "private/cancel_all",
          "private/cancel_all_by_instrument", "private/cancel_by_label", "private/enable_cancel_on_disconnect",
          "private/subscribe", "private/get_open_orders_by_currency", "private/get_user_trades_by_currency",
          "private/get_positions", "private/logout", "public/auth"}) {
      n += venue_.method_calls(m);
    }
    return n;
  }
  // Every order the account ever had (open, then history), by label.
  std::multiset<std::string> all_labels() {
    std::multiset<std::string> labels;
    for (const auto& o : open_orders()) labels.insert(std::string(o.as_object().at("label").as_string()));
    const auto history =
        client_->call("private/get_order_history_by_currency",
                      {{"currency", "BTC"}, {"count", 1000}, {"include_old", true}, {"include_unfilled", true}});
    for (const auto& o : history.at("result").as_array()) {
      labels.insert(std::string(o.as_object().at("label").as_string()));
    }
    return labels;
  }

  venue_process venue_;
  std::filesystem::path dir_;
  std::string overlay_;
  std::unique_ptr<rpc_client> client_;
};

TEST_F(engine_test, once_quotes_on_the_venue_and_exits_cleanly) {
  const std::uint64_t buys_before = venue_.method_calls("private/buy") + venue_.method_calls("private/sell");
  const run_result r = run_binary(k_engine, "--config " + k_default + " --config " + overlay_ + " --once", 60);
  EXPECT_EQ(r.status, 0) << r.output;
  // The start-up steps in DESIGN §7's order, each logged.
  const std::vector<std::string> steps = {
      "store: ",      "instruments: ",      "venue: authenticated",           "subscribe: ", "workers: ",
      "classifier: ", "bots: started demo", "once: first order acknowledged", "stopped: "};
  std::size_t at = 0;
  for (const std::string& step : steps) {
    const std::size_t found = r.output.find(step, at);
    ASSERT_NE(found, std::string::npos) << "missing or out of order: " << step << "\n" << r.output;
    at = found;
  }
  EXPECT_NE(r.output.find("build "), std::string::npos);
  EXPECT_TRUE(std::regex_search(r.output, std::regex("hash [0-9a-f]{16}")));
  EXPECT_EQ(r.output.find("tickrail-demo-secret"), std::string::npos) << "the secret was printed";
  EXPECT_GT(venue_.method_calls("private/buy") + venue_.method_calls("private/sell"), buys_before);
  EXPECT_GE(venue_.method_calls("private/enable_cancel_on_disconnect"), 1u);
  // The demo bot's classifier got its history from the venue's candles.
  EXPECT_GE(venue_.method_calls("public/get_tradingview_chart_data"), 1u);
  EXPECT_TRUE(std::regex_search(r.output, std::regex("classifier: [1-9][0-9]* 5-minute candles of BTC-PERPETUAL")))
      << r.output;
  EXPECT_EQ(our_open_orders(), 0u) << "orders left resting after a clean stop";
}

TEST_F(engine_test, sigterm_cancels_our_orders_and_exits_zero) {
  // Cancel-on-disconnect off: the venue must not be what takes the orders
  // down when the engine's connection closes; the engine must.
  const std::string no_cod = write("no_cod.toml", "[venues.deribit]\ncancel_on_disconnect = false\n");
  std::vector<std::string> a = args({"--status-every", "1"});
  a.insert(a.end(), {"--config", no_cod});
  engine_process engine(a, (dir_ / "engine.log").string());
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (our_open_orders() == 0 && std::chrono::steady_clock::now() < until && engine.alive()) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_GT(our_open_orders(), 0u) << engine.output();
  ASSERT_TRUE(engine.wait_for("(PAPER|LIVE) BTC-PERPETUAL", 5s)) << engine.output();
  const std::uint64_t cancels = venue_.method_calls("private/cancel") + venue_.method_calls("private/cancel_all") +
                                venue_.method_calls("private/cancel_all_by_instrument");
  engine.signal(SIGTERM);
  EXPECT_EQ(engine.wait_exit(20s), 0) << engine.output();
  EXPECT_EQ(our_open_orders(), 0u) << engine.output();
  EXPECT_GT(venue_.method_calls("private/cancel") + venue_.method_calls("private/cancel_all") +
                venue_.method_calls("private/cancel_all_by_instrument"),
            cancels);
  EXPECT_NE(engine.output().find("stop: signal received"), std::string::npos);
}

TEST_F(engine_test, cancel_on_stop_false_leaves_the_orders_working) {
  const std::string keep =
      write("keep.toml", "[venues.deribit]\ncancel_on_disconnect = false\n[engine]\ncancel_on_stop = false\n");
  std::vector<std::string> a = args({});
  a.insert(a.end(), {"--config", keep});
  engine_process engine(a, (dir_ / "engine.log").string());
  const auto until = std::chrono::steady_clock::now() + 30s;
  while (our_open_orders() < 2 && std::chrono::steady_clock::now() < until && engine.alive()) {
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_GE(our_open_orders(), 2u) << engine.output();
  engine.signal(SIGTERM);
  EXPECT_EQ(engine.wait_exit(20s), 0) << engine.output();
  EXPECT_GE(our_open_orders(), 1u) << "orders were cancelled although cancel_on_stop = false\n" << engine.output();
}

TEST_F(engine_test, kill_minus_nine_then_restart_cancels_orphans_and_never_reuses_a_label) {
  // Cancel-on-disconnect off for the first run, so its orders outlive it.
  const std::string no_cod = write("no_cod.toml", "[venues.deribit]\ncancel_on_disconnect = false\n");
  {
    std::vector<std::string> a = args({});
    a.insert(a.end(), {"--config", no_cod});
    engine_process first(a, (dir_ / "first.log").string());
    const auto until = std::chrono::steady_clock::now() + 30s;
    while (our_open_orders() < 2 && std::chrono::steady_clock::now() < until && first.alive()) {
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_GE(our_open_orders(), 2u) << first.output();
    first.signal(SIGKILL);
    EXPECT_EQ(first.wait_exit(5s), -1);
  }
  std::this_thread::sleep_for(300ms);
  std::set<std::string> orphans;
  for (const auto& o : open_orders()) orphans.insert(std::string(o.as_object().at("order_id").as_string()));
  ASSERT_FALSE(orphans.empty()) << "the crash left nothing resting: the test would prove nothing";
  // A fill the engine never saw: an order of ours (our label, bot 1, an
  // old counter) that traded while it was down.
  ASSERT_TRUE(
      client_
          ->call("private/buy",
                 {{"instrument_name", "BTC-PERPETUAL"}, {"amount", 10}, {"type", "market"}, {"label", "tr-1-1"}})
          .contains("result"));

  // An order that is not ours (no tr- label) must survive the orphan sweep.
  const auto manual = client_->call("private/buy", {{"instrument_name", "BTC-PERPETUAL"},
                                                    {"amount", 10},
                                                    {"type", "limit"},
                                                    {"price", 50000},
                                                    {"label", "manual-1"}});
  const std::string manual_id(manual.at("result").as_object().at("order").as_object().at("order_id").as_string());

  engine_process second(args({}), (dir_ / "second.log").string());
  ASSERT_TRUE(second.wait_for("once: first|bots: started demo", 30s)) << second.output();
  const auto manual_state =
      client_->call("private/get_order_state", {{"order_id", manual_id}}).at("result").as_object();
  EXPECT_EQ(manual_state.at("order_state").as_string(), "open") << "an order not ours was cancelled";
  // Every orphan of the crashed run was cancelled before the new run quoted.
  for (const auto& o : open_orders()) {
    EXPECT_EQ(orphans.count(std::string(o.as_object().at("order_id").as_string())), 0u)
        << "orphan still resting: " << json::serialize(o);
  }
  // Each orphan was cancelled by the restarted engine, or had filled
  // meanwhile; the start-up log counts them.
  std::size_t cancelled = 0;
  for (const std::string& id : orphans) {
    const auto state = client_->call("private/get_order_state", {{"order_id", id}}).at("result").as_object();
    const auto& s = state.at("order_state").as_string();
    EXPECT_TRUE(s == "cancelled" || s == "filled") << id << ": " << s;
    if (s == "cancelled") ++cancelled;
  }
  EXPECT_TRUE(std::regex_search(
      second.output(), std::regex("reconciled: [0-9]+ orphans \\(" + std::to_string(cancelled) + " cancelled\\)")))
      << second.output();
  // The account's fills of the last 24 h reached the engine, flagged.
  EXPECT_TRUE(second.wait_for("fill: buy 10(\\.0)? BTC-PERPETUAL .*\\(reconciled\\)", 10s)) << second.output();
  second.signal(SIGTERM);
  EXPECT_EQ(second.wait_exit(20s), 0) << second.output();
  // No label was ever given to two venue orders, across both runs.
  const std::multiset<std::string> labels = all_labels();
  for (const std::string& l : labels) {
    if (l.empty()) continue;
    EXPECT_EQ(labels.count(l), 1u) << "label used twice: " << l;
  }
  EXPECT_GE(labels.size(), orphans.size());
}

TEST_F(engine_test, dry_run_sends_nothing_private_to_the_venue) {
  const std::uint64_t before = private_calls();
  const run_result r =
      run_binary(k_engine, "--config " + k_default + " --config " + overlay_ + " --dry-run --once", 60);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("PAPER"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("once: first order acknowledged"), std::string::npos) << r.output;
  EXPECT_EQ(private_calls(), before) << r.output;
  EXPECT_GT(venue_.method_calls("public/subscribe"), 0u);
}

TEST_F(engine_test, broken_configs_name_file_line_and_key_and_send_nothing) {
  struct broken {
    const char* name;
    std::string text;
    std::string expect;  // in the error, after "FILE:LINE: "
  };
  const std::vector<broken> cases = {
      {"syntax", "[engine\nprofile = \"dev\"\n", ""},
      {"unknown_key", "[engine]\nprofil = \"dev\"\n", "key 'engine.profil': unknown key"},
      {"unknown_section", "[enigne]\nprofile = \"dev\"\n", "key 'enigne': unknown section"},
      {"wrong_type", "[engine]\nstop_timeout_ms = \"soon\"\n", "key 'engine.stop_timeout_ms': expected an integer"},
      {"out_of_range", "[engine]\ntimer_interval_ms = 0\n", "key 'engine.timer_interval_ms': out of range"},
      {"missing_secret", "[venues.deribit]\nclient_secret_env = \"TICKRAIL_TEST_UNSET_SECRET\"\n", "client_secret"},
      {"prod_testnet", "[engine]\nprofile = \"prod\"\n[venues.deribit]\nurl = \"wss://test.deribit.com/ws/api/v2\"\n",
       "profile prod with the testnet URL"},
      {"dev_production", "[venues.deribit]\nurl = \"wss://www.deribit.com/ws/api/v2\"\n",
       "production needs profile \"prod\""},
  };
  const std::uint64_t before = private_calls() + venue_.method_calls("public/get_instruments");
  for (const broken& b : cases) {
    // client_secret and client_secret_env are exclusive: drop the demo's.
    std::string text = b.text;
    const std::string path = write(std::string(b.name) + ".toml", text);
    std::string base = k_default;
    if (std::string(b.name) == "missing_secret") {
      std::string d = slurp(k_default);
      d.replace(d.find("client_secret = \"tickrail-demo-secret\"\n"), 39, "");
      base = write("no_secret_base.toml", d);
    }
    for (const char* mode : {"", " --check-config"}) {
      const run_result r =
          run_binary(k_engine, "--config " + base + " --config " + overlay_ + " --config " + path + mode, 30);
      EXPECT_EQ(r.status, 1) << b.name << mode << ": " << r.output;
      EXPECT_NE(r.output.find("FAILED"), std::string::npos) << b.name << ": " << r.output;
      if (std::string(b.name) == "syntax") {
        EXPECT_TRUE(std::regex_search(r.output, std::regex(path + ":[0-9]+:[0-9]+: "))) << r.output;
      } else if (std::string(b.name) == "missing_secret") {
        EXPECT_NE(r.output.find("TICKRAIL_TEST_UNSET_SECRET is not set"), std::string::npos) << r.output;
      } else if (std::string(b.name) == "prod_testnet" || std::string(b.name) == "dev_production") {
        EXPECT_TRUE(std::regex_search(r.output, std::regex(path + ":[0-9]+: key 'venues.deribit.url'"))) << r.output;
        EXPECT_NE(r.output.find(b.expect), std::string::npos) << r.output;
      } else {
        EXPECT_TRUE(std::regex_search(
            r.output, std::regex(path + ":[0-9]+: " + std::regex_replace(b.expect, std::regex("[.()']"), "."))))
            << b.name << ": " << r.output;
      }
    }
  }
  EXPECT_EQ(private_calls() + venue_.method_calls("public/get_instruments"), before)
      << "a broken config reached the venue";
}

TEST_F(engine_test, check_config_accepts_the_shipped_configs_offline) {
  const run_result r = run_binary(k_engine, "--config " + k_default + " --check-config", 30);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("config ok"), std::string::npos) << r.output;
  // A risk limit on an instrument the venue does not list is caught offline too.
  const std::string bad = write("bad_bot.toml", "[[bots]]\nname = \"demo\"\ninstrument = \"BTC-NOPE\"\n");
  const run_result b = run_binary(k_engine, "--config " + k_default + " --config " + bad + " --check-config", 30);
  EXPECT_EQ(b.status, 1) << b.output;
  EXPECT_NE(b.output.find(bad + ":"), std::string::npos) << b.output;
}

TEST_F(engine_test, a_locked_store_an_unreachable_venue_and_bad_credentials_exit_two_with_the_reason) {
  engine_process holder(args({}), (dir_ / "holder.log").string());
  ASSERT_TRUE(holder.wait_for("store: ", 20s)) << holder.output();
  const run_result locked = run_binary(k_engine, "--config " + k_default + " --config " + overlay_ + " --once", 30);
  EXPECT_EQ(locked.status, 2) << locked.output;
  EXPECT_NE(locked.output.find("database locked"), std::string::npos) << locked.output;
  holder.signal(SIGTERM);
  EXPECT_EQ(holder.wait_exit(20s), 0) << holder.output();

  const std::string nowhere = write("nowhere.toml", "[venues.deribit]\nurl = \"ws://127.0.0.1:1/ws/api/v2\"\n");
  const run_result down =
      run_binary(k_engine, "--config " + k_default + " --config " + overlay_ + " --config " + nowhere + " --once", 40);
  EXPECT_EQ(down.status, 2) << down.output;
  EXPECT_NE(down.output.find("instruments: FAILED: venue unreachable"), std::string::npos) << down.output;

  const std::string wrong = write("wrong.toml",
                                  "[venues.deribit]\nclient_secret = \"not-the-secret\"\n"
                                  "[engine]\nstartup_timeout_ms = 2000\n");
  const std::uint64_t orders_before = venue_.method_calls("private/buy") + venue_.method_calls("private/sell");
  const run_result denied =
      run_binary(k_engine, "--config " + k_default + " --config " + overlay_ + " --config " + wrong + " --once", 40);
  EXPECT_EQ(denied.status, 2) << denied.output;
  EXPECT_NE(denied.output.find("venue: FAILED"), std::string::npos) << denied.output;
  EXPECT_NE(denied.output.find("invalid_credentials"), std::string::npos) << denied.output;
  EXPECT_EQ(denied.output.find("not-the-secret"), std::string::npos) << "the secret was printed";
  EXPECT_EQ(venue_.method_calls("private/buy") + venue_.method_calls("private/sell"), orders_before);
}

}  // namespace
}  // namespace tickrail::test
