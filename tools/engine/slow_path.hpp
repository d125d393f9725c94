// tools/engine/slow_path.hpp — the engine's slow path: hot and I/O stages
// push POD records into one preallocated moodycamel ConcurrentQueue, and one
// thread drains it (persistence, log lines, status).
//
//   strategy stage ─regime changes─┐
//   risk stage ─────risk records───┼─▶ [ConcurrentQueue] ─▶ slow thread: bot_state (kill, HWM),
//   gateway tap ────fills──────────┘   (producer tokens)       log lines, trading state for status
//
// A producer never blocks and never allocates: each has a ProducerToken made
// at start-up, and the queue's blocks are allocated up front; a full queue
// counts the record as dropped (status shows it; start-up reconciliation
// with the venue repairs fills and orders). Strings are formatted only here.
#pragma once

#include <atomic>
#include <concurrentqueue/concurrentqueue.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/relaxed_counter.hpp"
#include "tickrail/core/risk.hpp"
#include "tickrail/store/bot_state.hpp"
#include "tickrail/strategies/strategy_stage.hpp"

namespace tickrail::engine {

enum class slow_kind : std::uint8_t { risk, regime, fill };

struct slow_record {
  slow_kind kind = slow_kind::risk;
  core::risk_record risk{};
  strategies::strategy_record regime{};
  core::exec_report fill{};
  core::instrument_id instrument = core::no_instrument;
  std::uint32_t flags = 0;  // the fill's event_header.flags (k_exec_reconciled)
};
static_assert(std::is_trivially_copyable_v<slow_record>);

// What the slow thread learned, for status lines (relaxed).
struct slow_status {
  std::atomic<std::uint8_t> state{0};  // core::trading_state
  std::atomic<bool> killed{false};
  std::atomic<std::uint8_t> regime{0};  // of the last bot whose regime changed
  core::relaxed_counter records, store_errors;
};

// moodycamel's defaults give an explicit producer an index of 32 blocks of
// 32: 1,024 records before try_enqueue (which never allocates) fails. The
// index here covers the whole capacity, so every producer may fill it.
struct slow_queue_traits : moodycamel::ConcurrentQueueDefaultTraits {
  static const std::size_t BLOCK_SIZE = 32;
  static const std::size_t EXPLICIT_INITIAL_INDEX_SIZE = 512;  // ≥ k_capacity / BLOCK_SIZE, a power of two
};

class slow_path {
 public:
  using queue = moodycamel::ConcurrentQueue<slow_record, slow_queue_traits>;
  static constexpr std::size_t k_capacity = 16384;   // records per producer
  static constexpr std::size_t k_max_producers = 4;  // strategy, risk, fill tap (+1 spare)
  static_assert(slow_queue_traits::EXPLICIT_INITIAL_INDEX_SIZE * slow_queue_traits::BLOCK_SIZE >= k_capacity);

  // `store` may be null (no persistence); `log` is where lines go.
  slow_path(const core::instrument_catalog& catalog, store::bot_state_store* store, std::FILE* log,
            const std::vector<std::string>& bot_names);
  ~slow_path();
  slow_path(const slow_path&) = delete;
  slow_path& operator=(const slow_path&) = delete;

  // A producer's handle, made at start-up (allocates), used by one thread.
  class producer {
   public:
    producer(slow_path& p) : path_(&p), token_(p.queue_) {}
    bool push(const slow_record& r) noexcept {
      if (path_->queue_.try_enqueue(token_, r)) return true;
      path_->dropped_.add();
      return false;
    }

   private:
    slow_path* path_;
    moodycamel::ProducerToken token_;
  };

  // The state the engine starts from (restored kill), before start().
  void set_initial(bool killed) noexcept { status_.killed.store(killed, std::memory_order_relaxed); }

  void start();
  // Drains what is queued, then joins the thread.
  void stop();
  // Handles `r` on the calling thread; only while the slow thread is not
  // running (after stop()): the store has one owner at a time.
  void persist_now(const slow_record& r) {
    if (!thread_.joinable()) handle(r);
  }

  [[nodiscard]] const slow_status& status() const noexcept { return status_; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.get(); }

 private:
  void run();
  std::size_t drain();
  void handle(const slow_record& r);
  template <typename... Args>
  void emit(const char* format, Args... args);

  const core::instrument_catalog& catalog_;
  store::bot_state_store* store_;
  std::FILE* log_;
  std::vector<std::string> bot_names_;
  queue queue_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  // Written by producers' failed pushes (several threads): an atomic add.
  struct {
    std::atomic<std::uint64_t> v{0};
    void add() noexcept { v.fetch_add(1, std::memory_order_relaxed); }
    [[nodiscard]] std::uint64_t get() const noexcept { return v.load(std::memory_order_relaxed); }
  } dropped_;
  slow_status status_;
};

}  // namespace tickrail::engine
