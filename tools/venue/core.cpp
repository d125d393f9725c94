#include "venue/core.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <random>

#include "venue/rpc_support.hpp"

namespace tickrail::venue {
namespace {

namespace json = boost::json;

constexpr std::size_t k_max_message = 64 * 1024;

bool is_matching(std::string_view method) {
  return method == "private/buy" || method == "private/sell" || method == "private/edit" ||
         method == "private/cancel" || method.starts_with("private/cancel_all") ||
         method == "private/cancel_by_label" || method == "private/close_position";
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      const auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
      if (ec == std::errc() && p == s.data() + i + 3) {
        out += static_cast<char>(v);
        i += 2;
      } else {
        out += s[i];
      }
    } else {
      out += s[i];
    }
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string out(in.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (!in.empty() && in.back() == '=') --len;
  if (in.size() > 1 && in[in.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

venue_core::venue_core(const venue_config& config, std::int64_t wall_start_ms)
    : config_(config),
      market_(config.market),
      exchange_(market_, config.accounts),
      wall_start_ms_(wall_start_ms),
      sim_start_ms_(config.market.start_ms),
      last_step_sim_ms_(config.market.start_ms),
      now_wall_ms_(wall_start_ms) {
  (void)exchange_.open_account(config_.client_id, config_.client_secret);
  const std::pair<const char*, method_fn> methods[] = {
      {"public/auth", &venue_core::m_auth},
      {"public/test", &venue_core::m_test},
      {"public/get_time", &venue_core::m_get_time},
      {"public/set_heartbeat", &venue_core::m_set_heartbeat},
      {"public/disable_heartbeat", &venue_core::m_disable_heartbeat},
      {"public/subscribe", &venue_core::m_subscribe_public},
      {"private/subscribe", &venue_core::m_subscribe_private},
      {"public/unsubscribe", &venue_core::m_unsubscribe},
      {"private/unsubscribe", &venue_core::m_unsubscribe},
      {"public/unsubscribe_all", &venue_core::m_unsubscribe_all},
      {"private/unsubscribe_all", &venue_core::m_unsubscribe_all},
      {"private/enable_cancel_on_disconnect", &venue_core::m_enable_cod},
      {"private/disable_cancel_on_disconnect", &venue_core::m_disable_cod},
      {"private/get_cancel_on_disconnect", &venue_core::m_get_cod},
      {"private/logout", &venue_core::m_logout},
      {"private/buy", &venue_core::m_buy},
      {"private/sell", &venue_core::m_sell},
      {"private/edit", &venue_core::m_edit},
      {"private/cancel", &venue_core::m_cancel},
      {"private/cancel_all", &venue_core::m_cancel_all},
      {"private/cancel_all_by_currency", &venue_core::m_cancel_all_by_currency},
      {"private/cancel_all_by_instrument", &venue_core::m_cancel_all_by_instrument},
      {"private/cancel_by_label", &venue_core::m_cancel_by_label},
      {"private/get_order_state", &venue_core::m_get_order_state},
      {"private/get_open_orders_by_currency", &venue_core::m_open_orders_by_currency},
      {"private/get_open_orders_by_instrument", &venue_core::m_open_orders_by_instrument},
      {"private/get_positions", &venue_core::m_get_positions},
      {"private/get_position", &venue_core::m_get_position},
      {"private/get_user_trades_by_currency", &venue_core::m_user_trades_by_currency},
      {"private/get_user_trades_by_instrument", &venue_core::m_user_trades_by_instrument},
      {"private/get_account_summary", &venue_core::m_account_summary},
      {"public/get_instruments", &venue_core::m_get_instruments},
      {"public/get_instrument", &venue_core::m_get_instrument},
      {"public/get_currencies", &venue_core::m_get_currencies},
      {"public/ticker", &venue_core::m_ticker},
      {"public/get_order_book", &venue_core::m_order_book},
      {"public/get_index_price", &venue_core::m_index_price},
      {"public/get_tradingview_chart_data", &venue_core::m_chart},
      {"public/get_funding_rate_value", &venue_core::m_funding_rate_value},
      {"private/get_account_summaries", &venue_core::m_account_summaries},
      {"private/close_position", &venue_core::m_close_position},
      {"private/get_order_history_by_currency", &venue_core::m_order_history_by_currency},
      {"private/get_order_history_by_instrument", &venue_core::m_order_history_by_instrument},
      {"private/get_user_trades_by_order", &venue_core::m_user_trades_by_order},
      {"private/get_order_state_by_label", &venue_core::m_order_state_by_label},
      {"private/get_open_orders", &venue_core::m_open_orders},
      {"private/get_open_orders_by_label", &venue_core::m_open_orders_by_label},
      // The _and_time variants take the same parameters here (start_timestamp
      // and end_timestamp are optional in both).
      {"private/get_user_trades_by_currency_and_time", &venue_core::m_user_trades_by_currency},
      {"private/get_user_trades_by_instrument_and_time", &venue_core::m_user_trades_by_instrument},
      {"public/status", &venue_core::m_status},
      {"public/get_book_summary_by_currency", &venue_core::m_book_summary_by_currency},
      {"public/get_book_summary_by_instrument", &venue_core::m_book_summary_by_instrument},
      {"public/get_last_trades_by_instrument", &venue_core::m_last_trades_by_instrument},
      {"public/get_last_trades_by_instrument_and_time", &venue_core::m_last_trades_by_instrument},
      {"public/get_funding_rate_history", &venue_core::m_funding_rate_history},
  };
  calls_ = std::make_unique<std::atomic<std::uint64_t>[]>(std::size(methods));
  for (const auto& [name, fn] : methods) {
    const std::size_t counter = methods_.size();
    methods_.emplace(name, method_entry{fn, counter});
  }
}

std::uint64_t venue_core::method_calls(std::string_view method) const noexcept {
  const auto it = methods_.find(method);
  return it == methods_.end() ? 0 : calls_[it->second.counter].load(std::memory_order_acquire);
}

std::string venue_core::method_stats_json() const {
  json_writer w;
  w.begin_object().key("methods").begin_object();
  for (const auto& [name, entry] : methods_) {
    w.field(name, static_cast<std::int64_t>(calls_[entry.counter].load(std::memory_order_acquire)));
  }
  w.end_object().end_object();
  return w.take();
}

// ---- sessions ------------------------------------------------------------------------

session& venue_core::open_session(bool websocket, std::function<void(std::string)> send, std::function<void()> close) {
  auto s = std::make_unique<session>();
  s->id = next_session_++;
  s->websocket = websocket;
  s->send = std::move(send);
  s->close = std::move(close);
  s->matching = {core::token_bucket(config_.matching_per_s, config_.matching_burst)};
  s->other = {core::token_bucket(config_.other_per_s, config_.other_burst)};
  session& ref = *s;
  sessions_[ref.id] = std::move(s);
  return ref;
}

void venue_core::close_session(std::uint64_t id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  session& s = *it->second;
  if (s.cancel_on_disconnect && s.account) {
    (void)exchange_.cancel_matching(
        *s.account, [](const sim_order&) { return true; }, "cancel_on_disconnect");
  }
  sessions_.erase(it);
  publish_account_events();
}

std::size_t venue_core::session_count() const noexcept { return sessions_.size(); }

session* venue_core::find_session(std::uint64_t id) noexcept {
  const auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void venue_core::drop_connections() {
  std::vector<std::function<void()>> aborts;
  for (auto& [id, s] : sessions_) {
    if (s->websocket && s->abort) aborts.push_back(s->abort);
  }
  for (auto& a : aborts) a();
}

void venue_core::expire_tokens() {
  for (auto& [k, t] : tokens_) {
    if (!t.refresh) t.expires_ms = 0;
  }
}

// ---- requests ------------------------------------------------------------------------

void venue_core::reply_error(const request& r, const rpc_error& e, std::int64_t us_in, std::string& out) const {
  json_writer w;
  w.begin_object().field("jsonrpc", "2.0").key("id").raw(r.id_json);
  w.key("error").begin_object().field("code", e.code).field("message", e.message);
  if (!e.reason.empty() || !e.param.empty()) {
    w.key("data").begin_object();
    if (!e.reason.empty()) w.field("reason", e.reason);
    if (!e.param.empty()) w.field("param", e.param);
    w.end_object();
  }
  w.end_object();
  const std::int64_t us_out = now_wall_ms_ * 1000 + 1;
  w.field("usIn", us_in).field("usOut", us_out).field("usDiff", us_out - us_in).field("testnet", config_.testnet);
  w.end_object();
  out = w.take();
}

bool venue_core::authorize(session& s, const request& r, std::int64_t now_wall_ms, rpc_error& e) {
  // WebSocket: the connection's own auth, or an access_token parameter.
  std::string_view token = s.access_token;
  if (r.params != nullptr) {
    if (const auto t = rpc::str(rpc::object_of(r.params), "access_token")) token = *t;
  }
  if (token.empty()) {
    e = {13009, "unauthorized", "private method needs authentication", "access_token"};
    return false;
  }
  const auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.refresh || it->second.expires_ms <= now_wall_ms) {
    e = {13009, "unauthorized", it == tokens_.end() ? "invalid token" : "token has expired", "access_token"};
    return false;
  }
  s.account = it->second.account;
  return true;
}

void venue_core::dispatch(session& s, std::string_view text, std::int64_t now_wall_ms, std::string& reply) {
  now_wall_ms_ = now_wall_ms;
  us_in_ = now_wall_ms * 1000;
  request r;
  if (text.size() > k_max_message) {
    reply_error(r, {-32600, "request entity too large", "message larger than 64 KiB", ""}, us_in_, reply);
    return;
  }
  boost::system::error_code ec;
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !v.is_object()) {
    reply_error(r, {-32700, "Parse error", ec ? ec.message() : "request is not a JSON object", ""}, us_in_, reply);
    return;
  }
  const json::object& o = v.get_object();
  if (const json::value* id = o.if_contains("id"); id != nullptr && (id->is_number() || id->is_string())) {
    r.id_json = json::serialize(*id);
  }
  const json::value* method = o.if_contains("method");
  if (method == nullptr || !method->is_string()) {
    reply_error(r, {-32600, "Invalid Request", "no method", "method"}, us_in_, reply);
    return;
  }
  r.method = std::string(method->get_string().c_str());
  json::object empty;
  const json::value* params = o.if_contains("params");
  if (params != nullptr && !params->is_object()) {
    reply_error(r, rpc::invalid_params("params", "params must be an object"), us_in_, reply);
    return;
  }
  r.params = params != nullptr ? &params->get_object() : &empty;

  const auto m = methods_.find(r.method);
  if (m == methods_.end()) {
    reply_error(r, {-32601, "Method not found", r.method, ""}, us_in_, reply);
    return;
  }
  calls_[m->second.counter].fetch_add(1, std::memory_order_release);
  // Credits: per account once authenticated, else per session.
  const bool matching = is_matching(r.method);
  credit_pool* pool = matching ? &s.matching : &s.other;
  if (s.account) {
    auto& pools = matching ? account_matching_ : account_other_;
    auto [it, fresh] = pools.try_emplace(*s.account, *pool);
    pool = &it->second;
    (void)fresh;
  }
  if (faults_.rate_storm || !pool->take(1, now_wall_ms)) {
    reply_error(r, {10028, "too_many_requests", "credits exhausted", ""}, us_in_, reply);
    if (now_wall_ms - s.strikes_window_ms > 1000) {
      s.strikes_window_ms = now_wall_ms;
      s.strikes = 0;
    }
    if (++s.strikes > k_rate_strikes && s.websocket && s.close) s.close();  // session terminated
    return;
  }
  if (r.method.starts_with("private/")) {
    rpc_error e;
    if (!authorize(s, r, now_wall_ms, e)) {
      reply_error(r, e, us_in_, reply);
      return;
    }
  }
  if (matching && faults_.reject_orders > 0 && (r.method == "private/buy" || r.method == "private/sell")) {
    --faults_.reject_orders;
    reply_error(r, {faults_.reject_code, "rejected_by_fault", "fault injection", ""}, us_in_, reply);
    return;
  }

  json_writer result;
  const std::optional<rpc_error> err = (this->*(m->second.fn))(s, r, result);
  if (err) {
    reply_error(r, *err, us_in_, reply);
    return;
  }
  json_writer w;
  w.begin_object().field("jsonrpc", "2.0").key("id").raw(r.id_json).key("result").raw(result.str());
  const std::int64_t us_out = now_wall_ms * 1000 + 1;
  w.field("usIn", us_in_).field("usOut", us_out).field("usDiff", us_out - us_in_).field("testnet", config_.testnet);
  w.end_object();
  reply = w.take();
  if (matching && faults_.ack_delay_ms > 0) {
    s.delayed.emplace_back(now_wall_ms + faults_.ack_delay_ms, std::move(reply));
    reply.clear();
  }
}

void venue_core::on_message(session& s, std::string_view text, std::int64_t now_wall_ms) {
  if (faults_.stall_until_ms > now_wall_ms) return;  // stalled: the request is lost
  std::string reply;
  const std::uint64_t id = s.id;
  dispatch(s, text, now_wall_ms, reply);
  if (sessions_.count(id) == 0) return;  // closed while handling (rate-limit termination)
  if (!reply.empty() && s.send) s.send(std::move(reply));
  publish_account_events();
}

http_reply venue_core::on_http(std::string_view verb, std::string_view target, std::string_view body,
                               std::string_view authorization, std::int64_t now_wall_ms) {
  now_wall_ms_ = now_wall_ms;
  std::string path(target.substr(0, target.find('?')));
  const std::string_view query = target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
  if (!path.starts_with("/api/v2")) return {404, R"({"error":"not found"})"};

  // An HTTP request is a session of its own (credits per account once authenticated).
  session& s = open_session(false, nullptr, nullptr);
  const std::uint64_t sid = s.id;
  std::string text;
  if (verb == "POST") {
    text = std::string(body);
  } else if (verb == "GET") {
    const std::string method = path.size() > 8 ? path.substr(8) : "";
    json::object params;
    std::string_view q = query;
    while (!q.empty()) {
      const std::size_t amp = q.find('&');
      const std::string_view kv = q.substr(0, amp);
      const std::size_t eq = kv.find('=');
      if (eq != std::string_view::npos) params[url_decode(kv.substr(0, eq))] = url_decode(kv.substr(eq + 1));
      q = amp == std::string_view::npos ? "" : q.substr(amp + 1);
    }
    json::object req;
    req["jsonrpc"] = "2.0";
    req["id"] = 1;
    req["method"] = method;
    req["params"] = std::move(params);
    text = json::serialize(req);
  } else {
    close_session(sid);
    return {405, R"({"error":"method not allowed"})"};
  }

  // Authorization header: bearer token, Basic client credentials, or
  // deri-hmac-sha256 signature over ts\nnonce\nVERB\nURI\nbody\n.
  const std::string_view auth = trim(authorization);
  std::string bad;
  if (!auth.empty()) {
    const std::size_t sp = auth.find(' ');
    std::string scheme(auth.substr(0, sp));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
    const std::string_view rest = sp == std::string_view::npos ? "" : trim(auth.substr(sp + 1));
    if (scheme == "bearer") {
      s.access_token = std::string(rest);
    } else if (scheme == "basic") {
      const auto decoded = base64_decode(rest);
      const std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
      const auto account =
          colon != std::string::npos ? exchange_.find_account(decoded->substr(0, colon)) : std::nullopt;
      if (!account || exchange_.account(*account).client_secret != decoded->substr(colon + 1)) {
        bad = "invalid credentials";
      } else {
        s.account = *account;
        const std::string token = "basic." + std::to_string(next_token_++);
        tokens_[token] = {*account, now_wall_ms + 60'000, false};
        s.access_token = token;
      }
    } else if (scheme == "deri-hmac-sha256") {
      std::map<std::string, std::string, std::less<>> f;
      std::string_view r = rest;
      while (!r.empty()) {
        const std::size_t comma = r.find(',');
        const std::string_view kv = trim(r.substr(0, comma));
        const std::size_t eq = kv.find('=');
        if (eq != std::string_view::npos) f[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
        r = comma == std::string_view::npos ? "" : r.substr(comma + 1);
      }
      const auto account = exchange_.find_account(f["id"]);
      std::int64_t ts = 0;
      const std::string& ts_text = f["ts"];
      const auto [p, ec] = std::from_chars(ts_text.data(), ts_text.data() + ts_text.size(), ts);
      const std::string expected =
          account ? rpc::hmac_sha256_hex(exchange_.account(*account).client_secret,
                                         ts_text + "\n" + f["nonce"] + "\n" + std::string(verb) + "\n" +
                                             std::string(target) + "\n" + std::string(body) + "\n")
                  : "";
      if (!account || ec != std::errc() || f["nonce"].empty()) {
        bad = "malformed signature header";
      } else if (std::abs(ts - now_wall_ms) > config_.hmac_max_skew_ms) {
        bad = "stale timestamp";
      } else if (expected != f["sig"]) {
        bad = "invalid signature";
      } else {
        s.account = *account;
        const std::string token = "hmac." + std::to_string(next_token_++);
        tokens_[token] = {*account, now_wall_ms + 60'000, false};
        s.access_token = token;
      }
    } else {
      bad = "unknown authorization scheme";
    }
  }
  std::string reply;
  if (!bad.empty()) {
    request r;
    reply_error(r, {13009, "unauthorized", bad, "Authorization"}, now_wall_ms * 1000, reply);
    close_session(sid);
    return {401, reply};
  }
  dispatch(s, text, now_wall_ms, reply);
  close_session(sid);
  publish_account_events();
  // Deribit answers JSON-RPC errors over HTTP with 400.
  const bool is_error =
      reply.find("\"error\":{") != std::string::npos && reply.find("\"result\":") == std::string::npos;
  return {is_error ? 400 : 200, reply};
}

// ---- time moves ------------------------------------------------------------------------

void venue_core::tick(std::int64_t now_wall_ms) {
  now_wall_ms_ = now_wall_ms;
  if (faults_.stall_until_ms > now_wall_ms) return;

  // Replies held back by the ack-delay fault.
  for (auto& [id, s] : sessions_) {
    auto& d = s->delayed;
    for (auto it = d.begin(); it != d.end();) {
      if (it->first <= now_wall_ms) {
        if (s->send) s->send(std::move(it->second));
        it = d.erase(it);
      } else {
        ++it;
      }
    }
  }

  const std::int64_t target_sim = sim_ms(now_wall_ms);
  int steps = 0;
  while (last_step_sim_ms_ + config_.step_ms <= target_sim && steps < 1000) {
    last_step_sim_ms_ += config_.step_ms;
    ++steps;
    const std::vector<bool> resting = exchange_.resting_instruments(market_.size());
    for (std::size_t i = 0; i < market_.size(); ++i) {
      const auto id = static_cast<core::instrument_id>(i);
      market_.at(id).active = published_.count(id) != 0 || resting[i];
    }
    (void)market_.advance(last_step_sim_ms_);
    exchange_.step();
    publish_market(now_wall_ms);
    publish_account_events();
  }

  // Heartbeats: a test_request each interval; one still unanswered at the
  // next interval closes the connection.
  std::vector<std::function<void()>> closers;
  for (auto& [id, s] : sessions_) {
    if (s->heartbeat_ms <= 0 || now_wall_ms < s->next_heartbeat_ms) continue;
    if (s->test_request_at_ms != 0) {
      if (s->close) closers.push_back(s->close);
      continue;
    }
    s->test_request_at_ms = now_wall_ms;
    s->next_heartbeat_ms = now_wall_ms + s->heartbeat_ms;
    if (s->send) s->send(R"({"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}})");
  }
  for (auto& c : closers) c();

  if (faults_.drop_every_ms > 0) {
    if (next_drop_ms_ == 0) next_drop_ms_ = now_wall_ms + faults_.drop_every_ms;
    if (now_wall_ms >= next_drop_ms_) {
      next_drop_ms_ = now_wall_ms + faults_.drop_every_ms;
      drop_connections();
    }
  }
  if (faults_.corrupt_every_ms > 0) {
    if (next_corrupt_ms_ == 0) next_corrupt_ms_ = now_wall_ms + faults_.corrupt_every_ms;
    if (now_wall_ms >= next_corrupt_ms_) {
      next_corrupt_ms_ = now_wall_ms + faults_.corrupt_every_ms;
      ++faults_.corrupt_frames;
    }
  }
  if (faults_.corrupt_frames > 0) {
    --faults_.corrupt_frames;
    for (auto& [id, s] : sessions_) {
      if (s->websocket && s->send) s->send(R"({"jsonrpc":"2.0","method":"subscription","params":{"channel":)");
    }
  }
}

void venue_core::send_channel(const std::string& channel, const std::string& data_json) {
  std::string msg;
  for (auto& [id, s] : sessions_) {
    if (s->channels.count(channel) == 0 || !s->send) continue;
    if (msg.empty()) {
      json_writer w;
      w.begin_object().field("jsonrpc", "2.0").field("method", "subscription").key("params").begin_object();
      w.field("channel", channel).key("data").raw(data_json).end_object().end_object();
      msg = w.take();
    }
    s->send(msg);
  }
}

void venue_core::send_to_account(std::size_t account, const std::string& channel, const std::string& data_json) {
  for (auto& [id, s] : sessions_) {
    if (!s->account || *s->account != account || s->channels.count(channel) == 0 || !s->send) continue;
    json_writer w;
    w.begin_object().field("jsonrpc", "2.0").field("method", "subscription").key("params").begin_object();
    w.field("channel", channel).key("data").raw(data_json).end_object().end_object();
    s->send(w.take());
  }
}

}  // namespace tickrail::venue
