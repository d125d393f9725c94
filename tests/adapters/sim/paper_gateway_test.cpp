// The paper gateway between real rings: scripted books and trades on the md
// ring, orders on the order ring, and the exec reports it publishes checked
// field by field against what deribit::gateway publishes for the same venue
// behaviour (tools/venue's matching rules).
#include "tickrail/sim/paper_gateway.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>
#include <vector>

#include "support/alloc_counter.hpp"
#include "tickrail/deribit/rpc_errors.hpp"

namespace tickrail {
namespace {

using core::event;
using core::exec_kind;
using core::intent_kind;
using core::lots;
using core::order_state;
using core::order_type;
using core::side;
using core::ticks;
using core::time_in_force;

// BTC-PERPETUAL: tick 0.5 USD, lot 10 USD, inverse, settled in BTC.
// 100000 ticks = 50000 USD. Taker 0.05 %; maker 0.02 % here (Deribit's is
// 0) so that maker and taker fills can be told apart.
constexpr core::instrument_id k_btc = 0;
constexpr core::instrument_id k_eth = 1;
constexpr std::int64_t k_start_ms = 1'700'000'000'000;

core::instrument perpetual(std::string name, std::string coin, core::decimal tick, core::decimal lot) {
  core::instrument inst;
  inst.symbol = std::move(name);
  inst.kind = core::instrument_kind::perpetual;
  inst.base_currency = coin;
  inst.settlement_currency = coin;
  inst.quote_currency = "USD";
  EXPECT_EQ(core::increment::make(tick, inst.tick), core::fp_error::ok);
  EXPECT_EQ(core::increment::make(lot, inst.lot), core::fp_error::ok);
  inst.taker_commission = {5, 4};
  inst.maker_commission = {2, 4};
  return inst;
}

core::instrument_catalog make_catalog() {
  core::instrument_catalog c;
  EXPECT_TRUE(c.add(perpetual("BTC-PERPETUAL", "BTC", {5, 1}, {10, 0})).ok());
  EXPECT_TRUE(c.add(perpetual("ETH-PERPETUAL", "ETH", {5, 2}, {1, 0})).ok());
  return c;
}

core::client_order_id cid(std::uint64_t n) { return core::make_client_order_id(1, n); }

struct lvl {
  side s;
  ticks price;
  lots qty;
};

class paper_gateway_test : public ::testing::Test {
 protected:
  paper_gateway_test() {
    sim::paper_config config;
    config.start_equity = {{"BTC", {10, 0}}, {"ETH", {100, 0}}};
    config.max_orders = 64;
    config.overflow_events = 64;
    config.portfolio_interval_ns = 5'000;
    gw_ = std::make_unique<sim::paper_gateway>(catalog_, config, orders_, 0, md_, 0, exec_);
    exec_buffer_.reserve(4096);
  }

  // ---- market data ----
  event md_event(core::md_kind kind, core::instrument_id id) {
    event e{};
    ts_ms_ += 1;
    e.header = core::make_header(core::event_type::market_data, id, now_, ts_ms_ * 1'000'000);
    e.md.kind = kind;
    return e;
  }
  void push_md(const event& e) { ASSERT_TRUE(md_.try_push(e)); }
  void book(core::md_kind kind, core::instrument_id id, std::initializer_list<lvl> levels) {
    event e = md_event(kind, id);
    std::int64_t& change = change_id_[id];
    e.md.prev_change_id = kind == core::md_kind::book_snapshot ? -1 : change;
    e.md.change_id = ++change;
    for (const lvl& l : levels) {
      core::level_update& u = e.md.levels[e.md.count++];
      u.book_side = l.s;
      u.price_ticks = l.price;
      u.qty_lots = l.qty;
      u.action = l.qty == 0 ? core::book_action::delete_level : core::book_action::change_level;
    }
    push_md(e);
  }
  void snapshot(core::instrument_id id, std::initializer_list<lvl> levels) {
    book(core::md_kind::book_snapshot, id, levels);
  }
  void change(core::instrument_id id, std::initializer_list<lvl> levels) {
    book(core::md_kind::book_change, id, levels);
  }
  void trade(core::instrument_id id, ticks price, lots qty, side aggressor) {
    event e = md_event(core::md_kind::trade, id);
    e.md.count = 1;
    e.md.trades[0] = core::trade_print{price, qty, ++venue_trade_, aggressor, {}};
    push_md(e);
  }
  void mark(core::instrument_id id, ticks price) {
    event e = md_event(core::md_kind::ticker, id);
    e.md.ticker.mark_ticks = price;
    e.md.ticker.present = static_cast<std::uint32_t>(core::ticker_field::mark);
    push_md(e);
  }

  // ---- orders ----
  core::order_request request(intent_kind kind, core::client_order_id id, core::instrument_id inst = k_btc) {
    core::order_request r{};
    r.intent.kind = kind;
    r.intent.cl_ord_id = id;
    r.intent.instrument = inst;
    r.intent.bot = 1;
    return r;
  }
  void send(const core::order_request& r) { ASSERT_TRUE(orders_.try_push(r)); }
  void place(core::client_order_id id, side s, lots qty, ticks price, order_type type = order_type::limit,
             time_in_force tif = time_in_force::good_til_cancelled, std::uint8_t flags = 0, ticks trigger = 0,
             core::instrument_id inst = k_btc) {
    core::order_request r = request(intent_kind::place, id, inst);
    r.intent.order_side = s;
    r.intent.qty_lots = qty;
    r.intent.price_ticks = price;
    r.intent.type = type;
    r.intent.tif = tif;
    r.intent.flags = flags;
    r.intent.trigger_price_ticks = trigger;
    send(r);
  }
  void cancel(core::client_order_id id) { send(request(intent_kind::cancel, id)); }
  void replace(core::client_order_id id, lots qty, ticks price, std::uint8_t flags = 0) {
    core::order_request r = request(intent_kind::replace, id);
    r.intent.qty_lots = qty;
    r.intent.price_ticks = price;
    r.intent.flags = flags;
    send(r);
  }

  // One turn of the gateway, then everything it published.
  std::vector<event> run() {
    now_ += 1'000;
    (void)gw_->poll(now_);
    std::vector<event> out;
    exec_.poll(0, [&](const event& e, core::sequence_t, bool) { out.push_back(e); });
    return out;
  }
  static std::vector<event> of_kind(const std::vector<event>& in, exec_kind k) {
    std::vector<event> out;
    for (const event& e : in) {
      if (e.exec.kind == k) out.push_back(e);
    }
    return out;
  }
  // Standard book: bids 99998 × 4, 99996 × 6; asks 100000 × 3, 125000 × 5.
  void standard_book() {
    snapshot(k_btc, {{side::buy, 99998, 4}, {side::buy, 99996, 6}, {side::sell, 100000, 3}, {side::sell, 125000, 5}});
  }
  // Fee of `qty` lots at `price` ticks at `rate`, × 1e8, as Deribit computes
  // it for an inverse perpetual: qty_usd / price_usd × rate, rounded.
  static std::int64_t inverse_fee(lots qty, ticks price, double rate) {
    return static_cast<std::int64_t>(
        std::llround(static_cast<double>(qty) * 10 / (static_cast<double>(price) * 0.5) * rate * 1e8));
  }

  core::instrument_catalog catalog_ = make_catalog();
  core::ring<core::order_request> orders_{64, 1};
  core::ring<event> md_{256, 1};
  core::ring<event> exec_{4096, 1};
  std::unique_ptr<sim::paper_gateway> gw_;
  std::vector<event> exec_buffer_;
  std::int64_t now_ = 1'000'000;
  std::int64_t ts_ms_ = k_start_ms;
  std::int64_t change_id_[2] = {100, 100};
  std::int64_t venue_trade_ = 0;
};

TEST(paper_gateway_codes, agree_with_deribit) {
  EXPECT_EQ(deribit::to_reason(sim::k_error_post_only), deribit::rpc_reason::post_only_reject);
  EXPECT_EQ(deribit::to_reason(sim::k_error_order_not_found), deribit::rpc_reason::order_not_found);
  EXPECT_EQ(deribit::to_reason(sim::k_error_not_open), deribit::rpc_reason::order_not_found);
  EXPECT_EQ(deribit::to_reason(sim::k_error_reduce_only), deribit::rpc_reason::invalid_amount);
  EXPECT_EQ(deribit::to_reason(sim::k_error_price_wrong_tick), deribit::rpc_reason::invalid_amount);
  EXPECT_EQ(deribit::to_reason(sim::k_error_invalid_params), deribit::rpc_reason::invalid_params);
  EXPECT_EQ(sim::k_error_unencodable, deribit::k_error_unencodable);
}

TEST_F(paper_gateway_test, start_publishes_the_starting_portfolio) {
  gw_->start(now_);
  const auto out = run();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::portfolio);
  EXPECT_EQ(out[0].exec.equity_e8, 10'00000000);
  EXPECT_EQ(out[0].header.instrument, core::no_instrument);
  EXPECT_EQ(out[1].exec.equity_e8, 100'00000000);
}

TEST_F(paper_gateway_test, marketable_order_walks_two_levels_at_the_taker_fee) {
  standard_book();
  (void)run();
  place(cid(1), side::buy, 6, 125000);
  const auto out = run();
  // Reply: order_ack, one fill per level, then the portfolio.
  ASSERT_EQ(out.size(), 4u);
  const core::exec_report& ack = out[0].exec;
  EXPECT_EQ(ack.kind, exec_kind::order_ack);
  EXPECT_EQ(ack.state, order_state::filled);
  EXPECT_EQ(ack.cl_ord_id, cid(1));
  EXPECT_STREQ(ack.venue_order_id, "PAPER-1");
  EXPECT_EQ(ack.qty_lots, 6);
  EXPECT_EQ(ack.filled_lots, 6);
  EXPECT_EQ(ack.price_ticks, 125000);
  EXPECT_EQ(ack.last_price_ticks, 112500) << "average price";
  EXPECT_GT(ack.request_id, 0);
  const core::exec_report& f1 = out[1].exec;
  const core::exec_report& f2 = out[2].exec;
  EXPECT_EQ(f1.kind, exec_kind::fill);
  EXPECT_EQ(f1.last_price_ticks, 100000);
  EXPECT_EQ(f1.last_qty_lots, 3);
  EXPECT_EQ(f1.state, order_state::open) << "the trade's state: the order after it";
  EXPECT_EQ(f1.fee_e8, inverse_fee(3, 100000, 0.0005));
  EXPECT_EQ(f1.fee_e8, 30);
  EXPECT_EQ(f2.last_price_ticks, 125000);
  EXPECT_EQ(f2.last_qty_lots, 3);
  EXPECT_EQ(f2.state, order_state::filled);
  EXPECT_EQ(f2.fee_e8, inverse_fee(3, 125000, 0.0005));
  EXPECT_EQ(f2.fee_e8, 24);
  EXPECT_NE(f1.trade_seq, f2.trade_seq);
  EXPECT_EQ(f1.request_id, ack.request_id);
  EXPECT_EQ(f1.cl_ord_id, cid(1));
  EXPECT_STREQ(f2.venue_order_id, "PAPER-1");
  EXPECT_EQ(out[1].header.instrument, k_btc);
  EXPECT_EQ(out[3].exec.kind, exec_kind::portfolio);
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, 6);
  EXPECT_EQ(gw_->tracker().position_of(k_btc).qty_lots, 6);

  // The same visible liquidity does not fill twice in one book state: only
  // the 2 lots left at 125000.
  place(cid(2), side::buy, 5, 125000, order_type::limit, time_in_force::immediate_or_cancel);
  const auto again = run();
  const auto fills = of_kind(again, exec_kind::fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].exec.last_qty_lots, 2);
  EXPECT_EQ(fills[0].exec.last_price_ticks, 125000);
  EXPECT_EQ(again[0].exec.state, order_state::cancelled) << "IOC remainder";
  EXPECT_EQ(again[0].exec.filled_lots, 2);

  // A fresh snapshot that still shows the level: what we took stays taken
  // while the level lasts (capped to its size); a bigger level shows more.
  change(k_btc, {{side::sell, 125000, 8}});
  place(cid(3), side::buy, 8, 125000, order_type::limit, time_in_force::immediate_or_cancel);
  const auto third = run();
  const auto fills3 = of_kind(third, exec_kind::fill);
  ASSERT_EQ(fills3.size(), 1u);
  EXPECT_EQ(fills3[0].exec.last_qty_lots, 3) << "8 visible, 5 of them already ours";
}

TEST_F(paper_gateway_test, market_order_takes_and_cancels_the_remainder) {
  standard_book();
  place(cid(1), side::sell, 12, 0, order_type::market);
  const auto out = run();
  const auto fills = of_kind(out, exec_kind::fill);
  ASSERT_EQ(fills.size(), 2u);
  EXPECT_EQ(fills[0].exec.last_price_ticks, 99998);
  EXPECT_EQ(fills[1].exec.last_price_ticks, 99996);
  EXPECT_EQ(out[0].exec.state, order_state::cancelled);
  EXPECT_EQ(out[0].exec.filled_lots, 10);
  EXPECT_EQ(out[0].exec.price_ticks, 0) << "market orders carry no price";
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, -10);
}

TEST_F(paper_gateway_test, resting_order_fills_only_after_the_queue_ahead_trades_through) {
  standard_book();
  place(cid(1), side::buy, 2, 99998);
  auto out = run();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::order_ack);
  EXPECT_EQ(out[0].exec.state, order_state::open);
  EXPECT_EQ(gw_->queue_ahead(cid(1)), 4) << "the visible 4 lots at its price";

  trade(k_btc, 99998, 3, side::sell);
  out = run();
  EXPECT_TRUE(out.empty()) << "3 of the 4 ahead traded";
  EXPECT_EQ(gw_->queue_ahead(cid(1)), 1);

  trade(k_btc, 99998, 1, side::buy);  // a buyer lifting: not our side
  out = run();
  EXPECT_TRUE(out.empty());

  trade(k_btc, 99998, 2, side::sell);  // 1 ahead, then 1 for us
  out = run();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::fill);
  EXPECT_EQ(out[0].exec.last_qty_lots, 1);
  EXPECT_EQ(out[0].exec.last_price_ticks, 99998);
  EXPECT_EQ(out[0].exec.fee_e8, inverse_fee(1, 99998, 0.0002)) << "maker fee";
  EXPECT_EQ(out[0].exec.request_id, 0) << "a notification";
  EXPECT_EQ(out[1].exec.kind, exec_kind::order_update);
  EXPECT_EQ(out[1].exec.state, order_state::partially_filled);
  EXPECT_EQ(out[1].exec.filled_lots, 1);
  EXPECT_EQ(out[2].exec.kind, exec_kind::portfolio);

  trade(k_btc, 99997, 5, side::sell);  // through our price: fills the rest
  out = run();
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0].exec.last_qty_lots, 1);
  EXPECT_EQ(out[0].exec.last_price_ticks, 99998) << "maker fills at its own price";
  EXPECT_EQ(out[1].exec.state, order_state::filled);
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, 2);
  EXPECT_EQ(gw_->live_orders(), 0u);
}

TEST_F(paper_gateway_test, queue_ahead_shrinks_with_the_level_and_a_crossing_ask_fills) {
  standard_book();
  place(cid(1), side::buy, 2, 99998);
  (void)run();
  ASSERT_EQ(gw_->queue_ahead(cid(1)), 4);
  change(k_btc, {{side::buy, 99998, 6}});  // joiners behind us do not push us back
  (void)run();
  EXPECT_EQ(gw_->queue_ahead(cid(1)), 4);
  change(k_btc, {{side::buy, 99998, 1}});
  auto out = run();
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(gw_->queue_ahead(cid(1)), 1);
  // The bids at 99998 go and an ask of 1 lot appears at our price: maker fill
  // against what crosses, the rest keeps resting.
  change(k_btc, {{side::buy, 99998, 0}, {side::sell, 99998, 1}});
  out = run();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::fill);
  EXPECT_EQ(out[0].exec.last_qty_lots, 1);
  EXPECT_EQ(out[0].exec.fee_e8, inverse_fee(1, 99998, 0.0002));
  EXPECT_EQ(out[1].exec.state, order_state::partially_filled);
  // The same crossing lot is not ours twice.
  change(k_btc, {{side::sell, 125000, 5}});
  out = run();
  EXPECT_TRUE(out.empty());
}

TEST_F(paper_gateway_test, cancel_edit_cancel_by_label_and_cancel_all) {
  standard_book();
  snapshot(k_eth, {{side::buy, 3000, 10}, {side::sell, 3010, 10}});
  place(cid(1), side::buy, 2, 99996);
  place(cid(2), side::buy, 3, 99990);
  place(cid(3), side::sell, 4, 125010);
  place(cid(4), side::buy, 1, 2990, order_type::limit, time_in_force::good_til_cancelled, 0, 0, k_eth);
  place(cid(5), side::buy, 1, 99980);
  (void)run();
  ASSERT_EQ(gw_->live_orders(), 5u);
  ASSERT_EQ(gw_->queue_ahead(cid(1)), 6);

  // Edit smaller at the same price: keeps its place in the queue.
  replace(cid(1), 1, 99996);
  auto out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::order_ack);
  EXPECT_EQ(out[0].exec.state, order_state::open);
  EXPECT_EQ(out[0].exec.qty_lots, 1);
  EXPECT_EQ(gw_->stats().edits, 1u);
  EXPECT_EQ(gw_->queue_ahead(cid(1)), 6);
  EXPECT_EQ(gw_->tracker().find(cid(1))->in_flight, core::order_tracker::pending::none) << "edit confirmed";
  // Edit to a new price: to the back of the queue there.
  replace(cid(1), 1, 99998);
  out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.price_ticks, 99998);
  EXPECT_EQ(gw_->queue_ahead(cid(1)), 4);
  // Edit through the ask: fills as a taker.
  replace(cid(2), 3, 100000);
  out = run();
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0].exec.state, order_state::filled);
  EXPECT_EQ(out[1].exec.kind, exec_kind::fill);
  EXPECT_EQ(out[1].exec.fee_e8, inverse_fee(3, 100000, 0.0005));

  // Cancel: the reply.
  cancel(cid(3));
  out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::order_ack);
  EXPECT_EQ(out[0].exec.state, order_state::cancelled);
  EXPECT_STREQ(out[0].exec.venue_order_id, "PAPER-3");
  // Cancelling it again: the real gateway sends cancel_by_label (the tracker
  // no longer offers a venue id), Deribit answers 0, nothing is reported.
  cancel(cid(3));
  out = run();
  EXPECT_TRUE(out.empty());
  // Edit of a finished order: unencodable, rejected with its state.
  replace(cid(3), 4, 125000);
  out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::reject);
  EXPECT_EQ(out[0].exec.venue_error, sim::k_error_unencodable);
  EXPECT_EQ(out[0].exec.state, order_state::cancelled);

  send(request(intent_kind::cancel_by_label, cid(5)));
  out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::order_update) << "a notification: the reply is a count";
  EXPECT_EQ(out[0].exec.cl_ord_id, cid(5));
  EXPECT_EQ(out[0].exec.state, order_state::cancelled);

  send(request(intent_kind::cancel_instrument, 0, k_eth));
  out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.cl_ord_id, cid(4));
  EXPECT_EQ(out[0].header.instrument, k_eth);

  place(cid(6), side::sell, 1, 125005);
  (void)run();
  send(request(intent_kind::cancel_all, 0));
  out = run();
  ASSERT_EQ(out.size(), 2u);
  for (const event& e : out) {
    EXPECT_EQ(e.exec.kind, exec_kind::order_update);
    EXPECT_EQ(e.exec.state, order_state::cancelled);
  }
  EXPECT_EQ(gw_->live_orders(), 0u);
  EXPECT_EQ(gw_->tracker().live_orders(), 0u);
}

TEST_F(paper_gateway_test, post_only_that_would_cross_is_rejected) {
  standard_book();
  place(cid(1), side::buy, 1, 100000, order_type::limit, time_in_force::good_til_cancelled, core::k_order_post_only);
  auto out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::reject);
  EXPECT_EQ(out[0].exec.state, order_state::rejected);
  EXPECT_EQ(out[0].exec.venue_error, sim::k_error_post_only);
  EXPECT_EQ(out[0].exec.cl_ord_id, cid(1));
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, 0);

  place(cid(2), side::buy, 1, 99999, order_type::limit, time_in_force::good_til_cancelled, core::k_order_post_only);
  out = run();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].exec.state, order_state::open);
  EXPECT_EQ(out[0].exec.order_flags, core::k_order_post_only);
  // An edit of a post-only order into the ask: rejected, the order stands.
  replace(cid(2), 1, 100000, core::k_order_post_only);
  out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::reject);
  EXPECT_EQ(out[0].exec.venue_error, sim::k_error_post_only);
  EXPECT_EQ(out[0].exec.state, order_state::open);
  EXPECT_EQ(out[0].exec.price_ticks, 99999);
  EXPECT_EQ(gw_->queue_ahead(cid(2)), 0);
}

TEST_F(paper_gateway_test, reduce_only_never_increases_the_position) {
  standard_book();
  place(cid(1), side::sell, 1, 99990, order_type::limit, time_in_force::good_til_cancelled, core::k_order_reduce_only);
  auto out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::reject);
  EXPECT_EQ(out[0].exec.venue_error, sim::k_error_reduce_only) << "flat: nothing to reduce";

  place(cid(2), side::buy, 3, 100000);  // long 3
  (void)run();
  ASSERT_EQ(gw_->position_of(k_btc).qty_lots, 3);
  // Two reduce-only sells of 5 resting above: each cut to the position.
  place(cid(3), side::sell, 5, 125005, order_type::limit, time_in_force::good_til_cancelled, core::k_order_reduce_only);
  place(cid(4), side::sell, 5, 125005, order_type::limit, time_in_force::good_til_cancelled, core::k_order_reduce_only);
  out = run();
  const auto acks = of_kind(out, exec_kind::order_ack);
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].exec.qty_lots, 3);
  EXPECT_EQ(acks[1].exec.qty_lots, 3);
  // A buyer lifts 20 lots through them: the first closes the position, the
  // second cannot reduce any more and is cancelled, never going short.
  trade(k_btc, 125010, 20, side::buy);
  out = run();
  const auto fills = of_kind(out, exec_kind::fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].exec.cl_ord_id, cid(3));
  EXPECT_EQ(fills[0].exec.last_qty_lots, 3);
  const auto updates = of_kind(out, exec_kind::order_update);
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].exec.state, order_state::filled);
  EXPECT_EQ(updates[1].exec.cl_ord_id, cid(4));
  EXPECT_EQ(updates[1].exec.state, order_state::cancelled);
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, 0);
}

TEST_F(paper_gateway_test, stop_market_triggers_on_the_trade_price) {
  standard_book();
  place(cid(1), side::buy, 2, 100000);
  (void)run();
  place(cid(2), side::sell, 2, 0, order_type::stop_market, time_in_force::good_til_cancelled, core::k_order_reduce_only,
        99990);
  auto out = run();
  ASSERT_GE(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::order_ack);
  EXPECT_EQ(out[0].exec.state, order_state::untriggered);

  // The position shrinks to 1 before it triggers: the reduce-only stop
  // may then close only that.
  place(cid(3), side::sell, 1, 0, order_type::market);
  trade(k_btc, 99995, 1, side::sell);
  out = run();
  EXPECT_TRUE(of_kind(out, exec_kind::order_update).empty()) << "above the trigger";
  ASSERT_EQ(gw_->position_of(k_btc).qty_lots, 1);
  mark(k_btc, 99980);  // the mark is not the trigger (last price is)
  out = run();
  EXPECT_TRUE(of_kind(out, exec_kind::fill).empty());

  trade(k_btc, 99990, 1, side::sell);
  out = run();
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::fill);
  EXPECT_EQ(out[0].exec.last_price_ticks, 99998) << "a market order against the bids";
  EXPECT_EQ(out[0].exec.last_qty_lots, 1) << "reduce-only: what is left of the position";
  EXPECT_EQ(out[0].exec.fee_e8, inverse_fee(1, 99998, 0.0005)) << "taker";
  EXPECT_EQ(out[0].exec.type, order_type::stop_market);
  EXPECT_EQ(out[1].exec.kind, exec_kind::order_update);
  EXPECT_EQ(out[1].exec.state, order_state::cancelled) << "the market remainder";
  EXPECT_EQ(out[1].exec.filled_lots, 1);
  EXPECT_EQ(gw_->stats().triggered, 1u);
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, 0);
}

TEST_F(paper_gateway_test, stop_limit_buy_triggers_on_a_rise_and_rests) {
  standard_book();
  place(cid(1), side::buy, 2, 99999, order_type::stop_limit, time_in_force::good_til_cancelled, 0, 100010);
  (void)run();
  trade(k_btc, 100005, 1, side::buy);
  auto out = run();
  EXPECT_TRUE(out.empty());
  trade(k_btc, 100010, 1, side::buy);
  out = run();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::order_update);
  EXPECT_EQ(out[0].exec.state, order_state::open) << "triggered, resting at its limit";
  EXPECT_EQ(gw_->queue_ahead(cid(1)), 0);
}

TEST_F(paper_gateway_test, fill_or_kill_is_all_or_nothing) {
  standard_book();
  place(cid(1), side::buy, 9, 125000, order_type::limit, time_in_force::fill_or_kill);
  auto out = run();
  ASSERT_EQ(out.size(), 1u) << "no fills, no portfolio";
  EXPECT_EQ(out[0].exec.kind, exec_kind::order_ack);
  EXPECT_EQ(out[0].exec.state, order_state::cancelled);
  EXPECT_EQ(out[0].exec.filled_lots, 0);
  place(cid(2), side::buy, 8, 125000, order_type::limit, time_in_force::fill_or_kill);
  out = run();
  EXPECT_EQ(out[0].exec.state, order_state::filled);
  EXPECT_EQ(of_kind(out, exec_kind::fill).size(), 2u);
}

TEST_F(paper_gateway_test, positions_and_equity_follow_fills_and_the_mark) {
  gw_->start(now_);
  standard_book();
  (void)run();
  place(cid(1), side::buy, 10, 100000, order_type::limit, time_in_force::immediate_or_cancel);
  change(k_btc, {{side::sell, 100000, 20}});
  auto out = run();
  auto portfolio = of_kind(out, exec_kind::portfolio);
  ASSERT_EQ(of_kind(out, exec_kind::fill).size(), 1u) << out.size();
  ASSERT_EQ(portfolio.size(), 1u);
  // 100 USD at 50000: fee 100 / 50000 × 0.0005 = 1e-6 BTC; open P&L at the
  // mid 99999 ticks: 100 × (1/50000 − 1/49999.5) = −2e-8.
  EXPECT_EQ(portfolio[0].exec.equity_e8, 10'00000000 - 100 - 2);
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, 10);
  EXPECT_EQ(gw_->position_of(k_btc).avg_entry_ticks, 100000);

  // The mark moves to 55000: a mark-to-market update, at most every 5 µs.
  mark(k_btc, 110000);
  portfolio.clear();
  int turns = 0;
  for (; turns < 10 && portfolio.empty(); ++turns) portfolio = of_kind(run(), exec_kind::portfolio);
  ASSERT_EQ(portfolio.size(), 1u);
  EXPECT_GT(turns, 1) << "not before the interval";
  // 100 × (1/50000 − 1/55000) = 0.000181818… BTC.
  EXPECT_EQ(portfolio[0].exec.equity_e8, 10'00000000 - 100 + 18182);
  EXPECT_EQ(gw_->equity_e8("BTC"), 10'00000000 - 100 + 18182);

  // Close at 55000: the P&L is realised, less the sell's fee (90.9 → 91).
  snapshot(k_btc, {{side::buy, 110000, 20}, {side::sell, 110010, 20}});
  place(cid(2), side::sell, 10, 0, order_type::market);
  out = run();
  portfolio = of_kind(out, exec_kind::portfolio);
  ASSERT_EQ(portfolio.size(), 1u);
  EXPECT_EQ(of_kind(out, exec_kind::fill)[0].exec.fee_e8, 91);
  EXPECT_EQ(portfolio[0].exec.equity_e8, 10'00000000 - 100 + 18182 - 91);
  EXPECT_EQ(gw_->position_of(k_btc).qty_lots, 0);
  EXPECT_EQ(gw_->tracker().position_of(k_btc).qty_lots, 0);
  EXPECT_EQ(gw_->equity_e8("ETH"), 100'00000000) << "other currencies untouched";
  // Flat: mark moves publish nothing more.
  mark(k_btc, 120000);
  (void)run();
  EXPECT_TRUE(of_kind(run(), exec_kind::portfolio).empty());
}

TEST_F(paper_gateway_test, errors_become_rejects_like_the_real_gateway) {
  standard_book();
  place(cid(1), side::buy, 0, 99990);
  place(cid(2), side::buy, 1, 99990);
  place(cid(2), side::buy, 1, 99990);  // duplicate client id: never sent
  auto out = run();
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].exec.kind, exec_kind::reject);
  EXPECT_EQ(out[0].exec.venue_error, sim::k_error_invalid_params);
  EXPECT_EQ(out[0].exec.state, order_state::rejected);
  EXPECT_EQ(out[3].exec.kind, exec_kind::reject);
  EXPECT_EQ(out[3].exec.venue_error, sim::k_error_unencodable);
  EXPECT_EQ(gw_->stats().rejected, 2u);
}

TEST_F(paper_gateway_test, a_full_exec_ring_holds_reports_in_order) {
  core::ring<event> small_exec{4, 1};
  sim::paper_config config;
  config.start_equity = {{"BTC", {1, 0}}};
  sim::paper_gateway gw(catalog_, config, orders_, 0, md_, 0, small_exec);
  standard_book();
  for (std::uint64_t i = 1; i <= 4; ++i) place(cid(i), side::buy, 1, 99000 + static_cast<ticks>(i));
  (void)gw.poll(now_);
  EXPECT_GT(gw.stats().overflowed, 0u);
  std::vector<event> out;
  for (int turn = 0; turn < 10; ++turn) {
    small_exec.poll(0, [&](const event& e, core::sequence_t, bool) { out.push_back(e); });
    (void)gw.poll(now_);
  }
  ASSERT_EQ(out.size(), 8u);  // ack + portfolio per order
  EXPECT_EQ(out[0].exec.cl_ord_id, cid(1));
  EXPECT_EQ(out[6].exec.cl_ord_id, cid(4));
  EXPECT_EQ(gw.stats().lost, 0u);
}

TEST_F(paper_gateway_test, steady_state_allocates_nothing_per_event) {
  gw_->start(now_);
  std::uint64_t n = 1;
  std::size_t seen = 0;
  auto drain = [&]() noexcept { seen += exec_.poll(0, [](const event&, core::sequence_t, bool) noexcept {}); };
  auto cycle = [&](int i) {
    const lots q = 4 + (i % 3);
    // The touch levels go and come back: what we took from them is forgotten.
    change(k_btc, {{side::buy, 99998, 0}, {side::sell, 100000, 0}});
    change(k_btc, {{side::buy, 99998, q}, {side::sell, 100000, q}});
    place(cid(n++), side::buy, 1, 99998);                                                          // rests
    place(cid(n++), side::buy, 1, 100000, order_type::limit, time_in_force::immediate_or_cancel);  // takes
    place(cid(n++), side::sell, 1, 0, order_type::market);                                         // takes
    place(cid(n++), side::sell, 1, 0, order_type::stop_market, time_in_force::good_til_cancelled, 0, 99990);
    trade(k_btc, 99998, 10, side::sell);  // fills the resting buy
    trade(k_btc, 99990, 1, side::sell);   // triggers the stop
    mark(k_btc, 99990 + i % 7);
    place(cid(n++), side::buy, 1, 99000);
    (void)gw_->poll(now_ += 10'000);
    replace(cid(n - 1), 2, 99001);
    cancel(cid(n - 1));
    (void)gw_->poll(now_ += 10'000);
    drain();
  };
  standard_book();
  for (int i = 0; i < 50; ++i) cycle(i);  // warm-up
  const std::uint64_t before = test::allocations();
  const std::uint64_t fills_before = gw_->stats().fills;
  for (int i = 0; i < 500; ++i) cycle(i);
  EXPECT_EQ(test::allocations() - before, 0u);
  EXPECT_GE(gw_->stats().fills - fills_before, 500u * 3) << "the loop really traded";
  EXPECT_GT(seen, 0u);
  EXPECT_EQ(gw_->stats().lost, 0u);
}

}  // namespace
}  // namespace tickrail
