// tools/engine/hot_path.hpp — the engine's hot path, built once: the rings
// between the hot stages and the stages themselves, in production order.
//
//   [md] [exec] [cmd] [feedback] ─▶ sequencer ─[sequenced]─▶ strategy (books, bots)
//                                   ─[risk in]─▶ risk ─[orders]─▶ (the venue stage)
//
// The engine (engine.cpp) puts its feed and venue stages around it; the
// latency harness (tools/latency) puts its frame injector and encode stage
// around the same object, so the benchmark measures the path that trades.
// `Clock` is what the sequencer stamps timers with (the TSC in the engine, a
// virtual clock under callgrind); `Ring` is core::ring (the harness swaps in
// a mutex queue for the comparison); the sinks take the slow-path records.
//
// Built on the cold path; nothing here allocates once constructed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "tickrail/core/book_builder.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"
#include "tickrail/core/ring.hpp"
#include "tickrail/core/risk.hpp"
#include "tickrail/core/risk_limits.hpp"
#include "tickrail/core/risk_stage.hpp"
#include "tickrail/core/sequencer.hpp"
#include "tickrail/strategies/bot.hpp"
#include "tickrail/strategies/bot_config.hpp"
#include "tickrail/strategies/strategy_stage.hpp"

namespace tickrail::engine {

struct hot_path_config {
  std::size_t ring_capacity = 8192;  // every hot ring (power of two)
  std::size_t md_consumers = 1;      // the sequencer is consumer 0; the paper gateway 1
  std::size_t exec_consumers = 1;    // the sequencer is consumer 0; the engine's fill tap 1
  std::size_t cmd_capacity = 256;
  std::int64_t timer_interval_ns = 1'000'000;
  std::size_t risk_order_capacity = 16384;                           // orders risk tracks at once
  std::size_t book_levels = core::order_book::k_default_max_levels;  // per side, per instrument
  // Client order ids start here for every bot (the wall clock in µs at
  // start-up, so a restart never reuses one).
  std::uint64_t first_order_counter = 1;
};

template <typename Clock, template <typename> class Ring, typename StrategySink, typename RiskSink>
struct hot_path {
  using strategy_type = strategies::strategy_stage<StrategySink, Ring>;
  using risk_type = core::risk_stage<RiskSink, Ring>;
  using sequencer_type = core::sequencer<Clock, Ring>;

  hot_path(const hot_path_config& c, const core::instrument_catalog& catalog, core::risk_limits risk_limits,
           const std::vector<strategies::bot_config>& bot_configs, const core::risk_persisted_state& restored,
           const Clock& clock, StrategySink strategy_sink, RiskSink risk_sink)
      : md(c.ring_capacity, c.md_consumers),
        exec(c.ring_capacity, c.exec_consumers),
        cmd(c.cmd_capacity, 1),
        feedback(c.ring_capacity, 1),
        sequenced(c.ring_capacity, 1),
        risk_in(c.ring_capacity, 1),
        orders(c.ring_capacity, 1),
        books(catalog.size(), c.book_levels),
        bots(make_bots(bot_configs, catalog, c.first_order_counter)),
        limits(std::move(risk_limits)),
        risk_engine(catalog, &limits, restored, c.risk_order_capacity),
        seq({{&md, 0}, {&exec, 0}, {&cmd, 0}, {&feedback, 0}}, sequenced, clock, c.timer_interval_ns),
        strategy(sequenced, 0, risk_in, books, bots, std::move(strategy_sink)),
        risk(risk_in, 0, orders, risk_engine, std::move(risk_sink), nullptr, &feedback) {}

  hot_path(const hot_path&) = delete;
  hot_path& operator=(const hot_path&) = delete;

  // Events still between the inputs and the order ring's consumer.
  [[nodiscard]] std::size_t in_flight() const noexcept {
    return md.occupancy() + exec.occupancy() + cmd.occupancy() + feedback.occupancy() + sequenced.occupancy() +
           risk_in.occupancy() + orders.occupancy();
  }

  Ring<core::event> md, exec, cmd, feedback, sequenced, risk_in;
  Ring<core::order_request> orders;
  core::book_builder books;
  std::vector<std::unique_ptr<strategies::bot>> bots;
  core::risk_limits limits;
  core::risk_engine risk_engine;
  sequencer_type seq;
  strategy_type strategy;
  risk_type risk;

 private:
  static std::vector<std::unique_ptr<strategies::bot>> make_bots(const std::vector<strategies::bot_config>& configs,
                                                                 const core::instrument_catalog& catalog,
                                                                 std::uint64_t first_counter) {
    std::vector<std::unique_ptr<strategies::bot>> out;
    for (const strategies::bot_config& b : configs)
      out.push_back(std::make_unique<strategies::bot>(b, catalog, first_counter));
    return out;
  }
};

// A hot path's strategy stage, plus what only its thread may do with the
// books it owns: hand gap resync requests to the feed over `resync` (the
// engine's feed stage answers them; a full ring keeps the request for the
// next poll).
template <typename StrategyStage>
struct strategy_with_resync {
  StrategyStage& stage;
  core::book_builder& books;
  core::ring<core::instrument_id>& resync;
  core::instrument_id pending = core::no_instrument;

  std::size_t poll() noexcept {
    const std::size_t n = stage.poll();
    if (pending != core::no_instrument) {
      if (!resync.try_push(pending)) return n;
      pending = core::no_instrument;
    }
    core::instrument_id id;
    while (books.take_resync_request(id)) {
      if (!resync.try_push(id)) {
        pending = id;  // the feed is behind: ask again next poll
        break;
      }
    }
    return n;
  }
};

}  // namespace tickrail::engine
