// Every recorded Deribit message in ../shared/data/deribit/samples.jsonl goes
// through the real parser, with field values asserted; then malformed and
// unexpected frames, each with its typed error.
#include "tickrail/deribit/feed_parser.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail::deribit {
namespace {

using core::feed_error;

std::string source_dir() {
  const char* root = std::getenv("TICKRAIL_SOURCE_DIR");
  return root != nullptr ? root : ".";
}

std::vector<std::string> samples() {
  std::ifstream in(source_dir() + "/../shared/data/deribit/samples.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

class deribit_feed : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Status loaded = load_instruments_file(source_dir() + "/config/instruments/deribit.json", catalog_);
    ASSERT_TRUE(loaded.ok()) << loaded;
    lines_ = samples();
    ASSERT_EQ(lines_.size(), 26u) << "samples.jsonl not found or changed";
    parser_ = std::make_unique<feed_parser>(catalog_);
  }

  std::span<const core::event> parse_line(std::size_t line_no, feed_error expect = feed_error::ok) {
    const feed_error got = parser_->parse(lines_.at(line_no - 1), 42);
    EXPECT_EQ(got, expect) << "line " << line_no << ": " << core::to_string(got);
    return parser_->events();
  }

  const core::instrument& inst(std::string_view name) {
    const core::instrument* i = catalog_.find(core::venue::deribit, name);
    EXPECT_NE(i, nullptr) << name;
    return *i;
  }
  core::ticks px(std::string_view name, std::string_view price) {
    std::int64_t u = 0;
    EXPECT_EQ(inst(name).tick.to_units(price, core::rounding::exact, u), core::fp_error::ok) << price;
    return u;
  }
  core::lots qty(std::string_view name, std::string_view amount) {
    std::int64_t u = 0;
    EXPECT_EQ(inst(name).lot.to_units(amount, core::rounding::exact, u), core::fp_error::ok) << amount;
    return u;
  }

  core::instrument_catalog catalog_;
  std::vector<std::string> lines_;
  std::unique_ptr<feed_parser> parser_;
};

TEST_F(deribit_feed, instruments_load_with_kinds_steps_and_lots) {
  EXPECT_EQ(catalog_.size(), 11u);
  const core::instrument& perp = inst("BTC-PERPETUAL");
  EXPECT_EQ(perp.kind, core::instrument_kind::perpetual);
  EXPECT_EQ(perp.expiry_ms, 0);
  EXPECT_EQ(perp.tick.value(), (core::decimal{5, 1}));
  EXPECT_EQ(perp.lot.value(), (core::decimal{10, 0}));
  const core::instrument& put = inst("BTC-11JUN21-25000-P");
  EXPECT_EQ(put.kind, core::instrument_kind::option);
  EXPECT_EQ(put.option, core::option_kind::put);
  EXPECT_EQ(put.strike, (core::decimal{25000, 0}));
  ASSERT_EQ(put.tick_steps.size(), 1u);
  EXPECT_EQ(put.tick_steps[0].above_ticks, 50);  // 0.005 in 0.0001 ticks
  EXPECT_EQ(put.tick_steps[0].step_ticks, 5);    // 0.0005
  core::ticks q = 0;
  ASSERT_EQ(put.quantize_price(63, core::rounding::down, q), core::fp_error::ok);  // 0.0063 → 0.0060
  EXPECT_EQ(q, 60);
  ASSERT_EQ(put.quantize_price(43, core::rounding::down, q), core::fp_error::ok);  // below 0.005: fine grid
  EXPECT_EQ(q, 43);
  EXPECT_EQ(perp.format_price(px("BTC-PERPETUAL", "37317")), "37317.0") << "as Deribit writes it";
  // Fee rates (the paper gateway charges them).
  EXPECT_EQ(perp.taker_commission, (core::decimal{5, 4}));
  EXPECT_EQ(perp.maker_commission, (core::decimal{0, 0}));
  EXPECT_EQ(put.taker_commission, (core::decimal{3, 4}));
  EXPECT_EQ(put.maker_commission, (core::decimal{3, 4}));
}

TEST_F(deribit_feed, every_sample_parses) {
  for (std::size_t i = 1; i <= lines_.size(); ++i) {
    const feed_error e = parser_->parse(lines_[i - 1], 0);
    EXPECT_TRUE(e == feed_error::ok || e == feed_error::ignored) << "line " << i << ": " << core::to_string(e);
  }
  EXPECT_EQ(parser_->counters().errors(), 0u);
  EXPECT_EQ(parser_->counters()[feed_error::ignored], 3u) << "the three chart.trades candles";
}

// Channel routes are cached after the first frame of a channel: a second pass
// over every sample (all cache hits) yields byte-identical events, and a
// fresh parser agrees with both.
TEST_F(deribit_feed, cached_channel_routes_give_the_same_events) {
  feed_parser fresh(catalog_);
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      const feed_error e = parser_->parse(lines_[i], 0);
      const std::vector<core::event> first(parser_->events().begin(), parser_->events().end());
      ASSERT_EQ(fresh.parse(lines_[i], 0), e) << "line " << i + 1;
      ASSERT_EQ(fresh.events().size(), first.size()) << "line " << i + 1;
      for (std::size_t k = 0; k < first.size(); ++k) {
        EXPECT_EQ(std::memcmp(&first[k], &fresh.events()[k], sizeof(core::event)), 0) << "line " << i + 1;
      }
    }
  }
  // An unknown instrument is never cached as anything: it stays unknown.
  const char* unknown = R"({"method":"subscription","params":{"channel":"book.NOPE-PERP.raw","data":{}}})";
  EXPECT_EQ(parser_->parse(unknown, 0), feed_error::unknown_instrument);
  EXPECT_EQ(parser_->parse(unknown, 0), feed_error::unknown_instrument);
}

TEST_F(deribit_feed, book_snapshot) {
  const auto events = parse_line(4);
  ASSERT_EQ(events.size(), 1u);
  const core::event& e = events[0];
  EXPECT_EQ(e.header.type, core::event_type::market_data);
  EXPECT_EQ(e.header.instrument, inst("BTC-25JUN21").id);
  EXPECT_EQ(e.header.exchange_ts_ns, 1622626472678LL * 1'000'000);
  EXPECT_EQ(e.header.local_ts_ns, 42);
  EXPECT_EQ(e.md.kind, core::md_kind::book_snapshot);
  EXPECT_EQ(e.md.change_id, 31479219781);
  EXPECT_EQ(e.md.prev_change_id, -1);
  ASSERT_EQ(e.md.count, 6);
  EXPECT_EQ(e.md.levels[0].book_side, core::side::buy);
  EXPECT_EQ(e.md.levels[0].price_ticks, px("BTC-25JUN21", "37317.0"));
  EXPECT_EQ(e.md.levels[0].qty_lots, qty("BTC-25JUN21", "2960.0"));
  EXPECT_EQ(e.md.levels[0].action, core::book_action::new_level);
  EXPECT_EQ(e.md.levels[3].book_side, core::side::sell);
  EXPECT_EQ(e.md.levels[3].price_ticks, px("BTC-25JUN21", "37327.0"));
  EXPECT_EQ(e.md.levels[5].qty_lots, qty("BTC-25JUN21", "3000.0"));
}

TEST_F(deribit_feed, book_change_with_delete) {
  const auto events = parse_line(5);
  ASSERT_EQ(events.size(), 1u);
  const core::market_data& md = events[0].md;
  EXPECT_EQ(md.kind, core::md_kind::book_change);
  EXPECT_EQ(md.prev_change_id, 31479339296);
  EXPECT_EQ(md.change_id, 31479339507);
  ASSERT_EQ(md.count, 4);
  EXPECT_EQ(md.levels[1].action, core::book_action::change_level);
  EXPECT_EQ(md.levels[1].price_ticks, px("BTC-25JUN21", "37399.0"));
  EXPECT_EQ(md.levels[3].action, core::book_action::delete_level);
  EXPECT_EQ(md.levels[3].qty_lots, 0);
  EXPECT_EQ(md.levels[3].price_ticks, px("BTC-25JUN21", "37848.5"));
}

TEST_F(deribit_feed, option_book_on_fine_ticks) {
  const auto events = parse_line(8);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].md.levels[1].price_ticks, 45) << "0.0045 in 0.0001 ticks";
  EXPECT_EQ(events[0].md.levels[1].qty_lots, 57) << "5.7 in 0.1 lots";
}

TEST_F(deribit_feed, grouped_book_is_a_snapshot) {
  const auto events = parse_line(9);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].md.kind, core::md_kind::book_snapshot);
  EXPECT_EQ(events[0].md.change_id, 45176371821);
  EXPECT_EQ(events[0].md.levels[0].price_ticks, px("BTC-30SEP22", "31975.0"));
  EXPECT_EQ(events[0].md.levels[5].qty_lots, qty("BTC-30SEP22", "2200.0"));
}

TEST_F(deribit_feed, quote) {
  const auto events = parse_line(12);
  ASSERT_EQ(events.size(), 1u);
  const core::ticker_fields& t = events[0].md.ticker;
  EXPECT_EQ(events[0].md.kind, core::md_kind::quote);
  EXPECT_EQ(t.best_bid_ticks, px("BTC-30SEP22", "32499.0"));
  EXPECT_EQ(t.best_ask_lots, qty("BTC-30SEP22", "2400.0"));
  EXPECT_EQ(t.present, 0xFu);
}

TEST_F(deribit_feed, perpetual_ticker_with_funding) {
  const auto events = parse_line(18);
  ASSERT_EQ(events.size(), 1u);
  const core::ticker_fields& t = events[0].md.ticker;
  EXPECT_EQ(events[0].md.kind, core::md_kind::ticker);
  EXPECT_EQ(t.mark_ticks, px("BTC-PERPETUAL", "29933.0")) << "29932.79 to the nearest 0.5";
  EXPECT_EQ(t.last_ticks, px("BTC-PERPETUAL", "29931.0"));
  EXPECT_EQ(t.funding_8h_e9, 2550) << "2.55e-06";
  EXPECT_EQ(t.funding_e9, 0);
  EXPECT_EQ(t.open_interest_lots, 55979131);
  EXPECT_EQ(t.best_bid_lots, qty("BTC-PERPETUAL", "149910.0"));
  const auto all = static_cast<std::uint32_t>(core::ticker_field::open_interest) * 2 - 1;
  EXPECT_EQ(t.present, all);
}

TEST_F(deribit_feed, option_ticker_leaves_out_the_usd_index) {
  const auto events = parse_line(19);
  ASSERT_EQ(events.size(), 1u);
  const core::ticker_fields& t = events[0].md.ticker;
  EXPECT_EQ(t.mark_ticks, 84);
  EXPECT_EQ(t.best_ask_lots, 185);
  EXPECT_EQ(t.present & static_cast<std::uint32_t>(core::ticker_field::index), 0u);
}

TEST_F(deribit_feed, trades_single_and_kind_wide) {
  auto events = parse_line(2);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].md.kind, core::md_kind::trade);
  ASSERT_EQ(events[0].md.count, 2) << "two trades of one instrument share an event";
  EXPECT_EQ(events[0].md.trades[0].trade_seq, 92836831);
  EXPECT_EQ(events[0].md.trades[1].trade_seq, 92836832);
  events = parse_line(3);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].header.instrument, inst("BTC-26MAR21-62000-C").id) << "named in the trade, not the channel";
  EXPECT_EQ(events[0].md.trades[0].price_ticks, 70);
  EXPECT_EQ(events[0].md.trades[0].qty_lots, 1);
  EXPECT_EQ(events[0].md.trades[0].aggressor, core::side::buy);
}

TEST_F(deribit_feed, rpc_results_with_nulls_become_tickers) {
  auto events = parse_line(25);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].header.instrument, inst("BTC-PERPETUAL").id);
  EXPECT_EQ(events[0].md.ticker.best_bid_ticks, px("BTC-PERPETUAL", "29700.5"));
  EXPECT_EQ(events[0].md.ticker.last_ticks, px("BTC-PERPETUAL", "29698.0"));
  // Two option summaries, one of them with bid_price (and mid, low, high) null.
  events = parse_line(24);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].header.instrument, inst("BTC-24JUN22-30000-C").id);
  EXPECT_EQ(events[1].header.instrument, inst("BTC-30DEC22-90000-P").id);
  int without_bid = 0;
  for (const core::event& e : events) {
    EXPECT_NE(e.md.ticker.present & static_cast<std::uint32_t>(core::ticker_field::mark), 0u);
    if ((e.md.ticker.present & static_cast<std::uint32_t>(core::ticker_field::best_bid)) == 0) ++without_bid;
  }
  EXPECT_EQ(without_bid, 1) << "null is absent, not zero";
}

TEST_F(deribit_feed, large_books_continue_in_flagged_fragments) {
  std::string frame =
      R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","timestamp":1,"instrument_name":"BTC-PERPETUAL","change_id":9,"bids":[)";
  for (int i = 0; i < 20; ++i) {
    if (i != 0) frame.append(",");
    frame.append("[\"new\",").append(std::to_string(30000 - i)).append(".5,10.0]");
  }
  frame += R"(],"asks":[["new",30001.0,20.0]]}}})";
  ASSERT_EQ(parser_->parse(frame, 0), feed_error::ok);
  const auto events = parser_->events();
  ASSERT_EQ(events.size(), 3u);  // 21 levels: 8 + 8 + 5
  EXPECT_EQ(events[0].md.fragment, core::k_fragment_more_follows);
  EXPECT_EQ(events[1].md.fragment, core::k_fragment_more_follows | core::k_fragment_continuation);
  EXPECT_EQ(events[2].md.fragment, core::k_fragment_continuation);
  EXPECT_EQ(events[2].md.count, 5);
  for (const auto& e : events) EXPECT_EQ(e.md.change_id, 9);
  EXPECT_EQ(events[2].md.levels[4].book_side, core::side::sell);
}

TEST_F(deribit_feed, keys_in_any_order_and_old_frames_without_type) {
  // prev_change_id first, type absent, data before channel.
  const std::string change =
      R"({"params":{"data":{"bids":[["delete",37311.5,0.0]],"prev_change_id":5,"asks":[],"change_id":6,"instrument_name":"BTC-25JUN21","timestamp":7},"channel":"book.BTC-25JUN21.raw"},"method":"subscription","jsonrpc":"2.0"})";
  ASSERT_EQ(parser_->parse(change, 0), feed_error::ok);
  EXPECT_EQ(parser_->events()[0].md.kind, core::md_kind::book_change);
  EXPECT_EQ(parser_->events()[0].md.prev_change_id, 5);
  const std::string old_snapshot =
      R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"book.BTC-25JUN21.raw","data":{"change_id":6,"bids":[["new",37311.5,10.0]],"asks":[]}}})";
  ASSERT_EQ(parser_->parse(old_snapshot, 0), feed_error::ok);
  EXPECT_EQ(parser_->events()[0].md.kind, core::md_kind::book_snapshot);
}

struct bad_frame {
  const char* json;
  feed_error expect;
};

TEST_F(deribit_feed, malformed_and_unexpected_frames_get_typed_errors) {
  const bad_frame cases[] = {
      {"", feed_error::not_json},
      {"{", feed_error::not_json},
      {"[1,2]", feed_error::unexpected_shape},
      {R"({"method":"heartbeat","params":{"type":"test_request"}})", feed_error::ignored},
      {R"({"jsonrpc":"2.0","id":3,"error":{"code":10028,"message":"too_many_requests"}})", feed_error::ignored},
      {R"({"method":"subscription","params":{"channel":"book.NOPE-PERP.raw","data":{}}})",
       feed_error::unknown_instrument},
      {R"({"method":"subscription","params":{"channel":"deribit_price_index.btc_usd","data":{}}})",
       feed_error::unknown_channel},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","bids":[]}}})",
       feed_error::missing_field},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"change","change_id":2,"bids":[]}}})",
       feed_error::missing_field},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","change_id":1,"bids":[["new",100.25,10]]}}})",
       feed_error::off_tick},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","change_id":1,"bids":[["new",100.5,15]]}}})",
       feed_error::off_tick},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","change_id":1,"bids":[["grow",100.5,10]]}}})",
       feed_error::bad_level},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","change_id":1,"bids":[[100.5,10]]}}})",
       feed_error::bad_level},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","change_id":1,"bids":[["new","x",10]]}}})",
       feed_error::bad_number},
      {R"({"method":"subscription","params":{"channel":"book.BTC-PERPETUAL.raw","data":{"type":"snapshot","change_id":1,"bids":7}}})",
       feed_error::unexpected_shape},
      {R"({"method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.raw","data":[{"price":1.0,"amount":10,"trade_seq":1}]}})",
       feed_error::missing_field},
      {R"({"method":"subscription","params":{"channel":"ticker.BTC-PERPETUAL.100ms","data":{"best_bid_price":"market_price"}}})",
       feed_error::bad_number},
  };
  for (const bad_frame& c : cases) {
    EXPECT_EQ(parser_->parse(c.json, 0), c.expect) << c.json;
    if (c.expect != feed_error::ok) {
      EXPECT_TRUE(parser_->events().empty()) << c.json;
    }
  }
  EXPECT_GT(parser_->counters().errors(), 10u);
}

TEST_F(deribit_feed, oversized_frames_are_refused) {
  feed_parser small(catalog_, feed_parser::options{64, 16});
  EXPECT_EQ(small.parse(lines_[3], 0), feed_error::frame_too_large);
  EXPECT_EQ(small.counters()[feed_error::frame_too_large], 1u);
}

}  // namespace
}  // namespace tickrail::deribit

namespace tickrail::deribit {
namespace {

// The recorded BTC-PERPETUAL snapshot and a change taken later: through the
// real parser and book stage the change's prev_change_id does not continue
// the snapshot, which is a gap and must be reported as one.
TEST_F(deribit_feed, recorded_snapshot_then_later_change_is_a_gap) {
  core::book_builder books(catalog_.size());
  const core::instrument_id perp = inst("BTC-PERPETUAL").id;
  for (const core::event& e : parse_line(6)) EXPECT_EQ(books.apply(e), core::book_outcome::applied);
  EXPECT_TRUE(books.book(perp).valid());
  const auto change = parse_line(7);
  ASSERT_EQ(change.size(), 1u);
  ASSERT_NE(change[0].md.prev_change_id, books.book(perp).last_update_id());
  EXPECT_EQ(books.apply(change[0]), core::book_outcome::gap);
  core::instrument_id id = 0;
  EXPECT_TRUE(books.take_resync_request(id));
  EXPECT_EQ(id, perp);
}

}  // namespace
}  // namespace tickrail::deribit
