// tickrail — the engine: bots quoting and trading on a Deribit venue through
// the pipeline (docs/operations.md).
//
//   tickrail --config base.toml [--config overlay.toml ...]   trade
//            [--dry-run]        orders to the in-process paper gateway; nothing private sent to the venue
//            [--once]           start, wait for the first acknowledged order, shut down cleanly, exit 0
//            [--status-every S] a status line every S seconds (0 = none)
//   tickrail --config FILE... --check-config   validate every layer and exit (nothing is sent anywhere)
//   tickrail preflight [--config FILE...]      host checks for a trading box
//   tickrail --version
//
// Exit status: 0 clean stop; 1 usage or configuration error; 2 a start-up
// step failed (store locked, venue unreachable, bad credentials, ...); 3
// --once saw no acknowledged order in time.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/engine.hpp"
#include "engine/engine_config.hpp"
#include "engine/log.hpp"
#include "engine/preflight.hpp"
#include "tickrail/core/clock.hpp"
#include "tickrail/deribit/instrument_fetch.hpp"
#include "tickrail/deribit/instruments.hpp"
#include "tickrail/store/bot_state.hpp"

extern const char* const tickrail_build_id;

namespace {

namespace tr = tickrail;
using namespace std::chrono_literals;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr const char* k_usage =
    "usage: tickrail --config FILE [--config FILE ...] [--check-config | --dry-run | --once] [--status-every S]\n"
    "       tickrail preflight [--config FILE ...]\n"
    "       tickrail --version\n";

struct options {
  std::vector<std::string> configs;
  bool check = false, dry_run = false, once = false, preflight = false, version = false;
  int status_every_s = 0;
};

bool parse_args(int argc, char** argv, options& o) {
  int i = 1;
  if (argc > 1 && std::strcmp(argv[1], "preflight") == 0) {
    o.preflight = true;
    i = 2;
  }
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      o.configs.emplace_back(argv[++i]);
    } else if (a == "--check-config") {
      o.check = true;
    } else if (a == "--dry-run") {
      o.dry_run = true;
    } else if (a == "--once") {
      o.once = true;
    } else if (a == "--version") {
      o.version = true;
    } else if (a == "--status-every" && i + 1 < argc) {
      char* end = nullptr;
      const long v = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || v < 0 || v > 3600) return false;
      o.status_every_s = static_cast<int>(v);
    } else {
      return false;
    }
  }
  if (o.version || o.preflight) return true;
  return !o.configs.empty();
}

using tr::engine::now_utc;

void log(const std::string& line) { tr::engine::log_line(stdout, line); }

int fail(int code, const std::string& step, const absl::Status& s) {
  std::fprintf(stderr, "%s tickrail: %s: FAILED: %s\n", now_utc().c_str(), step.c_str(),
               std::string(s.message()).c_str());
  return code;
}

// One engine per database: an exclusive lock on DB.lock, held until exit.
absl::Status lock_store(const std::string& db, int& fd) {
  const std::string path = db + ".lock";
  fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    return absl::UnavailableError(absl::StrCat("database locked: another tickrail runs on ", db, " (", path, ")"));
  }
  return absl::OkStatus();
}

std::string format_status(const tr::engine::engine_status& s) {
  const auto us = [](std::uint64_t ns) { return absl::StrCat(ns / 1000, ".", (ns % 1000) / 100); };
  std::string t2o = "-";
  if (s.tick_to_order.count() > 0) {
    t2o = absl::StrCat(us(s.tick_to_order.percentile(0.50)), "/", us(s.tick_to_order.percentile(0.99)), " us");
  }
  char pnl[160];
  std::snprintf(pnl, sizeof(pnl), "rpnl %+.8f upnl %+.8f fees %.8f %s", s.realized, s.unrealized, s.fees,
                s.settlement.c_str());
  return absl::StrCat(
      s.mode, " ", s.symbol, " mid ", s.mid, " mark ", s.mark, " | pos ", s.position, " @ ", s.avg_entry, " | open ",
      s.open_orders, " fills ", s.fills, " | ", pnl, " | regime ", s.regime, " ", s.killed ? "KILLED" : s.trading_state,
      " | t2o p50/p99 ", t2o, " | venue ", s.venue_state, " feed ", s.feed_state,
      s.slow_dropped + s.feed_dropped > 0 ? absl::StrCat(" | dropped slow ", s.slow_dropped, " feed ", s.feed_dropped)
                                          : std::string());
}

// What the config asks of the host: pinned and busy-spinning CPUs, where
// the data goes.
tr::engine::preflight_inputs preflight_inputs_for(const tr::engine::engine_config& config) {
  tr::engine::preflight_inputs in;
  for (const tr::core::worker_spec& w : config.layout.workers) {
    if (w.options.cpu < 0) continue;
    in.pinned_cpus.push_back(w.options.cpu);
    if (w.options.wait == tr::core::wait_kind::busy_spin) in.busy_spin_cpus.push_back(w.options.cpu);
  }
  in.data_paths.push_back(config.store_path);
  return in;
}

int check_config(const tr::engine::engine_config& config) {
  tr::core::instrument_catalog catalog;
  if (config.catalog_file.empty()) {
    return fail(1, "check-config",
                absl::FailedPreconditionError("[instruments] catalog_file is needed to check risk limits and bots "
                                              "offline (a saved public/get_instruments reply)"));
  }
  if (const absl::Status s = tr::deribit::load_instruments_file(config.catalog_file, catalog); !s.ok()) {
    return fail(1, "check-config", absl::Status(s.code(), absl::StrCat(config.catalog_file, ": ", s.message())));
  }
  auto trading = tr::engine::resolve_trading(config, catalog);
  if (!trading.ok()) return fail(1, "check-config", trading.status());
  log(absl::StrCat("config ok: ", config.source, " (hash ", config.hash, ", profile ",
                   std::string(tr::engine::to_string(config.run_profile)), ", ", trading->bots.size(), " bots, ",
                   trading->instruments.size(), " instruments, ", config.layout.workers.size(), " workers)"));
  return 0;
}

int run(const options& opt, const tr::engine::engine_config& config) {
  log(absl::StrCat("build ", tickrail_build_id, ", config ", config.source, " hash ", config.hash, ", profile ",
                   std::string(tr::engine::to_string(config.run_profile)),
                   opt.dry_run ? ", PAPER (dry run)" : ", LIVE"));
  const auto step_deadline = [&] {
    return std::chrono::steady_clock::now() + std::chrono::milliseconds(config.startup_timeout_ms);
  };

  // 1. store: the state risk starts from.
  // A dry run keeps its own database: paper equity must never become the
  // live high-water mark, nor a paper kill latch the live engine.
  const std::string store_path = opt.dry_run ? config.store_path + ".paper" : config.store_path;
  int lock_fd = -1;
  if (const absl::Status s = lock_store(store_path, lock_fd); !s.ok()) return fail(2, "store", s);
  auto store = tr::store::bot_state_store::open(store_path);
  if (!store.ok()) return fail(2, "store", store.status());
  auto restored = (*store)->load_risk_state();
  if (!restored.ok()) return fail(2, "store", restored.status());
  log(absl::StrCat(
      "store: ", store_path, ": kill ",
      restored->killed ? absl::StrCat("LATCHED (", std::string(tr::core::to_string(restored->cause)), ")") : "clear",
      ", high-water mark ",
      restored->hwm_equity_e8[0] > 0 ? absl::StrCat(restored->hwm_equity_e8[0] / 1e8) : "not yet known"));

  // 2. instruments (a public request on a connection of its own).
  tr::core::instrument_catalog catalog;
  const auto& ep = config.gateway.session.endpoint;
  if (const absl::Status s = tr::deribit::fetch_instruments(ep, config.gateway.session.currencies, catalog); !s.ok()) {
    return fail(2, "instruments", s);
  }
  auto trading = tr::engine::resolve_trading(config, catalog);
  if (!trading.ok()) return fail(1, "config", trading.status());
  const auto stopping = [&](tr::engine::engine* e) {
    if (g_stop == 0) return false;
    log("stop: signal received during start-up");
    if (e != nullptr) e->shutdown(config.cancel_on_stop, std::chrono::milliseconds(config.stop_timeout_ms));
    return true;
  };
  if (stopping(nullptr)) return 0;
  log(absl::StrCat("instruments: ", catalog.size(), " from ", ep.tls.enabled ? "wss://" : "ws://", ep.host, ":",
                   ep.port, "; trading ", trading->instruments.size(), " with ", trading->bots.size(), " bots"));

  tr::engine::engine_options eo;
  eo.dry_run = opt.dry_run;
  eo.stop_requested = &g_stop;
  auto made = tr::engine::engine::create(config, std::move(*trading), catalog, *restored, store->get(), eo);
  if (!made.ok()) return fail(2, "engine", made.status());
  tr::engine::engine& engine = **made;

  // 3. venue session: auth, cancel-on-disconnect, orphans, reconciliation.
  if (const absl::Status s = engine.connect_venue(step_deadline()); !s.ok()) {
    if (stopping(&engine)) return 0;
    engine.shutdown(false, 2s);
    return fail(2, "venue", s);
  }
  log(absl::StrCat("venue: ", engine.venue_summary()));
  if (stopping(&engine)) return 0;
  // 4. market data.
  if (const absl::Status s = engine.subscribe(step_deadline()); !s.ok()) {
    if (stopping(&engine)) return 0;
    engine.shutdown(false, 2s);
    return fail(2, "subscribe", s);
  }
  log("subscribe: book, ticker and trades channels live");
  if (stopping(&engine)) return 0;
  // 5. workers.
  if (const absl::Status s = engine.start_workers(); !s.ok()) {
    engine.shutdown(false, 2s);
    return fail(2, "workers", s);
  }
  log(absl::StrCat("workers: ", config.layout.workers.size(), " started"));
  // The classifiers' history before the bots start, so their first regime
  // is the market's.
  if (const absl::Status s = engine.poll_candles(); !s.ok()) {
    log(absl::StrCat("classifier: venue candles unavailable (", s.message(), "); retrying"));
  }
  if (stopping(&engine)) return 0;  // no bot starts once a stop is pending
  // 6. commands.
  if (const absl::Status s = engine.start_bots(config.start_bots); !s.ok()) {
    engine.shutdown(config.cancel_on_stop, std::chrono::milliseconds(config.stop_timeout_ms));
    return fail(2, "bots", s);
  }
  log(config.start_bots.empty() ? "bots: none started (start_bot signals start them)"
                                : absl::StrCat("bots: started ", absl::StrJoin(config.start_bots, ", ")));

  int code = 0;
  const auto once_deadline = step_deadline();
  auto next_status = std::chrono::steady_clock::now() + std::chrono::seconds(opt.status_every_s);
  while (g_stop == 0) {
    std::this_thread::sleep_for(20ms);
    if (const absl::Status s = engine.poll_candles(); !s.ok()) {
      log(absl::StrCat("classifier: venue candles unavailable (", s.message(), ")"));
    }
    const auto now = std::chrono::steady_clock::now();
    if (opt.once) {
      if (engine.acks() > 0) {
        log(absl::StrCat("once: first order acknowledged (", engine.acks(), " so far)"));
        break;
      }
      if (now >= once_deadline) {
        code = 3;
        std::fprintf(stderr, "%s tickrail: once: FAILED: no order acknowledged within %lld ms\n", now_utc().c_str(),
                     static_cast<long long>(config.startup_timeout_ms));
        break;
      }
    }
    if (opt.status_every_s > 0 && now >= next_status) {
      next_status += std::chrono::seconds(opt.status_every_s);
      log(format_status(engine.status()));
    }
  }
  log(g_stop != 0 ? "stop: signal received" : "stop: done");
  engine.shutdown(config.cancel_on_stop, std::chrono::milliseconds(config.stop_timeout_ms));
  log(absl::StrCat("stopped: ", format_status(engine.status())));
  ::close(lock_fd);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse_args(argc, argv, opt)) {
    std::fputs(k_usage, stderr);
    return 1;
  }
  if (opt.version) {
    std::printf("tickrail %s\n", tickrail_build_id);
    return 0;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  if (opt.preflight) {
    tr::engine::preflight_inputs in;
    if (!opt.configs.empty()) {
      auto config = tr::engine::load_engine_config(opt.configs);
      if (!config.ok()) return fail(1, "config", config.status());
      in = preflight_inputs_for(*config);
    }
    return tr::engine::print_preflight(tr::engine::run_preflight(in), stdout);
  }
  auto config = tr::engine::load_engine_config(opt.configs);
  if (!config.ok()) return fail(1, "config", config.status());
  if (opt.check) return check_config(*config);
  return run(opt, *config);
}
