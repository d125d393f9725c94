// tickrail/core/worker.hpp — stages, and the threads that run them.
//
// A stage is any object with `std::size_t poll() noexcept` that does a bounded
// amount of work (typically: drain one batch from its input ring) and returns
// how much it did, 0 when idle. A worker is a thread that owns an ordered list
// of stages, calls them round-robin and, after a round with no work, applies
// its wait strategy. Which stage runs on which worker, and which worker on
// which CPU, is data (placement.hpp): a 2-core box fuses every hot stage on
// one worker, a 16-core box gives each its own isolated core, and the code is
// the same.
//
// Dispatch cost: a stage is held as a (pointer, thunk) pair, one indirect call
// per poll — i.e. per batch, never per event; what a stage does inside poll()
// is statically dispatched. The worker loop itself is instantiated per wait
// strategy.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <future>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/relaxed_counter.hpp"
#include "tickrail/core/wait_strategy.hpp"

namespace tickrail::core {

template <typename S>
concept stage = requires(S& s) {
  { s.poll() }
  noexcept->std::convertible_to<std::size_t>;
};

// A non-owning, named handle to a stage. The stage must outlive every worker
// that runs it.
class stage_ref {
 public:
  template <stage S>
  stage_ref(std::string name, S& s) : name_(std::move(name)), self_(&s), poll_(&thunk<S>) {}

  std::size_t poll() const noexcept { return poll_(self_); }
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  template <stage S>
  static std::size_t thunk(void* self) noexcept {
    return static_cast<std::size_t>(static_cast<S*>(self)->poll());
  }

  std::string name_;
  void* self_;
  std::size_t (*poll_)(void*) noexcept;
};

struct worker_options {
  std::string name = "worker";
  int cpu = -1;  // CPU to pin to; -1 leaves the thread unpinned
  wait_kind wait = wait_kind::yield;
  backoff_params backoff{};
  // On stop, keep polling until a whole round finds no work (so in-flight
  // events are not abandoned), but at most this many rounds.
  std::uint32_t max_drain_rounds = 1u << 20;
};

class worker {
 public:
  worker(worker_options options, std::vector<stage_ref> stages);
  ~worker();  // stops and joins
  worker(const worker&) = delete;
  worker& operator=(const worker&) = delete;

  // Starts the thread, names it, pins it if asked. Returns an error (and
  // leaves no thread running) when pinning fails, e.g. a CPU outside this
  // process's affinity mask. Cold path; not thread-safe against stop().
  absl::Status start();

  // Asks the loop to drain and exit; returns at once. Any thread.
  void request_stop() noexcept { stop_.value.store(true, std::memory_order_release); }
  // Waits for the thread to exit. Idempotent.
  void join();
  void stop() {
    request_stop();
    join();
  }

  [[nodiscard]] bool running() const noexcept { return thread_.joinable(); }
  [[nodiscard]] const worker_options& options() const noexcept { return options_; }
  [[nodiscard]] const std::vector<stage_ref>& stages() const noexcept { return stages_; }

  // Counters, written only by the worker thread (relaxed), readable from any
  // thread; monotonic, exact once the worker has stopped.
  [[nodiscard]] std::uint64_t rounds() const noexcept { return stats_.value.rounds.get(); }
  [[nodiscard]] std::uint64_t work_done() const noexcept { return stats_.value.work.get(); }
  [[nodiscard]] std::uint64_t idle_rounds() const noexcept { return stats_.value.idle.get(); }

 private:
  struct counters {
    relaxed_counter rounds;
    relaxed_counter work;
    relaxed_counter idle;
  };

  void thread_main(std::promise<absl::Status>* started) noexcept;
  template <wait_strategy W>
  void run(W wait) noexcept;
  std::size_t poll_round() noexcept;

  worker_options options_;
  std::vector<stage_ref> stages_;
  std::thread thread_;
  cache_padded<std::atomic<bool>> stop_{false};
  cache_padded<counters> stats_{};
};

// The CPUs this process may run on (its affinity mask), ascending.
[[nodiscard]] std::vector<int> allowed_cpus();

}  // namespace tickrail::core
