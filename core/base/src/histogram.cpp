#include "tickrail/core/histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "absl/strings/str_format.h"

namespace tickrail::core {

latency_histogram::latency_histogram(const latency_histogram& other) : latency_histogram() { *this = other; }

latency_histogram& latency_histogram::operator=(const latency_histogram& other) {
  if (this == &other) return *this;
  if (!counts_) counts_ = std::make_unique<std::uint64_t[]>(k_bucket_count);
  std::memcpy(counts_.get(), other.counts_.get(), k_bucket_count * sizeof(std::uint64_t));
  count_ = other.count_;
  overflow_ = other.overflow_;
  sum_ = other.sum_;
  min_ = other.min_;
  max_ = other.max_;
  return *this;
}

void latency_histogram::merge(const latency_histogram& other) noexcept {
  for (std::size_t b = 0; b < k_bucket_count; ++b) counts_[b] += other.counts_[b];
  count_ += other.count_;
  overflow_ += other.overflow_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

void latency_histogram::reset() noexcept {
  std::fill_n(counts_.get(), k_bucket_count, 0);
  count_ = overflow_ = sum_ = max_ = 0;
  min_ = ~std::uint64_t{0};
}

std::uint64_t latency_histogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: the ceil(q·n)-th smallest sample, at least the first.
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  if (rank >= count_) return max_;  // the top sample is known exactly
  std::uint64_t seen = 0;
  for (std::size_t b = 0; b < k_bucket_count; ++b) {
    seen += counts_[b];
    if (seen >= rank) {
      const std::uint64_t mid = bucket_low(b) + (bucket_width(b) - 1) / 2;
      return std::clamp(mid, min(), max_);
    }
  }
  return max_;
}

std::string latency_histogram::summary() const {
  return absl::StrFormat("n=%d min=%d p50=%d p90=%d p99=%d p99.9=%d p99.99=%d max=%d mean=%.1f", count_, min(),
                         percentile(0.50), percentile(0.90), percentile(0.99), percentile(0.999), percentile(0.9999),
                         max_, mean());
}

std::string latency_histogram::distribution() const {
  std::string out = "       value_ns   percentile   count  1/(1-percentile)\n";
  // Halve the distance to 100 % at each step, 5 steps per halving.
  for (int halvings = 0; halvings <= 20; ++halvings) {
    for (int step = 0; step < 5; ++step) {
      const double q = 1.0 - std::pow(0.5, halvings + step / 5.0);
      if (q < 0) continue;
      const std::uint64_t v = percentile(q);
      const auto at_or_below = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
      absl::StrAppendFormat(&out, "%15d %12.6f %7d %17.2f\n", v, q, at_or_below, 1.0 / std::max(1e-12, 1.0 - q));
      if (static_cast<double>(count_) * (1.0 - q) < 1.0) return out;
    }
  }
  return out;
}

}  // namespace tickrail::core
