// tools/venue/exchange.hpp — accounts, client orders, matching, positions,
// equity, margin and funding for the simulator.
//
// Matching (documented for operators in docs/venue.md):
//   * A taker (a market order, or a limit that crosses) walks the synthetic
//     book best price first up to its limit; what the book lacks is, for a
//     limit GTC, left resting at the limit; for IOC cancelled; FOK fills all
//     or nothing (checked before anything fills); a market order's remainder
//     is cancelled.
//   * post_only: a limit that would cross is rejected (11054) when
//     reject_post_only is true, else re-priced one tick inside the passive
//     side (Deribit's behaviour).
//   * reduce_only: the amount is cut to what reduces the position; an order
//     that cannot reduce anything is rejected (11029... per venue: invalid).
//   * Queue model: a resting client order fills in full, as maker, at its
//     own price on the first step where the synthetic opposite touch reaches
//     it (we assume the front of the queue once the market trades there).
//   * stop_limit / stop_market rest `untriggered` until the trigger price
//     (last, mark or index) crosses, then act as a limit / market order.
// Fees: futures maker 0, taker 0.05 % of the coin notional; options
// 0.0003 coin per contract, at most 12.5 % of the premium.
// Margin: futures 2 % initial / 1 % maintenance of the coin notional;
// options bought pay the premium, options sold 15 % of the amount. An order
// that would take initial margin above equity is refused (10009).
// Funding: every 00:00, 08:00, 16:00 UTC perpetual positions pay (longs)
// or receive the 8 h funding rate on their coin notional.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "venue/market.hpp"

#include "tickrail/core/enum_names.hpp"

namespace tickrail::venue {

#define TR_VENUE_ORDER_TYPES(X) \
  X(limit, "limit")             \
  X(market, "market")           \
  X(stop_limit, "stop_limit")   \
  X(stop_market, "stop_market")
TR_DEFINE_ENUM(order_type, std::uint8_t, TR_VENUE_ORDER_TYPES)
#define TR_VENUE_TIME_IN_FORCE(X)               \
  X(good_til_cancelled, "good_til_cancelled")   \
  X(immediate_or_cancel, "immediate_or_cancel") \
  X(fill_or_kill, "fill_or_kill")
TR_DEFINE_ENUM(time_in_force, std::uint8_t, TR_VENUE_TIME_IN_FORCE)
#define TR_VENUE_ORDER_STATES(X) \
  X(open, "open")                \
  X(filled, "filled")            \
  X(rejected, "rejected")        \
  X(cancelled, "cancelled")      \
  X(untriggered, "untriggered")  \
  X(triggered, "triggered")
TR_DEFINE_ENUM(order_state, std::uint8_t, TR_VENUE_ORDER_STATES)
#define TR_VENUE_TRIGGER_KINDS(X) \
  X(last_price, "last_price")     \
  X(mark_price, "mark_price")     \
  X(index_price, "index_price")
TR_DEFINE_ENUM(trigger_kind, std::uint8_t, TR_VENUE_TRIGGER_KINDS)

struct sim_order {
  std::string order_id;
  std::string label;
  std::size_t account = 0;
  core::instrument_id instrument = core::no_instrument;
  core::side direction = core::side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::good_til_cancelled;
  order_state state = order_state::open;
  core::ticks price = 0;          // 0 for market orders
  core::ticks trigger_price = 0;  // stops
  trigger_kind trigger = trigger_kind::last_price;
  core::lots amount = 0;
  core::lots filled = 0;
  core::int128_t fill_value = 0;  // Σ price × qty in ticks × lots (average price)
  double commission = 0;          // coin
  bool post_only = false;
  bool reject_post_only = false;
  bool reduce_only = false;
  std::int64_t creation_ms = 0;
  std::int64_t update_ms = 0;
  std::string cancel_reason;  // "user_request", "cancel_on_disconnect", ...
  std::string original_type;  // stop orders after trigger
};

struct sim_trade {
  std::string trade_id;
  std::int64_t trade_seq = 0;
  std::string order_id;
  std::string label;
  std::size_t account = 0;
  core::instrument_id instrument = core::no_instrument;
  core::side direction = core::side::buy;
  core::ticks price = 0;
  core::lots amount = 0;
  double fee = 0;
  bool maker = false;
  std::int64_t timestamp = 0;
  order_state state_after = order_state::open;
  order_type type = order_type::limit;
  core::ticks mark = 0;
  double index_price = 0;
};

struct sim_position {
  core::lots size = 0;      // signed lots
  core::int128_t cost = 0;  // |size| × average price, ticks × lots
  double realized = 0;      // coin
  double funding = 0;       // coin paid (+) or received (−)
};

struct currency_account {
  double balance = 0;  // coin: deposits + realized P&L − fees ± premiums ± funding
  double fees = 0;
};

struct sim_account {
  std::string client_id;
  std::string client_secret;
  std::map<std::string, currency_account> currencies;
  std::map<core::instrument_id, sim_position> positions;
};

// What changed for one account in one operation: the server turns these
// into user.orders / user.trades / user.portfolio notifications.
struct account_event {
  enum class kind : std::uint8_t { order, trade, portfolio } what;
  std::size_t account;
  std::string order_id;         // order
  std::size_t trade_index = 0;  // trade: index into exchange::trades()
  std::string currency;         // portfolio
};

struct order_params {
  core::instrument_id instrument = core::no_instrument;
  core::side direction = core::side::buy;
  order_type type = order_type::limit;
  time_in_force tif = time_in_force::good_til_cancelled;
  core::lots amount = 0;
  core::ticks price = 0;
  core::ticks trigger_price = 0;
  trigger_kind trigger = trigger_kind::last_price;
  std::string label;
  bool post_only = false;
  bool reject_post_only = false;
  bool reduce_only = false;
};

// A JSON-RPC error in Deribit's vocabulary.
struct rpc_error {
  int code = 0;
  std::string message;
  std::string reason;  // error.data.reason
  std::string param;   // error.data.param
};

struct exchange_config {
  double initial_balance_btc = 10;
  double initial_balance_eth = 100;
  double initial_balance_other = 1000;
};

class exchange {
 public:
  exchange(market& m, const exchange_config& config);

  // The account for `client_id`, created with the configured balances.
  std::size_t open_account(const std::string& client_id, const std::string& client_secret);
  [[nodiscard]] std::optional<std::size_t> find_account(std::string_view client_id) const;
  [[nodiscard]] const sim_account& account(std::size_t a) const { return accounts_[a]; }

  // Places an order. The order (possibly already filled, cancelled or
  // rejected by post_only) and its fills, or an error.
  struct placed {
    const sim_order* order = nullptr;
    std::vector<std::size_t> trades;  // indexes into trades()
  };
  [[nodiscard]] std::variant<placed, rpc_error> place(std::size_t account, const order_params& p);
  [[nodiscard]] std::variant<placed, rpc_error> edit(std::size_t account, std::string_view order_id, core::lots amount,
                                                     core::ticks price, std::optional<bool> post_only,
                                                     std::optional<bool> reduce_only);
  [[nodiscard]] std::variant<const sim_order*, rpc_error> cancel(std::size_t account, std::string_view order_id,
                                                                 std::string_view reason = "user_request");
  // Cancels the account's open orders that `match`; returns how many.
  template <typename Match>
  std::size_t cancel_matching(std::size_t account, Match&& match, std::string_view reason = "user_request") {
    std::size_t n = 0;
    for (sim_order& o : orders_) {
      if (o.account != account || !live(o) || !match(o)) continue;
      cancel_order(o, reason);
      ++n;
    }
    return n;
  }

  // One market step: stops trigger, resting orders fill against the moved
  // book, funding is paid at 00/08/16 UTC.
  void step();

  [[nodiscard]] const std::vector<sim_order>& orders() const noexcept { return orders_; }
  [[nodiscard]] const sim_order* find_order(std::string_view order_id) const noexcept;
  [[nodiscard]] const std::vector<sim_trade>& trades() const noexcept { return trades_; }
  // Which of the first `instruments` instruments have live orders (one pass).
  [[nodiscard]] std::vector<bool> resting_instruments(std::size_t instruments) const;
  // Client resting quantity at a price on a side (public book aggregation).
  void add_resting_levels(core::instrument_id id, core::side s, std::map<core::ticks, core::lots>& levels) const;

  // Equity and margin in one currency.
  struct summary {
    double balance = 0, equity = 0, available = 0, initial_margin = 0, maintenance_margin = 0;
    double futures_pl = 0, options_pl = 0, options_value = 0, fees = 0, total_pl = 0, delta = 0;
  };
  [[nodiscard]] summary summarize(std::size_t account, const std::string& currency) const;
  [[nodiscard]] double floating_pnl(core::instrument_id id, const sim_position& p) const;
  // Margin a position of `signed_size` lots takes at `price` (coin).
  [[nodiscard]] double initial_margin(core::instrument_id id, core::lots signed_size, core::ticks price) const;
  [[nodiscard]] double maintenance_margin(core::instrument_id id, core::lots signed_size, core::ticks price) const;
  [[nodiscard]] double average_price(core::instrument_id id, const sim_position& p) const;

  // Events since the last drain.
  std::vector<account_event> drain_events() { return std::exchange(events_, {}); }

  [[nodiscard]] static bool live(const sim_order& o) noexcept {
    return o.state == order_state::open || o.state == order_state::untriggered;
  }

 private:
  sim_order* mutable_order(std::string_view id) noexcept;
  void execute(sim_order& o, std::vector<std::size_t>& trades);
  void fill(sim_order& o, core::ticks price, core::lots qty, bool maker, std::vector<std::size_t>& trades);
  void cancel_order(sim_order& o, std::string_view reason);
  void note_order(const sim_order& o);
  void note_portfolio(std::size_t account, const std::string& currency);
  void apply_position(sim_account& a, core::instrument_id id, core::side s, core::ticks price, core::lots qty);
  [[nodiscard]] double coin_notional(core::instrument_id id, core::lots qty, core::ticks price) const;
  [[nodiscard]] double open_order_margin(std::size_t account, const std::string& currency) const;
  [[nodiscard]] bool triggered(const sim_order& o) const;
  void pay_funding();
  [[nodiscard]] std::string next_order_id(const core::instrument& spec);

  market& market_;
  exchange_config config_;
  std::vector<sim_account> accounts_;
  std::vector<sim_order> orders_;  // every order ever placed (ids are looked up linearly: a simulator)
  std::vector<sim_trade> trades_;
  std::vector<account_event> events_;
  std::int64_t next_order_ = 1000;
  std::int64_t next_trade_ = 1;
  std::int64_t last_funding_ms_;
};

}  // namespace tickrail::venue
