// tickrail/core/wait_strategy.hpp — what a worker does when a poll round
// found no work: busy-spin, yield, or back off to sleeping.
//
// Chosen per worker by placement (see placement.hpp). A strategy is a small
// value type with `idle()` (called after each empty round) and `reset()`
// (called after a round that did work); the worker loop is instantiated per
// strategy so the choice costs no indirect call.
//
//   busy_spin  lowest latency; burns its core. Only on an isolated core, and
//              never more busy-spinning workers than cores.
//   yield      spins briefly, then sched_yield(); shares a core politely.
//              The default for tests, CI and small machines.
//   backoff    spin, then yield, then sleep with exponential growth up to a
//              cap; for slow paths and idle instruments. Sleeping is a syscall,
//              taken only when there is nothing to do.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>
#include <thread>

#include "tickrail/core/enum_names.hpp"
#include "tickrail/core/platform.hpp"

namespace tickrail::core {

#define TR_WAIT_KINDS(X)    \
  X(busy_spin, "busy_spin") \
  X(yield, "yield")         \
  X(backoff, "backoff")
TR_DEFINE_ENUM(wait_kind, std::uint8_t, TR_WAIT_KINDS)

template <typename W>
concept wait_strategy = requires(W& w) {
  { w.idle() }
  noexcept;
  { w.reset() }
  noexcept;
};

class busy_spin_wait {
 public:
  void idle() noexcept { cpu_relax(); }
  void reset() noexcept {}
};

class yield_wait {
 public:
  static constexpr std::uint32_t k_spins_before_yield = 64;

  void idle() noexcept {
    if (spins_ < k_spins_before_yield) {
      ++spins_;
      cpu_relax();
    } else {
      std::this_thread::yield();
    }
  }
  void reset() noexcept { spins_ = 0; }

 private:
  std::uint32_t spins_ = 0;
};

struct backoff_params {
  std::uint32_t spins = 1000;         // empty rounds spent spinning
  std::uint32_t yields = 100;         // then empty rounds spent yielding
  std::uint32_t min_sleep_us = 1;     // then sleeps, doubling from here...
  std::uint32_t max_sleep_us = 1000;  // ...up to this cap
};

class backoff_wait {
 public:
  enum class phase : std::uint8_t { spinning, yielding, sleeping };

  backoff_wait() noexcept = default;
  explicit backoff_wait(backoff_params params) noexcept : params_(params), sleep_us_(params.min_sleep_us) {}

  void idle() noexcept {
    if (rounds_ < params_.spins) {
      ++rounds_;
      cpu_relax();
    } else if (rounds_ < params_.spins + params_.yields) {
      ++rounds_;
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(sleep_us_));
      sleep_us_ = sleep_us_ >= params_.max_sleep_us / 2 ? params_.max_sleep_us : sleep_us_ * 2;
    }
  }
  void reset() noexcept {
    rounds_ = 0;
    sleep_us_ = params_.min_sleep_us;
  }

  [[nodiscard]] phase current_phase() const noexcept {
    if (rounds_ < params_.spins) return phase::spinning;
    if (rounds_ < params_.spins + params_.yields) return phase::yielding;
    return phase::sleeping;
  }
  [[nodiscard]] std::uint32_t next_sleep_us() const noexcept { return sleep_us_; }

 private:
  backoff_params params_{};
  std::uint32_t rounds_ = 0;
  std::uint32_t sleep_us_ = params_.min_sleep_us;
};

static_assert(wait_strategy<busy_spin_wait>);
static_assert(wait_strategy<yield_wait>);
static_assert(wait_strategy<backoff_wait>);

}  // namespace tickrail::core
