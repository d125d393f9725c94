// tickrail-soak — runs the engine's hot path on this machine, laid out as a
// config says, on a synthetic market, before you trade on it.
//
//   synthetic feed ─[md]─▶ sequencer ─▶ strategy (books, the config's bots)
//      ("feed")              ─▶ risk (the config's limits) ─[orders]─▶ instant venue ("gateway")
//                                                         ◀─[exec]── acks, edits, cancels
//
// The hot path is engine::hot_path (tools/engine/hot_path.hpp), the object
// the engine trades through: the real sequencer, books, strategy stage and
// risk stage, built from the same layered config (load_engine_config, the
// offline catalog of [instruments].catalog_file, resolve_trading), placed on
// workers and CPUs by its [placement] with the engine's stage names, and
// the bots of [engine].start_bots started through the command ring as the
// engine starts them. Around it, instead of the venue connections: a paced
// Deribit-like book and ticker stream for the first traded instrument
// (soak/synthetic_feed.hpp) and a venue that answers every order at once
// (soak/instant_venue.hpp). It opens no sockets and touches no store.
//
// Once a second it prints (text, or JSON lines with --json): events/s,
// events the feed dropped because the md ring was full, orders/s, risk's
// rejects by reason, every ring's occupancy, and trigger-to-order latency
// (the receipt of the event that caused an order → the order's arrival at
// the venue stage) p50/p99/max over the second. Stops on SIGINT/SIGTERM or
// after --seconds: the bots are stopped through the stream (their orders
// cancelled), the workers joined, totals printed.
//
//   tickrail-soak --config FILE [--config FILE ...] [--rate EVENTS_PER_S] [--seconds S] [--json]
//
// Exit status: 0 clean stop; 1 usage or configuration error (file:line:
// key); 2 the workers could not start; 3 a worker stopped responding.
#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/engine_config.hpp"
#include "engine/hot_path.hpp"
#include "soak/instant_venue.hpp"
#include "soak/synthetic_feed.hpp"
#include "tickrail/core/clock.hpp"
#include "tickrail/core/histogram.hpp"
#include "tickrail/core/placement.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/risk.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/deribit/instruments.hpp"
#include "tickrail/strategies/signals.hpp"

namespace {

namespace tr = tickrail;
namespace core = tickrail::core;
using namespace std::chrono_literals;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr const char* k_usage =
    "usage: tickrail-soak --config FILE [--config FILE ...] [--rate EVENTS_PER_S (0 = unpaced)] [--seconds S] "
    "[--json]\n";

// Where the synthetic book's best bid starts: 50 000 USD on BTC-PERPETUAL's
// 0.5 USD tick.
constexpr core::ticks k_start_mid_ticks = 100'000;
constexpr std::uint64_t k_feed_seed = 0x50a4'5eed'0000'0001ull;
constexpr std::size_t k_resync_capacity = 64;
constexpr std::size_t k_cmd_capacity = 256;
constexpr std::size_t k_max_orders = 16384;  // resting at the venue, and tracked by risk

// The records the engine's slow path would persist: nothing to persist here.
struct discard_strategy_records {
  bool operator()(const tr::strategies::strategy_record&) noexcept { return true; }
};
struct discard_risk_records {
  bool operator()(const core::risk_record&) noexcept { return true; }
};
using hot_path = tr::engine::hot_path<core::tsc_clock, core::ring, discard_strategy_records, discard_risk_records>;

struct options {
  std::vector<std::string> configs;
  double rate = 100'000;
  double seconds = 0;  // 0 = until signalled
  bool json = false;
};

bool parse_number(const char* text, double& out) {
  char* end = nullptr;
  out = std::strtod(text, &end);
  return end != text && *end == '\0' && out >= 0 && out < 1e12;
}

bool parse_args(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const bool has_value = i + 1 < argc;
    if (a == "--config" && has_value) {
      o.configs.emplace_back(argv[++i]);
    } else if (a == "--rate" && has_value) {
      if (!parse_number(argv[++i], o.rate)) return false;
    } else if (a == "--seconds" && has_value) {
      if (!parse_number(argv[++i], o.seconds)) return false;
    } else if (a == "--json") {
      o.json = true;
    } else {
      return false;
    }
  }
  return !o.configs.empty();
}

int fail(int code, std::string_view step, const absl::Status& s) {
  std::fprintf(stderr, "tickrail-soak: %.*s: %s\n", static_cast<int>(step.size()), step.data(),
               std::string(s.message()).c_str());
  return code;
}

// The CPU as /proc/cpuinfo names it (x86 "model name", else Arm's
// "Hardware" / "Model"), for the figures' context.
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, fallback;
  while (std::getline(in, line)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (key == "model name" && !value.empty()) return value;
    if ((key == "Hardware" || key == "Model") && fallback.empty()) fallback = value;
  }
  return fallback.empty() ? "unknown" : fallback;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// Starts the configured bots as an operator's start_bot signal would.
absl::Status start_bots(hot_path& hot, const tr::engine::engine_config& config,
                        const tr::engine::trading_config& trading, const core::instrument_catalog& catalog,
                        const core::tsc_clock& clock) {
  std::uint32_t reply_id = 1;
  for (const std::string& name : config.start_bots) {
    const auto it = std::find_if(trading.bots.begin(), trading.bots.end(),
                                 [&](const tr::strategies::bot_config& b) { return b.name == name; });
    if (it == trading.bots.end()) return absl::NotFoundError(absl::StrCat("no bot named ", name));
    TR_ASSIGN_OR_RETURN(const tr::strategies::signal_request request,
                        tr::strategies::parse_signal_request("start_bot", "", ""));
    TR_ASSIGN_OR_RETURN(const core::command c,
                        tr::strategies::to_signal_command(request, catalog[it->instrument], it->id, reply_id++));
    core::event e{};
    e.header = core::make_header(core::event_type::command, core::no_instrument, clock.now_ns());
    e.cmd = c;
    if (!hot.cmd.try_push(e)) return absl::ResourceExhaustedError("command ring full");
  }
  return absl::OkStatus();
}

// Every bot stops its loops and cancels its orders, through the stream.
bool stop_bots(hot_path& hot, const core::tsc_clock& clock) {
  core::event e{};
  e.header = core::make_header(core::event_type::command, core::no_instrument, clock.now_ns());
  e.cmd = core::command{};
  e.cmd.kind = core::command_kind::stop;
  e.cmd.bot = 0xFFFF;
  return hot.cmd.try_push(e);
}

// What the status thread reads: relaxed counters, ring occupancies, the
// venue's swapped histogram. A snapshot per line; deltas give the rates.
struct sample {
  std::uint64_t events = 0, dropped = 0, orders = 0, places = 0, replaces = 0, cancels = 0, accepted = 0;
  std::array<std::uint64_t, core::k_risk_reason_count> decisions{};

  static sample take(const tr::soak::feed_counters& f, const tr::soak::venue_counters& v, const core::risk_metrics& m) {
    sample s;
    s.events = f.events.get();
    s.dropped = f.dropped_events.get();
    s.orders = v.requests.get();
    s.places = v.places.get();
    s.replaces = v.replaces.get();
    s.cancels = v.cancels.get() + v.mass_cancels.get();
    for (std::size_t r = 0; r < s.decisions.size(); ++r) s.decisions[r] = m.decisions[r].get();
    s.accepted = s.decisions[0];
    return s;
  }
  [[nodiscard]] std::uint64_t rejects() const noexcept {
    std::uint64_t n = 0;
    for (std::size_t r = 1; r < decisions.size(); ++r) n += decisions[r];
    return n;
  }
};

// Rejects by reason between two samples: "name=n ..." or a JSON object.
std::string rejects_by_reason(const sample& now, const sample& before, bool json) {
  std::vector<std::string> parts;
  for (std::size_t r = 1; r < now.decisions.size(); ++r) {
    const std::uint64_t n = now.decisions[r] - before.decisions[r];
    if (n == 0) continue;
    const std::string name(core::to_string(static_cast<core::risk_reason>(r)));
    parts.push_back(json ? absl::StrCat(json_string(name), ":", n) : absl::StrCat(name, "=", n));
  }
  if (json) return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
  return parts.empty() ? "0" : absl::StrJoin(parts, " ");
}

struct ring_row {
  const char* name;
  std::size_t occupancy;
};

std::vector<ring_row> rings_of(const hot_path& hot, const core::ring<core::instrument_id>& resync) {
  return {{"md", hot.md.occupancy()},
          {"exec", hot.exec.occupancy()},
          {"cmd", hot.cmd.occupancy()},
          {"feedback", hot.feedback.occupancy()},
          {"sequenced", hot.sequenced.occupancy()},
          {"risk_in", hot.risk_in.occupancy()},
          {"orders", hot.orders.occupancy()},
          {"resync", resync.occupancy()}};
}

std::string latency_json(const core::latency_histogram& h, bool full) {
  std::string s = absl::StrCat("{\"samples\":", h.count(), ",\"p50\":", h.percentile(0.5));
  if (full) absl::StrAppend(&s, ",\"p90\":", h.percentile(0.9));
  absl::StrAppend(&s, ",\"p99\":", h.percentile(0.99));
  if (full) absl::StrAppend(&s, ",\"p999\":", h.percentile(0.999));
  absl::StrAppend(&s, ",\"max\":", h.max(), "}");
  return s;
}

std::string per_second(std::uint64_t n, double dt) {
  return absl::StrCat(static_cast<std::uint64_t>(static_cast<double>(n) / dt + 0.5));
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  if (!parse_args(argc, argv, opt)) {
    std::fputs(k_usage, stderr);
    return 1;
  }

  // ---- the engine's configuration, offline ----
  auto config = tr::engine::load_engine_config(opt.configs);
  if (!config.ok()) return fail(1, "config", config.status());
  if (config->catalog_file.empty()) {
    return fail(1, "config",
                absl::FailedPreconditionError(absl::StrCat(
                    config->source, ": [instruments] catalog_file is needed (the soak trades the offline catalog)")));
  }
  core::instrument_catalog catalog;
  if (const absl::Status s = tr::deribit::load_instruments_file(config->catalog_file, catalog); !s.ok()) {
    return fail(1, "config", absl::Status(s.code(), absl::StrCat(config->catalog_file, ": ", s.message())));
  }
  auto trading = tr::engine::resolve_trading(*config, catalog);
  if (!trading.ok()) return fail(1, "config", trading.status());
  if (trading->instruments.empty()) {
    return fail(1, "config",
                absl::InvalidArgumentError(absl::StrCat(config->source,
                                                        ": no instrument to trade: "
                                                        "configure [[bots]]")));
  }
  const core::instrument& traded = catalog[trading->instruments.front()];

  // ---- the hot path, as the engine builds it ----
  const core::tsc_clock clock = core::tsc_clock::calibrate();
  const tr::soak::venue_clock venue_time{core::wall_clock_ns(), clock.now_ns()};
  tr::engine::hot_path_config hc;
  hc.ring_capacity = config->ring_capacity;
  hc.cmd_capacity = k_cmd_capacity;
  hc.timer_interval_ns = config->timer_interval_ms * 1'000'000;
  hc.risk_order_capacity = k_max_orders;
  hc.first_order_counter = static_cast<std::uint64_t>(core::wall_clock_ms()) * 1000;
  hot_path hot(hc, catalog, trading->limits, trading->bots, core::risk_persisted_state{}, clock,
               discard_strategy_records{}, discard_risk_records{});
  core::ring<core::instrument_id> resync(k_resync_capacity, 1);
  tr::engine::strategy_with_resync<hot_path::strategy_type> strategy{hot.strategy, hot.books, resync};
  tr::soak::synthetic_feed feed(traded, k_start_mid_ticks, opt.rate, k_feed_seed, hot.md, resync, clock, venue_time);
  tr::soak::instant_venue venue(hot.orders, hot.exec, clock, venue_time, k_max_orders);

  const std::vector<core::stage_ref> stages = {core::stage_ref("sequencer", hot.seq),
                                               core::stage_ref("strategy", strategy), core::stage_ref("risk", hot.risk),
                                               core::stage_ref("feed", feed), core::stage_ref("gateway", venue)};
  const std::vector<int> cpus = core::allowed_cpus();
  auto group = core::worker_group::create(config->layout, stages, cpus);
  if (!group.ok()) return fail(1, "placement", group.status());
  if (const absl::Status s = start_bots(hot, *config, *trading, catalog, clock); !s.ok()) return fail(1, "bots", s);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  // ---- what runs where ----
  const std::string cpu = cpu_model();
  const unsigned cores = std::thread::hardware_concurrency();
  const std::string rate = opt.rate > 0 ? absl::StrCat(static_cast<std::uint64_t>(opt.rate)) : "unpaced";
  std::vector<std::string> worker_lines, worker_json;
  for (const auto& w : (*group)->workers()) {
    std::vector<std::string> names;
    for (const core::stage_ref& s : w->stages()) names.push_back(s.name());
    const std::string wait(to_string(w->options().wait));
    const std::string pin = w->options().cpu < 0 ? "any" : absl::StrCat(w->options().cpu);
    worker_lines.push_back(absl::StrCat("  worker ", w->options().name, ": cpu ", pin, ", wait ", wait, ", stages ",
                                        absl::StrJoin(names, ",")));
    std::vector<std::string> quoted;
    for (const std::string& n : names) quoted.push_back(json_string(n));
    worker_json.push_back(absl::StrCat("{\"name\":", json_string(w->options().name), ",\"cpu\":", w->options().cpu,
                                       ",\"wait\":", json_string(wait), ",\"stages\":[", absl::StrJoin(quoted, ","),
                                       "]}"));
  }
  if (opt.json) {
    std::vector<std::string> bots;
    for (const std::string& b : config->start_bots) bots.push_back(json_string(b));
    std::printf("%s\n",
                absl::StrCat("{\"type\":\"start\",\"cpu\":", json_string(cpu), ",\"cores\":", cores,
                             ",\"allowed_cpus\":", cpus.size(), ",\"clock\":", json_string(clock.source()),
                             ",\"ticks_per_ns\":", clock.ticks_per_ns(), ",\"config\":", json_string(config->source),
                             ",\"hash\":", json_string(config->hash), ",\"instrument\":", json_string(traded.symbol),
                             ",\"bots\":[", absl::StrJoin(bots, ","), "],\"rate\":", opt.rate, ",\"workers\":[",
                             absl::StrJoin(worker_json, ","), "]}")
                    .c_str());
  } else {
    std::printf("tickrail-soak: %s, %u cores (%zu allowed), clock %.*s (%.3f ticks/ns)\n", cpu.c_str(), cores,
                cpus.size(), static_cast<int>(clock.source().size()), clock.source().data(), clock.ticks_per_ns());
    std::printf("  config %s (hash %s): %s, bots %s, synthetic rate %s events/s\n", config->source.c_str(),
                config->hash.c_str(), traded.symbol.c_str(),
                config->start_bots.empty() ? "none started" : absl::StrJoin(config->start_bots, ",").c_str(),
                rate.c_str());
    for (const std::string& l : worker_lines) std::printf("%s\n", l.c_str());
  }
  std::fflush(stdout);

  if (const absl::Status s = (*group)->start(); !s.ok()) return fail(2, "workers", s);

  // ---- live status ----
  const core::risk_metrics& metrics = hot.risk_engine.metrics();
  core::latency_histogram interval, total;
  const auto t0 = std::chrono::steady_clock::now();
  auto last_tick = t0;
  sample last{}, first{};
  int code = 0;
  while (g_stop == 0) {
    std::this_thread::sleep_for(100ms);
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - t0).count();
    const bool done = opt.seconds > 0 && elapsed >= opt.seconds;
    if (now - last_tick < 1s && !done) continue;
    if (!venue.take_interval(interval, 2000ms)) {
      std::fprintf(stderr, "tickrail-soak: the gateway worker did not respond within 2 s; stopping\n");
      code = 3;
      break;
    }
    total.merge(interval);
    const sample s = sample::take(feed.counters(), venue.counters(), metrics);
    const double dt = std::chrono::duration<double>(now - last_tick).count();
    const std::vector<ring_row> rings = rings_of(hot, resync);
    std::string line;
    if (opt.json) {
      std::vector<std::string> occ;
      for (const ring_row& r : rings) occ.push_back(absl::StrCat("\"", r.name, "\":", r.occupancy));
      char t[32];
      std::snprintf(t, sizeof(t), "%.3f", elapsed);
      line = absl::StrCat("{\"type\":\"status\",\"t_s\":", t, ",\"events\":", s.events - last.events,
                          ",\"events_per_s\":", per_second(s.events - last.events, dt),
                          ",\"md_drops\":", s.dropped - last.dropped, ",\"orders\":", s.orders - last.orders,
                          ",\"orders_per_s\":", per_second(s.orders - last.orders, dt),
                          ",\"places\":", s.places - last.places, ",\"replaces\":", s.replaces - last.replaces,
                          ",\"cancels\":", s.cancels - last.cancels, ",\"risk_accepted\":", s.accepted - last.accepted,
                          ",\"risk_rejects\":", s.rejects() - last.rejects(),
                          ",\"risk_rejects_by_reason\":", rejects_by_reason(s, last, true),
                          ",\"live_orders\":", venue.counters().live.load(std::memory_order_relaxed), ",\"rings\":{",
                          absl::StrJoin(occ, ","), "},\"latency_ns\":", latency_json(interval, false), "}");
    } else {
      std::string occ;
      for (const ring_row& r : rings) absl::StrAppend(&occ, " ", r.name, " ", r.occupancy);
      char head[96];
      std::snprintf(head, sizeof(head), "%7.1fs", elapsed);
      line = absl::StrCat(head, "  events ", per_second(s.events - last.events, dt), "/s  drops ",
                          s.dropped - last.dropped, "  orders ", per_second(s.orders - last.orders, dt), "/s (place ",
                          s.places - last.places, " edit ", s.replaces - last.replaces, " cancel ",
                          s.cancels - last.cancels, ")  risk rejects ", rejects_by_reason(s, last, false), "  rings",
                          occ, "  t2o ns n=", interval.count(), " p50 ", interval.percentile(0.5), " p99 ",
                          interval.percentile(0.99), " max ", interval.max());
    }
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
    last = s;
    last_tick = now;
    if (done) break;
  }

  // ---- stop: bots first (their cancels go through risk to the venue), then the workers ----
  if (code == 0 && stop_bots(hot, clock)) {
    const auto until = std::chrono::steady_clock::now() + 2s;
    std::this_thread::sleep_for(20ms);
    while (std::chrono::steady_clock::now() < until &&
           (hot.cmd.occupancy() + hot.sequenced.occupancy() + hot.risk_in.occupancy() + hot.orders.occupancy() != 0 ||
            venue.counters().live.load(std::memory_order_relaxed) != 0)) {
      std::this_thread::sleep_for(5ms);
    }
  }
  (*group)->stop();
  const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  venue.take_rest(total);  // the workers have stopped: read directly
  const sample s = sample::take(feed.counters(), venue.counters(), metrics);
  const std::uint64_t live_after = venue.counters().live.load(std::memory_order_relaxed);
  const std::uint64_t lost = venue.counters().lost.get();

  if (opt.json) {
    std::printf("%s\n", absl::StrCat("{\"type\":\"summary\",\"seconds\":", run_s, ",\"events\":", s.events,
                                     ",\"events_per_s\":", per_second(s.events, run_s), ",\"md_drops\":", s.dropped,
                                     ",\"snapshots\":", feed.counters().snapshots.get(),
                                     ",\"resyncs\":", feed.counters().resyncs.get(), ",\"orders\":", s.orders,
                                     ",\"orders_per_s\":", per_second(s.orders, run_s), ",\"places\":", s.places,
                                     ",\"replaces\":", s.replaces, ",\"cancels\":", s.cancels,
                                     ",\"risk_accepted\":", s.accepted, ",\"risk_rejects\":", s.rejects(),
                                     ",\"risk_rejects_by_reason\":", rejects_by_reason(s, first, true),
                                     ",\"venue_rejects\":", venue.counters().rejects.get(), ",\"reports_lost\":", lost,
                                     ",\"live_orders_after_stop\":", live_after,
                                     ",\"latency_ns\":", latency_json(total, true), ",\"cpu\":", json_string(cpu),
                                     ",\"cores\":", cores, ",\"clock\":", json_string(clock.source()), "}")
                            .c_str());
  } else {
    std::printf(
        "total: %s events in %.1fs (%s/s), drops %llu, orders %llu (%s/s), risk rejects %s, "
        "orders left at the venue %llu\n  trigger-to-order %s\n",
        absl::StrCat(s.events).c_str(), run_s, per_second(s.events, run_s).c_str(),
        static_cast<unsigned long long>(s.dropped), static_cast<unsigned long long>(s.orders),
        per_second(s.orders, run_s).c_str(), rejects_by_reason(s, first, false).c_str(),
        static_cast<unsigned long long>(live_after), total.summary().c_str());
  }
  std::fflush(stdout);
  if (code == 0 && lost != 0) {
    std::fprintf(stderr, "tickrail-soak: %llu exec reports lost (the venue's fifo overflowed)\n",
                 static_cast<unsigned long long>(lost));
  }
  return code;
}
