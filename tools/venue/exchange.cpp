#include "venue/exchange.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace tickrail::venue {
namespace {

constexpr std::int64_t k_funding_period_ms = 8LL * 3'600'000;
constexpr double k_taker_fee = 0.0005;
constexpr double k_option_fee = 0.0003;
constexpr double k_option_fee_cap = 0.125;
constexpr double k_future_im = 0.02;
constexpr double k_future_mm = 0.01;
constexpr double k_short_option_im = 0.15;

bool is_option(const core::instrument& spec) { return spec.kind == core::instrument_kind::option; }
bool crosses(core::side s, core::ticks price, core::ticks touch) {
  return s == core::side::buy ? price >= touch : price <= touch;
}

}  // namespace

exchange::exchange(market& m, const exchange_config& config)
    : market_(m), config_(config), last_funding_ms_(m.now_ms() / k_funding_period_ms * k_funding_period_ms) {}

std::size_t exchange::open_account(const std::string& client_id, const std::string& client_secret) {
  if (const auto a = find_account(client_id)) return *a;
  sim_account acc;
  acc.client_id = client_id;
  acc.client_secret = client_secret;
  for (const index_state& ix : market_.indexes()) {
    const double initial = ix.currency == "BTC"   ? config_.initial_balance_btc
                           : ix.currency == "ETH" ? config_.initial_balance_eth
                                                  : config_.initial_balance_other;
    acc.currencies[ix.currency].balance = initial;
  }
  accounts_.push_back(std::move(acc));
  return accounts_.size() - 1;
}

std::optional<std::size_t> exchange::find_account(std::string_view client_id) const {
  for (std::size_t i = 0; i < accounts_.size(); ++i) {
    if (accounts_[i].client_id == client_id) return i;
  }
  return std::nullopt;
}

const sim_order* exchange::find_order(std::string_view order_id) const noexcept {
  for (auto it = orders_.rbegin(); it != orders_.rend(); ++it) {
    if (it->order_id == order_id) return &*it;
  }
  return nullptr;
}

sim_order* exchange::mutable_order(std::string_view order_id) noexcept {
  return const_cast<sim_order*>(std::as_const(*this).find_order(order_id));
}

std::string exchange::next_order_id(const core::instrument& spec) {
  const std::string n = std::to_string(next_order_++);
  return spec.base_currency == "BTC" ? n : spec.base_currency + "-" + n;
}

std::vector<bool> exchange::resting_instruments(std::size_t instruments) const {
  std::vector<bool> out(instruments, false);
  for (const sim_order& o : orders_) {
    if (live(o) && o.instrument < instruments) out[o.instrument] = true;
  }
  return out;
}

void exchange::add_resting_levels(core::instrument_id id, core::side s,
                                  std::map<core::ticks, core::lots>& levels) const {
  for (const sim_order& o : orders_) {
    if (o.instrument == id && o.direction == s && o.state == order_state::open && o.price > 0) {
      levels[o.price] += o.amount - o.filled;
    }
  }
}

// ---- money --------------------------------------------------------------------------

double exchange::coin_notional(core::instrument_id id, core::lots qty, core::ticks price) const {
  const core::instrument& spec = market_.spec(id);
  const double amount = market_.to_amount(id, qty);
  if (is_option(spec)) return amount;  // contracts of one coin
  const double px = market_.to_price(id, price);
  return px > 0 ? amount / px : 0;  // inverse: USD amount / price
}

double exchange::initial_margin(core::instrument_id id, core::lots signed_size, core::ticks price) const {
  const core::instrument& spec = market_.spec(id);
  const core::lots q = std::abs(signed_size);
  if (is_option(spec)) return signed_size < 0 ? coin_notional(id, q, price) * k_short_option_im : 0;
  return coin_notional(id, q, price) * k_future_im;
}

double exchange::maintenance_margin(core::instrument_id id, core::lots signed_size, core::ticks price) const {
  return is_option(market_.spec(id)) ? 0 : coin_notional(id, std::abs(signed_size), price) * k_future_mm;
}

double exchange::average_price(core::instrument_id id, const sim_position& p) const {
  if (p.size == 0) return 0;
  return market_.to_price(id, 1) * static_cast<double>(p.cost) / static_cast<double>(std::abs(p.size));
}

double exchange::floating_pnl(core::instrument_id id, const sim_position& p) const {
  if (p.size == 0) return 0;
  const sim_instrument& s = market_.at(id);
  const core::ticks mark = s.mark > 0 ? s.mark : market_.fair_mark(id);
  const core::instrument& spec = market_.spec(id);
  const double avg = average_price(id, p);
  const double mk = market_.to_price(id, mark);
  if (is_option(spec)) {
    const double amount = coin_notional(id, std::abs(p.size), mark);
    return (p.size > 0 ? 1 : -1) * amount * (mk - avg);
  }
  const double usd = market_.to_amount(id, std::abs(p.size));
  if (avg <= 0 || mk <= 0) return 0;
  return (p.size > 0 ? 1 : -1) * usd * (1 / avg - 1 / mk);
}

double exchange::open_order_margin(std::size_t account, const std::string& currency) const {
  double m = 0;
  for (const sim_order& o : orders_) {
    if (o.account != account || !live(o) || market_.spec(o.instrument).settlement_currency != currency) continue;
    const core::ticks px = o.price > 0 ? o.price : market_.at(o.instrument).mark;
    const core::lots rest = o.amount - o.filled;
    if (is_option(market_.spec(o.instrument))) {
      m += o.direction == core::side::buy ? coin_notional(o.instrument, rest, px) * market_.to_price(o.instrument, px)
                                          : initial_margin(o.instrument, -rest, px);
    } else {
      m += initial_margin(o.instrument, rest, px);
    }
  }
  return m;
}

exchange::summary exchange::summarize(std::size_t account, const std::string& currency) const {
  summary s;
  const sim_account& a = accounts_[account];
  const auto it = a.currencies.find(currency);
  if (it != a.currencies.end()) {
    s.balance = it->second.balance;
    s.fees = it->second.fees;
  }
  for (const auto& [id, p] : a.positions) {
    const core::instrument& spec = market_.spec(id);
    if (spec.settlement_currency != currency || p.size == 0) continue;
    const sim_instrument& si = market_.at(id);
    const core::ticks mark = si.mark > 0 ? si.mark : market_.fair_mark(id);
    const double upl = floating_pnl(id, p);
    if (is_option(spec)) {
      const double value =
          (p.size > 0 ? 1 : -1) * coin_notional(id, std::abs(p.size), mark) * market_.to_price(id, mark);
      s.options_value += value;
      s.options_pl += upl;
      s.initial_margin += initial_margin(id, p.size, mark);
    } else {
      s.futures_pl += upl;
      s.initial_margin += initial_margin(id, p.size, mark);
      s.maintenance_margin += maintenance_margin(id, p.size, mark);
      s.delta += (p.size > 0 ? 1 : -1) * coin_notional(id, std::abs(p.size), mark);
    }
  }
  s.equity = s.balance + s.futures_pl + s.options_value;
  s.total_pl = s.futures_pl + s.options_pl;
  s.available = s.equity - s.initial_margin - open_order_margin(account, currency);
  return s;
}

void exchange::apply_position(sim_account& a, core::instrument_id id, core::side s, core::ticks price, core::lots qty) {
  sim_position& p = a.positions[id];
  const core::lots d = s == core::side::buy ? qty : -qty;
  const core::instrument& spec = market_.spec(id);
  currency_account& ca = a.currencies[spec.settlement_currency];
  if (is_option(spec)) ca.balance -= (d > 0 ? 1 : -1) * coin_notional(id, qty, price) * market_.to_price(id, price);
  if (p.size == 0 || (p.size > 0) == (d > 0)) {
    p.cost += static_cast<core::int128_t>(qty) * price;
    p.size += d;
    return;
  }
  // Reducing (and maybe flipping): realise P&L on the closed part.
  const core::lots closed = std::min(std::abs(p.size), qty);
  sim_position closing = p;
  closing.size = p.size > 0 ? closed : -closed;
  closing.cost = p.cost * closed / std::abs(p.size);
  if (!is_option(spec)) {
    const double avg = average_price(id, p);
    const double px = market_.to_price(id, price);
    const double usd = market_.to_amount(id, closed);
    const double pnl = avg > 0 && px > 0 ? (p.size > 0 ? 1 : -1) * usd * (1 / avg - 1 / px) : 0;
    p.realized += pnl;
    ca.balance += pnl;
  }
  p.cost -= closing.cost;
  p.size += d;
  if (p.size == 0) p.cost = 0;
  if ((p.size > 0) != (closing.size > 0) && p.size != 0) p.cost = static_cast<core::int128_t>(std::abs(p.size)) * price;
}

// ---- orders ---------------------------------------------------------------------------

void exchange::note_order(const sim_order& o) {
  events_.push_back({account_event::kind::order, o.account, o.order_id, 0, {}});
}
void exchange::note_portfolio(std::size_t account, const std::string& currency) {
  events_.push_back({account_event::kind::portfolio, account, {}, 0, currency});
}

void exchange::fill(sim_order& o, core::ticks price, core::lots qty, bool maker, std::vector<std::size_t>& out) {
  sim_account& a = accounts_[o.account];
  const core::instrument& spec = market_.spec(o.instrument);
  double fee = 0;
  if (is_option(spec)) {
    const double premium = coin_notional(o.instrument, qty, price) * market_.to_price(o.instrument, price);
    fee = std::min(coin_notional(o.instrument, qty, price) * k_option_fee, premium * k_option_fee_cap);
  } else if (!maker) {
    fee = coin_notional(o.instrument, qty, price) * k_taker_fee;
  }
  apply_position(a, o.instrument, o.direction, price, qty);
  currency_account& ca = a.currencies[spec.settlement_currency];
  ca.balance -= fee;
  ca.fees += fee;
  o.filled += qty;
  o.fill_value += static_cast<core::int128_t>(qty) * price;
  o.commission += fee;
  o.update_ms = market_.now_ms();
  if (o.filled >= o.amount) o.state = order_state::filled;

  sim_instrument& si = market_.at(o.instrument);
  ++si.trade_seq;
  si.last_price = price;
  sim_trade t;
  t.trade_id = std::to_string(next_trade_++);
  t.trade_seq = si.trade_seq;
  t.order_id = o.order_id;
  t.label = o.label;
  t.account = o.account;
  t.instrument = o.instrument;
  t.direction = o.direction;
  t.price = price;
  t.amount = qty;
  t.fee = fee;
  t.maker = maker;
  t.timestamp = market_.now_ms();
  t.state_after = o.state;
  t.type = o.type;
  t.mark = si.mark > 0 ? si.mark : market_.fair_mark(o.instrument);
  t.index_price = market_.indexes()[si.underlying].price;
  trades_.push_back(std::move(t));
  out.push_back(trades_.size() - 1);
  events_.push_back({account_event::kind::trade, o.account, o.order_id, trades_.size() - 1, {}});
}

void exchange::cancel_order(sim_order& o, std::string_view reason) {
  o.state = order_state::cancelled;
  o.cancel_reason = reason;
  o.update_ms = market_.now_ms();
  note_order(o);
}

bool exchange::triggered(const sim_order& o) const {
  const sim_instrument& s = market_.at(o.instrument);
  core::ticks ref = s.last_price;
  if (o.trigger == trigger_kind::mark_price) ref = s.mark;
  if (o.trigger == trigger_kind::index_price) ref = market_.fair_mark(o.instrument);  // perpetual mark ≈ index
  // A buy stop triggers when the price rises to it; a sell stop when it falls.
  return o.direction == core::side::buy ? ref >= o.trigger_price : ref <= o.trigger_price;
}

void exchange::execute(sim_order& o, std::vector<std::size_t>& trades) {
  // Taker part against the synthetic book.
  const core::lots want = o.amount - o.filled;
  std::vector<level> fills;
  market_.take(o.instrument, o.direction, o.type == order_type::limit || o.type == order_type::stop_limit ? o.price : 0,
               want, fills);
  for (const level& f : fills) fill(o, f.price, f.qty, false, trades);
  if (o.state == order_state::filled) {
    note_order(o);
    return;
  }
  const bool market_like = o.type == order_type::market || o.type == order_type::stop_market;
  if (market_like || o.tif != time_in_force::good_til_cancelled) {
    cancel_order(o, market_like ? "market_remainder" : "immediate_or_cancel");
    return;
  }
  note_order(o);  // rests
}

std::variant<exchange::placed, rpc_error> exchange::place(std::size_t account, const order_params& p) {
  const core::instrument& spec = market_.spec(p.instrument);
  if (p.amount <= 0) return rpc_error{-32602, "Invalid params", "amount must be positive", "amount"};
  const bool priced = p.type == order_type::limit || p.type == order_type::stop_limit;
  if (priced && p.price <= 0) return rpc_error{-32602, "Invalid params", "price required", "price"};
  if (priced) {
    core::ticks snapped = 0;
    if (spec.quantize_price(p.price, core::rounding::exact, snapped) != core::fp_error::ok) {
      return rpc_error{10043, "price_wrong_tick", "price is not a multiple of the tick size", "price"};
    }
  }
  const bool stop = p.type == order_type::stop_limit || p.type == order_type::stop_market;
  if (stop && p.trigger_price <= 0)
    return rpc_error{-32602, "Invalid params", "trigger_price required", "trigger_price"};

  market_.refresh_book(p.instrument);
  sim_instrument& si = market_.at(p.instrument);
  sim_order o;
  o.account = account;
  o.instrument = p.instrument;
  o.direction = p.direction;
  o.type = p.type;
  o.tif = p.tif;
  o.price = priced ? p.price : 0;
  o.trigger_price = p.trigger_price;
  o.trigger = p.trigger;
  o.amount = p.amount;
  o.label = p.label;
  o.post_only = p.post_only && p.type == order_type::limit;
  o.reject_post_only = p.reject_post_only;
  o.reduce_only = p.reduce_only;
  o.creation_ms = o.update_ms = market_.now_ms();
  o.state = stop ? order_state::untriggered : order_state::open;

  sim_account& a = accounts_[account];
  const core::lots position = a.positions.count(p.instrument) != 0 ? a.positions[p.instrument].size : 0;
  if (o.reduce_only) {
    const core::lots room = p.direction == core::side::buy ? -position : position;
    if (room <= 0)
      return rpc_error{11029, "invalid_arguments", "reduce_only order would increase the position", "reduce_only"};
    o.amount = std::min(o.amount, room);
  }

  // post_only: never take liquidity.
  if (o.post_only) {
    const std::vector<level>& other = p.direction == core::side::buy ? si.asks : si.bids;
    if (!other.empty() && crosses(p.direction, o.price, other.front().price)) {
      if (o.reject_post_only) {
        return rpc_error{11054, "post_only_reject", "post_only order would take liquidity", "post_only"};
      }
      const core::ticks step = spec.step_at(other.front().price);
      o.price = p.direction == core::side::buy ? other.front().price - step : other.front().price + step;
      if (o.price <= 0) return rpc_error{11054, "post_only_reject", "no passive price", "post_only"};
    }
  }

  // Margin: the worst case of this order filling in full.
  const std::string& ccy = spec.settlement_currency;
  const core::ticks px = o.price > 0 ? o.price : si.mark > 0 ? si.mark : market_.fair_mark(p.instrument);
  double needed = 0;
  if (is_option(spec)) {
    needed = p.direction == core::side::buy
                 ? coin_notional(p.instrument, o.amount, px) * market_.to_price(p.instrument, px)
                 : initial_margin(p.instrument, -o.amount, px);
  } else if (!o.reduce_only) {
    const core::lots after = position + (p.direction == core::side::buy ? o.amount : -o.amount);
    needed = std::max(0.0, initial_margin(p.instrument, after, px) - initial_margin(p.instrument, position, px));
  }
  if (needed > 0 && needed > summarize(account, ccy).available) {
    return rpc_error{10009, "not_enough_funds", "initial margin exceeds available funds", "amount"};
  }

  // fill_or_kill: all or nothing, checked before anything fills.
  if (p.tif == time_in_force::fill_or_kill && !stop) {
    const std::vector<level>& other = p.direction == core::side::buy ? si.asks : si.bids;
    core::lots available = 0;
    for (const level& l : other) {
      if (priced && !crosses(p.direction, o.price, l.price)) break;
      available += l.qty;
    }
    if (available < o.amount) {
      o.order_id = next_order_id(spec);
      o.state = order_state::cancelled;
      o.cancel_reason = "fill_or_kill";
      orders_.push_back(o);
      note_order(orders_.back());
      return placed{&orders_.back(), {}};
    }
  }

  o.order_id = next_order_id(spec);
  orders_.push_back(std::move(o));
  sim_order& placed_order = orders_.back();
  placed result;
  if (placed_order.state == order_state::untriggered) {
    note_order(placed_order);
  } else {
    execute(placed_order, result.trades);
  }
  si.active = true;
  note_portfolio(account, ccy);
  result.order = &orders_.back();
  return result;
}

std::variant<exchange::placed, rpc_error> exchange::edit(std::size_t account, std::string_view order_id,
                                                         core::lots amount, core::ticks price,
                                                         std::optional<bool> post_only,
                                                         std::optional<bool> reduce_only) {
  sim_order* o = mutable_order(order_id);
  if (o == nullptr || o->account != account) return rpc_error{10004, "order_not_found", "no such order", "order_id"};
  if (!live(*o)) return rpc_error{11044, "not_open_order", "order is not open", "order_id"};
  if (amount <= 0) return rpc_error{-32602, "Invalid params", "amount must be positive", "amount"};
  if (amount < o->filled) return rpc_error{-32602, "Invalid params", "amount below the filled amount", "amount"};
  const core::instrument& spec = market_.spec(o->instrument);
  if (price > 0) {
    core::ticks snapped = 0;
    if (spec.quantize_price(price, core::rounding::exact, snapped) != core::fp_error::ok) {
      return rpc_error{10043, "price_wrong_tick", "price is not a multiple of the tick size", "price"};
    }
  }
  if (post_only) o->post_only = *post_only;
  if (reduce_only) o->reduce_only = *reduce_only;
  const core::ticks new_price = price > 0 ? price : o->price;
  if (o->post_only && o->state == order_state::open) {
    market_.refresh_book(o->instrument);
    const sim_instrument& si = market_.at(o->instrument);
    const std::vector<level>& other = o->direction == core::side::buy ? si.asks : si.bids;
    if (!other.empty() && crosses(o->direction, new_price, other.front().price)) {
      return rpc_error{11054, "post_only_reject", "post_only order would take liquidity", "price"};
    }
  }
  o->amount = amount;
  o->price = new_price;
  o->update_ms = market_.now_ms();
  placed result;
  if (o->filled >= o->amount) {
    o->state = order_state::filled;
    note_order(*o);
  } else if (o->state == order_state::open) {
    execute(*o, result.trades);
  } else {
    note_order(*o);
  }
  result.order = o;
  return result;
}

std::variant<const sim_order*, rpc_error> exchange::cancel(std::size_t account, std::string_view order_id,
                                                           std::string_view reason) {
  sim_order* o = mutable_order(order_id);
  if (o == nullptr || o->account != account) return rpc_error{10004, "order_not_found", "no such order", "order_id"};
  if (!live(*o)) return rpc_error{11044, "not_open_order", "order is not open", "order_id"};
  cancel_order(*o, reason);
  return o;
}

// ---- the market moves ---------------------------------------------------------------

void exchange::step() {
  std::vector<std::size_t> trades;
  for (std::size_t i = 0; i < orders_.size(); ++i) {
    sim_order& o = orders_[i];
    if (o.state == order_state::untriggered && triggered(o)) {
      o.state = order_state::open;
      o.original_type = std::string(to_string(o.type));
      execute(orders_[i], trades);
      continue;
    }
    if (o.state != order_state::open || o.price <= 0) continue;
    const sim_instrument& si = market_.at(o.instrument);
    const std::vector<level>& other = o.direction == core::side::buy ? si.asks : si.bids;
    if (other.empty() || !crosses(o.direction, o.price, other.front().price)) continue;
    fill(o, o.price, o.amount - o.filled, true, trades);
    note_order(o);
    note_portfolio(o.account, market_.spec(o.instrument).settlement_currency);
  }
  if (market_.now_ms() - last_funding_ms_ >= k_funding_period_ms) {
    last_funding_ms_ = market_.now_ms() / k_funding_period_ms * k_funding_period_ms;
    pay_funding();
  }
}

void exchange::pay_funding() {
  for (std::size_t a = 0; a < accounts_.size(); ++a) {
    for (auto& [id, p] : accounts_[a].positions) {
      const core::instrument& spec = market_.spec(id);
      if (spec.kind != core::instrument_kind::perpetual || p.size == 0) continue;
      const sim_instrument& si = market_.at(id);
      const double coin = coin_notional(id, std::abs(p.size), si.mark > 0 ? si.mark : market_.fair_mark(id));
      const double paid = (p.size > 0 ? 1 : -1) * coin * si.funding_8h;
      accounts_[a].currencies[spec.settlement_currency].balance -= paid;
      p.funding += paid;
      note_portfolio(a, spec.settlement_currency);
    }
  }
}

}  // namespace tickrail::venue
