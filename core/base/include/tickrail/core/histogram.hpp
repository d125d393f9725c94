// tickrail/core/histogram.hpp — log-linear latency histogram (HDR-like).
//
// Records nanosecond values in O(1) with no allocation after construction and
// answers percentiles within 1 % relative error over 1 ns … 10 s (the whole
// range, not just its middle). Layout: values below 2^k_sub_bits are counted
// exactly; above, each power-of-two range [2^p, 2^(p+1)) is split into
// 2^k_sub_bits equal buckets, so a bucket is at most 1/128 of its lower
// bound wide. A percentile reports the bucket's midpoint (clamped to the
// exact min and max), i.e. within 1/256 ≈ 0.4 % of the true sample.
// Values above the top of the range (~17 s) are counted in the last bucket
// and in overflow().
//
// Percentiles use the nearest-rank definition: the smallest recorded value v
// such that at least q·count samples are <= v.
//
// Thread-safety: none; one writer. Each stage records into its own histogram
// and the slow path merges copies.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace tickrail::core {

class latency_histogram {
 public:
  static constexpr unsigned k_sub_bits = 7;  // 128 sub-buckets per octave
  static constexpr std::uint64_t k_sub_count = 1u << k_sub_bits;
  static constexpr unsigned k_max_bits = 34;  // 2^34 ns ≈ 17.2 s
  static constexpr std::size_t k_bucket_count = k_sub_count + (k_max_bits - k_sub_bits) * k_sub_count;
  static constexpr std::uint64_t k_max_trackable = (std::uint64_t{1} << k_max_bits) - 1;

  latency_histogram() : counts_(std::make_unique<std::uint64_t[]>(k_bucket_count)) {}
  latency_histogram(const latency_histogram& other);
  latency_histogram& operator=(const latency_histogram& other);
  latency_histogram(latency_histogram&&) noexcept = default;
  latency_histogram& operator=(latency_histogram&&) noexcept = default;

  // O(1): a count-leading-zeros, a shift and two adds.
  void record(std::uint64_t value_ns) noexcept {
    if (value_ns > k_max_trackable) [[unlikely]] {
      ++overflow_;
    }
    ++counts_[bucket_of(value_ns)];
    ++count_;
    sum_ += value_ns;
    if (value_ns < min_) min_ = value_ns;
    if (value_ns > max_) max_ = value_ns;
  }

  // Adds every sample of `other`.
  void merge(const latency_histogram& other) noexcept;
  void reset() noexcept;

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] std::uint64_t overflow() const noexcept { return overflow_; }
  [[nodiscard]] std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
  [[nodiscard]] double mean() const noexcept {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0.0;
  }
  // q in [0, 1]; 0 when empty.
  [[nodiscard]] std::uint64_t percentile(double q) const noexcept;

  // One line: "n=… min=… p50=… p90=… p99=… p99.9=… p99.99=… max=… mean=…" (ns).
  [[nodiscard]] std::string summary() const;
  // A percentile distribution table like HdrHistogram's, one row per
  // quantile step, for plotting.
  [[nodiscard]] std::string distribution() const;

  // Bucket geometry, public for tests.
  [[nodiscard]] static constexpr std::size_t bucket_of(std::uint64_t v) noexcept {
    if (v > k_max_trackable) v = k_max_trackable;
    if (v < k_sub_count) return static_cast<std::size_t>(v);
    const unsigned p = 63u - static_cast<unsigned>(std::countl_zero(v));  // 2^p <= v < 2^(p+1)
    const unsigned shift = p - k_sub_bits;
    return static_cast<std::size_t>(k_sub_count + shift * k_sub_count + ((v >> shift) - k_sub_count));
  }
  [[nodiscard]] static constexpr std::uint64_t bucket_low(std::size_t b) noexcept {
    if (b < k_sub_count) return b;
    const std::uint64_t shift = (b - k_sub_count) / k_sub_count;
    const std::uint64_t sub = (b - k_sub_count) % k_sub_count;
    return (k_sub_count + sub) << shift;
  }
  [[nodiscard]] static constexpr std::uint64_t bucket_width(std::size_t b) noexcept {
    if (b < k_sub_count) return 1;
    return std::uint64_t{1} << ((b - k_sub_count) / k_sub_count);
  }

 private:
  std::unique_ptr<std::uint64_t[]> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t overflow_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
  std::uint64_t max_ = 0;
};

static_assert(latency_histogram::bucket_of(latency_histogram::k_max_trackable) ==
              latency_histogram::k_bucket_count - 1);
static_assert(latency_histogram::bucket_of(127) == 127 && latency_histogram::bucket_of(128) == 128);
static_assert(latency_histogram::bucket_low(latency_histogram::bucket_of(1'000'000)) <= 1'000'000);

}  // namespace tickrail::core
