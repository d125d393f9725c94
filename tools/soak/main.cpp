// tickrail-soak — exercises this machine's placement before you trade on it.
//
// Runs a synthetic market-data stream through the pipeline's rings and
// workers, laid out exactly as the `[placement]` section of a config says
// (stages feed → sequencer → strategy → risk → gateway), and prints live
// status once a second: events/s, drops at the feed, ring occupancy, and the
// feed-to-gateway hop latency (TSC stamps) over the last interval. Use it to
// check core pinning and wait strategies on a new box; it places no orders
// and opens no sockets. Stops on Ctrl-C / SIGTERM or after --seconds.
//
//   tickrail-soak --config config/default.toml [--rate EVENTS_PER_S] [--seconds N] [--json]
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "tickrail/core/clock.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/histogram.hpp"
#include "tickrail/core/placement.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/ring_batch.hpp"

namespace tr = tickrail::core;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

constexpr std::size_t k_ring_capacity = 4096;
constexpr std::size_t k_max_batch = 64;

// Synthetic book changes at a target rate (0 = as fast as the ring takes
// them). Runs on an I/O worker, so it may read the clock.
struct feed_stage {
  tr::ring<tr::event>& out;
  const tr::tsc_clock& clock;
  double rate_per_ns;
  std::int64_t start_ns = 0;
  std::int64_t produced = 0;
  std::atomic<std::int64_t> drops{0};  // events due but refused by a full ring

  std::size_t poll() noexcept {
    const std::int64_t now = clock.now_ns();
    if (start_ns == 0) start_ns = now;
    std::int64_t due = k_max_batch;
    if (rate_per_ns > 0) {
      due = static_cast<std::int64_t>(static_cast<double>(now - start_ns) * rate_per_ns) - produced;
      if (due <= 0) return 0;
      due = std::min<std::int64_t>(due, k_max_batch);
    }
    const tr::sequence_t last = out.try_claim(static_cast<std::size_t>(due));
    if (last == tr::no_sequence) {
      if (rate_per_ns > 0) {  // paced: the stream moves on, the event is lost
        drops.store(drops.load(std::memory_order_relaxed) + due, std::memory_order_relaxed);
        produced += due;
      }
      return 0;
    }
    for (tr::sequence_t s = last - due + 1; s <= last; ++s) {
      tr::event& e = out.slot(s);
      e.header = tr::make_header(tr::event_type::market_data, 0, clock.now_ns());
      tr::market_data& md = e.md;
      md.kind = tr::md_kind::book_change;
      md.count = 1;
      md.prev_change_id = s;
      md.change_id = s + 1;
      md.levels[0] = {100'000 + (s % 64),
                      10 + (s % 7),
                      (s & 1) ? tr::side::sell : tr::side::buy,
                      tr::book_action::change_level,
                      {}};
    }
    out.publish(last);
    produced += due;
    return static_cast<std::size_t>(due);
  }
};

// Copies input to output one-for-one through `transform`, never consuming
// more than it can forward.
template <typename In, typename Out, typename Transform>
std::size_t forward(tr::ring<In>& in, tr::ring<Out>& out, Transform&& transform) noexcept {
  const tr::sequence_range batch = tr::read_batch(in, 0, k_max_batch);
  if (batch.empty()) return 0;
  const tr::sequence_t last = out.try_claim(batch.size());
  if (last == tr::no_sequence) return 0;
  for (tr::sequence_t s = batch.first, o = last - static_cast<tr::sequence_t>(batch.size()) + 1; s <= batch.last;
       ++s, ++o) {
    transform(in.slot(s), out.slot(o));
  }
  out.publish(last);
  in.release(0, batch.last);
  return batch.size();
}

// Stamps the pipeline sequence (the real sequencer also merges the exec and
// command rings and fires timers).
struct sequencer_stage {
  tr::ring<tr::event>& in;
  tr::ring<tr::event>& out;
  tr::sequence_t next_sequence = 0;
  std::size_t poll() noexcept {
    return forward(in, out, [this](const tr::event& from, tr::event& to) {
      to = from;
      to.header.sequence = next_sequence++;
    });
  }
};

// Stand-in strategy: quotes one tick inside each changed level.
struct strategy_stage {
  tr::ring<tr::event>& in;
  tr::ring<tr::order_intent>& out;
  std::size_t poll() noexcept {
    return forward(in, out, [](const tr::event& e, tr::order_intent& oi) {
      const tr::level_update& l = e.md.levels[0];
      oi = {};
      oi.trigger_sequence = e.header.sequence;
      oi.trigger_local_ts_ns = e.header.local_ts_ns;
      oi.kind = tr::intent_kind::place;
      oi.order_side = l.book_side;
      oi.price_ticks = l.book_side == tr::side::buy ? l.price_ticks + 1 : l.price_ticks - 1;
      oi.qty_lots = 1;
    });
  }
};

// Stand-in risk: a quantity limit, to keep a branch on the path.
struct risk_stage {
  tr::ring<tr::order_intent>& in;
  tr::ring<tr::order_request>& out;
  tr::sequence_t next = 0;
  std::size_t poll() noexcept {
    return forward(in, out, [this](const tr::order_intent& oi, tr::order_request& r) {
      r.intent = oi;
      r.intent.qty_lots = std::min<tr::lots>(oi.qty_lots, 100);
      r.risk_sequence = next++;
    });
  }
};

// Terminal stage: stamps "bytes ready" and records feed→gateway latency into
// one of two histograms; the status thread asks for a swap to read the other.
struct gateway_stage {
  gateway_stage(tr::ring<tr::order_request>& input, const tr::tsc_clock& c) : in(input), clock(c) {}

  tr::ring<tr::order_request>& in;
  const tr::tsc_clock& clock;
  tr::latency_histogram hist[2];
  int active = 0;
  tr::cache_padded<std::atomic<bool>> swap_requested{false};
  tr::cache_padded<std::atomic<std::int64_t>> orders{0};

  std::size_t poll() noexcept {
    if (swap_requested.value.load(std::memory_order_acquire)) {
      active ^= 1;
      swap_requested.value.store(false, std::memory_order_release);
    }
    const std::size_t n = in.poll(
        0,
        [this](const tr::order_request& r, tr::sequence_t, bool) {
          const std::int64_t now = clock.now_ns();
          hist[active].record(
              static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - r.intent.trigger_local_ts_ns)));
        },
        k_max_batch);
    if (n != 0)
      orders.value.store(orders.value.load(std::memory_order_relaxed) + static_cast<std::int64_t>(n),
                         std::memory_order_relaxed);
    return n;
  }

  // Status thread: takes the histogram of the interval that just ended.
  // Returns false if the gateway worker did not answer within 2 s.
  bool take_interval(tr::latency_histogram& into) {
    swap_requested.value.store(true, std::memory_order_release);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (swap_requested.value.load(std::memory_order_acquire)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    const int idle = active ^ 1;  // acquire above orders this read after the swap
    into = hist[idle];
    hist[idle].reset();
    return true;
  }
};

struct args {
  std::string config = "config/default.toml";
  double rate = 1'000'000;
  double seconds = 0;  // 0 = until signalled
  bool json = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "tickrail-soak: %s\n"
               "usage: tickrail-soak [--config FILE] [--rate EVENTS_PER_S (0 = unpaced)] [--seconds N] [--json]\n",
               why);
  std::exit(2);
}

args parse_args(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value for " + flag).c_str());
      return argv[++i];
    };
    auto number = [&](double lo) {
      const std::string v = value();
      char* end = nullptr;
      const double x = std::strtod(v.c_str(), &end);
      if (end == v.c_str() || *end != '\0' || !(x >= lo)) usage(("bad value for " + flag + ": " + v).c_str());
      return x;
    };
    if (flag == "--config")
      a.config = value();
    else if (flag == "--rate")
      a.rate = number(0);
    else if (flag == "--seconds")
      a.seconds = number(0);
    else if (flag == "--json")
      a.json = true;
    else if (flag == "--help" || flag == "-h")
      usage("help");
    else
      usage(("unknown argument " + flag).c_str());
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  const args a = parse_args(argc, argv);
  auto placement = tr::load_placement_file(a.config);
  if (!placement.ok()) {
    std::fprintf(stderr, "tickrail-soak: %s\n", std::string(placement.status().message()).c_str());
    return 2;
  }

  const tr::tsc_clock clock = tr::tsc_clock::calibrate();
  tr::ring<tr::event> md_ring(k_ring_capacity, 1);
  tr::ring<tr::event> event_ring(k_ring_capacity, 1);
  tr::ring<tr::order_intent> intent_ring(k_ring_capacity, 1);
  tr::ring<tr::order_request> order_ring(k_ring_capacity, 1);

  feed_stage feed{md_ring, clock, a.rate / 1e9};
  sequencer_stage sequencer{md_ring, event_ring};
  strategy_stage strategy{event_ring, intent_ring};
  risk_stage risk{intent_ring, order_ring};
  gateway_stage gateway{order_ring, clock};
  const std::vector<tr::stage_ref> stages{
      {"feed", feed}, {"sequencer", sequencer}, {"strategy", strategy}, {"risk", risk}, {"gateway", gateway}};

  auto group = tr::worker_group::create(*placement, stages, tr::allowed_cpus());
  if (!group.ok()) {
    std::fprintf(stderr, "tickrail-soak: %s\n", std::string(group.status().message()).c_str());
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);

  std::printf("tickrail-soak: config %s, clock %.*s (%.3f ticks/ns), %zu cpus, rate %s\n", a.config.c_str(),
              static_cast<int>(clock.source().size()), clock.source().data(), clock.ticks_per_ns(),
              tr::allowed_cpus().size(),
              a.rate > 0 ? std::to_string(static_cast<long long>(a.rate)).c_str() : "unpaced");
  for (const auto& w : (*group)->workers()) {
    std::string names;
    for (const auto& s : w->stages()) names += (names.empty() ? "" : ",") + s.name();
    std::printf("  worker %-8s cpu %-4s wait %-9.*s stages %s\n", w->options().name.c_str(),
                w->options().cpu < 0 ? "any" : std::to_string(w->options().cpu).c_str(),
                static_cast<int>(to_string(w->options().wait).size()), to_string(w->options().wait).data(),
                names.c_str());
  }
  if (absl::Status started = (*group)->start(); !started.ok()) {
    std::fprintf(stderr, "tickrail-soak: %s\n", std::string(started.message()).c_str());
    return 1;
  }

  tr::latency_histogram interval, total;
  const auto t0 = std::chrono::steady_clock::now();
  std::int64_t last_orders = 0;
  auto last_tick = t0;
  bool stalled = false;
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - t0).count();
    const bool done = a.seconds > 0 && elapsed >= a.seconds;
    if (now - last_tick < std::chrono::seconds(1) && !done) continue;
    if (!gateway.take_interval(interval)) {
      std::fprintf(stderr, "tickrail-soak: gateway worker did not respond; stopping\n");
      stalled = true;
      break;
    }
    total.merge(interval);
    const std::int64_t orders = gateway.orders.value.load(std::memory_order_relaxed);
    const double dt = std::chrono::duration<double>(now - last_tick).count();
    std::printf(
        "%7.1fs  %10.0f ev/s  drops %-8lld  occupancy md %-4zu ev %-4zu  hop ns p50 %-6llu p99 %-7llu p99.9 %-8llu max "
        "%llu\n",
        elapsed, static_cast<double>(orders - last_orders) / dt,
        static_cast<long long>(feed.drops.load(std::memory_order_relaxed)), md_ring.occupancy(), event_ring.occupancy(),
        static_cast<unsigned long long>(interval.percentile(0.5)),
        static_cast<unsigned long long>(interval.percentile(0.99)),
        static_cast<unsigned long long>(interval.percentile(0.999)), static_cast<unsigned long long>(interval.max()));
    std::fflush(stdout);
    last_orders = orders;
    last_tick = now;
    if (done) break;
  }
  (*group)->stop();
  // Workers have stopped: what the last interval recorded is read directly.
  total.merge(gateway.hist[0]);
  total.merge(gateway.hist[1]);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::int64_t orders = gateway.orders.value.load();
  std::printf("total: %lld events in %.1fs (%.0f ev/s), drops %lld, hop latency %s\n", static_cast<long long>(orders),
              elapsed, static_cast<double>(orders) / elapsed, static_cast<long long>(feed.drops.load()),
              total.summary().c_str());
  if (a.json) {
    std::printf(
        "{\"events\":%lld,\"drops\":%lld,\"seconds\":%.3f,\"throughput_eps\":%.0f,\"p50_ns\":%llu,\"p99_ns\":%llu,"
        "\"p999_ns\":%llu,\"max_ns\":%llu,\"cpus\":%zu,\"clock\":\"%.*s\"}\n",
        static_cast<long long>(orders), static_cast<long long>(feed.drops.load()), elapsed,
        static_cast<double>(orders) / elapsed, static_cast<unsigned long long>(total.percentile(0.5)),
        static_cast<unsigned long long>(total.percentile(0.99)),
        static_cast<unsigned long long>(total.percentile(0.999)), static_cast<unsigned long long>(total.max()),
        tr::allowed_cpus().size(), static_cast<int>(clock.source().size()), clock.source().data());
  }
  return stalled ? 1 : 0;
}
