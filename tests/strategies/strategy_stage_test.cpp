// The strategy stage between rings, in front of the real risk stage: the
// order of what reaches risk (forwarded event, reference, regime, intents),
// orders that come out of risk from a started bot, regime changes from venue
// candle commands, back-pressure without loss, and no allocation per event in
// steady state.
#include "tickrail/strategies/strategy_stage.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "support/alloc_counter.hpp"
#include "support/risk_fixture.hpp"
#include "tickrail/core/risk_stage.hpp"
#include "tickrail/core/sequencer.hpp"

namespace tickrail::strategies {
namespace {

using test::k_perp;

struct record_sink {
  std::vector<strategy_record>* records;
  bool operator()(const strategy_record& r) noexcept {
    if (records->size() == records->capacity()) return false;
    records->push_back(r);
    return true;
  }
};
struct no_risk_records {
  bool operator()(const core::risk_record&) noexcept { return true; }
};

const char* k_bots = R"(
[[bots]]
name = "maker"
instrument = "BTC-PERPETUAL"
start = ["fast_mm"]
[bots.fast_mm]
size = 20
)";

core::event book_event(core::md_kind kind, core::ticks bid, core::ticks ask, std::int64_t ts, std::int64_t change_id) {
  core::event e = test::make_event(core::event_type::market_data, k_perp, ts);
  e.md.kind = kind;
  e.md.change_id = change_id;
  e.md.prev_change_id = kind == core::md_kind::book_snapshot ? -1 : change_id - 1;
  e.md.count = 2;
  e.md.levels[0] = {bid, 50, core::side::buy, core::book_action::new_level, {}};
  e.md.levels[1] = {ask, 50, core::side::sell, core::book_action::new_level, {}};
  return e;
}

class strategy_stage_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bots = parse_bots_toml(k_bots, "bots.toml", catalog_);
    ASSERT_TRUE(bots.ok()) << bots.status();
    bots_.push_back(std::make_unique<bot>(bots->front(), catalog_, 1000));
    records_.reserve(64);
    stage_ = std::make_unique<strategy_stage<record_sink>>(input_, 0, middle_, books_, bots_, record_sink{&records_});
  }

  void push(const core::event& e) { ASSERT_TRUE(input_.try_push(e)); }
  core::event start_bot(std::int64_t ts) {
    auto request = parse_signal_request("start_bot", "", "");
    auto c = to_signal_command(*request, catalog_[k_perp], 1, 1);
    core::event e = test::make_event(core::event_type::command, core::no_instrument, ts);
    e.cmd = *c;
    return e;
  }
  std::vector<core::event> drain_middle() {
    std::vector<core::event> out;
    middle_.poll(0, [&](const core::event& e, core::sequence_t, bool) { out.push_back(e); });
    return out;
  }
  void run_until_idle() {
    for (int i = 0; i < 1000 && stage_->poll() > 0; ++i) {
    }
  }

  core::instrument_catalog catalog_ = test::make_risk_catalog();
  core::book_builder books_{catalog_.size()};
  std::vector<std::unique_ptr<bot>> bots_;
  std::vector<strategy_record> records_;
  core::ring<core::event> input_{1024, 1};
  core::ring<core::event> middle_{1024, 1};
  std::unique_ptr<strategy_stage<record_sink>> stage_;
};

TEST_F(strategy_stage_test, risk_sees_forwarded_events_then_the_reference_then_intents_in_stream_order) {
  push(test::ticker_mark(k_perp, 100'000, 1));
  push(start_bot(2));
  push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 3, 10));
  run_until_idle();
  const std::vector<core::event> out = drain_middle();
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0].header.type, core::event_type::market_data);  // the ticker, forwarded
  EXPECT_EQ(out[1].header.type, core::event_type::command);      // the signal, forwarded
  EXPECT_EQ(out[2].header.type, core::event_type::reference);    // the book frame, as its top
  EXPECT_EQ(out[2].ref.best_bid_ticks, 99'995);
  EXPECT_EQ(out[2].ref.best_ask_ticks, 100'005);
  EXPECT_EQ(out[2].ref.valid, 1);
  ASSERT_EQ(out[3].header.type, core::event_type::intent);
  ASSERT_EQ(out[4].header.type, core::event_type::intent);
  EXPECT_EQ(out[3].intent.trigger_sequence, 3);  // traced to the book event
  EXPECT_EQ(out[3].header.sequence, 3);
  EXPECT_EQ(stage_->counters().intents, 2u);
}

TEST_F(strategy_stage_test, a_gap_publishes_an_invalid_reference) {
  push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 1, 10));
  push(book_event(core::md_kind::book_change, 99'996, 100'004, 2, 12));  // prev 11 != 10
  run_until_idle();
  const std::vector<core::event> out = drain_middle();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].header.type, core::event_type::reference);
  EXPECT_EQ(out[1].ref.valid, 0);
}

TEST_F(strategy_stage_test, a_regime_change_is_recorded_and_sent_to_risk_marked_as_the_strategys) {
  auto request = parse_signal_request("", "STRESS", "");
  auto c = to_signal_command(*request, catalog_[k_perp], 1, 1);
  core::event e = test::make_event(core::event_type::command, core::no_instrument, 1);
  e.cmd = *c;
  push(e);
  run_until_idle();
  const std::vector<core::event> out = drain_middle();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].header.type, core::event_type::command);
  EXPECT_EQ(out[1].cmd.kind, core::command_kind::regime_set);
  EXPECT_EQ(out[1].cmd.regime, static_cast<std::uint8_t>(core::regime::stress));
  EXPECT_EQ(out[1].header.flags, core::k_command_from_strategy);
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].bot, 1);
  EXPECT_EQ(records_[0].change.to, core::regime::stress);
}

TEST_F(strategy_stage_test, a_started_bot_quotes_through_the_real_risk_stage) {
  auto limits = core::parse_risk_limits_toml(test::k_risk_toml, "risk.toml", catalog_);
  ASSERT_TRUE(limits.ok()) << limits.status();
  core::risk_engine engine(catalog_, &*limits, core::risk_persisted_state{}, 256);
  core::ring<core::order_request> orders{64, 1};
  core::risk_stage<no_risk_records> risk(middle_, 0, orders, engine, no_risk_records{});

  push(test::ticker_mark(k_perp, 100'000, 1));
  push(start_bot(2));
  push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 3, 10));
  run_until_idle();
  for (int i = 0; i < 100 && risk.poll() > 0; ++i) {
  }
  std::vector<core::order_request> sent;
  orders.poll(0, [&](const core::order_request& r, core::sequence_t, bool) { sent.push_back(r); });
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].intent.order_side, core::side::buy);
  EXPECT_EQ(sent[0].intent.price_ticks, 100'000 - 4);  // fast profile: 4 ticks from the mid
  EXPECT_EQ(sent[1].intent.price_ticks, 100'000 + 4);
  EXPECT_EQ(sent[0].intent.qty_lots, 2);
  EXPECT_EQ(core::bot_of(sent[0].intent.cl_ord_id), 1);
  EXPECT_EQ(engine.metrics().decisions[static_cast<std::size_t>(core::risk_reason::accepted)].get(), 2u);
}

// The whole hot loop: sequencer → book+strategy → risk, with risk's rejects
// merged back by the sequencer. With the mark far from the book risk refuses
// the quotes; the feedback frees the market maker's levels, so once the mark
// is back it quotes again (without feedback it would wait on the refused ids
// forever).
TEST_F(strategy_stage_test, risk_rejects_come_back_through_the_sequencer_and_the_bot_quotes_again) {
  struct fixed_clock {
    [[nodiscard]] std::int64_t now_ns() const noexcept { return 0; }
  } clock;
  auto limits = core::parse_risk_limits_toml(test::k_risk_toml, "risk.toml", catalog_);
  ASSERT_TRUE(limits.ok()) << limits.status();
  core::risk_engine engine(catalog_, &*limits, core::risk_persisted_state{}, 256);
  core::ring<core::event> md{64, 1}, exec{64, 1}, cmd{16, 1}, feedback{64, 1}, risk_in{256, 1};
  core::ring<core::order_request> orders{64, 1};
  core::sequencer<fixed_clock> seq({{&md, 0}, {&exec, 0}, {&cmd, 0}, {&feedback, 0}}, input_, clock, 0);
  strategy_stage<record_sink> stage(input_, 0, risk_in, books_, bots_, record_sink{&records_});
  core::risk_stage<no_risk_records> risk(risk_in, 0, orders, engine, no_risk_records{}, nullptr, &feedback);
  const auto run = [&] {
    for (int i = 0; i < 100; ++i) {
      if (seq.poll() + stage.poll() + risk.poll() == 0) break;
    }
  };
  std::vector<core::order_request> sent;
  const auto take_orders = [&] {
    sent.clear();
    orders.poll(0, [&](const core::order_request& r, core::sequence_t, bool) { sent.push_back(r); });
  };

  ASSERT_TRUE(md.try_push(test::ticker_mark(k_perp, 101'000, 1)));  // 1 % off the book: outside the collar
  ASSERT_TRUE(cmd.try_push(start_bot(1)));
  run();
  ASSERT_TRUE(md.try_push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 2, 10)));
  run();
  take_orders();
  EXPECT_EQ(stage.counters().intents, 2u);
  EXPECT_TRUE(sent.empty());               // both quotes refused by the mark's collar
  EXPECT_EQ(bots_[0]->open_orders(), 0u);  // ...and the bot knows

  ASSERT_TRUE(md.try_push(test::ticker_mark(k_perp, 100'000, 3)));
  ASSERT_TRUE(md.try_push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 4, 11)));
  run();
  take_orders();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].intent.price_ticks, 99'996);
  EXPECT_EQ(sent[1].intent.price_ticks, 100'004);
  EXPECT_EQ(bots_[0]->open_orders(), 2u);
  EXPECT_EQ(engine.state(), core::trading_state::active);  // its own rejects did not count as divergence
}

TEST_F(strategy_stage_test, a_full_risk_ring_holds_outputs_back_without_losing_any) {
  core::ring<core::event> tiny{4, 1};
  strategy_stage<record_sink> stage(input_, 0, tiny, books_, bots_, record_sink{&records_});
  push(test::ticker_mark(k_perp, 100'000, 1));
  push(start_bot(2));
  std::int64_t change = 10;
  push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 3, change));
  for (int i = 0; i < 40; ++i) {
    const core::ticks shift = (i % 2) * 20;  // moves the quotes beyond the requote tolerance
    ++change;
    push(book_event(core::md_kind::book_snapshot, 99'995 + shift, 100'005 + shift, 1'000'000'000LL * (i + 1), change));
  }
  std::vector<core::event> out;
  for (int i = 0; i < 10'000 && (input_.available(0) >= input_.next(0) || stage.has_pending()); ++i) {
    (void)stage.poll();
    tiny.poll(0, [&](const core::event& e, core::sequence_t, bool) { out.push_back(e); });
  }
  EXPECT_FALSE(stage.has_pending());
  EXPECT_GT(stage.counters().stalls, 0u);
  // What must come out, counted by hand: the ticker and the signal; one
  // reference per book (1 + 40); the snapshot's two places at bid + 1 /
  // ask - 1; nothing for book 0 (the snapshot's prices again); a replace of
  // each side for each of books 1..39, which move 20 ticks (39 × 2 = 78).
  std::size_t references = 0, places = 0, replaces = 0;
  const core::event* last_reference = nullptr;
  for (const core::event& e : out) {
    if (e.header.type == core::event_type::reference) {
      ++references;
      last_reference = &e;
    }
    if (e.header.type != core::event_type::intent) continue;
    places += e.intent.kind == core::intent_kind::place ? 1 : 0;
    replaces += e.intent.kind == core::intent_kind::replace ? 1 : 0;
    // Each intent follows the reference of the book that caused it and is
    // priced one tick inside that book.
    ASSERT_NE(last_reference, nullptr);
    EXPECT_EQ(e.intent.trigger_sequence, last_reference->header.sequence);
    EXPECT_EQ(e.intent.price_ticks, e.intent.order_side == core::side::buy ? last_reference->ref.best_bid_ticks + 1
                                                                           : last_reference->ref.best_ask_ticks - 1);
  }
  EXPECT_EQ(references, 41u);
  EXPECT_EQ(places, 2u);
  EXPECT_EQ(replaces, 78u);
  EXPECT_EQ(out.size(), 2u + 41u + 80u);  // nothing lost, nothing extra
  EXPECT_EQ(stage.counters().intents, 80u);
  // Outputs never run backwards in the stream.
  for (std::size_t i = 1; i < out.size(); ++i) EXPECT_GE(out[i].header.sequence, out[i - 1].header.sequence);
}

TEST_F(strategy_stage_test, steady_state_allocates_nothing) {
  push(test::ticker_mark(k_perp, 100'000, 1));
  push(start_bot(2));
  std::int64_t change = 10;
  push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 3, change));
  run_until_idle();
  (void)middle_.poll(0, [](const core::event&, core::sequence_t, bool) noexcept {});
  const std::uint64_t before = test::allocations();
  for (int round = 0; round < 50; ++round) {
    for (int i = 0; i < 10; ++i) {
      const core::ticks shift = (i % 2) * 20;
      ++change;
      core::event e = book_event(core::md_kind::book_snapshot, 99'995 + shift, 100'005 + shift,
                                 1'000'000'000LL * (round * 10 + i + 1), change);
      if (!input_.try_push(e)) break;
    }
    run_until_idle();
    (void)middle_.poll(0, [](const core::event&, core::sequence_t, bool) noexcept {});
  }
  EXPECT_EQ(test::allocations() - before, 0u);
  EXPECT_GT(stage_->counters().intents, 50u);
}

// Venue candles (candle_command.hpp) for a bot with an hourly classifier.
const char* k_classified_bot = R"(
[[bots]]
name = "classified"
instrument = "BTC-PERPETUAL"
start = ["fast_mm"]
[bots.fast_mm]
size = 20
[bots.regime_classifier]
candle_ms = 3600000
)";
constexpr std::int64_t k_hour_ms = 3'600'000;

core::event candle_event(std::int64_t open_ms, core::ticks close, std::int64_t ts) {
  core::event e = test::make_event(core::event_type::command, k_perp, ts);
  e.cmd = make_candle_command(k_all_bots, open_ms, close, k_hour_ms);
  return e;
}

TEST_F(strategy_stage_test, a_regime_change_from_venue_candles_reaches_risk_and_the_record) {
  auto bots = parse_bots_toml(k_classified_bot, "bots.toml", catalog_);
  ASSERT_TRUE(bots.ok()) << bots.status();
  bots_.clear();
  bots_.push_back(std::make_unique<bot>(bots->front(), catalog_, 1000));
  auto limits = core::parse_risk_limits_toml(test::k_risk_toml, "risk.toml", catalog_);
  ASSERT_TRUE(limits.ok()) << limits.status();
  core::risk_engine engine(catalog_, &*limits, core::risk_persisted_state{}, 256);
  core::ring<core::order_request> orders{64, 1};
  core::ring<core::event> risk_in{1024, 2};  // risk, and this test looking
  strategy_stage<record_sink> stage(input_, 0, risk_in, books_, bots_, record_sink{&records_});
  core::risk_stage<no_risk_records> risk(risk_in, 0, orders, engine, no_risk_records{});

  // A day of calm history as a start-up burst, then a 4 % hour.
  std::int64_t ts = 1;
  for (int i = 0; i <= 24; ++i, ++ts) push(candle_event(i * k_hour_ms, i % 2 == 0 ? 100'000 : 100'004, ts));
  push(candle_event(25 * k_hour_ms, 104'000, ts));
  for (int i = 0; i < 1000 && stage.poll() > 0; ++i) {
  }
  // Risk sees every candle forwarded, then the bot's regime_set after the
  // candle that caused it.
  std::vector<core::event> out;
  risk_in.poll(1, [&](const core::event& e, core::sequence_t, bool) { out.push_back(e); });
  ASSERT_EQ(out.size(), 27u);
  for (std::size_t i = 0; i < 26; ++i) EXPECT_EQ(out[i].cmd.kind, core::command_kind::candle);
  EXPECT_EQ(out[26].header.type, core::event_type::command);
  EXPECT_EQ(out[26].cmd.kind, core::command_kind::regime_set);
  EXPECT_EQ(out[26].cmd.regime, static_cast<std::uint8_t>(core::regime::stress));
  EXPECT_EQ(out[26].cmd.bot, 1);
  EXPECT_EQ(out[26].header.flags, core::k_command_from_strategy);
  EXPECT_EQ(out[26].header.sequence, out[25].header.sequence);
  EXPECT_EQ(engine.effective_regime(), core::regime::calm);
  for (int i = 0; i < 100 && risk.poll() > 0; ++i) {
  }
  EXPECT_EQ(engine.effective_regime(), core::regime::stress);
  ASSERT_EQ(records_.size(), 1u);
  EXPECT_EQ(records_[0].bot, 1);
  EXPECT_EQ(records_[0].change.source, regime_source::classifier);
  EXPECT_EQ(records_[0].change.to, core::regime::stress);
  EXPECT_EQ(bots_[0]->counters().candles_accepted, 26u);
}

TEST_F(strategy_stage_test, venue_candles_allocate_nothing) {
  auto bots = parse_bots_toml(k_classified_bot, "bots.toml", catalog_);
  ASSERT_TRUE(bots.ok()) << bots.status();
  bots_.clear();
  bots_.push_back(std::make_unique<bot>(bots->front(), catalog_, 1000));
  push(test::ticker_mark(k_perp, 100'000, 1));
  push(start_bot(2));
  std::int64_t change = 10;
  push(book_event(core::md_kind::book_snapshot, 99'995, 100'005, 3, change));
  run_until_idle();
  (void)middle_.poll(0, [](const core::event&, core::sequence_t, bool) noexcept {});
  const std::uint64_t before = test::allocations();
  std::int64_t ts = 4;
  for (int hour = 0; hour < 100; ++hour) {
    // Calm, then swinging 3 % an hour (regime changes), then calm again.
    const core::ticks close = hour >= 40 && hour < 60 && hour % 2 == 0 ? 103'000 : 100'000;
    if (!input_.try_push(candle_event(hour * k_hour_ms, close, ts++))) break;
    if (!input_.try_push(candle_event(hour * k_hour_ms, close, ts++))) break;  // a duplicate
    ++change;
    if (!input_.try_push(book_event(core::md_kind::book_snapshot, close - 5, close + 5, ts++, change))) break;
    run_until_idle();
    (void)middle_.poll(0, [](const core::event&, core::sequence_t, bool) noexcept {});
  }
  EXPECT_EQ(test::allocations() - before, 0u);
  EXPECT_EQ(bots_[0]->counters().candles_accepted, 100u);
  EXPECT_EQ(bots_[0]->counters().candles_stale, 100u);
  EXPECT_GE(bots_[0]->counters().regime_changes, 2u);
}

}  // namespace
}  // namespace tickrail::strategies
