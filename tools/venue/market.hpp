// tools/venue/market.hpp — the simulated market: Deribit-shaped instruments,
// a seeded price process per currency, and a synthetic L2 book per
// instrument.
//
// Instruments (per currency given, BTC and ETH by default), with Deribit's
// contract terms:
//   {CCY}-PERPETUAL   inverse; BTC tick 0.5, amount in USD multiples of 10;
//                     ETH tick 0.05, multiples of 1
//   {CCY}-{D}{MON}{YY} dated inverse futures: the next two Fridays and the
//                     quarter end (last Friday of Mar/Jun/Sep/Dec), 08:00 UTC
//   {CCY}-{D}{MON}{YY}-{STRIKE}-{C|P}  options on the next three Friday
//                     08:00 UTC expiries, strikes on a grid around the index,
//                     premium in coin: tick 0.0001, 0.0005 above 0.005
//                     (tick_size_steps), amount in coin (BTC min 0.1, ETH 1)
//
// The index of each currency follows a geometric random walk (annualised
// volatility from the config) driven by a seeded generator: the same seed
// and the same sequence of steps give the same market. Marks: perpetual =
// index × (1 + small basis), futures = index × (1 + 5 %/yr × time left),
// options = Black-Scholes at a flat implied volatility. The synthetic book
// is `levels` price levels a side around the mark; each step keeps the sizes
// of levels that stay, jitters some, and draws new ones for new prices.
//
// Books are computed only for active instruments (subscribed to, or with
// resting client orders); anything else is computed on demand.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "tickrail/core/events.hpp"
#include "tickrail/core/instrument.hpp"

namespace tickrail::venue {

struct level {
  core::ticks price = 0;
  core::lots qty = 0;
};

struct index_state {
  std::string currency;
  double price = 0;
  // The path so far, one point a second at most: 48 h generated before the
  // start (the same seeded walk, so there are candles from the first
  // minute), then the live steps. What chart data is built from.
  std::vector<std::pair<std::int64_t, double>> history;
};

// One instrument's market state. `spec` is its catalog entry (ticks, lots,
// contract terms); prices below are in its ticks, sizes in its lots.
struct sim_instrument {
  core::instrument_id id = core::no_instrument;
  std::size_t underlying = 0;     // index into market::indexes()
  std::string settlement_period;  // "perpetual", "week", "month"
  std::int64_t creation_ms = 0;
  core::ticks mark = 0;
  std::vector<level> bids, asks;      // synthetic liquidity, best first
  std::int64_t synthetic_at_ms = -1;  // when bids/asks were last generated
  core::ticks last_price = 0;
  std::int64_t trade_seq = 0;
  double funding_8h = 0;  // perpetuals
  double current_funding = 0;
  core::lots open_interest = 0;
  bool active = false;
};

struct market_config {
  std::uint64_t seed = 1;
  std::int64_t start_ms = 0;  // simulated time at start (ms since the epoch)
  std::vector<std::string> currencies{"BTC", "ETH"};
  double annual_vol = 0.6;  // index process
  double option_vol = 0.6;  // implied volatility for option marks
  int levels = 20;          // synthetic levels a side
};

class market {
 public:
  explicit market(const market_config& config);

  [[nodiscard]] const core::instrument_catalog& catalog() const noexcept { return catalog_; }
  [[nodiscard]] std::size_t size() const noexcept { return instruments_.size(); }
  [[nodiscard]] sim_instrument& at(core::instrument_id id) noexcept { return instruments_[id]; }
  [[nodiscard]] const sim_instrument& at(core::instrument_id id) const noexcept { return instruments_[id]; }
  [[nodiscard]] const core::instrument& spec(core::instrument_id id) const noexcept { return catalog_[id]; }
  [[nodiscard]] std::optional<core::instrument_id> find(std::string_view name) const noexcept;
  [[nodiscard]] const std::vector<index_state>& indexes() const noexcept { return indexes_; }
  [[nodiscard]] std::optional<std::size_t> currency_index(std::string_view currency) const noexcept;
  [[nodiscard]] std::int64_t now_ms() const noexcept { return now_ms_; }

  // Moves the simulated clock to `now_ms` (>= the current time): the indexes
  // walk, marks follow, active books regenerate. Returns false when time did
  // not move.
  bool advance(std::int64_t now_ms);

  // The synthetic book of `id`, generated now if it is stale.
  void refresh_book(core::instrument_id id);

  // Takes liquidity from the synthetic book: fills `qty` (or as much as
  // rests) on the side opposite `taker`, best price first, no worse than
  // `limit` (0 = no limit). Appends (price, qty) fills; returns lots filled.
  core::lots take(core::instrument_id id, core::side taker, core::ticks limit, core::lots qty,
                  std::vector<level>& fills);

  // A random market trade on an active instrument this step, or nullopt.
  struct market_trade {
    core::instrument_id instrument;
    core::side aggressor;
    core::ticks price;
    core::lots qty;
  };
  [[nodiscard]] std::optional<market_trade> draw_trade(core::instrument_id id);

  // Mark in ticks for an option / future / perpetual at the current index.
  [[nodiscard]] core::ticks fair_mark(core::instrument_id id) const;
  [[nodiscard]] double to_price(core::instrument_id id, core::ticks t) const;
  // Lots as the venue's amount (USD for inverse futures, coin for options).
  [[nodiscard]] double to_amount(core::instrument_id id, core::lots q) const;

  // OHLC of `id` over [start, end] in candles of `period_ms`: the index path
  // scaled by the instrument's current mark / index ratio. Empty candles
  // carry the previous close.
  struct candle {
    std::int64_t t;
    double open, high, low, close;
  };
  [[nodiscard]] std::vector<candle> candles(core::instrument_id id, std::int64_t start_ms, std::int64_t end_ms,
                                            std::int64_t period_ms) const;

 private:
  void add_currency(const std::string& ccy, std::size_t index);
  void add(core::instrument spec, std::size_t underlying, std::string settlement_period);
  void generate_book(sim_instrument& s);
  [[nodiscard]] core::ticks price_to_ticks(const core::instrument& spec, double price, core::rounding mode) const;

  market_config config_;
  core::instrument_catalog catalog_;
  std::vector<sim_instrument> instruments_;
  std::vector<index_state> indexes_;
  std::mt19937_64 rng_;
  std::int64_t now_ms_;
};

// Deribit's expiry code: 4DEC26, 27MAR27 (day without a leading zero).
[[nodiscard]] std::string expiry_code(std::int64_t expiry_ms);

}  // namespace tickrail::venue
