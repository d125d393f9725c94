// tickrail-gateway — the operator's view of the Deribit connection a config
// describes, through the real gateway: instruments from the venue, auth,
// heartbeats, subscriptions and reconciliation, then what the account holds.
//
//   tickrail-gateway --config config/default.toml            check: connect, reconcile, report, log out
//   tickrail-gateway --config FILE --seconds 60              stay connected, status once a second
//   tickrail-gateway --config FILE --cancel-all              cancel every order of the account, log out
//   tickrail-gateway --config FILE --flatten-orphans         cancel orders with our label prefix
//   add --json for one JSON object per report line.
//
// A check never cancels anything (the engine may be trading on the account):
// cancel-on-disconnect is off for this session and orphans are only counted.
// Exit status: 0 reconciled (and the requested action done), 1 usage or
// config error, 2 could not reach ready within --timeout-s.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include "tickrail/core/clock.hpp"
#include "tickrail/deribit/gateway_config.hpp"
#include "tickrail/deribit/instrument_fetch.hpp"

namespace {

namespace tr = tickrail;
using namespace std::chrono_literals;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

constexpr const char* k_usage =
    "usage: tickrail-gateway --config FILE [--seconds N] [--cancel-all | --flatten-orphans] [--timeout-s N] [--json]\n";

struct options {
  std::string config;
  int seconds = 0;
  int timeout_s = 15;
  bool cancel_all = false;
  bool flatten_orphans = false;
  bool json = false;
};

bool parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const auto number = [&](int& out) {
      const char* v = value();
      char* end = nullptr;
      const long n = v != nullptr ? std::strtol(v, &end, 10) : -1;
      if (v == nullptr || *end != '\0' || n < 0 || n > 86'400) return false;
      out = static_cast<int>(n);
      return true;
    };
    if (a == "--config") {
      const char* v = value();
      if (v == nullptr) return false;
      o.config = v;
    } else if (a == "--seconds") {
      if (!number(o.seconds)) return false;
    } else if (a == "--timeout-s") {
      if (!number(o.timeout_s)) return false;
    } else if (a == "--cancel-all") {
      o.cancel_all = true;
    } else if (a == "--flatten-orphans") {
      o.flatten_orphans = true;
    } else if (a == "--json") {
      o.json = true;
    } else {
      return false;
    }
  }
  return !o.config.empty() && !(o.cancel_all && o.flatten_orphans);
}

void report(const tr::deribit::gateway& gw, const tr::core::instrument_catalog& catalog, bool json) {
  const auto& st = gw.stats();
  const auto& ss = gw.connection().stats();
  std::size_t live = gw.tracker().live_orders();
  if (json) {
    std::printf(
        R"({"state":"%s","live_orders":%zu,"orphans":%llu,"orphans_cancelled":%llu,"closed_missing":%llu,)"
        R"("position_alerts":%llu,"reconnects":%llu,"refreshes":%llu,"test_requests":%llu,"frames":%llu,"positions":{)",
        std::string(tr::deribit::to_string(gw.connection().state())).c_str(), live,
        static_cast<unsigned long long>(st.orphans), static_cast<unsigned long long>(st.orphans_cancelled),
        static_cast<unsigned long long>(st.closed_missing), static_cast<unsigned long long>(st.position_alerts),
        static_cast<unsigned long long>(ss.disconnects), static_cast<unsigned long long>(ss.refreshes),
        static_cast<unsigned long long>(ss.test_requests), static_cast<unsigned long long>(ss.frames));
    bool first = true;
    for (std::size_t i = 0; i < catalog.size(); ++i) {
      const auto& p = gw.tracker().position_of(static_cast<tr::core::instrument_id>(i));
      if (p.qty_lots == 0) continue;
      const auto& inst = catalog[static_cast<tr::core::instrument_id>(i)];
      std::printf(R"(%s"%s":{"size":%s,"average_price":%s})", first ? "" : ",", inst.symbol.c_str(),
                  inst.format_qty(p.qty_lots).c_str(), inst.format_price(p.avg_entry_ticks).c_str());
      first = false;
    }
    std::printf("}}\n");
  } else {
    std::printf(
        "tickrail-gateway: %s | live orders %zu | orphans %llu (cancelled %llu) | closed missing %llu | "
        "position alerts %llu | reconnects %llu | token refreshes %llu | heartbeats answered %llu\n",
        gw.last_state_change().c_str(), live, static_cast<unsigned long long>(st.orphans),
        static_cast<unsigned long long>(st.orphans_cancelled), static_cast<unsigned long long>(st.closed_missing),
        static_cast<unsigned long long>(st.position_alerts), static_cast<unsigned long long>(ss.disconnects),
        static_cast<unsigned long long>(ss.refreshes), static_cast<unsigned long long>(ss.test_requests));
    for (std::size_t i = 0; i < catalog.size(); ++i) {
      const auto& p = gw.tracker().position_of(static_cast<tr::core::instrument_id>(i));
      if (p.qty_lots == 0) continue;
      const auto& inst = catalog[static_cast<tr::core::instrument_id>(i)];
      std::printf("  position %s %s @ %s\n", inst.symbol.c_str(), inst.format_qty(p.qty_lots).c_str(),
                  inst.format_price(p.avg_entry_ticks).c_str());
    }
  }
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse_args(argc, argv, opt)) {
    std::fputs(k_usage, stderr);
    return 1;
  }
  auto config = tr::deribit::load_gateway_config_file(opt.config);
  if (!config.ok()) {
    std::fprintf(stderr, "tickrail-gateway: %s\n", std::string(config.status().message()).c_str());
    return 1;
  }
  config->session.cancel_on_disconnect = false;  // this tool's session never cancels by going away
  config->cancel_orphans = opt.flatten_orphans;
  config->session.reconnect_max = std::min(config->session.reconnect_max, std::chrono::milliseconds(2000));

  tr::core::instrument_catalog catalog;
  if (const absl::Status s =
          tr::deribit::fetch_instruments(config->session.endpoint, config->session.currencies, catalog);
      !s.ok()) {
    std::fprintf(stderr, "tickrail-gateway: instruments: %s\n", std::string(s.message()).c_str());
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  boost::asio::io_context io;
  tr::core::ring<tr::core::order_request> orders(64, 1);
  tr::core::ring<tr::core::event> exec(8192, 1);
  tr::deribit::gateway gw(io, *config, catalog, orders, 0, exec);
  gw.start(now_ns());
  const auto drain = [&] { (void)exec.poll(0, [](const tr::core::event&, tr::core::sequence_t, bool) {}); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opt.timeout_s);
  while (!gw.connection().ready() && std::chrono::steady_clock::now() < deadline && g_stop == 0) {
    if (gw.poll(now_ns()) == 0) std::this_thread::sleep_for(1ms);
    drain();
  }
  if (!gw.connection().ready()) {
    std::fprintf(stderr, "tickrail-gateway: not ready after %d s: %s\n", opt.timeout_s, gw.last_state_change().c_str());
    return 2;
  }
  // Let orphan cancels (if asked) come back before reporting.
  for (auto until = std::chrono::steady_clock::now() + 300ms; std::chrono::steady_clock::now() < until;) {
    if (gw.poll(now_ns()) == 0) std::this_thread::sleep_for(1ms);
    drain();
  }
  report(gw, catalog, opt.json);
  auto next_status = std::chrono::steady_clock::now() + 1s;
  const auto stay_until = std::chrono::steady_clock::now() + std::chrono::seconds(opt.seconds);
  while (std::chrono::steady_clock::now() < stay_until && g_stop == 0) {
    if (gw.poll(now_ns()) == 0) std::this_thread::sleep_for(1ms);
    drain();
    if (std::chrono::steady_clock::now() >= next_status) {
      next_status += 1s;
      report(gw, catalog, opt.json);
    }
  }
  gw.stop(now_ns(), opt.cancel_all);
  while (gw.connection().state() != tr::deribit::session_state::stopped) {
    if (gw.poll(now_ns()) == 0) std::this_thread::sleep_for(1ms);
    drain();
  }
  if (!opt.json) std::printf("tickrail-gateway: %s\n", gw.last_state_change().c_str());
  return 0;
}
