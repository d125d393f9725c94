// The feed path allocates nothing per frame: every frame of the recorded
// Binance capture and every recorded Deribit message goes through its parser
// and the book stage twice; the second, steady-state pass is counted by the
// global operator new counter (support/alloc_counter.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/alloc_counter.hpp"
#include "tickrail/binance/feed_parser.hpp"
#include "tickrail/binance/instruments.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/capture_reader.hpp"
#include "tickrail/deribit/feed_parser.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail {
namespace {

std::string source_dir() {
  const char* root = std::getenv("TICKRAIL_SOURCE_DIR");
  return root != nullptr ? root : ".";
}

std::vector<std::string> load_frames(const std::string& path) {
  std::vector<std::string> frames;
  auto reader = core::capture_reader::open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return frames;
  std::int64_t ns = 0;
  std::string_view frame;
  while ((*reader)->next(ns, frame)) frames.emplace_back(frame);
  return frames;
}

template <typename Parser>
std::uint64_t run_pass(const std::vector<std::string>& frames, Parser& parser, core::book_builder& books) {
  std::uint64_t events = 0;
  for (const std::string& f : frames) {
    (void)parser.parse(f, 0);
    for (const core::event& e : parser.events()) {
      (void)books.apply(e);
      ++events;
    }
    core::instrument_id id = 0;
    while (books.take_resync_request(id)) {
    }
  }
  return events;
}

TEST(feed_zero_alloc, binance_capture_parse_and_book) {
  core::instrument_catalog catalog;
  ASSERT_TRUE(binance::load_exchange_info_file(source_dir() + "/config/instruments/binance_usdm.json", catalog).ok());
  const auto frames = load_frames(source_dir() + "/../shared/data/binance/btcusdt_20240808.gz");
  ASSERT_EQ(frames.size(), 93954u);
  binance::feed_parser parser(catalog);
  core::book_builder books(catalog.size(), 16384);
  ASSERT_GT(run_pass(frames, parser, books), 100'000u);  // warm-up (first snapshot sync)
  const std::uint64_t before = test::allocations();
  const std::uint64_t events = run_pass(frames, parser, books);
  const std::uint64_t after = test::allocations();
  EXPECT_GT(events, 100'000u);
  EXPECT_EQ(after - before, 0u) << "allocations over " << frames.size() << " frames";
}

TEST(feed_zero_alloc, deribit_messages_parse_and_book) {
  core::instrument_catalog catalog;
  ASSERT_TRUE(deribit::load_instruments_file(source_dir() + "/config/instruments/deribit.json", catalog).ok());
  const auto frames = load_frames(source_dir() + "/../shared/data/deribit/samples.jsonl");
  ASSERT_EQ(frames.size(), 26u);
  deribit::feed_parser parser(catalog);
  core::book_builder books(catalog.size());
  run_pass(frames, parser, books);
  const std::uint64_t before = test::allocations();
  std::uint64_t events = 0;
  for (int pass = 0; pass < 100; ++pass) events += run_pass(frames, parser, books);
  const std::uint64_t after = test::allocations();
  EXPECT_GT(events, 2000u);
  EXPECT_EQ(after - before, 0u);
}

}  // namespace
}  // namespace tickrail
