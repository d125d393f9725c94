// The JSON shapes of Deribit's objects: order, user trade, public trade,
// instrument, ticker, book, book summary, position, account summary.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "venue/core.hpp"

namespace tickrail::venue {

json_writer& json_writer::real(double v) {
  separate();
  if (!std::isfinite(v)) {
    out_ += "null";
    return *this;
  }
  if (v == 0) v = 0;  // no "-0"
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out_.append(buf, ec == std::errc() ? static_cast<std::size_t>(end - buf) : 0);
  return *this;
}

void json_writer::write_string(std::string_view s) {
  out_ += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out_ += "\\\""; break;
      case '\\': out_ += "\\\\"; break;
      case '\n': out_ += "\\n"; break;
      case '\r': out_ += "\\r"; break;
      case '\t': out_ += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out_ += buf;
        } else {
          out_ += c;
        }
    }
  }
  out_ += '"';
}

namespace {
std::string_view direction(core::side s) { return s == core::side::buy ? "buy" : "sell"; }
bool is_option(const core::instrument& spec) { return spec.kind == core::instrument_kind::option; }
std::string index_name(const core::instrument& spec) {
  std::string n = spec.base_currency + "_usd";
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return n;
}
}  // namespace

void venue_core::write_order(json_writer& w, const sim_order& o) const {
  const core::instrument& spec = market_.spec(o.instrument);
  w.begin_object();
  w.field("web", false).field("time_in_force", to_string(o.tif)).field("risk_reducing", false);
  w.field("replaced", false).field("reduce_only", o.reduce_only).field("profit_loss", 0);
  if (o.price > 0) {
    w.field_number("price", spec.format_price(o.price));
  } else {
    w.field("price", "market_price");  // as Deribit writes market and stop-market orders
  }
  w.field("post_only", o.post_only).field("reject_post_only", o.reject_post_only);
  w.field("order_type", o.original_type.empty() ? to_string(o.type) : std::string_view(o.original_type));
  w.field("order_state", to_string(o.state)).field("order_id", o.order_id).field("mmp", false);
  w.field_number("max_show", spec.format_qty(o.amount)).field("last_update_timestamp", o.update_ms);
  if (!o.label.empty()) w.field("label", o.label);
  w.field("is_liquidation", false).field("instrument_name", spec.symbol);
  w.field_number("filled_amount", spec.format_qty(o.filled)).field("direction", direction(o.direction));
  w.field("creation_timestamp", o.creation_ms).key("commission").real(o.commission);
  if (o.filled > 0) {
    w.key("average_price")
        .real(market_.to_price(o.instrument, 1) * static_cast<double>(o.fill_value) / static_cast<double>(o.filled));
  } else {
    w.field("average_price", 0);
  }
  w.field("api", true).field_number("amount", spec.format_qty(o.amount));
  if (o.trigger_price > 0) {
    w.field_number("trigger_price", spec.format_price(o.trigger_price)).field("trigger", to_string(o.trigger));
    w.field("triggered", o.state != order_state::untriggered);
  }
  if (!o.cancel_reason.empty()) w.field("cancel_reason", o.cancel_reason);
  w.end_object();
}

void venue_core::write_trade(json_writer& w, const sim_trade& t) const {
  const core::instrument& spec = market_.spec(t.instrument);
  const sim_order* o = exchange_.find_order(t.order_id);
  w.begin_object();
  w.field("trade_seq", t.trade_seq).field("trade_id", t.trade_id).field("timestamp", t.timestamp);
  w.field("tick_direction", 0).field("state", to_string(t.state_after));
  w.field("reduce_only", o != nullptr && o->reduce_only).field_number("price", spec.format_price(t.price));
  w.field("post_only", o != nullptr && o->post_only).field("order_type", to_string(t.type));
  w.field("order_id", t.order_id).key("matching_id").null();
  w.field_number("mark_price", spec.format_price(t.mark)).field("liquidity", t.maker ? "M" : "T");
  if (!t.label.empty()) w.field("label", t.label);
  w.field("instrument_name", spec.symbol).key("index_price").real(t.index_price);
  w.field("fee_currency", spec.settlement_currency).key("fee").real(t.fee);
  w.field("direction", direction(t.direction)).field_number("amount", spec.format_qty(t.amount));
  w.end_object();
}

void venue_core::write_instrument(json_writer& w, core::instrument_id id) const {
  const core::instrument& spec = market_.spec(id);
  const sim_instrument& si = market_.at(id);
  const bool option = is_option(spec);
  w.begin_object();
  w.field_number("tick_size", spec.format_price(1));
  w.key("tick_size_steps").begin_array();
  for (const core::tick_step& s : spec.tick_steps) {
    w.begin_object().field_number("above_price", spec.format_price(s.above_ticks));
    w.field_number("tick_size", spec.format_price(s.step_ticks)).end_object();
  }
  w.end_array();
  w.key("taker_commission").real(option ? 0.0003 : 0.0005).key("maker_commission").real(option ? 0.0003 : 0.0);
  w.field("settlement_period", si.settlement_period).field("settlement_currency", spec.settlement_currency);
  w.field("quote_currency", spec.quote_currency).field("price_index", index_name(spec));
  w.field_number("min_trade_amount", spec.format_qty(1)).field("max_leverage", option ? 0 : 50);
  w.field("kind", option ? "option" : "future").field("is_active", true).field("instrument_name", spec.symbol);
  w.field("instrument_id", static_cast<std::int64_t>(id) + 1);
  w.field("expiration_timestamp", spec.expiry_ms > 0 ? spec.expiry_ms : std::int64_t{32503708800000});
  w.field("creation_timestamp", si.creation_ms).field("counter_currency", spec.quote_currency);
  w.field_number("contract_size", std::to_string(spec.contract_size.mantissa));
  w.field("base_currency", spec.base_currency).field("rfq", false);
  if (option) {
    w.field("option_type", spec.option == core::option_kind::call ? "call" : "put");
    w.field_number("strike", std::to_string(spec.strike.mantissa)).field("instrument_type", "linear");
  } else {
    w.field("instrument_type", "reversed").field("future_type", "reversed");
  }
  w.end_object();
}

void venue_core::write_ticker(json_writer& w, core::instrument_id id) const {
  const core::instrument& spec = market_.spec(id);
  const sim_instrument& si = market_.at(id);
  const core::ticks mark = si.mark > 0 ? si.mark : market_.fair_mark(id);
  const double index = market_.indexes()[si.underlying].price;
  w.begin_object();
  w.field("timestamp", market_.now_ms());
  w.key("stats").begin_object().key("volume").real(0).key("price_change").real(0).key("low").null().key("high").null();
  w.end_object();
  w.field("state", "open").field_number("settlement_price", spec.format_price(mark));
  w.field_number("open_interest", spec.format_qty(si.open_interest));
  w.field_number("min_price", spec.format_price(std::max<core::ticks>(1, mark * 97 / 100)));
  w.field_number("max_price", spec.format_price(mark * 103 / 100));
  w.field_number("mark_price", spec.format_price(mark));
  if (si.last_price > 0) {
    w.field_number("last_price", spec.format_price(si.last_price));
  } else {
    w.key("last_price").null();
  }
  w.field("instrument_name", spec.symbol).key("index_price").real(index);
  w.key("estimated_delivery_price").real(index);
  if (spec.kind == core::instrument_kind::perpetual) {
    w.key("funding_8h").real(si.funding_8h).key("current_funding").real(si.current_funding);
    w.key("interest_value").real(0);
  }
  const auto best = [&](const char* price_key, const char* amount_key, const std::vector<level>& side) {
    if (side.empty()) {
      w.key(price_key).null().key(amount_key).real(0);
    } else {
      w.field_number(price_key, spec.format_price(side.front().price));
      w.field_number(amount_key, spec.format_qty(side.front().qty));
    }
  };
  best("best_bid_price", "best_bid_amount", si.bids);
  best("best_ask_price", "best_ask_amount", si.asks);
  if (is_option(spec)) {
    w.key("underlying_price").real(index).field("underlying_index", index_name(spec));
    w.key("mark_iv").real(60).key("interest_rate").real(0);
    w.key("greeks").begin_object().key("delta").real(0.5).key("gamma").real(0).key("vega").real(0);
    w.key("theta").real(0).key("rho").real(0).end_object();
  }
  w.end_object();
}

void venue_core::public_levels(core::instrument_id id, std::map<core::ticks, core::lots>& bids,
                               std::map<core::ticks, core::lots>& asks) const {
  bids.clear();
  asks.clear();
  const sim_instrument& si = market_.at(id);
  for (const level& l : si.bids) bids[l.price] += l.qty;
  for (const level& l : si.asks) asks[l.price] += l.qty;
  exchange_.add_resting_levels(id, core::side::buy, bids);
  exchange_.add_resting_levels(id, core::side::sell, asks);
}

void venue_core::write_book(json_writer& w, core::instrument_id id, std::size_t depth) const {
  const core::instrument& spec = market_.spec(id);
  std::map<core::ticks, core::lots> bids, asks;
  public_levels(id, bids, asks);
  const auto pb = published_.find(id);
  w.begin_object().field("timestamp", market_.now_ms()).field("instrument_name", spec.symbol);
  w.field("change_id", pb != published_.end() ? pb->second.change_id : std::int64_t{0});
  w.key("bids").begin_array();
  std::size_t n = 0;
  for (auto it = bids.rbegin(); it != bids.rend() && n < depth; ++it, ++n) {
    w.begin_array().number(spec.format_price(it->first)).number(spec.format_qty(it->second)).end_array();
  }
  w.end_array().key("asks").begin_array();
  n = 0;
  for (auto it = asks.begin(); it != asks.end() && n < depth; ++it, ++n) {
    w.begin_array().number(spec.format_price(it->first)).number(spec.format_qty(it->second)).end_array();
  }
  w.end_array().end_object();
}

void venue_core::write_position(json_writer& w, std::size_t account, core::instrument_id id) const {
  const core::instrument& spec = market_.spec(id);
  const sim_instrument& si = market_.at(id);
  const sim_account& a = exchange_.account(account);
  const auto it = a.positions.find(id);
  const sim_position p = it != a.positions.end() ? it->second : sim_position{};
  const core::ticks mark = si.mark > 0 ? si.mark : market_.fair_mark(id);
  const double upl = exchange_.floating_pnl(id, p);
  w.begin_object();
  w.field("instrument_name", spec.symbol).field("kind", is_option(spec) ? "option" : "future");
  std::string size = spec.format_qty(std::abs(p.size));
  if (p.size < 0) size.insert(size.begin(), '-');
  w.field_number("size", size);
  w.field("direction", p.size > 0 ? "buy" : p.size < 0 ? "sell" : "zero");
  w.key("average_price").real(exchange_.average_price(id, p));
  w.field_number("mark_price", spec.format_price(mark)).key("index_price").real(market_.indexes()[si.underlying].price);
  w.key("floating_profit_loss").real(upl).key("realized_profit_loss").real(p.realized);
  w.key("total_profit_loss").real(upl + p.realized).key("realized_funding").real(-p.funding);
  w.field_number("settlement_price", spec.format_price(mark));
  const double mk = market_.to_price(id, mark);
  const double amount = market_.to_amount(id, p.size);
  const double size_currency = is_option(spec) ? amount : (mk > 0 ? amount / mk : 0);
  w.key("size_currency").real(size_currency).key("delta").real(size_currency);
  w.key("initial_margin").real(exchange_.initial_margin(id, p.size, mark));
  w.key("maintenance_margin").real(exchange_.maintenance_margin(id, p.size, mark));
  w.key("open_orders_margin").real(0).field("leverage", is_option(spec) ? 0 : 50);
  w.end_object();
}

void venue_core::write_tape_trade(json_writer& w, core::instrument_id id, const tape_trade& t) const {
  const core::instrument& spec = market_.spec(id);
  w.begin_object().field("trade_seq", t.trade_seq).field("trade_id", t.trade_id).field("timestamp", t.timestamp);
  w.field("tick_direction", 0).field_number("price", spec.format_price(t.price));
  w.field_number("mark_price", spec.format_price(t.mark)).field("instrument_name", spec.symbol);
  w.key("index_price").real(t.index_price).field("direction", t.aggressor == core::side::buy ? "buy" : "sell");
  w.field_number("amount", spec.format_qty(t.amount)).end_object();
}

// public/get_book_summary_by_*: the ticker's numbers under Deribit's summary
// names. No 24 h statistics are kept: volume 0, high/low null.
void venue_core::write_book_summary(json_writer& w, core::instrument_id id) const {
  const core::instrument& spec = market_.spec(id);
  const sim_instrument& si = market_.at(id);
  const core::ticks mark = si.mark > 0 ? si.mark : market_.fair_mark(id);
  const double index = market_.indexes()[si.underlying].price;
  w.begin_object().field("instrument_name", spec.symbol).field("base_currency", spec.base_currency);
  w.field("quote_currency", spec.quote_currency).key("volume").real(0).key("volume_usd").real(0);
  w.key("volume_notional").real(0).field_number("open_interest", spec.format_qty(si.open_interest));
  w.key("price_change").null().field_number("mark_price", spec.format_price(mark));
  const auto price_or_null = [&](const char* key, core::ticks p) {
    if (p > 0) {
      w.field_number(key, spec.format_price(p));
    } else {
      w.key(key).null();
    }
  };
  const core::ticks bid = si.bids.empty() ? 0 : si.bids.front().price;
  const core::ticks ask = si.asks.empty() ? 0 : si.asks.front().price;
  price_or_null("bid_price", bid);
  price_or_null("ask_price", ask);
  if (bid > 0 && ask > 0) {
    w.key("mid_price").real((market_.to_price(id, bid) + market_.to_price(id, ask)) / 2);
  } else {
    w.key("mid_price").null();
  }
  price_or_null("last", si.last_price);
  w.key("high").null().key("low").null().key("estimated_delivery_price").real(index);
  w.field("creation_timestamp", market_.now_ms());
  if (spec.kind == core::instrument_kind::perpetual) {
    w.key("funding_8h").real(si.funding_8h).key("current_funding").real(si.current_funding);
  }
  if (is_option(spec)) {
    w.field("underlying_index", index_name(spec)).key("underlying_price").real(index);
    w.key("interest_rate").real(0).key("mark_iv").real(60);
  }
  w.end_object();
}

// The account fields get_account_summaries carries at its top level and
// get_account_summary adds when `extended`.
void venue_core::write_account_identity(json_writer& w, std::size_t account) const {
  const sim_account& a = exchange_.account(account);
  w.field("id", static_cast<std::int64_t>(account) + 1).field("username", a.client_id);
  w.field("system_name", a.client_id).field("email", a.client_id + "@tickrail.invalid").field("type", "main");
  w.field("creation_timestamp", sim_start_ms_).key("referrer_id").null().field("login_enabled", false);
  w.field("security_keys_enabled", false).field("mmp_enabled", false).field("interuser_transfers_enabled", false);
  w.field("self_trading_reject_mode", "cancel_maker").field("self_trading_extended_to_subaccounts", false);
}

void venue_core::write_summary(json_writer& w, std::size_t account, const std::string& currency, bool extended) const {
  const exchange::summary s = exchange_.summarize(account, currency);
  w.begin_object().field("currency", currency);
  w.key("balance").real(s.balance).key("equity").real(s.equity).key("margin_balance").real(s.equity);
  w.key("available_funds").real(s.available).key("available_withdrawal_funds").real(std::max(0.0, s.available));
  w.key("initial_margin").real(s.initial_margin).key("maintenance_margin").real(s.maintenance_margin);
  w.key("total_pl").real(s.total_pl).key("session_upl").real(s.total_pl).key("session_rpl").real(0);
  w.key("futures_pl").real(s.futures_pl).key("options_pl").real(s.options_pl);
  w.key("options_value").real(s.options_value).key("fee_balance").real(0).key("delta_total").real(s.delta);
  w.key("projected_initial_margin")
      .real(s.initial_margin)
      .key("projected_maintenance_margin")
      .real(s.maintenance_margin);
  w.field("portfolio_margining_enabled", false).field("cross_collateral_enabled", false);
  w.field("margin_model", "cross_sm");
  if (extended) {
    write_account_identity(w, account);
    // The schedule exchange.hpp charges, as relative fees.
    w.key("fees").begin_array();
    for (const char* type : {"perpetual", "future", "option"}) {
      const bool option = type[0] == 'o';
      // Options pay a fixed 0.0003 coin per contract (capped at 12.5 % of the premium).
      w.begin_object().field("currency", currency).field("instrument_type", type);
      w.field("fee_type", option ? "fixed" : "relative");
      w.key("maker_fee").real(option ? 0.0003 : 0.0).key("taker_fee").real(option ? 0.0003 : 0.0005).end_object();
    }
    w.end_array();
  }
  w.end_object();
}

}  // namespace tickrail::venue
