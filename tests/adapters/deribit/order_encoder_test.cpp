// Order requests into Deribit JSON-RPC text: every method, exact bytes,
// labels both ways, errors, and no allocation per encode.
#include "tickrail/deribit/order_encoder.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <string>

#include "support/alloc_counter.hpp"
#include "tickrail/deribit/instruments.hpp"

namespace tickrail::deribit {
namespace {

std::string source_dir() {
  const char* root = std::getenv("TICKRAIL_SOURCE_DIR");
  return root != nullptr ? root : ".";
}

class encoder_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const absl::Status loaded = load_instruments_file(source_dir() + "/config/instruments/deribit.json", catalog_);
    ASSERT_TRUE(loaded.ok()) << loaded;
    perp_ = catalog_.find(core::venue::deribit, "BTC-PERPETUAL")->id;
    option_ = catalog_.find(core::venue::deribit, "BTC-30SEP22-60000-C")->id;
  }

  core::order_request place(core::side s, core::ticks px, core::lots qty) const {
    core::order_request r{};
    r.intent.kind = core::intent_kind::place;
    r.intent.order_side = s;
    r.intent.type = core::order_type::limit;
    r.intent.price_ticks = px;
    r.intent.qty_lots = qty;
    r.intent.instrument = perp_;
    r.intent.bot = 3;
    r.intent.cl_ord_id = core::make_client_order_id(3, 1795323600123);
    return r;
  }

  std::string encode(const core::order_request& r, std::int64_t id = 7, encode_error expect = encode_error::ok) const {
    std::array<char, order_encoder::k_max_frame> buf{};
    encoded_order out;
    EXPECT_EQ(encoder_.encode(r, id, buf, out), expect);
    return std::string(buf.data(), expect == encode_error::ok ? out.size : 0);
  }

  core::instrument_catalog catalog_;
  order_encoder encoder_{catalog_, "tr"};
  core::instrument_id perp_ = 0, option_ = 0;
};

TEST_F(encoder_test, limit_buy_with_flags) {
  core::order_request r = place(core::side::buy, 74001, 3);  // 37000.5 USD, 30 USD
  r.intent.flags = core::k_order_post_only;
  EXPECT_EQ(encode(r, 7),
            R"({"jsonrpc":"2.0","id":7,"method":"private/buy","params":{"instrument_name":"BTC-PERPETUAL",)"
            R"("amount":30,"type":"limit","label":"tr-3-1795323600123","price":37000.5,)"
            R"("time_in_force":"good_til_cancelled","post_only":true,"reject_post_only":true}})");
}

TEST_F(encoder_test, market_sell_reduce_only_ioc) {
  core::order_request r = place(core::side::sell, 0, 1);
  r.intent.type = core::order_type::market;
  r.intent.tif = core::time_in_force::immediate_or_cancel;
  r.intent.flags = core::k_order_reduce_only;
  EXPECT_EQ(encode(r, 8),
            R"({"jsonrpc":"2.0","id":8,"method":"private/sell","params":{"instrument_name":"BTC-PERPETUAL",)"
            R"("amount":10,"type":"market","label":"tr-3-1795323600123",)"
            R"("time_in_force":"immediate_or_cancel","reduce_only":true}})");
}

TEST_F(encoder_test, stop_limit_carries_trigger) {
  core::order_request r = place(core::side::sell, 70000, 2);
  r.intent.type = core::order_type::stop_limit;
  r.intent.trigger_price_ticks = 70002;
  const std::string text = encode(r);
  EXPECT_NE(text.find(R"("price":35000,"trigger_price":35001,"trigger":"last_price")"), std::string::npos) << text;
}

TEST_F(encoder_test, option_amount_and_price_decimals) {
  const core::instrument& opt = catalog_[option_];
  core::order_request r = place(core::side::buy, 0, 0);
  r.intent.instrument = option_;
  ASSERT_EQ(opt.tick.to_units("0.0125", core::rounding::exact, r.intent.price_ticks), core::fp_error::ok);
  ASSERT_EQ(opt.lot.to_units("0.3", core::rounding::exact, r.intent.qty_lots), core::fp_error::ok);
  const std::string text = encode(r);
  EXPECT_NE(text.find(R"("instrument_name":"BTC-30SEP22-60000-C","amount":0.3,)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("price":0.0125,)"), std::string::npos) << text;
}

TEST_F(encoder_test, edit_cancel_and_bulk_cancels) {
  core::order_request r = place(core::side::buy, 74000, 4);
  r.intent.kind = core::intent_kind::replace;
  std::strcpy(r.venue_order_id, "BTC-42");
  EXPECT_EQ(encode(r, 9), R"({"jsonrpc":"2.0","id":9,"method":"private/edit","params":{"order_id":"BTC-42",)"
                          R"("amount":40,"price":37000}})");
  r.intent.kind = core::intent_kind::cancel;
  EXPECT_EQ(encode(r, 10), R"({"jsonrpc":"2.0","id":10,"method":"private/cancel","params":{"order_id":"BTC-42"}})");
  // Before the venue id is known, a cancel goes by the order's unique label.
  r.venue_order_id[0] = '\0';
  EXPECT_EQ(encode(r, 11), R"({"jsonrpc":"2.0","id":11,"method":"private/cancel_by_label",)"
                           R"("params":{"label":"tr-3-1795323600123"}})");
  r.intent.kind = core::intent_kind::cancel_instrument;
  EXPECT_EQ(encode(r, 12), R"({"jsonrpc":"2.0","id":12,"method":"private/cancel_all_by_instrument",)"
                           R"("params":{"instrument_name":"BTC-PERPETUAL"}})");
  r.intent.kind = core::intent_kind::cancel_all;
  EXPECT_EQ(encode(r, 13), R"({"jsonrpc":"2.0","id":13,"method":"private/cancel_all","params":{}})");
}

TEST_F(encoder_test, errors_are_typed) {
  core::order_request r = place(core::side::buy, 74000, 4);
  r.intent.kind = core::intent_kind::replace;
  (void)encode(r, 1, encode_error::no_venue_order_id);
  r = place(core::side::buy, 74000, 4);
  r.intent.instrument = static_cast<core::instrument_id>(catalog_.size());
  (void)encode(r, 1, encode_error::unknown_instrument);
  r = place(core::side::buy, 74000, 4);
  r.intent.cl_ord_id = 0;
  (void)encode(r, 1, encode_error::invalid_client_id);
  r = place(core::side::buy, INT64_MAX, 4);
  (void)encode(r, 1, encode_error::unrepresentable);
  std::array<char, 40> small{};
  encoded_order out;
  EXPECT_EQ(encoder_.encode(place(core::side::buy, 74000, 4), 1, small, out), encode_error::buffer_too_small);
}

TEST_F(encoder_test, labels_round_trip_and_foreign_labels_are_not_ours) {
  char label[order_encoder::k_max_label];
  const core::client_order_id id = core::make_client_order_id(65535, (1ull << 48) - 1);
  const std::size_t n = encoder_.write_label(id, label);
  EXPECT_EQ(std::string_view(label, n), "tr-65535-281474976710655");
  EXPECT_EQ(encoder_.parse_label(std::string_view(label, n)), id);
  EXPECT_EQ(encoder_.parse_label("tr-3-17"), core::make_client_order_id(3, 17));
  for (const char* bad : {"", "tr", "tr-", "tr-3", "tr-3-", "tr-3-0", "tr-03-1", "tr-70000-1", "tr-3-281474976710656",
                          "trx-3-1", "xx-3-1", "tr-3-1a", "tr--3-1", "manual order", "tr-3-1-2"}) {
    EXPECT_EQ(encoder_.parse_label(bad), 0u) << bad;
  }
  EXPECT_EQ(encoder_.bot_label_prefix(3), "tr-3-");
  EXPECT_FALSE(order_encoder::valid_label_prefix(""));
  EXPECT_FALSE(order_encoder::valid_label_prefix("a-b"));
  EXPECT_FALSE(order_encoder::valid_label_prefix(std::string(25, 'a')));
  EXPECT_TRUE(order_encoder::valid_label_prefix("desk_1"));
}

TEST_F(encoder_test, encoding_allocates_nothing) {
  std::array<char, order_encoder::k_max_frame> buf{};
  encoded_order out;
  core::order_request r = place(core::side::buy, 74001, 3);
  const std::uint64_t before = test::allocations();
  for (int i = 0; i < 1000; ++i) {
    r.intent.price_ticks = 74000 + i;
    ASSERT_EQ(encoder_.encode(r, i, buf, out), encode_error::ok);
  }
  EXPECT_EQ(test::allocations(), before);
}

}  // namespace
}  // namespace tickrail::deribit
