#include "tickrail/core/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace tickrail::core {
namespace {

std::uint64_t exact_percentile(const std::vector<std::uint64_t>& sorted, double q) {
  const auto rank =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size()))));
  return sorted[rank - 1];
}

void expect_within_one_percent(const latency_histogram& h, std::vector<std::uint64_t> samples) {
  std::sort(samples.begin(), samples.end());
  for (double q : {0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1.0}) {
    const double exact = static_cast<double>(exact_percentile(samples, q));
    const double got = static_cast<double>(h.percentile(q));
    EXPECT_LE(std::fabs(got - exact), 0.01 * exact) << "q=" << q << " exact=" << exact << " got=" << got;
  }
}

TEST(histogram, percentiles_within_one_percent_over_1ns_to_10s) {
  std::mt19937_64 rng(42);
  // Log-uniform over 1 ns .. 10 s: every octave of the range gets samples.
  std::uniform_real_distribution<double> log_value(0.0, std::log(1e10));
  latency_histogram h;
  std::vector<std::uint64_t> samples;
  for (int i = 0; i < 200'000; ++i) {
    const auto v = static_cast<std::uint64_t>(std::exp(log_value(rng)));
    samples.push_back(v);
    h.record(v);
  }
  EXPECT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.overflow(), 0u);
  expect_within_one_percent(h, samples);
}

TEST(histogram, realistic_latency_shape) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> body(std::log(300.0), 0.3);  // ~300 ns tick-to-order
  std::exponential_distribution<double> tail(1.0 / 20'000.0);
  latency_histogram h;
  std::vector<std::uint64_t> samples;
  for (int i = 0; i < 100'000; ++i) {
    const double v = i % 100 == 0 ? 1000.0 + tail(rng) : body(rng);
    samples.push_back(static_cast<std::uint64_t>(v));
    h.record(samples.back());
  }
  expect_within_one_percent(h, samples);
  EXPECT_EQ(h.min(), *std::min_element(samples.begin(), samples.end()));
  EXPECT_EQ(h.max(), *std::max_element(samples.begin(), samples.end()));
}

TEST(histogram, every_bucket_is_at_most_one_128th_of_its_value) {
  for (std::size_t b = latency_histogram::k_sub_count; b < latency_histogram::k_bucket_count; ++b) {
    const auto low = latency_histogram::bucket_low(b);
    ASSERT_EQ(latency_histogram::bucket_of(low), b);
    ASSERT_EQ(latency_histogram::bucket_of(low + latency_histogram::bucket_width(b) - 1), b);
    ASSERT_LE(latency_histogram::bucket_width(b) * 128, low);
  }
}

TEST(histogram, small_values_are_exact_and_edges_behave) {
  latency_histogram h;
  EXPECT_EQ(h.percentile(0.5), 0u) << "empty";
  for (std::uint64_t v : {0u, 1u, 2u, 3u, 127u}) h.record(v);
  EXPECT_EQ(h.percentile(0.0), 0u);
  EXPECT_EQ(h.percentile(0.4), 1u);
  EXPECT_EQ(h.percentile(1.0), 127u);
  h.record(100'000'000'000ull);  // 100 s: beyond the tracked range
  EXPECT_EQ(h.overflow(), 1u);
  EXPECT_EQ(h.max(), 100'000'000'000ull);
  EXPECT_EQ(h.percentile(1.0), 100'000'000'000ull) << "max is exact even past the range";
}

TEST(histogram, merge_equals_recording_everything_in_one) {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<std::uint64_t> dist(1, 5'000'000);
  latency_histogram a, b, all;
  for (int i = 0; i < 50'000; ++i) {
    const auto v = dist(rng);
    (i % 3 ? a : b).record(v);
    all.record(v);
  }
  latency_histogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.mean(), all.mean());
  for (double q : {0.5, 0.9, 0.99, 0.999}) EXPECT_EQ(merged.percentile(q), all.percentile(q));
  merged.reset();
  EXPECT_EQ(merged.count(), 0u);
  EXPECT_EQ(merged.percentile(0.99), 0u);
}

TEST(histogram, text_dump_lists_the_percentiles) {
  latency_histogram h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v);
  const std::string s = h.summary();
  EXPECT_NE(s.find("n=1000"), std::string::npos) << s;
  EXPECT_NE(s.find("p50=500"), std::string::npos) << s;
  EXPECT_NE(s.find("max=1000"), std::string::npos) << s;
  const std::string d = h.distribution();
  EXPECT_NE(d.find("percentile"), std::string::npos);
  EXPECT_GT(std::count(d.begin(), d.end(), '\n'), 10);
}

}  // namespace
}  // namespace tickrail::core
