// Ring throughput and round-trip latency, ours against the usual suspects in
// the same binary and run:
//
//   ours        tickrail::core::ring (producer publishes per item; consumer
//               reads whole batches) and ours_batched (producer claims up
//               to 64 slots per publish)
//   rwq         moodycamel::ReaderWriterQueue (bounded use: try_enqueue)
//   boost_spsc  boost::lockfree::spsc_queue with a compile-time capacity
//   mutex       std::mutex + std::deque
//   floor       (RTT only) one cache line bounced between two cores: the
//               lowest round trip any queue can reach on this machine
//
// Two threads: the benchmark thread produces, a peer thread consumes (or
// echoes, for RTT). By default they are pinned to CPUs 0 and 1; `--pin=A,B`
// picks others, `--pin=none` disables pinning. Each benchmark repeats
// (median, stddev and cv are reported) and a closing table prints the ratios
// of medians that docs/performance.md quotes, with the CPU model and core
// count (bench/common/bench_main.hpp; repetitions randomly interleaved).
// Throughput ratios are times for the same number of items: other / ours > 1
// means ours is faster.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <readerwriterqueue/readerwriterqueue.h>
#include <string>
#include <thread>
#include <vector>

#include "bench/common/bench_main.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/ring.hpp"

namespace tr = tickrail::core;

namespace {

constexpr std::size_t k_capacity = 4096;
constexpr std::int64_t k_items_per_iteration = 1 << 18;
constexpr int k_repetitions = 9;

int g_producer_cpu = 0;
int g_consumer_cpu = 1;
bool g_pin = true;

void pin_to(int cpu) {
  if (!g_pin) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0) {
    std::fprintf(stderr, "ring_bench: cannot pin to cpu %d (use --pin=none or --pin=A,B)\n", cpu);
    std::exit(2);
  }
}

// ---- channels: a common face over each queue --------------------------------------
// push: producer thread, false when full. drain: consumer thread, calls f on
// everything available now, returns how many.

template <typename T>
struct ours {
  static constexpr const char* name = "ours";
  tr::ring<T> r{k_capacity, 1};
  bool push(const T& v) noexcept { return r.try_push(v); }
  template <typename F>
  std::size_t drain(F&& f) noexcept {
    return r.poll(0, [&](const T& v, tr::sequence_t, bool) { f(v); });
  }
};

// Producer claims as many free slots as it can (up to 64) per publish.
template <typename T>
struct ours_batched : ours<T> {
  static constexpr const char* name = "ours_batched";
  template <typename Gen>
  std::size_t push_batch(std::size_t want, Gen&& gen) noexcept {
    want = std::min<std::size_t>(want, 64);
    while (want > 0) {
      const tr::sequence_t last = this->r.try_claim(want);
      if (last != tr::no_sequence) {
        for (tr::sequence_t s = last - static_cast<tr::sequence_t>(want) + 1; s <= last; ++s) this->r.slot(s) = gen();
        this->r.publish(last);
        return want;
      }
      want /= 2;
    }
    return 0;
  }
};

template <typename T>
struct rwq {
  static constexpr const char* name = "rwq";
  moodycamel::ReaderWriterQueue<T> q{k_capacity};
  bool push(const T& v) noexcept { return q.try_enqueue(v); }
  template <typename F>
  std::size_t drain(F&& f) noexcept {
    std::size_t n = 0;
    T v;
    while (q.try_dequeue(v)) {
      f(v);
      ++n;
    }
    return n;
  }
};

template <typename T>
struct boost_spsc {
  static constexpr const char* name = "boost_spsc";
  boost::lockfree::spsc_queue<T, boost::lockfree::capacity<k_capacity>> q;
  bool push(const T& v) noexcept { return q.push(v); }
  template <typename F>
  std::size_t drain(F&& f) noexcept {
    return q.consume_all(f);
  }
};

template <typename T>
struct mutex_queue {
  static constexpr const char* name = "mutex";
  std::mutex m;
  std::deque<T> q;
  bool push(const T& v) {
    std::lock_guard<std::mutex> lock(m);
    if (q.size() >= k_capacity) return false;
    q.push_back(v);
    return true;
  }
  template <typename F>
  std::size_t drain(F&& f) {
    std::lock_guard<std::mutex> lock(m);
    const std::size_t n = q.size();
    for (const T& v : q) f(v);
    q.clear();
    return n;
  }
};

// ---- payloads --------------------------------------------------------------------

template <typename T>
T make(std::int64_t i) {
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    return static_cast<std::uint64_t>(i);
  } else {
    T e{};
    e.header.sequence = i;
    return e;
  }
}
template <typename T>
std::int64_t key(const T& v) {
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    return static_cast<std::int64_t>(v);
  } else {
    return v.header.sequence;
  }
}

// ---- throughput --------------------------------------------------------------------

// State shared by the two benchmark threads, each field alone on its line so
// that the harness adds no false sharing of its own.
struct shared_flags {
  tr::cache_padded<std::atomic<bool>> stop{false};
  tr::cache_padded<std::atomic<std::int64_t>> consumed{0};
  tr::cache_padded<std::int64_t> checksum{0};
};

template <template <typename> class Channel, typename T>
void BM_ring_throughput(benchmark::State& state) {
  pin_to(g_producer_cpu);
  auto ch = std::make_unique<Channel<T>>();
  auto flags = std::make_unique<shared_flags>();
  std::thread consumer([&ch, f = flags.get()] {
    pin_to(g_consumer_cpu);
    std::int64_t local = 0;
    std::int64_t checksum = 0;
    while (!f->stop.value.load(std::memory_order_relaxed)) {
      const std::size_t n = ch->drain([&](const T& v) { checksum += key(v); });
      if (n == 0) {
        tr::cpu_relax();
        continue;
      }
      local += static_cast<std::int64_t>(n);
      f->consumed.value.store(local, std::memory_order_release);
    }
    f->checksum.value = checksum;
  });
  std::int64_t produced = 0;
  for (auto _ : state) {
    const std::int64_t target = produced + k_items_per_iteration;
    if constexpr (requires { ch->push_batch(std::size_t{}, [] { return T{}; }); }) {
      while (produced < target) {
        const std::size_t n =
            ch->push_batch(static_cast<std::size_t>(target - produced), [&] { return make<T>(produced++); });
        if (n == 0) tr::cpu_relax();
      }
    } else {
      while (produced < target) {
        if (ch->push(make<T>(produced))) {
          ++produced;
        } else {
          tr::cpu_relax();
        }
      }
    }
    while (flags->consumed.value.load(std::memory_order_acquire) < target) tr::cpu_relax();
  }
  flags->stop.value.store(true, std::memory_order_relaxed);
  consumer.join();
  if (flags->checksum.value != produced * (produced - 1) / 2) state.SkipWithError("consumer checksum mismatch");
  state.SetItemsProcessed(produced);
  state.counters["ns_per_item"] =
      benchmark::Counter(static_cast<double>(produced), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// ---- round trip ----------------------------------------------------------------------

template <template <typename> class Channel>
void BM_ring_rtt(benchmark::State& state) {
  pin_to(g_producer_cpu);
  auto ping = std::make_unique<Channel<std::uint64_t>>();
  auto pong = std::make_unique<Channel<std::uint64_t>>();
  auto flags = std::make_unique<shared_flags>();
  std::thread echo([&ping, &pong, f = flags.get()] {
    pin_to(g_consumer_cpu);
    while (!f->stop.value.load(std::memory_order_relaxed)) {
      ping->drain([&](std::uint64_t v) {
        while (!pong->push(v)) tr::cpu_relax();
      });
    }
  });
  std::uint64_t i = 0;
  for (auto _ : state) {
    while (!ping->push(i)) tr::cpu_relax();
    std::uint64_t back = ~std::uint64_t{0};
    while (pong->drain([&](std::uint64_t v) { back = v; }) == 0) tr::cpu_relax();
    if (back != i) state.SkipWithError("echo returned the wrong value");
    ++i;
  }
  flags->stop.value.store(true, std::memory_order_relaxed);
  echo.join();
}

// One cache line, two writers taking turns: the hardware floor for an RTT.
void BM_ring_rtt_floor(benchmark::State& state) {
  pin_to(g_producer_cpu);
  auto line = std::make_unique<tr::cache_padded<std::atomic<std::uint64_t>>>();
  auto flags = std::make_unique<shared_flags>();
  std::thread echo([l = line.get(), f = flags.get()] {
    pin_to(g_consumer_cpu);
    std::uint64_t seen = 0;
    while (!f->stop.value.load(std::memory_order_relaxed)) {
      const std::uint64_t v = l->value.load(std::memory_order_acquire);
      if (v != seen && (v & 1)) {
        l->value.store(v + 1, std::memory_order_release);
        seen = v + 1;
      } else {
        tr::cpu_relax();
      }
    }
  });
  std::uint64_t v = 1;
  for (auto _ : state) {
    line->value.store(v, std::memory_order_release);
    while (line->value.load(std::memory_order_acquire) != v + 1) tr::cpu_relax();
    v += 2;
  }
  flags->stop.value.store(true, std::memory_order_relaxed);
  echo.join();
}

#define TR_THROUGHPUT(CHANNEL, TYPE, LABEL)             \
  BENCHMARK_TEMPLATE(BM_ring_throughput, CHANNEL, TYPE) \
      ->Name("BM_ring_throughput_" LABEL "/" #CHANNEL)  \
      ->Repetitions(k_repetitions)                      \
      ->DisplayAggregatesOnly(true)                     \
      ->MinTime(0.1)                                    \
      ->UseRealTime()

TR_THROUGHPUT(ours, std::uint64_t, "u64");
TR_THROUGHPUT(ours_batched, std::uint64_t, "u64");
TR_THROUGHPUT(rwq, std::uint64_t, "u64");
TR_THROUGHPUT(boost_spsc, std::uint64_t, "u64");
TR_THROUGHPUT(mutex_queue, std::uint64_t, "u64");
TR_THROUGHPUT(ours, tr::event, "event248B");
TR_THROUGHPUT(ours_batched, tr::event, "event248B");
TR_THROUGHPUT(rwq, tr::event, "event248B");
TR_THROUGHPUT(boost_spsc, tr::event, "event248B");
TR_THROUGHPUT(mutex_queue, tr::event, "event248B");

#define TR_RTT(CHANNEL)                    \
  BENCHMARK_TEMPLATE(BM_ring_rtt, CHANNEL) \
      ->Name("BM_ring_rtt/" #CHANNEL)      \
      ->Repetitions(k_repetitions)         \
      ->DisplayAggregatesOnly(true)        \
      ->MinTime(0.1)                       \
      ->UseRealTime()

BENCHMARK(BM_ring_rtt_floor)
    ->Name("BM_ring_rtt/floor")
    ->Repetitions(k_repetitions)
    ->DisplayAggregatesOnly(true)
    ->MinTime(0.1)
    ->UseRealTime();
TR_RTT(ours);
TR_RTT(rwq);
TR_RTT(boost_spsc);
TR_RTT(mutex_queue);

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--pin=", 6) == 0) {
      const char* spec = argv[i] + 6;
      if (std::strcmp(spec, "none") == 0) {
        g_pin = false;
      } else if (std::sscanf(spec, "%d,%d", &g_producer_cpu, &g_consumer_cpu) != 2) {
        std::fprintf(stderr, "ring_bench: --pin=A,B or --pin=none\n");
        return 2;
      }
    } else {
      args.push_back(argv[i]);
    }
  }
  std::vector<tickrail::bench::ratio> ratios;
  for (const char* payload : {"u64", "event248B"}) {
    const std::string prefix = std::string("BM_ring_throughput_") + payload + "/";
    for (const char* other : {"rwq", "boost_spsc", "mutex_queue"}) {
      ratios.push_back(
          {std::string("throughput ") + payload + ": " + other + " / ours", prefix + other, prefix + "ours"});
      ratios.push_back({std::string("throughput ") + payload + ": " + other + " / ours_batched", prefix + other,
                        prefix + "ours_batched"});
    }
  }
  for (const char* q : {"ours", "rwq", "boost_spsc", "mutex_queue"}) {
    ratios.push_back({std::string("rtt: ") + q + " / floor", std::string("BM_ring_rtt/") + q, "BM_ring_rtt/floor"});
  }
  const std::string pinning =
      g_pin ? "pinned " + std::to_string(g_producer_cpu) + "," + std::to_string(g_consumer_cpu) : "unpinned";
  return tickrail::bench::run(static_cast<int>(args.size()), args.data(), std::move(ratios), pinning);
}
