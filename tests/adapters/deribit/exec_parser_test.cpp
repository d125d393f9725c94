// Trading-connection frames (shaped as Deribit and tickrail-venue send them)
// through the exec parser: envelopes, order/trade/position/portfolio events
// with field values, and every malformed case with its typed error.
#include "tickrail/deribit/exec_parser.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tickrail/deribit/instruments.hpp"
#include "tickrail/deribit/order_encoder.hpp"

namespace tickrail::deribit {
namespace {

using core::exec_kind;
using core::feed_error;
using core::order_state;

std::string source_dir() {
  const char* root = std::getenv("TICKRAIL_SOURCE_DIR");
  return root != nullptr ? root : ".";
}

// An order object as private/buy returns it (Deribit's documented example,
// our label).
std::string order_json(std::string_view state, std::string_view filled, std::string_view price = "37000.5",
                       std::string_view label = "tr-3-17") {
  return std::string(R"({"web":false,"time_in_force":"good_til_cancelled","replaced":false,"reduce_only":false,)") +
         R"("price":)" + std::string(price) + R"(,"post_only":true,"order_type":"limit","order_state":")" +
         std::string(state) + R"(","order_id":"BTC-42","max_show":30,"last_update_timestamp":1795323600123,)" +
         R"("label":")" + std::string(label) + R"(","is_liquidation":false,"instrument_name":"BTC-PERPETUAL",)" +
         R"("filled_amount":)" + std::string(filled) +
         R"(,"direction":"buy","creation_timestamp":1795323600100,"commission":0,"average_price":37000.5,)" +
         R"("api":true,"amount":30})";
}

std::string trade_json(int seq, std::string_view amount, std::string_view label = "tr-3-17") {
  return R"({"trade_seq":)" + std::to_string(seq) + R"(,"trade_id":"BTC-)" + std::to_string(seq) +
         R"(","timestamp":1795323600124,"tick_direction":0,"state":"open","reduce_only":false,"price":37000.5,)"
         R"("post_only":true,"order_type":"limit","order_id":"BTC-42","matching_id":null,"mark_price":37001.2,)"
         R"("liquidity":"M","label":")" +
         std::string(label) +
         R"(","instrument_name":"BTC-PERPETUAL","index_price":37002.1,"fee_currency":"BTC","fee":-1.5e-06,)"
         R"("direction":"buy","amount":)" +
         std::string(amount) + "}";
}

class exec_parser_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Status loaded = load_instruments_file(source_dir() + "/config/instruments/deribit.json", catalog_);
    ASSERT_TRUE(loaded.ok()) << loaded;
    perp_ = catalog_.find(core::venue::deribit, "BTC-PERPETUAL")->id;
    encoder_ = std::make_unique<order_encoder>(catalog_, "tr");
    parser_ = std::make_unique<exec_parser>(catalog_, *encoder_);
  }

  std::span<const core::event> parse(const std::string& text, feed_error expect = feed_error::ok) {
    const feed_error got = parser_->parse(text, 99);
    EXPECT_EQ(got, expect) << core::to_string(got) << " for " << text;
    return parser_->events();
  }

  core::instrument_catalog catalog_;
  core::instrument_id perp_ = 0;
  std::unique_ptr<order_encoder> encoder_;
  std::unique_ptr<exec_parser> parser_;
};

TEST_F(exec_parser_test, buy_reply_gives_ack_and_fills) {
  const auto ev = parse(R"({"jsonrpc":"2.0","id":7,"result":{"trades":[)" + trade_json(5, "10") + "]," + R"("order":)" +
                        order_json("open", "10") + R"(},"usIn":1,"usOut":2,"usDiff":1,"testnet":true})");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(parser_->frame().kind, frame_kind::reply);
  EXPECT_EQ(parser_->frame().id, 7);
  const core::exec_report& fill = ev[0].exec;
  EXPECT_EQ(fill.kind, exec_kind::fill);
  EXPECT_EQ(ev[0].header.type, core::event_type::exec_report);
  EXPECT_EQ(ev[0].header.instrument, perp_);
  EXPECT_EQ(ev[0].header.local_ts_ns, 99);
  EXPECT_EQ(ev[0].header.exchange_ts_ns, 1795323600124'000'000);
  EXPECT_EQ(fill.cl_ord_id, core::make_client_order_id(3, 17));
  EXPECT_EQ(fill.request_id, 7);
  EXPECT_EQ(fill.trade_seq, 5);
  EXPECT_EQ(fill.last_price_ticks, 74001);
  EXPECT_EQ(fill.last_qty_lots, 1);
  EXPECT_EQ(fill.fee_e8, -150);
  EXPECT_STREQ(fill.venue_order_id, "BTC-42");
  const core::exec_report& ack = ev[1].exec;
  EXPECT_EQ(ack.kind, exec_kind::order_ack);
  EXPECT_EQ(ack.state, order_state::partially_filled);
  EXPECT_EQ(ack.order_side, core::side::buy);
  EXPECT_EQ(ack.qty_lots, 3);
  EXPECT_EQ(ack.filled_lots, 1);
  EXPECT_EQ(ack.price_ticks, 74001);
  EXPECT_EQ(ack.order_flags, core::k_order_post_only);
  EXPECT_EQ(ack.request_id, 7);
}

TEST_F(exec_parser_test, user_channels) {
  auto ev = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.orders.BTC-PERPETUAL.raw",)"
                  R"("data":)" +
                  order_json("filled", "30") + "}}");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(parser_->frame().kind, frame_kind::subscription);
  EXPECT_FALSE(parser_->frame().market_data);
  EXPECT_EQ(ev[0].exec.kind, exec_kind::order_update);
  EXPECT_EQ(ev[0].exec.state, order_state::filled);
  EXPECT_EQ(ev[0].exec.request_id, 0);

  ev = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.orders.future.BTC.100ms",)"
             R"("data":[)" +
             order_json("open", "0") + "," + order_json("cancelled", "0", "37001") + "]}}");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].exec.state, order_state::open);
  EXPECT_EQ(ev[1].exec.state, order_state::cancelled);
  EXPECT_EQ(ev[1].exec.price_ticks, 74002);

  ev = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.trades.future.BTC.raw","data":[)" +
             trade_json(6, "20") + "," + trade_json(7, "10", "someone-else") + "]}}");
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].exec.last_qty_lots, 2);
  // Fees as the venue's doubles print them: more digits than a decimal holds.
  std::string long_fee = trade_json(9, "10");
  long_fee.replace(long_fee.find("-1.5e-06"), 8, "4.998950220453705E-8");
  ev = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.trades.future.BTC.raw","data":[)" +
             long_fee + "]}}");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].exec.fee_e8, 5);
  ev = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.trades.future.BTC.raw","data":[)" +
             trade_json(6, "20") + "," + trade_json(7, "10", "someone-else") + "]}}");
  EXPECT_EQ(ev[1].exec.cl_ord_id, 0u);  // not our label

  ev = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.portfolio.btc","data":)"
             R"({"total_pl":0,"maintenance_margin":0.01,"equity":10.12345678912,"currency":"BTC","balance":10}}})");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].exec.kind, exec_kind::portfolio);
  EXPECT_EQ(ev[0].exec.equity_e8, 1012345679);
}

TEST_F(exec_parser_test, market_data_on_the_same_connection_is_flagged) {
  const auto ev = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-PERPETUAL.raw",)"
                        R"("data":[)" +
                        trade_json(8, "10") + "]}}");
  EXPECT_TRUE(ev.empty());
  EXPECT_TRUE(parser_->frame().market_data);
  EXPECT_EQ(parser_->frame().channel, "trades.BTC-PERPETUAL.raw");
  // Data before its channel: still not mistaken for our fills.
  const auto ev2 = parse(R"({"jsonrpc":"2.0","method":"subscription","params":{"data":[)" + trade_json(8, "10") +
                         R"(],"channel":"trades.BTC-PERPETUAL.raw"}})");
  EXPECT_TRUE(ev2.empty());
}

TEST_F(exec_parser_test, envelopes) {
  auto ev = parse(R"({"jsonrpc":"2.0","id":9,"error":{"message":"not_enough_funds","code":10009,)"
                  R"("data":{"reason":"margin"}},"usIn":1})");
  EXPECT_TRUE(ev.empty());
  EXPECT_EQ(parser_->frame().kind, frame_kind::error);
  EXPECT_EQ(parser_->frame().id, 9);
  EXPECT_EQ(parser_->frame().error_code, 10009);
  EXPECT_EQ(parser_->frame().error_message, "not_enough_funds");

  (void)parse(R"({"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}})");
  EXPECT_EQ(parser_->frame().kind, frame_kind::test_request);
  (void)parse(R"({"params":{"type":"heartbeat"},"method":"heartbeat","jsonrpc":"2.0"})");
  EXPECT_EQ(parser_->frame().kind, frame_kind::heartbeat);

  (void)parse(R"({"jsonrpc":"2.0","id":1,"result":{"token_type":"bearer","scope":"session:x trade:read_write",)"
              R"("refresh_token":"r\"1","expires_in":900,"access_token":"a1"}})");
  EXPECT_EQ(parser_->frame().kind, frame_kind::reply);
  EXPECT_EQ(parser_->frame().access_token, "a1");
  EXPECT_EQ(parser_->frame().refresh_token, "r\"1");
  EXPECT_EQ(parser_->frame().expires_in_s, 900);

  (void)parse(R"({"jsonrpc":"2.0","id":12,"result":4})");
  EXPECT_EQ(parser_->frame().count, 4);
  (void)parse(R"({"jsonrpc":"2.0","id":13,"result":["user.orders.any.any.raw"]})");
  EXPECT_EQ(parser_->frame().kind, frame_kind::reply);
  (void)parse(R"({"jsonrpc":"2.0","id":14,"result":"ok"})");
  EXPECT_EQ(parser_->frame().id, 14);
}

TEST_F(exec_parser_test, reconciliation_listings) {
  // Open orders of a currency, one on an instrument we do not load: skipped.
  auto ev =
      parse(R"({"jsonrpc":"2.0","id":20,"result":[)" + order_json("open", "0") + "," +
            R"({"order_state":"open","order_id":"X-1","instrument_name":"BTC-1JAN99","direction":"buy","amount":1}]})");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].exec.kind, exec_kind::order_update);
  EXPECT_EQ(parser_->frame().skipped, 1u);

  ev = parse(R"({"jsonrpc":"2.0","id":21,"result":{"trades":[)" + trade_json(9, "10") + R"(],"has_more":true}})");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].exec.kind, exec_kind::fill);
  EXPECT_TRUE(parser_->frame().has_more);

  ev = parse(R"({"jsonrpc":"2.0","id":22,"result":[{"size_currency":-0.001,"size":-50,"kind":"future",)"
             R"("instrument_name":"BTC-PERPETUAL","direction":"sell","average_price":37001.26}]})");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].exec.kind, exec_kind::position);
  EXPECT_EQ(ev[0].exec.qty_lots, -5);
  EXPECT_EQ(ev[0].exec.price_ticks, 74003);  // rounded to the nearest tick
}

TEST_F(exec_parser_test, stop_market_orders_have_no_price) {
  std::string o = order_json("untriggered", "0", R"("market_price")");
  const auto ev = parse(R"({"jsonrpc":"2.0","id":5,"result":{"order":)" + o + R"(,"trades":[]}})");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].exec.state, order_state::untriggered);
  EXPECT_EQ(ev[0].exec.price_ticks, 0);
}

TEST_F(exec_parser_test, malformed_frames_are_typed_errors) {
  const std::string sub = R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":"user.orders.x.raw","data":)";
  (void)parse("{not json", feed_error::not_json);
  (void)parse("[1,2]", feed_error::unexpected_shape);
  (void)parse(R"({"id":"x","result":1})", feed_error::bad_number);
  (void)parse(R"({"id":1,"error":{"message":"no code"}})", feed_error::missing_field);
  (void)parse(R"({"method":"subscription","params":{"data":{}}})", feed_error::missing_field);
  (void)parse(sub + order_json("weird", "0") + "}}", feed_error::unexpected_shape);
  (void)parse(sub + order_json("open", "0", "37000.25") + "}}", feed_error::off_tick);
  (void)parse(sub + order_json("open", "40") + "}}", feed_error::bad_number);  // filled > amount
  std::string quote_id = order_json("open", "0");
  quote_id.replace(quote_id.find("BTC-42"), 6, R"(B\"C)");
  (void)parse(sub + quote_id + "}}", feed_error::unexpected_shape);
  std::string no_amount = order_json("open", "0");
  no_amount.replace(no_amount.find(R"(,"amount":30)"), 12, "");
  (void)parse(sub + no_amount + "}}", feed_error::missing_field);
  (void)parse(sub + R"([)" + trade_json(1, "0") + "]}}", feed_error::bad_number);
  EXPECT_TRUE(parser_->events().empty());
  EXPECT_GE(parser_->counters()[feed_error::not_json], 1u);

  exec_parser small(catalog_, *encoder_, {.max_frame_bytes = 1 << 16, .max_events = 2});
  std::string three =
      sub + "[" + order_json("open", "0") + "," + order_json("open", "0") + "," + order_json("open", "0") + "]}}";
  EXPECT_EQ(small.parse(three, 1), feed_error::frame_too_large);
  EXPECT_EQ(small.parse(std::string(70000, ' '), 1), feed_error::frame_too_large);
}

}  // namespace
}  // namespace tickrail::deribit
