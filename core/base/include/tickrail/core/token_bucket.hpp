// tickrail/core/token_bucket.hpp — the exact token bucket: pre-trade risk's
// order rate, the gateway's venue credits and the simulator's credit pools
// all count with this one.
//
// Tokens are kept in nano-tokens (tokens × 1e9) at the time of the last
// change, and refilled lazily from the caller's clock: after `elapsed` ns
// the bucket holds min(tokens + elapsed × rate, capacity), computed
// exactly in integers — no floating point, no drift, no "full after a long
// idle" shortcut that over-refills slow buckets with big bursts. A new
// bucket is full. The capacity applies when tokens are read, so a burst
// lowered by configure() takes effect at the next take. Rate 0 means no
// limit. Times are any monotonic ns (event stamps in risk, the gateway's
// clock); a clock that steps back refills nothing. One owner; no
// allocation; everything inline for the hot path.
#pragma once

#include <algorithm>
#include <cstdint>

namespace tickrail::core {

class token_bucket {
 public:
  static constexpr std::int64_t k_nano = 1'000'000'000;  // nano-tokens per token
  static constexpr std::int64_t k_max_rate = 1'000'000'000;
  static constexpr std::int64_t k_max_burst = 1'000'000'000;

  token_bucket() noexcept = default;  // no limit until configured
  token_bucket(std::int64_t rate_per_s, std::int64_t burst) noexcept { configure(rate_per_s, burst); }

  // Tokens per second (0 = no limit) and the burst in tokens, clamped to
  // [0, 1e9] and [1, 1e9]. Keeps the current level (capped at the new burst).
  void configure(std::int64_t rate_per_s, std::int64_t burst) noexcept {
    rate_ = std::clamp<std::int64_t>(rate_per_s, 0, k_max_rate);
    capacity_nano_ = rate_ == 0 ? 0 : std::clamp<std::int64_t>(burst, 1, k_max_burst) * k_nano;
    fill_ns_ = rate_ == 0 ? 0 : (capacity_nano_ + rate_ - 1) / rate_;
  }

  // Takes `cost` tokens (>= 1) when the bucket holds them at `now_ns`.
  [[nodiscard]] bool take(std::int64_t now_ns, std::int64_t cost = 1) noexcept {
    if (rate_ == 0) return true;
    const std::int64_t level = level_nano(now_ns);
    if (level < cost * k_nano) return false;
    tokens_nano_ = level - cost * k_nano;
    at_ns_ = std::max(at_ns_, now_ns);  // a step back must not refill the gap twice
    return true;
  }

  // How long from `now_ns` until `cost` tokens are there (0 = now).
  [[nodiscard]] std::int64_t wait_ns(std::int64_t now_ns, std::int64_t cost = 1) const noexcept {
    if (rate_ == 0) return 0;
    const std::int64_t short_nano = cost * k_nano - level_nano(now_ns);
    return short_nano <= 0 ? 0 : (short_nano + rate_ - 1) / rate_;
  }

  // Empties the bucket at `now_ns` (the venue said we were over).
  void drain(std::int64_t now_ns) noexcept {
    tokens_nano_ = 0;
    at_ns_ = std::max(at_ns_, now_ns);
  }

  // Nano-tokens held at `now_ns`.
  [[nodiscard]] std::int64_t level_nano(std::int64_t now_ns) const noexcept {
    const std::int64_t elapsed = now_ns - at_ns_;
    if (elapsed <= 0) return std::min(tokens_nano_, capacity_nano_);
    // Below fill_ns the product stays under capacity + rate (≤ 2e18): it
    // cannot overflow.
    if (elapsed >= fill_ns_) return capacity_nano_;
    return std::min(tokens_nano_ + elapsed * rate_, capacity_nano_);
  }

  [[nodiscard]] std::int64_t rate_per_s() const noexcept { return rate_; }
  [[nodiscard]] std::int64_t burst() const noexcept { return capacity_nano_ / k_nano; }

 private:
  std::int64_t tokens_nano_ = k_max_burst * k_nano;  // above any capacity: a new bucket is full
  std::int64_t at_ns_ = 0;
  std::int64_t rate_ = 0;
  std::int64_t capacity_nano_ = 0;
  std::int64_t fill_ns_ = 0;
};

}  // namespace tickrail::core
