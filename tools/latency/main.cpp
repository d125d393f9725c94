// tickrail-latency — tick-to-order latency of the real hot path (DESIGN §8).
//
// Injects venue frames (a generated Deribit book-change stream by default,
// the recorded Binance capture, or a JSONL/capture file) into the real
// stages — parse, sequencer, book + strategy (a market maker), risk, order
// encode — and measures, per order, from frame receipt (TSC, before parse) to
// order bytes ready for the socket write. Stages run on workers laid out by
// --placement; the injecting thread plays the feed.
//
//   tickrail-latency [--input deribit|binance|FILE] [--frames N] [--rate FRAMES_PER_S]
//                    [--placement fused|two|per-stage|inline] [--wait busy_spin|yield|backoff]
//                    [--queue ring|mutex] [--cpus A,B,..] [--feed-cpu N] [--warmup N] [--json]
//                    [--virtual-clock] [--throughput] [--svg FILE]
//
// --queue mutex runs the same stages with every ring replaced by a
// mutex + condition-variable queue (tools/latency/mutex_ring.hpp); with
// --placement per-stage its single-input consumers sleep on the condition
// variable when idle, as such a pipeline would.
//
// Tick-to-order counts the orders a market-data frame caused; the
// breakdown line splits each into receipt → sequenced (parse, md queue,
// sequencer), strategy, risk and encode (pipeline.hpp).
// --throughput finds the highest injection rate sustained with zero drops
// (doubling, then bisecting; each probe a full run) and reports the run at
// that rate (the probe itself, not a rerun). Sustained means the frames went in on schedule: a probe whose
// feed thread fell more than 5 % behind the offered rate fails too (the
// parse on the feed thread is then the limit, and no frame is ever "dropped").
// --svg writes the latency-percentile plot of the reported run.
// --virtual-clock (inline only) replaces the TSC by an event clock advanced
// 2.5 µs per frame: the run does the same work whatever the machine's speed
// (the callgrind regression test uses it); latencies then read 0.
// --rate (default 100 000 frames/s) paces injection by the TSC and counts
// frames the pipeline had no room for as drops; --rate 0 floods (as fast as
// the pipeline takes frames, no drops) — then latency includes queueing. Every result prints the CPU model, core count,
// TSC rate and build type. --json prints one JSON object on the last line.
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "latency/pipeline.hpp"
#include "latency/stream.hpp"
#include "support/alloc_counter.hpp"
#include "tickrail/binance/instruments.hpp"
#include "tickrail/core/worker.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace {

namespace tr = tickrail;
using tr::latency::input_stream;

constexpr const char* k_usage =
    "usage: tickrail-latency [--input deribit|binance|FILE] [--frames N] [--rate FRAMES_PER_S]\n"
    "                        [--placement fused|two|per-stage|inline] [--wait busy_spin|yield|backoff]\n"
    "                        [--queue ring|mutex] [--cpus A,B,..] [--feed-cpu N] [--warmup N] [--json]\n"
    "                        [--virtual-clock] [--throughput] [--svg FILE]\n";

struct options {
  std::string input = "deribit";
  std::size_t frames = 200'000;
  double rate = 100'000;  // frames/s; 0 = as fast as the pipeline takes them
  std::string placement = "fused";
  tr::core::wait_kind wait = tr::core::wait_kind::yield;
  tr::latency::queue_kind queue = tr::latency::queue_kind::ring;
  std::vector<int> cpus;
  int feed_cpu = -1;
  std::size_t warmup = SIZE_MAX;  // default: a tenth of the frames the input has
  bool json = false;
  bool virtual_clock = false;
  bool throughput = false;
  bool rate_given = false;
  std::string svg;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "tickrail-latency: %s\n%s", why.c_str(), k_usage);
  std::exit(1);
}

long long number(const char* v, long long min, long long max, const char* flag) {
  char* end = nullptr;
  const long long n = v != nullptr ? std::strtoll(v, &end, 10) : 0;
  if (v == nullptr || *end != '\0' || n < min || n > max) usage(std::string(flag) + ": expected a number");
  return n;
}

options parse_args(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
    const auto take = [&] {
      if (v == nullptr) usage(a + ": missing value");
      ++i;
      return std::string(v);
    };
    if (a == "--input") {
      o.input = take();
    } else if (a == "--frames") {
      o.frames = static_cast<std::size_t>(number(take().c_str(), 1, 100'000'000, "--frames"));
    } else if (a == "--rate") {
      o.rate = static_cast<double>(number(take().c_str(), 0, 1'000'000'000, "--rate"));
      o.rate_given = true;
    } else if (a == "--placement") {
      o.placement = take();
      if (o.placement != "fused" && o.placement != "two" && o.placement != "per-stage" && o.placement != "inline") {
        usage("--placement: fused, two, per-stage or inline");
      }
    } else if (a == "--wait") {
      const auto w = tr::core::parse_wait_kind(take());
      if (!w) usage("--wait: busy_spin, yield or backoff");
      o.wait = *w;
    } else if (a == "--queue") {
      const std::string q = take();
      if (q != "ring" && q != "mutex") usage("--queue: ring or mutex");
      o.queue = q == "mutex" ? tr::latency::queue_kind::mutex : tr::latency::queue_kind::ring;
    } else if (a == "--cpus") {
      const std::string list = take();
      std::size_t start = 0;
      while (start <= list.size()) {
        const std::size_t comma = list.find(',', start);
        const std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        o.cpus.push_back(static_cast<int>(number(item.c_str(), 0, 4095, "--cpus")));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (a == "--feed-cpu") {
      o.feed_cpu = static_cast<int>(number(take().c_str(), 0, 4095, "--feed-cpu"));
    } else if (a == "--warmup") {
      o.warmup = static_cast<std::size_t>(number(take().c_str(), 0, 100'000'000, "--warmup"));
    } else if (a == "--json") {
      o.json = true;
    } else if (a == "--virtual-clock") {
      o.virtual_clock = true;
    } else if (a == "--throughput") {
      o.throughput = true;
    } else if (a == "--svg") {
      o.svg = take();
    } else if (a == "--help" || a == "-h") {
      std::fputs(k_usage, stdout);
      std::exit(0);
    } else {
      usage("unknown argument " + a);
    }
  }
  if (o.virtual_clock && o.placement != "inline") usage("--virtual-clock needs --placement inline");
  if (o.warmup != SIZE_MAX && o.warmup >= o.frames) usage("--warmup must be below --frames");
  if (o.throughput && (o.placement == "inline" || o.rate_given))
    usage("--throughput searches the rate itself, on worker placements");
  return o;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

std::vector<std::vector<std::string>> layout(const std::string& placement) {
  if (placement == "inline") return {};  // no workers: the injecting thread runs every stage
  if (placement == "fused") return {{"sequencer", "strategy", "risk", "encode"}};
  if (placement == "two") return {{"sequencer", "strategy"}, {"risk", "encode"}};
  return {{"sequencer"}, {"strategy"}, {"risk"}, {"encode"}};
}

[[noreturn]] void fatal(const std::string& why) {
  std::fprintf(stderr, "tickrail-latency: %s\n", why.c_str());
  std::exit(1);
}

// The latency-percentile plot: x = percentile on a "nines" scale (50, 90,
// 99, ... as equal steps), y = latency on a log scale.
void write_svg(const std::string& path, const tr::core::latency_histogram& h, const std::string& title) {
  std::ofstream out(path);
  if (!out) fatal("cannot write " + path);
  constexpr double w = 720, ht = 420, left = 70, right = 20, top = 40, bottom = 50;
  const double max_nines = 5;  // up to p99.999
  const double lo = std::max<double>(1, static_cast<double>(h.percentile(0.0)));
  const double hi = std::max<double>(lo * 10, static_cast<double>(h.max()));
  const double llo = std::floor(std::log10(lo)), lhi = std::ceil(std::log10(hi));
  const auto x_of = [&](double nines) { return left + (w - left - right) * nines / max_nines; };
  const auto y_of = [&](double ns) {
    return ht - bottom - (ht - top - bottom) * (std::log10(std::max(ns, 1.0)) - llo) / (lhi - llo);
  };
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << ht
      << "\" font-family=\"sans-serif\" font-size=\"12\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n<text x=\"" << left
      << "\" y=\"22\" font-size=\"14\">tick-to-order latency: ";
  for (const char c : title) out << (c == '<' ? ' ' : c);
  out << "</text>\n";
  for (double d = llo; d <= lhi; ++d) {
    const double y = y_of(std::pow(10.0, d));
    out << "<line x1=\"" << left << "\" x2=\"" << w - right << "\" y1=\"" << y << "\" y2=\"" << y
        << "\" stroke=\"#ddd\"/>"
        << "<text x=\"" << left - 6 << "\" y=\"" << y + 4 << "\" text-anchor=\"end\">"
        << static_cast<long long>(std::pow(10.0, d)) << " ns</text>\n";
  }
  const char* labels[] = {"p0", "p90", "p99", "p99.9", "p99.99", "p99.999"};
  for (int n = 0; n <= 5; ++n) {
    out << "<text x=\"" << x_of(n) << "\" y=\"" << ht - bottom + 18 << "\" text-anchor=\"middle\">" << labels[n]
        << "</text>\n";
  }
  out << "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"";
  for (double nines = 0; nines <= max_nines + 1e-9; nines += 0.05) {
    const double q = 1 - std::pow(10.0, -nines);
    out << x_of(nines) << "," << y_of(static_cast<double>(h.percentile(std::min(q, 1.0)))) << " ";
  }
  out << "\"/>\n</svg>\n";
}

struct run_result {
  tr::core::latency_histogram latency, parse;
  tr::latency::stage_breakdown split;
  tr::latency::pipeline_counters counters;
  std::uint64_t drops = 0;
  std::uint64_t allocations = 0;  // operator new calls, any thread, after the warm-up until drained
  std::int64_t injected_ns = 0;
  [[nodiscard]] double throughput() const noexcept {
    return injected_ns > 0 ? static_cast<double>(counters.events) * 1e9 / static_cast<double>(injected_ns) : 0;
  }
  [[nodiscard]] double frames_per_s() const noexcept {
    return injected_ns > 0 ? static_cast<double>(counters.frames) * 1e9 / static_cast<double>(injected_ns) : 0;
  }
};

// One run: a fresh pipeline and workers, the whole stream injected at `rate`
// (0 = as fast as it is taken), drained, stopped. Exits on setup errors.
run_result run_once(const options& opt, const input_stream& stream, const tr::core::instrument_catalog& catalog,
                    tr::core::instrument_id traded, tr::latency::harness_clock& clock, const tr::core::tsc_clock& tsc,
                    double rate, bool progress) {
  auto made = tr::latency::pipeline::make(catalog, traded, clock, opt.queue, stream.frames.size());
  if (!made.ok()) fatal(std::string(made.status().message()));
  tr::latency::pipeline& pipe = **made;
  if (opt.placement == "per-stage") pipe.block_consumers(200);

  // Workers as the placement says; stages looked up by name.
  std::vector<tr::core::stage_ref> all = pipe.stages();
  std::vector<std::unique_ptr<tr::core::worker>> workers;
  const auto groups = layout(opt.placement);
  for (std::size_t w = 0; w < groups.size(); ++w) {
    std::vector<tr::core::stage_ref> mine;
    for (const std::string& name : groups[w]) {
      for (const tr::core::stage_ref& st : all) {
        if (st.name() == name) mine.push_back(st);
      }
    }
    tr::core::worker_options wo;
    wo.name = "lat-" + std::to_string(w);
    wo.wait = opt.wait;
    wo.cpu = w < opt.cpus.size() ? opt.cpus[w] : -1;
    workers.push_back(std::make_unique<tr::core::worker>(wo, std::move(mine)));
  }
  for (auto& w : workers) {
    if (const absl::Status st = w->start(); !st.ok()) fatal(std::string(st.message()));
  }

  // Inject: paced by the TSC, or as fast as the pipeline takes frames.
  run_result r;
  pipe.record_from(opt.warmup > 0 ? INT64_MAX : 0);  // nothing measured until the warm-up is over
  std::uint64_t allocations_before = tr::test::allocations();
  const std::int64_t start = tsc.now_ns();
  if (opt.placement == "inline") {
    const std::size_t warm = std::min(opt.warmup, stream.frames.size());
    r.drops += pipe.replay_inline(stream, 0, warm);
    pipe.record_from(clock.now_ns());
    allocations_before = tr::test::allocations();
    r.drops += pipe.replay_inline(stream, warm, stream.frames.size());
  }
  std::int64_t next_progress = start + 1'000'000'000;  // wall time (TSC) from here on
  const double ns_per_frame = rate > 0 ? 1e9 / rate : 0;
  for (std::size_t i = opt.placement == "inline" ? stream.frames.size() : 0; i < stream.frames.size(); ++i) {
    if (i == opt.warmup) {
      pipe.record_from(clock.now_ns());
      allocations_before = tr::test::allocations();
    }
    const auto [offset, length] = stream.frames[i];
    const char* data = stream.bytes.data() + offset;
    if (ns_per_frame > 0) {
      const auto due = start + static_cast<std::int64_t>(static_cast<double>(i) * ns_per_frame);
      while (tsc.now_ns() < due) {
      }
      if (!pipe.inject(data, length, length + tr::latency::k_frame_padding)) ++r.drops;
    } else {
      while (!pipe.inject(data, length, length + tr::latency::k_frame_padding)) std::this_thread::yield();
    }
    if (progress && (i & 1023) == 0 && tsc.now_ns() > next_progress) {
      next_progress += 1'000'000'000;
      std::fprintf(stderr, "\rtickrail-latency: %zu / %zu frames, %llu orders", i, stream.frames.size(),
                   static_cast<unsigned long long>(pipe.orders_done()));
    }
  }
  r.injected_ns = tsc.now_ns() - start;
  // Drain: until every ring is empty (bounded).
  for (int i = 0; i < 10'000 && pipe.in_flight() > 0; ++i) std::this_thread::sleep_for(std::chrono::microseconds(500));
  r.allocations = tr::test::allocations() - allocations_before;
  for (auto& w : workers) w->stop();
  if (progress && r.injected_ns > 1'000'000'000) std::fprintf(stderr, "\n");
  pipe.finish();
  r.latency = pipe.tick_to_order();
  r.split = pipe.breakdown();
  r.parse = pipe.parse();
  r.counters = pipe.counters();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  options opt = parse_args(argc, argv);
  const std::string root = TICKRAIL_SOURCE_DIR;
  const tr::core::tsc_clock tsc = tr::core::tsc_clock::calibrate();
  tr::latency::harness_clock clock(tsc);
  if (opt.virtual_clock) clock.use_virtual(1'795'323'600'000'000'000, 2'500);  // 400 k frames/s of event time

  // Instruments and the input stream, before the clock starts.
  tr::core::instrument_catalog catalog;
  input_stream stream;
  const bool binance = opt.input == "binance";
  const absl::Status loaded =
      binance ? tr::binance::load_exchange_info_file(root + "/config/instruments/binance_usdm.json", catalog)
              : tr::deribit::load_instruments_file(root + "/config/instruments/deribit.json", catalog);
  if (!loaded.ok()) {
    std::fprintf(stderr, "tickrail-latency: instruments: %s\n", std::string(loaded.message()).c_str());
    return 1;
  }
  const tr::core::instrument* traded = binance ? catalog.find(tr::core::venue::binance_usdm, "BTCUSDT")
                                               : catalog.find(tr::core::venue::deribit, "BTC-PERPETUAL");
  if (traded == nullptr) {
    std::fprintf(stderr, "tickrail-latency: traded instrument missing from the catalog\n");
    return 1;
  }
  if (opt.input == "deribit") {
    stream = tr::latency::generate_deribit(*traded, opt.frames, 42);
  } else {
    const std::string path = binance ? root + "/../shared/data/binance/btcusdt_20240808.gz" : opt.input;
    auto s = tr::latency::load_capture(path, traded->where, opt.frames);
    if (!s.ok()) {
      std::fprintf(stderr, "tickrail-latency: input: %s\n", std::string(s.status().message()).c_str());
      return 1;
    }
    stream = std::move(*s);
  }

  // A file may hold fewer frames than --frames: the warm-up is a share of
  // what is there.
  if (opt.warmup == SIZE_MAX) opt.warmup = stream.frames.size() / 10;
  if (opt.warmup >= stream.frames.size())
    fatal("--warmup must be below the input's " + std::to_string(stream.frames.size()) + " frames");

  if (opt.feed_cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(opt.feed_cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0) {
      fatal("cannot pin the feed to CPU " + std::to_string(opt.feed_cpu));
    }
  }

  // Throughput mode: the highest frame rate the pipeline sustains — zero
  // drops and the frames injected on schedule — doubling from 100 k
  // frames/s until a probe fails, then bisecting; every probe is a full run
  // of the stream.
  run_result r;
  if (opt.throughput) {
    double good = 0, bad = 0;
    const auto probe_at = [&](double offered) {
      run_result t = run_once(opt, stream, catalog, traded->id, clock, tsc, offered, false);
      const bool sustained = t.drops == 0 && t.frames_per_s() >= 0.95 * offered;
      if (!opt.json) {
        std::fprintf(stderr, "  %10.0f frames/s offered: %10.0f taken, %llu drops%s\n", offered, t.frames_per_s(),
                     static_cast<unsigned long long>(t.drops), sustained ? "" : "  (not sustained)");
      }
      (sustained ? good : bad) = offered;
      if (sustained) r = std::move(t);  // the report is the fastest sustained probe
    };
    for (double offered = 100'000; offered <= 64'000'000 && bad == 0; offered *= 2) probe_at(offered);
    for (int step = 0; step < 5 && bad > 0; ++step) probe_at((good + bad) / 2);
    if (good == 0) fatal("not sustained even at 100 k frames/s");
  } else {
    r = run_once(opt, stream, catalog, traded->id, clock, tsc, opt.rate, !opt.json);
  }
  if (!opt.svg.empty()) write_svg(opt.svg, r.latency, stream.name + ", " + opt.placement);
  const tr::core::latency_histogram& h = r.latency;
  const tr::latency::pipeline_counters& c = r.counters;
  const double throughput = r.throughput();
  const std::uint64_t drops = r.drops;
  const std::string cpu = cpu_model();
  const char* queue = opt.queue == tr::latency::queue_kind::mutex ? "mutex" : "ring";
  const tr::latency::stage_breakdown& sb = r.split;
  const auto p50 = [](const tr::core::latency_histogram& x) {
    return static_cast<unsigned long long>(x.percentile(0.5));
  };
  const auto p99 = [](const tr::core::latency_histogram& x) {
    return static_cast<unsigned long long>(x.percentile(0.99));
  };
  const unsigned cores = std::thread::hardware_concurrency();
#ifdef NDEBUG
  const char* build = "release";
#else
  const char* build = "debug";
#endif
  const auto pct = [&](double q) { return static_cast<unsigned long long>(h.percentile(q)); };
  if (!opt.json) {
    std::printf("tickrail-latency: %s | placement %s, wait %s, queues %s | %s, %u cores, TSC %.3f GHz%s, %s build\n",
                stream.name.c_str(), opt.placement.c_str(), std::string(tr::core::to_string(opt.wait)).c_str(), queue,
                cpu.c_str(), cores, tsc.ticks_per_ns(), tsc.uses_tsc() ? "" : " (steady_clock fallback)", build);
    std::printf(
        "  frames %llu, events %llu, intents %llu, risk rejects %llu, orders %llu (measured %llu after %zu "
        "warm-up frames; %llu more caused by timers or acknowledgements), drops %llu, parse errors %llu, "
        "throughput %.0f events/s\n",
        static_cast<unsigned long long>(c.frames), static_cast<unsigned long long>(c.events),
        static_cast<unsigned long long>(c.intents), static_cast<unsigned long long>(c.risk_rejects),
        static_cast<unsigned long long>(c.orders), static_cast<unsigned long long>(h.count()), opt.warmup,
        static_cast<unsigned long long>(sb.other_orders), static_cast<unsigned long long>(drops),
        static_cast<unsigned long long>(c.parse_errors), throughput);
    std::printf("  tick-to-order ns: p50 %llu  p90 %llu  p99 %llu  p99.9 %llu  p99.99 %llu  max %llu  mean %.0f\n",
                pct(0.5), pct(0.9), pct(0.99), pct(0.999), pct(0.9999), static_cast<unsigned long long>(h.max()),
                h.mean());
    const tr::core::latency_histogram& p = r.parse;
    std::printf(
        "  stages ns (p50 / p99): to sequenced %llu / %llu  strategy %llu / %llu  risk %llu / %llu  "
        "encode %llu / %llu\n",
        p50(sb.to_sequenced), p99(sb.to_sequenced), p50(sb.strategy), p99(sb.strategy), p50(sb.risk), p99(sb.risk),
        p50(sb.encode), p99(sb.encode));
    std::printf("  parse of every frame ns: p50 %llu  p99 %llu  max %llu\n", p50(p), p99(p),
                static_cast<unsigned long long>(p.max()));
    std::printf("  allocations after the warm-up: %llu (%.3f per event)\n",
                static_cast<unsigned long long>(r.allocations),
                c.events > 0 ? static_cast<double>(r.allocations) / static_cast<double>(c.events) : 0.0);
    if (sb.unlogged > 0) {
      std::printf("  %llu orders past the stage logs' capacity were not measured\n",
                  static_cast<unsigned long long>(sb.unlogged));
    }
  }
  std::printf(
      "{\"p50_ns\":%llu,\"p90_ns\":%llu,\"p99_ns\":%llu,\"p999_ns\":%llu,\"p9999_ns\":%llu,\"max_ns\":%llu,"
      "\"mean_ns\":%.1f,\"events\":%llu,\"orders\":%llu,\"measured\":%llu,\"drops\":%llu,\"throughput_eps\":%.0f,"
      "\"placement\":\"%s\",\"wait\":\"%s\",\"queue\":\"%s\",\"input\":\"%s\",\"cpu\":\"%s\",\"cores\":%u,"
      "\"tsc_ghz\":%.3f,\"build\":\"%s\",\"parse_p50_ns\":%llu,\"sequenced_p50_ns\":%llu,\"strategy_p50_ns\":%llu,"
      "\"risk_p50_ns\":%llu,\"encode_p50_ns\":%llu,\"stages_mean_ns\":%.1f,\"other_orders\":%llu,\"allocations\":%llu}"
      "\n",
      pct(0.5), pct(0.9), pct(0.99), pct(0.999), pct(0.9999), static_cast<unsigned long long>(h.max()), h.mean(),
      static_cast<unsigned long long>(c.events), static_cast<unsigned long long>(c.orders),
      static_cast<unsigned long long>(h.count()), static_cast<unsigned long long>(drops), throughput,
      opt.placement.c_str(), std::string(tr::core::to_string(opt.wait)).c_str(), queue, stream.name.c_str(),
      cpu.c_str(), cores, tsc.ticks_per_ns(), build, p50(r.parse), p50(sb.to_sequenced), p50(sb.strategy), p50(sb.risk),
      p50(sb.encode), sb.to_sequenced.mean() + sb.strategy.mean() + sb.risk.mean() + sb.encode.mean(),
      static_cast<unsigned long long>(sb.other_orders), static_cast<unsigned long long>(r.allocations));
  if (c.encode_errors > 0 || c.acks_dropped > 0) {
    std::fprintf(stderr, "tickrail-latency: %llu encode errors, %llu acknowledgements dropped\n",
                 static_cast<unsigned long long>(c.encode_errors), static_cast<unsigned long long>(c.acks_dropped));
    return 3;
  }
  return 0;
}
