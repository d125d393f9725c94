// The JSON-RPC methods, with Deribit's parameter names, result shapes and
// error codes.
#include <algorithm>
#include <cmath>

#include "venue/core.hpp"
#include "venue/rpc_support.hpp"

namespace tickrail::venue {
namespace {

namespace json = boost::json;
using rpc::flag;
using rpc::invalid_params;
using rpc::number;
using rpc::object_of;
using rpc::str;

// The instrument named by `instrument_name`, or the error Deribit gives.
std::variant<core::instrument_id, rpc_error> instrument_param(const market& m, const json::object& p) {
  const auto name = str(p, "instrument_name");
  if (!name) return invalid_params("instrument_name", "required");
  const auto id = m.find(*name);
  if (!id) return rpc_error{10020, "invalid_or_unsupported_instrument", "unknown instrument", "instrument_name"};
  return *id;
}

// `amount` in lots of `spec`, exactly.
std::optional<rpc_error> amount_param(const core::instrument& spec, std::optional<core::decimal> amount,
                                      core::lots& out) {
  if (!amount) return invalid_params("amount", "required");
  if (spec.lot.to_units(*amount, core::rounding::exact, out) != core::fp_error::ok || out <= 0) {
    return invalid_params("amount", "must be a positive multiple of " + spec.format_qty(1));
  }
  return std::nullopt;
}

// A price in ticks of `spec`, exactly on the tick (`wrong_tick` otherwise).
std::optional<rpc_error> price_param(const core::instrument& spec, const core::decimal& price, core::ticks& out,
                                     const rpc_error& wrong_tick) {
  const core::fp_error e = spec.tick.to_units(price, core::rounding::exact, out);
  if (e == core::fp_error::inexact) return wrong_tick;
  if (e != core::fp_error::ok || out <= 0) return invalid_params(wrong_tick.param, "not a valid price");
  return std::nullopt;
}

bool kind_matches(const core::instrument& spec, std::optional<std::string_view> kind) {
  if (!kind || *kind == "any") return true;
  if (*kind == "option") return spec.kind == core::instrument_kind::option;
  if (*kind == "future")
    return spec.kind == core::instrument_kind::future || spec.kind == core::instrument_kind::perpetual;
  return false;
}

bool currency_matches(const core::instrument& spec, std::optional<std::string_view> ccy) {
  return !ccy || *ccy == "any" || spec.base_currency == *ccy;
}

// `subaccount_id`: the simulator has no subaccounts, so only the caller's
// own account id (get_account_summaries' `id`) is accepted.
std::optional<rpc_error> subaccount_param(const json::object& p, std::size_t account) {
  if (p.if_contains("subaccount_id") == nullptr) return std::nullopt;
  const auto id = rpc::integer(p, "subaccount_id");
  if (!id || *id != static_cast<std::int64_t>(account) + 1)
    return invalid_params("subaccount_id", "no such subaccount");
  return std::nullopt;
}

}  // namespace

// ---- session methods ---------------------------------------------------------------------

std::optional<rpc_error> venue_core::m_auth(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const std::optional<std::string_view> grant = str(p, "grant_type");
  if (!grant) return invalid_params("grant_type", "required");
  std::optional<std::size_t> account;
  if (*grant == "client_credentials") {
    const auto id = str(p, "client_id");
    const auto secret = str(p, "client_secret");
    if (!id || !secret) return invalid_params(!id ? "client_id" : "client_secret", "required");
    account = exchange_.find_account(*id);
    if (!account || exchange_.account(*account).client_secret != *secret) {
      return rpc_error{13004, "invalid_credentials", "client_id or client_secret is wrong", "client_secret"};
    }
  } else if (*grant == "client_signature") {
    const auto id = str(p, "client_id");
    const auto sig = str(p, "signature");
    const auto nonce = str(p, "nonce");
    const auto ts = rpc::integer(p, "timestamp");
    const std::string data(str(p, "data").value_or(""));
    if (!id || !sig || !nonce || !ts)
      return invalid_params("signature", "client_id, timestamp, nonce and signature required");
    account = exchange_.find_account(*id);
    if (!account) return rpc_error{13004, "invalid_credentials", "unknown client_id", "client_id"};
    if (std::abs(*ts - now_wall_ms_) > config_.hmac_max_skew_ms) {
      return rpc_error{13009, "unauthorized", "stale timestamp", "timestamp"};
    }
    const std::string expected = rpc::hmac_sha256_hex(exchange_.account(*account).client_secret,
                                                      std::to_string(*ts) + "\n" + std::string(*nonce) + "\n" + data);
    if (expected != *sig) return rpc_error{13009, "unauthorized", "invalid signature", "signature"};
  } else if (*grant == "refresh_token") {
    const auto rt = str(p, "refresh_token");
    if (!rt) return invalid_params("refresh_token", "required");
    const auto it = tokens_.find(*rt);
    if (it == tokens_.end() || !it->second.refresh || it->second.expires_ms <= now_wall_ms_) {
      return rpc_error{13009, "unauthorized", "invalid or expired refresh token", "refresh_token"};
    }
    account = it->second.account;
    tokens_.erase(it);  // a refresh token is used once
  } else {
    return invalid_params("grant_type", "client_credentials, client_signature or refresh_token");
  }
  if (faults_.tokenless_auths > 0) {  // fault: a success that grants nothing
    --faults_.tokenless_auths;
    w.begin_object().field("scope", "connection mainaccount").field("token_type", "bearer").end_object();
    return std::nullopt;
  }
  const std::string access = std::to_string(now_wall_ms_) + ".A" + std::to_string(next_token_++);
  const std::string refresh = std::to_string(now_wall_ms_) + ".R" + std::to_string(next_token_++);
  tokens_[access] = {*account, now_wall_ms_ + config_.token_ttl_s * 1000, false};
  tokens_[refresh] = {*account, now_wall_ms_ + config_.refresh_ttl_s * 1000, true};
  s.account = account;
  s.access_token = access;
  w.begin_object().field("access_token", access).field("expires_in", config_.token_ttl_s);
  w.field("refresh_token", refresh).field("scope", "connection mainaccount");
  w.key("enabled_features").begin_array().end_array().field("token_type", "bearer").end_object();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_test(session& s, const request&, json_writer& w) {
  s.test_request_at_ms = 0;
  w.begin_object().field("version", "1.2.26").end_object();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_get_time(session&, const request&, json_writer& w) {
  w.integer(now_wall_ms_);
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_set_heartbeat(session& s, const request& r, json_writer& w) {
  if (!s.websocket) return rpc_error{-32602, "Invalid params", "heartbeats need a WebSocket connection", ""};
  const auto interval = rpc::integer(object_of(r.params), "interval");
  // Deribit's minimum is 10 s; the simulator takes 1 s so tests run fast.
  if (!interval || *interval < 1 || *interval > 3600) return invalid_params("interval", "seconds, 1..3600");
  s.heartbeat_ms = *interval * 1000;
  s.next_heartbeat_ms = now_wall_ms_ + s.heartbeat_ms;
  s.test_request_at_ms = 0;
  w.string("ok");
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_disable_heartbeat(session& s, const request&, json_writer& w) {
  s.heartbeat_ms = 0;
  s.test_request_at_ms = 0;
  w.string("ok");
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_enable_cod(session& s, const request& r, json_writer& w) {
  const auto scope = str(object_of(r.params), "scope");
  if (scope && *scope != "connection" && *scope != "account") return invalid_params("scope", "connection or account");
  s.cancel_on_disconnect = true;
  w.string("ok");
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_disable_cod(session& s, const request&, json_writer& w) {
  s.cancel_on_disconnect = false;
  w.string("ok");
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_get_cod(session& s, const request&, json_writer& w) {
  w.begin_object().field("scope", "connection").field("enabled", s.cancel_on_disconnect).end_object();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_logout(session& s, const request& r, json_writer& w) {
  if (!s.websocket) return rpc_error{-32602, "Invalid params", "logout needs a WebSocket connection", ""};
  if (flag(object_of(r.params), "invalidate_token").value_or(true)) tokens_.erase(s.access_token);
  s.cancel_on_disconnect = false;  // logout does not trigger cancel-on-disconnect
  s.account.reset();
  s.access_token.clear();
  w.string("ok");
  if (s.close) s.close();  // after the reply is written
  return std::nullopt;
}

// ---- trading ------------------------------------------------------------------------------

std::optional<rpc_error> venue_core::place(session& s, const request& r, json_writer& w, core::side side) {
  const json::object& p = object_of(r.params);
  const auto found = instrument_param(market_, p);
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  const core::instrument& spec = market_.spec(id);
  order_params op;
  op.instrument = id;
  op.direction = side;
  const std::string_view type = str(p, "type").value_or("limit");
  if (type == "limit")
    op.type = order_type::limit;
  else if (type == "market")
    op.type = order_type::market;
  else if (type == "stop_limit")
    op.type = order_type::stop_limit;
  else if (type == "stop_market")
    op.type = order_type::stop_market;
  else
    return invalid_params("type", "limit, market, stop_limit or stop_market");

  std::optional<core::decimal> amount = number(p, "amount");
  if (!amount) {
    // `contracts` is the amount in contracts of contract_size.
    if (const auto contracts = number(p, "contracts")) {
      amount = core::decimal{contracts->mantissa * spec.contract_size.mantissa, contracts->scale};
    }
  }
  if (auto e = amount_param(spec, amount, op.amount)) return e;
  if (const auto price = number(p, "price")) {
    if (auto e = price_param(spec, *price, op.price, {10043, "price_wrong_tick", "price is off the tick", "price"}))
      return e;
  } else if (op.type == order_type::limit || op.type == order_type::stop_limit) {
    return invalid_params("price", "required for limit orders");
  }
  if (const auto trigger_price = number(p, "trigger_price")) {
    if (auto e = price_param(spec, *trigger_price, op.trigger_price,
                             {10044, "trigger_price_wrong_tick", "trigger price is off the tick", "trigger_price"})) {
      return e;
    }
  }
  if (const auto trigger = str(p, "trigger")) {
    if (*trigger == "last_price")
      op.trigger = trigger_kind::last_price;
    else if (*trigger == "mark_price")
      op.trigger = trigger_kind::mark_price;
    else if (*trigger == "index_price")
      op.trigger = trigger_kind::index_price;
    else
      return invalid_params("trigger", "last_price, mark_price or index_price");
  }
  const std::string_view tif = str(p, "time_in_force").value_or("good_til_cancelled");
  if (tif == "good_til_cancelled")
    op.tif = time_in_force::good_til_cancelled;
  else if (tif == "immediate_or_cancel")
    op.tif = time_in_force::immediate_or_cancel;
  else if (tif == "fill_or_kill")
    op.tif = time_in_force::fill_or_kill;
  else
    return invalid_params("time_in_force", "good_til_cancelled, immediate_or_cancel or fill_or_kill");
  if (const auto label = str(p, "label")) {
    if (label->size() > 64) return invalid_params("label", "at most 64 characters");
    op.label = std::string(*label);
  }
  op.post_only = flag(p, "post_only").value_or(false);
  op.reject_post_only = flag(p, "reject_post_only").value_or(false);
  op.reduce_only = flag(p, "reduce_only").value_or(false);

  return write_placed(w, exchange_.place(*s.account, op));
}

// {"order": …, "trades": […]}: what buy, sell and edit answer.
std::optional<rpc_error> venue_core::write_placed(json_writer& w,
                                                  const std::variant<exchange::placed, rpc_error>& result) const {
  if (const rpc_error* e = std::get_if<rpc_error>(&result)) return *e;
  const exchange::placed& placed = std::get<exchange::placed>(result);
  w.begin_object().key("order");
  write_order(w, *placed.order);
  w.key("trades").begin_array();
  for (const std::size_t t : placed.trades) write_trade(w, exchange_.trades()[t]);
  w.end_array().end_object();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_buy(session& s, const request& r, json_writer& w) {
  return place(s, r, w, core::side::buy);
}
std::optional<rpc_error> venue_core::m_sell(session& s, const request& r, json_writer& w) {
  return place(s, r, w, core::side::sell);
}

std::optional<rpc_error> venue_core::m_edit(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto order_id = str(p, "order_id");
  if (!order_id) return invalid_params("order_id", "required");
  const sim_order* o = exchange_.find_order(*order_id);
  if (o == nullptr || o->account != *s.account) return rpc_error{10004, "order_not_found", "no such order", "order_id"};
  const core::instrument& spec = market_.spec(o->instrument);
  core::lots lots = 0;
  if (auto e = amount_param(spec, number(p, "amount"), lots)) return e;
  core::ticks price = 0;
  if (const auto pr = number(p, "price")) {
    if (auto e = price_param(spec, *pr, price, {10043, "price_wrong_tick", "price is off the tick", "price"})) return e;
  }
  return write_placed(w,
                      exchange_.edit(*s.account, *order_id, lots, price, flag(p, "post_only"), flag(p, "reduce_only")));
}

std::optional<rpc_error> venue_core::m_cancel(session& s, const request& r, json_writer& w) {
  const auto order_id = str(object_of(r.params), "order_id");
  if (!order_id) return invalid_params("order_id", "required");
  auto result = exchange_.cancel(*s.account, *order_id);
  if (const rpc_error* e = std::get_if<rpc_error>(&result)) return *e;
  write_order(w, *std::get<const sim_order*>(result));
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_cancel_all(session& s, const request&, json_writer& w) {
  w.integer(static_cast<std::int64_t>(exchange_.cancel_matching(*s.account, [](const sim_order&) { return true; })));
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_cancel_all_by_currency(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  const auto kind = str(p, "kind");
  w.integer(static_cast<std::int64_t>(exchange_.cancel_matching(*s.account, [&](const sim_order& o) {
    const core::instrument& spec = market_.spec(o.instrument);
    return currency_matches(spec, ccy) && kind_matches(spec, kind);
  })));
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_cancel_all_by_instrument(session& s, const request& r, json_writer& w) {
  const auto found = instrument_param(market_, object_of(r.params));
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  w.integer(static_cast<std::int64_t>(
      exchange_.cancel_matching(*s.account, [&](const sim_order& o) { return o.instrument == id; })));
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_cancel_by_label(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto label = str(p, "label");
  if (!label) return invalid_params("label", "required");
  const auto ccy = str(p, "currency");
  w.integer(static_cast<std::int64_t>(exchange_.cancel_matching(*s.account, [&](const sim_order& o) {
    return o.label == *label && currency_matches(market_.spec(o.instrument), ccy);
  })));
  return std::nullopt;
}

// A reduce-only order for the whole position, opposite its direction:
// `type` limit (with `price`) or market. {order, trades} like private/buy.
std::optional<rpc_error> venue_core::m_close_position(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto found = instrument_param(market_, p);
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  const core::instrument& spec = market_.spec(id);
  const auto type = str(p, "type");
  if (!type || (*type != "limit" && *type != "market")) return invalid_params("type", "limit or market");
  order_params op;
  op.instrument = id;
  op.type = *type == "limit" ? order_type::limit : order_type::market;
  op.reduce_only = true;
  if (op.type == order_type::limit) {
    const auto price = number(p, "price");
    if (!price) return invalid_params("price", "required for limit");
    if (auto e = price_param(spec, *price, op.price, {10043, "price_wrong_tick", "price is off the tick", "price"}))
      return e;
  }
  const auto& positions = exchange_.account(*s.account).positions;
  const auto it = positions.find(id);
  const core::lots size = it != positions.end() ? it->second.size : 0;
  if (size == 0) return rpc_error{11029, "invalid_arguments", "no position to close", "instrument_name"};
  op.direction = size > 0 ? core::side::sell : core::side::buy;
  op.amount = std::abs(size);
  return write_placed(w, exchange_.place(*s.account, op));
}

// ---- account queries ----------------------------------------------------------------------

std::optional<rpc_error> venue_core::m_get_order_state(session& s, const request& r, json_writer& w) {
  const auto order_id = str(object_of(r.params), "order_id");
  if (!order_id) return invalid_params("order_id", "required");
  const sim_order* o = exchange_.find_order(*order_id);
  if (o == nullptr || o->account != *s.account) return rpc_error{10004, "order_not_found", "no such order", "order_id"};
  write_order(w, *o);
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_open_orders_by_currency(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  const auto kind = str(p, "kind");
  w.begin_array();
  for (const sim_order& o : exchange_.orders()) {
    if (o.account != *s.account || !exchange::live(o)) continue;
    const core::instrument& spec = market_.spec(o.instrument);
    if (currency_matches(spec, ccy) && kind_matches(spec, kind)) write_order(w, o);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_open_orders_by_instrument(session& s, const request& r, json_writer& w) {
  const auto found = instrument_param(market_, object_of(r.params));
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  w.begin_array();
  for (const sim_order& o : exchange_.orders()) {
    if (o.account == *s.account && exchange::live(o) && o.instrument == id) write_order(w, o);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_get_positions(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  const auto kind = str(p, "kind");
  w.begin_array();
  for (const auto& [id, pos] : exchange_.account(*s.account).positions) {
    const core::instrument& spec = market_.spec(id);
    if (!currency_matches(spec, ccy) || !kind_matches(spec, kind)) continue;
    if (pos.size == 0 && pos.realized == 0) continue;
    write_position(w, *s.account, id);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_get_position(session& s, const request& r, json_writer& w) {
  const auto found = instrument_param(market_, object_of(r.params));
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  write_position(w, *s.account, id);
  return std::nullopt;
}

namespace {
template <typename Match>
void write_trades_page(const venue_core&, const exchange& ex, std::size_t account, const json::object& p, Match&& match,
                       json_writer& w, const std::function<void(json_writer&, const sim_trade&)>& write) {
  const std::int64_t count = std::clamp<std::int64_t>(rpc::integer(p, "count").value_or(10), 1, 1000);
  const std::int64_t start = rpc::integer(p, "start_timestamp").value_or(0);
  const std::int64_t end = rpc::integer(p, "end_timestamp").value_or(INT64_MAX);
  const bool ascending = str(p, "sorting").value_or("desc") == "asc";
  std::vector<const sim_trade*> hits;
  for (const sim_trade& t : ex.trades()) {
    if (t.account == account && t.timestamp >= start && t.timestamp <= end && match(t)) hits.push_back(&t);
  }
  if (!ascending) std::reverse(hits.begin(), hits.end());
  w.begin_object().key("trades").begin_array();
  for (std::size_t i = 0; i < hits.size() && static_cast<std::int64_t>(i) < count; ++i) write(w, *hits[i]);
  w.end_array().field("has_more", static_cast<std::int64_t>(hits.size()) > count).end_object();
}
}  // namespace

std::optional<rpc_error> venue_core::m_user_trades_by_currency(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  const auto kind = str(p, "kind");
  write_trades_page(
      *this, exchange_, *s.account, p,
      [&](const sim_trade& t) {
        const core::instrument& spec = market_.spec(t.instrument);
        return currency_matches(spec, ccy) && kind_matches(spec, kind);
      },
      w, [this](json_writer& out, const sim_trade& t) { write_trade(out, t); });
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_user_trades_by_instrument(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto found = instrument_param(market_, p);
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  write_trades_page(
      *this, exchange_, *s.account, p, [&](const sim_trade& t) { return t.instrument == id; }, w,
      [this](json_writer& out, const sim_trade& t) { write_trade(out, t); });
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_account_summary(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  if (!market_.currency_index(*ccy)) return invalid_params("currency", "unknown currency");
  if (auto e = subaccount_param(p, *s.account)) return e;
  write_summary(w, *s.account, std::string(*ccy), flag(p, "extended").value_or(false));
  return std::nullopt;
}

// {id, email, system_name, username, type, ..., summaries: [one
// get_account_summary object per currency]}.
std::optional<rpc_error> venue_core::m_account_summaries(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  if (auto e = subaccount_param(p, *s.account)) return e;
  const bool extended = flag(p, "extended").value_or(false);
  w.begin_object();
  write_account_identity(w, *s.account);
  w.key("summaries").begin_array();
  for (const index_state& ix : market_.indexes()) write_summary(w, *s.account, ix.currency, extended);
  w.end_array().end_object();
  return std::nullopt;
}

namespace {
// get_order_history_by_*: the account's closed orders (filled, cancelled,
// rejected; open and untriggered ones are in get_open_orders_*), the most
// recently updated first, `offset` skipped, at most `count`. Orders that
// closed with nothing filled only with `include_unfilled`. Every order is
// kept for the life of the process, so `include_old` changes nothing.
template <typename Match>
std::vector<const sim_order*> order_history(const exchange& ex, std::size_t account, const json::object& p,
                                            Match&& match) {
  const std::int64_t count = std::clamp<std::int64_t>(rpc::integer(p, "count").value_or(20), 1, 10'000);
  const std::int64_t offset = std::max<std::int64_t>(0, rpc::integer(p, "offset").value_or(0));
  const bool unfilled = flag(p, "include_unfilled").value_or(false);
  std::vector<const sim_order*> hits;
  for (auto it = ex.orders().rbegin(); it != ex.orders().rend(); ++it) {
    const sim_order& o = *it;
    if (o.account != account || exchange::live(o) || (o.filled == 0 && !unfilled) || !match(o)) continue;
    hits.push_back(&o);
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const sim_order* a, const sim_order* b) { return a->update_ms > b->update_ms; });
  hits.erase(hits.begin(), hits.begin() + std::min<std::int64_t>(offset, static_cast<std::int64_t>(hits.size())));
  if (static_cast<std::int64_t>(hits.size()) > count) hits.resize(static_cast<std::size_t>(count));
  return hits;
}

// get_open_orders' `type`.
bool order_type_matches(const sim_order& o, std::string_view type) {
  const bool stop = o.type == order_type::stop_limit || o.type == order_type::stop_market;
  if (type == "all") return true;
  if (type == "limit") return !stop;
  if (type == "stop_all" || type == "trigger_all") return stop;
  if (type == "stop_limit") return o.type == order_type::stop_limit;
  if (type == "stop_market") return o.type == order_type::stop_market;
  return false;  // take_*, trailing_*: order types the simulator does not have
}
}  // namespace

std::optional<rpc_error> venue_core::m_order_history_by_currency(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  const auto kind = str(p, "kind");
  w.begin_array();
  for (const sim_order* o : order_history(exchange_, *s.account, p, [&](const sim_order& x) {
         const core::instrument& spec = market_.spec(x.instrument);
         return currency_matches(spec, ccy) && kind_matches(spec, kind);
       })) {
    write_order(w, *o);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_order_history_by_instrument(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto found = instrument_param(market_, p);
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  w.begin_array();
  for (const sim_order* o :
       order_history(exchange_, *s.account, p, [&](const sim_order& x) { return x.instrument == id; })) {
    write_order(w, *o);
  }
  w.end_array();
  return std::nullopt;
}

// An array of the order's fills, oldest first (`sorting` "desc" reverses);
// an order id that is not the caller's has none.
std::optional<rpc_error> venue_core::m_user_trades_by_order(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto order_id = str(p, "order_id");
  if (!order_id) return invalid_params("order_id", "required");
  std::vector<const sim_trade*> hits;
  for (const sim_trade& t : exchange_.trades()) {
    if (t.account == *s.account && t.order_id == *order_id) hits.push_back(&t);
  }
  if (str(p, "sorting").value_or("asc") == "desc") std::reverse(hits.begin(), hits.end());
  w.begin_array();
  for (const sim_trade* t : hits) write_trade(w, *t);
  w.end_array();
  return std::nullopt;
}

// Every order of the account with the label in the currency, whatever its state.
std::optional<rpc_error> venue_core::m_order_state_by_label(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  const auto label = str(p, "label");
  if (!label) return invalid_params("label", "required");
  w.begin_array();
  for (const sim_order& o : exchange_.orders()) {
    if (o.account == *s.account && o.label == *label && currency_matches(market_.spec(o.instrument), ccy)) {
      write_order(w, o);
    }
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_open_orders(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto kind = str(p, "kind");
  const std::string_view type = str(p, "type").value_or("all");
  w.begin_array();
  for (const sim_order& o : exchange_.orders()) {
    if (o.account != *s.account || !exchange::live(o)) continue;
    if (kind_matches(market_.spec(o.instrument), kind) && order_type_matches(o, type)) write_order(w, o);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_open_orders_by_label(session& s, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  const auto label = str(p, "label");
  if (!label) return invalid_params("label", "required");
  w.begin_array();
  for (const sim_order& o : exchange_.orders()) {
    if (o.account != *s.account || !exchange::live(o) || o.label != *label) continue;
    if (currency_matches(market_.spec(o.instrument), ccy)) write_order(w, o);
  }
  w.end_array();
  return std::nullopt;
}

// ---- market data ---------------------------------------------------------------------------

std::optional<rpc_error> venue_core::m_get_instruments(session&, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  const auto kind = str(p, "kind");
  if (ccy && *ccy != "any" && !market_.currency_index(*ccy)) return invalid_params("currency", "unknown currency");
  if (kind && *kind != "future" && *kind != "option" && *kind != "any" && *kind != "spot" && *kind != "future_combo" &&
      *kind != "option_combo") {
    return invalid_params("kind", "future, option, spot, future_combo, option_combo");
  }
  w.begin_array();
  if (flag(p, "expired").value_or(false)) return w.end_array(), std::nullopt;  // nothing has expired here
  for (std::size_t i = 0; i < market_.size(); ++i) {
    const auto id = static_cast<core::instrument_id>(i);
    const core::instrument& spec = market_.spec(id);
    if (currency_matches(spec, ccy) && kind_matches(spec, kind)) write_instrument(w, id);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_get_instrument(session&, const request& r, json_writer& w) {
  const auto found = instrument_param(market_, object_of(r.params));
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  write_instrument(w, id);
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_get_currencies(session&, const request&, json_writer& w) {
  w.begin_array();
  for (const index_state& ix : market_.indexes()) {
    w.begin_object()
        .field("currency", ix.currency)
        .field("currency_long", ix.currency == "BTC" ? "Bitcoin" : ix.currency);
    w.field("fee_precision", 4).field("min_confirmations", 1).key("min_withdrawal_fee").real(0.0001);
    w.key("withdrawal_fee").real(0.0001).key("withdrawal_priorities").begin_array().end_array();
    w.field("coin_type", ix.currency == "BTC" ? "BITCOIN" : "ETHER").end_object();
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_ticker(session&, const request& r, json_writer& w) {
  const auto found = instrument_param(market_, object_of(r.params));
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  market_.refresh_book(id);
  write_ticker(w, id);
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_order_book(session&, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto found = instrument_param(market_, p);
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  const std::int64_t depth = rpc::integer(p, "depth").value_or(20);
  if (depth < 1 || depth > 10000) return invalid_params("depth", "1..10000");
  market_.refresh_book(id);
  // The ticker's fields plus the levels and the change id.
  json_writer t;
  write_ticker(t, id);
  json_writer b;
  write_book(b, id, static_cast<std::size_t>(depth));
  std::string ticker = t.take();
  const std::string book = b.take();
  ticker.pop_back();  // merge the two objects: {ticker..., bids, asks, change_id}
  w.raw(ticker + "," + book.substr(book.find("\"change_id\"")));
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_index_price(session&, const request& r, json_writer& w) {
  const auto name = str(object_of(r.params), "index_name");
  if (!name) return invalid_params("index_name", "required");
  for (const index_state& ix : market_.indexes()) {
    std::string n = ix.currency + "_usd";
    for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (n != *name) continue;
    w.begin_object().key("index_price").real(ix.price).key("estimated_delivery_price").real(ix.price).end_object();
    return std::nullopt;
  }
  return invalid_params("index_name", "unknown index (btc_usd, eth_usd)");
}

std::optional<rpc_error> venue_core::m_chart(session&, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto found = instrument_param(market_, p);
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  const auto start = rpc::integer(p, "start_timestamp");
  const auto end = rpc::integer(p, "end_timestamp");
  const auto resolution = str(p, "resolution");
  if (!start || !end || *end < *start)
    return invalid_params("end_timestamp", "start_timestamp <= end_timestamp required");
  std::int64_t period_ms = 0;
  if (!resolution) return invalid_params("resolution", "required");
  if (*resolution == "1D") {
    period_ms = 86'400'000;
  } else {
    std::int64_t minutes = 0;
    const auto [ptr, ec] = std::from_chars(resolution->data(), resolution->data() + resolution->size(), minutes);
    if (ec != std::errc() || ptr != resolution->data() + resolution->size() || minutes <= 0) {
      return invalid_params("resolution", "1, 3, 5, 10, 15, 30, 60, 120, 180, 360, 720 or 1D");
    }
    period_ms = minutes * 60'000;
  }
  if ((*end - *start) / period_ms > 5000) return invalid_params("start_timestamp", "at most 5000 candles");
  const std::vector<market::candle> candles = market_.candles(id, *start, *end, period_ms);
  const auto series = [&](const char* key, auto&& field) {
    w.key(key).begin_array();
    for (const market::candle& c : candles) w.real(field(c));
    w.end_array();
  };
  w.begin_object().field("status", candles.empty() ? "no_data" : "ok");
  w.key("ticks").begin_array();
  for (const market::candle& c : candles) w.integer(c.t);
  w.end_array();
  series("open", [](const market::candle& c) { return c.open; });
  series("high", [](const market::candle& c) { return c.high; });
  series("low", [](const market::candle& c) { return c.low; });
  series("close", [](const market::candle& c) { return c.close; });
  series("volume", [](const market::candle&) { return 0.0; });
  series("cost", [](const market::candle&) { return 0.0; });
  w.end_object();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_status(session&, const request&, json_writer& w) {
  w.begin_object().field("locked", "false").key("locked_indices").begin_array().end_array().end_object();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_book_summary_by_currency(session&, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto ccy = str(p, "currency");
  if (!ccy) return invalid_params("currency", "required");
  if (!market_.currency_index(*ccy)) return invalid_params("currency", "unknown currency");
  const auto kind = str(p, "kind");
  w.begin_array();
  for (std::size_t i = 0; i < market_.size(); ++i) {
    const auto id = static_cast<core::instrument_id>(i);
    const core::instrument& spec = market_.spec(id);
    if (!currency_matches(spec, ccy) || !kind_matches(spec, kind)) continue;
    market_.refresh_book(id);
    write_book_summary(w, id);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_book_summary_by_instrument(session&, const request& r, json_writer& w) {
  const auto found = instrument_param(market_, object_of(r.params));
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  market_.refresh_book(id);
  w.begin_array();
  write_book_summary(w, id);
  w.end_array();
  return std::nullopt;
}

// The public tape: synthetic market trades (drawn while someone watches
// trades.*) and our clients' fills, the last k_tape_length per instrument.
// `count` (10, at most 1000), `start_seq`/`end_seq`,
// `start_timestamp`/`end_timestamp`, `sorting` (desc by default).
std::optional<rpc_error> venue_core::m_last_trades_by_instrument(session&, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto found = instrument_param(market_, p);
  if (const rpc_error* e = std::get_if<rpc_error>(&found)) return *e;
  const core::instrument_id id = std::get<core::instrument_id>(found);
  const std::int64_t count = std::clamp<std::int64_t>(rpc::integer(p, "count").value_or(10), 1, 1000);
  const std::int64_t start_seq = rpc::integer(p, "start_seq").value_or(0);
  const std::int64_t end_seq = rpc::integer(p, "end_seq").value_or(INT64_MAX);
  const std::int64_t start = rpc::integer(p, "start_timestamp").value_or(0);
  const std::int64_t end = rpc::integer(p, "end_timestamp").value_or(INT64_MAX);
  const bool ascending = str(p, "sorting").value_or("desc") == "asc";
  std::vector<const tape_trade*> hits;
  if (const auto it = tape_.find(id); it != tape_.end()) {
    for (const tape_trade& t : it->second) {
      if (t.trade_seq >= start_seq && t.trade_seq <= end_seq && t.timestamp >= start && t.timestamp <= end) {
        hits.push_back(&t);
      }
    }
  }
  if (!ascending) std::reverse(hits.begin(), hits.end());
  w.begin_object().key("trades").begin_array();
  for (std::size_t i = 0; i < hits.size() && static_cast<std::int64_t>(i) < count; ++i)
    write_tape_trade(w, id, *hits[i]);
  w.end_array().field("has_more", static_cast<std::int64_t>(hits.size()) > count).end_object();
  return std::nullopt;
}

// Hourly points on the hour in [start_timestamp, end_timestamp] (up to the
// simulated now), oldest first: the index then and an hour before, and the
// constant funding rate (interest_1h = interest_8h / 8).
std::optional<rpc_error> venue_core::m_funding_rate_history(session&, const request& r, json_writer& w) {
  constexpr std::int64_t k_hour_ms = 3'600'000;
  const json::object& p = object_of(r.params);
  const auto name = str(p, "instrument_name");
  if (!name) return invalid_params("instrument_name", "required");
  const auto id = market_.find(*name);
  if (!id || market_.spec(*id).kind != core::instrument_kind::perpetual) {
    return rpc_error{10020, "invalid_or_unsupported_instrument", "a perpetual is required", "instrument_name"};
  }
  const auto start = rpc::integer(p, "start_timestamp");
  const auto end = rpc::integer(p, "end_timestamp");
  if (!start || !end || *end < *start || *start < 0)
    return invalid_params("end_timestamp", "0 <= start_timestamp <= end_timestamp required");
  if ((*end - *start) / k_hour_ms > 5000) return invalid_params("start_timestamp", "at most 5000 hours");
  const sim_instrument& si = market_.at(*id);
  const auto& history = market_.indexes()[si.underlying].history;
  // The index at `t`: the last recorded point at or before it.
  const auto index_at = [&](std::int64_t t) -> std::optional<double> {
    const auto it =
        std::upper_bound(history.begin(), history.end(), t,
                         [](std::int64_t x, const std::pair<std::int64_t, double>& h) { return x < h.first; });
    if (it == history.begin()) return std::nullopt;
    return std::prev(it)->second;
  };
  w.begin_array();
  for (std::int64_t t = (*start + k_hour_ms - 1) / k_hour_ms * k_hour_ms; t <= std::min(*end, market_.now_ms());
       t += k_hour_ms) {
    const auto now = index_at(t);
    const auto before = index_at(t - k_hour_ms);
    if (!now || !before) continue;
    w.begin_object().field("timestamp", t).key("index_price").real(*now).key("prev_index_price").real(*before);
    w.key("interest_8h").real(si.funding_8h).key("interest_1h").real(si.funding_8h / 8).end_object();
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_funding_rate_value(session&, const request& r, json_writer& w) {
  const json::object& p = object_of(r.params);
  const auto name = str(p, "instrument_name");
  if (!name) return invalid_params("instrument_name", "required");
  const auto id = market_.find(*name);
  if (!id || market_.spec(*id).kind != core::instrument_kind::perpetual) {
    return rpc_error{10020, "invalid_or_unsupported_instrument", "a perpetual is required", "instrument_name"};
  }
  const auto start = rpc::integer(p, "start_timestamp");
  const auto end = rpc::integer(p, "end_timestamp");
  if (!start || !end || *end < *start)
    return invalid_params("end_timestamp", "start_timestamp <= end_timestamp required");
  w.real(market_.at(*id).funding_8h * static_cast<double>(*end - *start) / (8.0 * 3'600'000));
  return std::nullopt;
}

}  // namespace tickrail::venue
