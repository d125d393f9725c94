// Binance USD-M: exchangeInfo instruments, each frame type, the futures
// order-book sync procedure, and the whole recorded BTCUSDT capture
// (../shared/data/binance/btcusdt_20240808.gz) through parser and book.
#include "tickrail/binance/feed_parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tickrail/binance/instruments.hpp"
#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/capture_reader.hpp"

namespace tickrail::binance {
namespace {

using core::feed_error;

std::string source_dir() {
  const char* root = std::getenv("TICKRAIL_SOURCE_DIR");
  return root != nullptr ? root : ".";
}

class binance_feed : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Status loaded =
        load_exchange_info_file(source_dir() + "/config/instruments/binance_usdm.json", catalog_);
    ASSERT_TRUE(loaded.ok()) << loaded;
    btc_ = catalog_.find(core::venue::binance_usdm, "BTCUSDT");
    ASSERT_NE(btc_, nullptr);
    parser_ = std::make_unique<feed_parser>(catalog_);
  }

  core::ticks px(std::string_view text) {
    std::int64_t u = 0;
    EXPECT_EQ(btc_->tick.to_units(text, core::rounding::exact, u), core::fp_error::ok) << text;
    return u;
  }

  static std::string depth(std::int64_t U, std::int64_t u, std::int64_t pu, const std::string& bids,
                           const std::string& asks = "") {
    return R"({"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":)" +
           std::to_string(U) + R"(,"u":)" + std::to_string(u) + R"(,"pu":)" + std::to_string(pu) + R"(,"b":[)" + bids +
           R"(],"a":[)" + asks + "]}}";
  }

  core::instrument_catalog catalog_;
  const core::instrument* btc_ = nullptr;
  std::unique_ptr<feed_parser> parser_;
};

TEST_F(binance_feed, exchange_info_gives_ticks_lots_and_the_venue_format) {
  EXPECT_EQ(btc_->kind, core::instrument_kind::perpetual);
  EXPECT_EQ(btc_->tick.value(), (core::decimal{1, 1}));
  EXPECT_EQ(btc_->lot.value(), (core::decimal{1, 3}));
  EXPECT_EQ(btc_->min_notional, (core::decimal{100, 0}));
  EXPECT_EQ(btc_->format_price(px("61800.2")), "61800.20") << "as Binance writes it";
  EXPECT_EQ(btc_->format_qty(2909), "2.909");
  core::instrument_catalog bad;
  EXPECT_FALSE(load_exchange_info(R"({"symbols":[{"symbol":"X","filters":[]}]})", bad).ok());
  EXPECT_FALSE(load_exchange_info("{", bad).ok());
}

TEST_F(binance_feed, book_ticker_trade_and_agg_trade) {
  ASSERT_EQ(
      parser_->parse(
          R"({"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256313}})",
          9),
      feed_error::ok);
  ASSERT_EQ(parser_->events().size(), 1u);
  const core::event& q = parser_->events()[0];
  EXPECT_EQ(q.md.kind, core::md_kind::quote);
  EXPECT_EQ(q.md.ticker.best_bid_ticks, px("61800.20"));
  EXPECT_EQ(q.md.ticker.best_ask_lots, 2510);
  EXPECT_EQ(q.header.exchange_ts_ns, 1723161256313LL * 1'000'000);
  EXPECT_EQ(q.header.local_ts_ns, 9);

  ASSERT_EQ(
      parser_->parse(
          R"({"e":"trade","E":1,"T":2,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":false})",
          0),
      feed_error::ok);
  const core::trade_print& t = parser_->events()[0].md.trades[0];
  EXPECT_EQ(t.trade_seq, 5266583935);
  EXPECT_EQ(t.qty_lots, 6);
  EXPECT_EQ(t.aggressor, core::side::buy) << "buyer not maker: the buyer took";

  ASSERT_EQ(
      parser_->parse(
          R"({"e":"aggTrade","E":1,"s":"BTCUSDT","a":77,"p":"61800.00","q":"1.000","f":1,"l":3,"T":2,"m":true})", 0),
      feed_error::ok);
  EXPECT_EQ(parser_->events()[0].md.trades[0].trade_seq, 77);
  EXPECT_EQ(parser_->events()[0].md.trades[0].aggressor, core::side::sell);
}

TEST_F(binance_feed, futures_sync_buffers_then_chains_from_the_snapshot) {
  core::book_builder books(catalog_.size());
  auto feed = [&](const std::string& frame) {
    EXPECT_EQ(parser_->parse(frame, 0), feed_error::ok) << frame;
    core::book_outcome last = core::book_outcome::not_book;
    for (const core::event& e : parser_->events()) last = books.apply(e);
    return std::make_pair(parser_->events().size(), last);
  };
  // Before the snapshot: buffered, nothing emitted.
  EXPECT_EQ(feed(depth(90, 95, 89, R"(["100.0","1.000"])")).first, 0u);
  EXPECT_EQ(feed(depth(96, 104, 95, R"(["100.1","2.000"])")).first, 0u);
  EXPECT_EQ(feed(depth(105, 110, 104, R"(["100.2","3.000"])", R"(["100.5","1.000"])")).first, 0u);
  EXPECT_EQ(parser_->state(btc_->id), sync_state::awaiting_snapshot);
  // Snapshot L=100: u=95 is dropped, 96..104 covers 100 and is re-chained to
  // it, 105..110 follows with pu=104.
  const auto [count, outcome] =
      feed(R"({"lastUpdateId":100,"E":1,"T":1,"bids":[["99.0","5.000"]],"asks":[["101.0","4.000"]]})");
  EXPECT_EQ(count, 3u);
  EXPECT_EQ(outcome, core::book_outcome::applied);
  EXPECT_EQ(parser_->state(btc_->id), sync_state::live);
  const core::order_book& book = books.book(btc_->id);
  EXPECT_TRUE(book.valid());
  EXPECT_EQ(book.best(core::side::buy).price_ticks, px("100.2"));
  EXPECT_EQ(book.best(core::side::sell).price_ticks, px("100.5"));
  EXPECT_EQ(book.last_update_id(), 110);
  EXPECT_EQ(parser_->sync().dropped_stale, 1u);
  // Live: pu must equal the previous u; a skip is a gap in the book stage.
  EXPECT_EQ(feed(depth(111, 115, 110, R"(["100.2","0.000"])")).second, core::book_outcome::applied);
  EXPECT_EQ(feed(depth(120, 125, 118, R"(["100.3","1.000"])")).second, core::book_outcome::gap);
  core::instrument_id id = 0;
  ASSERT_TRUE(books.take_resync_request(id));
  parser_->request_resync(id);
  EXPECT_EQ(feed(depth(126, 130, 125, R"(["100.4","1.000"])")).first, 0u) << "buffered again";
  feed(R"({"lastUpdateId":128,"bids":[["99.0","5.000"]],"asks":[["101.0","4.000"]]})");
  EXPECT_TRUE(books.book(btc_->id).valid());
  EXPECT_EQ(books.counters(btc_->id).resyncs, 1u);
}

TEST_F(binance_feed, a_snapshot_the_buffer_cannot_continue_reports_a_gap) {
  core::book_builder books(catalog_.size());
  ASSERT_EQ(parser_->parse(depth(200, 210, 199, R"(["100.0","1.000"])"), 0), feed_error::ok);
  ASSERT_EQ(parser_->parse(R"({"lastUpdateId":150,"bids":[],"asks":[]})", 0), feed_error::ok);
  core::book_outcome last = core::book_outcome::not_book;
  for (const core::event& e : parser_->events()) last = books.apply(e);
  EXPECT_EQ(last, core::book_outcome::gap) << "U=200 > L=150: updates 151..199 are missing";
  EXPECT_EQ(parser_->sync().sync_failures, 1u);
  EXPECT_EQ(parser_->state(btc_->id), sync_state::awaiting_snapshot);
}

TEST_F(binance_feed, malformed_frames_get_typed_errors) {
  const std::pair<const char*, feed_error> cases[] = {
      {"not json", feed_error::not_json},
      {"[]", feed_error::unexpected_shape},
      {R"({"e":"kline","s":"BTCUSDT"})", feed_error::unknown_channel},
      {R"({"e":"trade","s":"DOGEUSDT"})", feed_error::unknown_instrument},
      {R"({"e":"trade"})", feed_error::missing_field},
      {R"({"e":"trade","s":"BTCUSDT","p":"1.05","q":"1","t":1,"m":true})", feed_error::off_tick},
      {R"({"e":"trade","s":"BTCUSDT","p":"abc","q":"1","t":1,"m":true})", feed_error::bad_number},
      {R"({"e":"depthUpdate","s":"BTCUSDT","U":1,"u":2,"b":[]})", feed_error::missing_field},
      {R"({"e":"depthUpdate","s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[["1.0"]]})", feed_error::bad_level},
      {R"({"lastUpdateId":5,"bids":[],"asks":[]})", feed_error::unsynced_snapshot},
  };
  for (const auto& [json, expect] : cases) {
    EXPECT_EQ(parser_->parse(json, 0), expect) << json;
    EXPECT_TRUE(parser_->events().empty()) << json;
  }
}

// The whole recorded capture: synced from its REST snapshot, every gap
// reported, and the final book top equal to the last bookTicker.
TEST_F(binance_feed, recorded_capture_replays_to_the_last_book_ticker) {
  auto reader = core::capture_reader::open(source_dir() + "/../shared/data/binance/btcusdt_20240808.gz");
  ASSERT_TRUE(reader.ok()) << reader.status();
  core::book_builder books(catalog_.size(), 8192);
  std::int64_t recv_ns = 0;
  std::string_view frame;
  core::ticker_fields last_ticker{};
  std::uint64_t gaps = 0, frames = 0, depth_updates = 0;
  while ((*reader)->next(recv_ns, frame)) {
    ++frames;
    ASSERT_EQ(parser_->parse(frame, recv_ns), feed_error::ok) << frame.substr(0, 200);
    for (const core::event& e : parser_->events()) {
      if (e.md.kind == core::md_kind::quote) last_ticker = e.md.ticker;
      if (e.md.kind == core::md_kind::book_change && (e.md.fragment & core::k_fragment_continuation) == 0)
        ++depth_updates;
      if (books.apply(e) == core::book_outcome::gap) ++gaps;
    }
    core::instrument_id id = 0;
    while (books.take_resync_request(id)) parser_->request_resync(id);
  }
  EXPECT_TRUE((*reader)->error().empty()) << (*reader)->error();
  EXPECT_EQ(frames, 93954u);
  EXPECT_EQ((*reader)->malformed(), 0u);
  EXPECT_EQ(parser_->sync().snapshots, 1u);
  EXPECT_EQ(gaps, books.counters(btc_->id).gaps);
  EXPECT_EQ(gaps, 0u) << "the capture's depth chain is unbroken";
  EXPECT_GT(depth_updates, 6500u);
  const core::order_book& book = books.book(btc_->id);
  ASSERT_TRUE(book.valid());
  EXPECT_EQ(book.best(core::side::buy).price_ticks, last_ticker.best_bid_ticks);
  EXPECT_EQ(book.best(core::side::sell).price_ticks, last_ticker.best_ask_ticks);
  EXPECT_EQ(btc_->format_price(book.best(core::side::buy).price_ticks), "61659.70");
  EXPECT_EQ(btc_->format_price(book.best(core::side::sell).price_ticks), "61659.80");
  EXPECT_EQ(parser_->counters().errors(), 0u);
}

}  // namespace
}  // namespace tickrail::binance
