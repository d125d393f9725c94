// tickrail/core/credit_limiter.hpp — the venue's credit-based rate limit,
// kept on our side so we never exceed it.
//
// Deribit gives every account pools of credits refilled continuously; a
// request costs a fixed number of credits and is refused with 10028
// too_many_requests when the pool is short. The limiter mirrors a pool: a
// request may go when its cost is available (take), otherwise the caller
// learns how long until it is (wait_ns) and queues it. A 10028 that arrives
// anyway (another client on the account, a pool smaller than configured)
// empties the pool and starts an exponential backoff (capped) during which
// nothing goes; the backoff resets after `k_quiet_resets` requests pass.
//
// The pool is a core::token_bucket (exact integer nano-credits on the
// caller's clock, testable with a fake time). One owner (the gateway thread).
#pragma once

#include <algorithm>
#include <cstdint>

#include "tickrail/core/token_bucket.hpp"

namespace tickrail::core {

struct credit_config {
  std::int64_t burst_credits = 20;  // pool size
  std::int64_t refill_per_s = 5;    // credits per second
  std::int64_t min_backoff_ns = 100'000'000;
  std::int64_t max_backoff_ns = 5'000'000'000;
};

class credit_limiter {
 public:
  static constexpr int k_quiet_resets = 8;

  // The pool starts full at `now_ns` (a token_bucket is full when new).
  explicit credit_limiter(credit_config config, [[maybe_unused]] std::int64_t now_ns) noexcept
      : config_(sanitize(config)), pool_(config_.refill_per_s, config_.burst_credits) {}

  // Takes `cost` credits when available now (and not backing off).
  [[nodiscard]] bool take(std::int64_t cost, std::int64_t now_ns) noexcept {
    if (now_ns < backoff_until_ns_ || !pool_.take(now_ns, cost)) return false;
    if (backoff_ns_ > 0 && ++since_backoff_ >= k_quiet_resets) backoff_ns_ = 0;
    return true;
  }

  // How long until `cost` credits are available (0 = now).
  [[nodiscard]] std::int64_t wait_ns(std::int64_t cost, std::int64_t now_ns) const noexcept {
    const std::int64_t backoff = std::max<std::int64_t>(backoff_until_ns_ - now_ns, 0);
    return std::max(backoff, pool_.wait_ns(now_ns, cost));
  }

  // The venue answered 10028: empty the pool and back off.
  void on_rejected(std::int64_t now_ns) noexcept {
    pool_.drain(now_ns);
    backoff_ns_ = backoff_ns_ == 0 ? config_.min_backoff_ns : std::min(backoff_ns_ * 2, config_.max_backoff_ns);
    backoff_until_ns_ = now_ns + backoff_ns_;
    since_backoff_ = 0;
  }

  [[nodiscard]] bool backing_off(std::int64_t now_ns) const noexcept { return now_ns < backoff_until_ns_; }
  [[nodiscard]] std::int64_t current_backoff_ns() const noexcept { return backoff_ns_; }
  [[nodiscard]] const credit_config& config() const noexcept { return config_; }

 private:
  static credit_config sanitize(credit_config c) noexcept {
    c.burst_credits = std::clamp<std::int64_t>(c.burst_credits, 1, 1'000'000'000);
    c.refill_per_s = std::clamp<std::int64_t>(c.refill_per_s, 1, 1'000'000'000);
    c.min_backoff_ns = std::max<std::int64_t>(c.min_backoff_ns, 1'000'000);
    c.max_backoff_ns = std::max(c.max_backoff_ns, c.min_backoff_ns);
    return c;
  }

  credit_config config_;
  token_bucket pool_;
  std::int64_t backoff_ns_ = 0;
  std::int64_t backoff_until_ns_ = 0;
  int since_backoff_ = 0;
};

}  // namespace tickrail::core
