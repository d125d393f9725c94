#include "tickrail/deribit/session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "tickrail/deribit/order_encoder.hpp"

namespace tickrail::deribit {

namespace {

constexpr std::size_t k_pending_slots = 4096;
constexpr std::int64_t k_ns_per_ms = 1'000'000;

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  out += '"';
}

session::session(boost::asio::io_context& io, session_config config, const core::instrument_catalog& catalog,
                 const order_encoder& labels, session_listener& listener)
    : config_(std::move(config)),
      listener_(listener),
      parser_(catalog, labels),
      client_(io, net::ws_client::handlers{[this] { on_open(); }, [this](std::string_view t) { on_text(t); },
                                           [this](std::string_view r) { on_closed(r); }}),
      pending_(k_pending_slots) {
  scratch_.reserve(4096);
  config_.heartbeat_s = std::max<std::int32_t>(config_.heartbeat_s, 1);
  config_.reconnect_min = std::max(config_.reconnect_min, std::chrono::milliseconds(1));
  config_.reconnect_max = std::max(config_.reconnect_max, config_.reconnect_min);
}

session::~session() = default;

void session::set_state(session_state s, std::string_view why) {
  if (s == state_) return;
  state_ = s;
  listener_.on_state(s, why);
}

void session::start(std::int64_t now_ns) {
  now_ns_ = now_ns;
  jitter_state_ ^= static_cast<std::uint64_t>(now_ns) | 1;
  set_state(session_state::connecting, "start");
  ++counters_.connects;
  client_.open(config_.endpoint);
}

void session::stop(std::int64_t now_ns, bool cancel_all) {
  now_ns_ = now_ns;
  if (state_ == session_state::stopped || state_ == session_state::stopping) return;
  stop_deadline_ns_ = now_ns + std::chrono::nanoseconds(config_.stop_timeout).count();
  if (client_.is_open() && !config_.authenticate) {
    client_.close();  // nothing of ours rests on a public session
    set_state(session_state::stopping, "stop requested");
    return;
  }
  if (client_.is_open() && !access_token_.empty()) {
    set_state(session_state::stopping, "stop requested");
    if (cancel_all) {
      request(purpose::cancel_all, "private/cancel_all", "{}");
    } else {
      request(purpose::logout, "private/logout", "{}");
    }
    return;
  }
  client_.abort();
  set_state(session_state::stopped, "stop requested");
}

void session::poll(std::int64_t now_ns) {
  now_ns_ = now_ns;
  switch (state_) {
    case session_state::stopped: return;
    case session_state::disconnected:
      if (now_ns >= reconnect_at_ns_) {
        set_state(session_state::connecting, "reconnect");
        ++counters_.connects;
        client_.open(config_.endpoint);
      }
      return;
    case session_state::stopping:
      if (now_ns >= stop_deadline_ns_) {
        client_.abort();
        set_state(session_state::stopped, "stop timed out");
      }
      return;
    default: break;
  }
  if (state_ != session_state::connecting) {
    const std::int64_t silence = (2 * std::int64_t{config_.heartbeat_s} + 1) * 1'000'000'000;
    if (last_frame_ns_ != 0 && now_ns - last_frame_ns_ > silence) return fail("heartbeat: the venue went silent");
    if (!refreshing_ && refresh_at_ns_ != 0 && now_ns >= refresh_at_ns_ && !refresh_token_.empty()) authenticate(true);
  }
  if (outstanding_ > 0 && now_ns >= next_deadline_scan_ns_) {
    next_deadline_scan_ns_ = now_ns + 10 * k_ns_per_ms;
    check_deadlines();
  }
}

session::pending* session::find(std::int64_t id) noexcept {
  if (id <= 0) return nullptr;
  pending& p = pending_[static_cast<std::size_t>(id) % pending_.size()];
  return p.id == id && p.what != purpose::none ? &p : nullptr;
}

// Records `id` as awaiting a reply (an older request in its slot is long
// forgotten) and sends `text`; on a full write queue forgets it again.
bool session::track_and_send(std::int64_t id, purpose what, std::uint16_t currency, std::string_view text) {
  pending& p = pending_[static_cast<std::size_t>(id) % pending_.size()];
  if (p.what != purpose::none) --outstanding_;
  p = pending{id, now_ns_ + std::chrono::nanoseconds(config_.request_timeout).count(), what, currency};
  ++outstanding_;
  if (client_.send(text)) return true;
  p.what = purpose::none;
  --outstanding_;
  return false;
}

std::int64_t session::request(purpose what, std::string_view method, std::string_view params, std::uint16_t currency) {
  const std::int64_t id = next_id();
  scratch_.clear();
  scratch_ += R"({"jsonrpc":"2.0","id":)";
  scratch_ += std::to_string(id);
  scratch_ += R"(,"method":")";
  scratch_ += method;
  scratch_ += R"(","params":)";
  scratch_ += params;
  scratch_ += '}';
  if (!track_and_send(id, what, currency, scratch_)) {
    fail("write queue full");
    return 0;
  }
  return id;
}

bool session::send_order(std::string_view text, std::int64_t request_id, std::int64_t now_ns) {
  now_ns_ = now_ns;
  return state_ == session_state::ready && track_and_send(request_id, purpose::order, 0, text);
}

bool session::cancel_order(std::string_view venue_order_id, std::int64_t now_ns) {
  now_ns_ = now_ns;
  if (!client_.is_open() || access_token_.empty()) return false;
  std::string params = R"({"order_id":)";
  append_json_string(params, venue_order_id);
  params += '}';
  if (request(purpose::orphan_cancel, "private/cancel", params) == 0) return false;
  ++orphan_cancels_pending_;
  return true;
}

void session::subscribe(std::span<const std::string> channels, std::int64_t now_ns) {
  now_ns_ = now_ns;
  std::string params = R"({"channels":[)";
  bool any = false;
  for (const std::string& c : channels) {
    if (std::find(config_.channels.begin(), config_.channels.end(), c) != config_.channels.end()) continue;
    config_.channels.push_back(c);
    if (any) params += ',';
    append_json_string(params, c);
    any = true;
  }
  params += "]}";
  if (any && state_ == session_state::ready) request(purpose::subscribe, subscribe_method(), params);
}

bool session::resubscribe(std::string_view channel, std::int64_t now_ns) {
  now_ns_ = now_ns;
  if (state_ != session_state::ready) return false;
  std::string params = R"({"channels":[)";
  append_json_string(params, channel);
  params += "]}";
  const std::string_view unsubscribe = config_.authenticate ? "private/unsubscribe" : "public/unsubscribe";
  return request(purpose::resubscribe, unsubscribe, params) != 0 &&
         request(purpose::resubscribe, subscribe_method(), params) != 0;
}

std::string_view session::subscribe_method() const noexcept {
  return config_.authenticate ? "private/subscribe" : "public/subscribe";
}

void session::reconcile(std::int64_t now_ns) {
  now_ns_ = now_ns;
  if (state_ == session_state::ready) start_reconciliation();
}

// ---- connection events ---------------------------------------------------------------

void session::on_open() {
  last_frame_ns_ = now_ns_;
  if (state_ == session_state::stopping || state_ == session_state::stopped) return client_.abort();
  if (!config_.authenticate) return configure();
  authenticate(false);
}

void session::authenticate(bool refresh) {
  std::string params = R"({"grant_type":)";
  if (refresh) {
    params += R"("refresh_token","refresh_token":)";
    append_json_string(params, refresh_token_);
    refreshing_ = true;
  } else {
    params += R"("client_credentials","client_id":)";
    append_json_string(params, config_.client_id);
    params += R"(,"client_secret":)";
    append_json_string(params, config_.client_secret);
    if (state_ == session_state::connecting) set_state(session_state::authenticating, "connected");
  }
  params += '}';
  request(refresh ? purpose::refresh : purpose::auth, "public/auth", params);
}

void session::configure() {
  set_state(session_state::configuring, config_.authenticate ? "authenticated" : "connected (public)");
  configure_waiting_ = 0;
  request(purpose::heartbeat, "public/set_heartbeat", R"({"interval":)" + std::to_string(config_.heartbeat_s) + "}");
  ++configure_waiting_;
  if (config_.cancel_on_disconnect && config_.authenticate) {
    request(purpose::cancel_on_disconnect, "private/enable_cancel_on_disconnect", R"({"scope":"connection"})");
    ++configure_waiting_;
  }
  if (!config_.channels.empty()) {
    std::string params = R"({"channels":[)";
    for (std::size_t i = 0; i < config_.channels.size(); ++i) {
      if (i > 0) params += ',';
      append_json_string(params, config_.channels[i]);
    }
    params += "]}";
    request(purpose::subscribe, subscribe_method(), params);
    ++configure_waiting_;
  }
}

void session::maybe_configured() {
  if (state_ != session_state::configuring || configure_waiting_ > 0) return;
  if (config_.currencies.empty() || !config_.authenticate) {
    backoff_ = std::chrono::nanoseconds(0);
    return set_state(session_state::ready, "configured");
  }
  start_reconciliation();
}

void session::start_reconciliation() {
  set_state(session_state::reconciling, "reconciling");
  reconcile_waiting_ = 0;
  const std::int64_t since_ms = config_.wall_clock_ms() - std::chrono::milliseconds(config_.trades_lookback).count();
  for (std::uint16_t i = 0; i < config_.currencies.size(); ++i) {
    request(purpose::open_orders, "private/get_open_orders_by_currency", currency_params(i) + '}', i);
    ++reconcile_waiting_;
    request_trades(i, since_ms);  // then positions: the snapshot must come after the fills it includes
  }
}

// `{"currency":"BTC"` — the caller adds more parameters and the brace.
std::string session::currency_params(std::uint16_t currency) const {
  std::string params = R"({"currency":)";
  append_json_string(params, config_.currencies[currency]);
  return params;
}

void session::request_trades(std::uint16_t currency, std::int64_t start_ms) {
  std::string params = currency_params(currency);
  params += R"(,"start_timestamp":)" + std::to_string(start_ms) + R"(,"count":1000,"sorting":"asc"})";
  request(purpose::user_trades, "private/get_user_trades_by_currency", params, currency);
  ++reconcile_waiting_;
}

void session::maybe_reconciled() {
  if (state_ != session_state::reconciling || reconcile_waiting_ > 0) return;
  listener_.on_reconciled();
  backoff_ = std::chrono::nanoseconds(0);
  set_state(session_state::ready, "reconciled");
}

void session::on_text(std::string_view text) {
  last_frame_ns_ = now_ns_;
  ++counters_.frames;
  if (parser_.parse(text, now_ns_) != core::feed_error::ok) {
    ++counters_.parse_errors;  // counted by reason in parser().counters()
    return;
  }
  const rpc_frame& f = parser_.frame();
  switch (f.kind) {
    case frame_kind::test_request:
      ++counters_.test_requests;
      request(purpose::test, "public/test", "{}");
      return;
    case frame_kind::heartbeat:
    case frame_kind::other: return;
    case frame_kind::subscription:
      if (f.market_data) return listener_.on_market_data(text, now_ns_);
      if (!parser_.events().empty()) listener_.on_exec(parser_.events(), false);
      return;
    case frame_kind::reply:
    case frame_kind::error: break;
  }
  pending* p = find(f.id);
  if (p == nullptr) return;  // a reply we stopped waiting for
  const pending req = *p;
  p->what = purpose::none;
  --outstanding_;
  if (f.kind == frame_kind::error) return on_error_reply(f, req);
  on_reply(f, req);
}

void session::on_reply(const rpc_frame& f, const pending& p) {
  switch (p.what) {
    case purpose::orphan_cancel: --orphan_cancels_pending_; [[fallthrough]];
    case purpose::order:
      if (!parser_.events().empty()) listener_.on_exec(parser_.events(), false);
      return;
    case purpose::auth:
    case purpose::refresh: {
      if (f.access_token.empty()) return fail("auth reply without a token");
      access_token_.assign(f.access_token);
      refresh_token_.assign(f.refresh_token);
      const std::int64_t lifetime_ns = std::max<std::int64_t>(f.expires_in_s, 1) * 1'000'000'000;
      refresh_at_ns_ = now_ns_ + static_cast<std::int64_t>(static_cast<double>(lifetime_ns) * config_.refresh_fraction);
      if (p.what == purpose::refresh) {
        refreshing_ = false;
        ++counters_.refreshes;
        return;
      }
      ++counters_.auths;
      if (state_ == session_state::authenticating) configure();
      return;
    }
    case purpose::heartbeat:
    case purpose::cancel_on_disconnect:
    case purpose::subscribe:
      if (state_ == session_state::configuring) {
        --configure_waiting_;
        maybe_configured();
      }
      return;
    case purpose::open_orders:
    case purpose::positions:
    case purpose::user_trades: {
      if (!parser_.events().empty()) listener_.on_exec(parser_.events(), true);
      if (p.what == purpose::user_trades && f.has_more && !parser_.events().empty()) {
        // Next page from the last trade's time (the tracker drops repeats).
        request_trades(p.currency, parser_.events().back().header.exchange_ts_ns / k_ns_per_ms);
      } else if (p.what == purpose::user_trades) {
        request(purpose::positions, "private/get_positions", currency_params(p.currency) + '}', p.currency);
        ++reconcile_waiting_;
      }
      if (state_ == session_state::reconciling) {
        --reconcile_waiting_;
        maybe_reconciled();
      }
      return;
    }
    case purpose::cancel_all:
      if (state_ == session_state::stopping) request(purpose::logout, "private/logout", "{}");
      return;
    case purpose::logout: client_.close(); return;
    case purpose::test:
    case purpose::resubscribe:
    case purpose::none: return;
  }
}

void session::on_error_reply(const rpc_frame& f, const pending& p) {
  const rpc_reason reason = to_reason(f.error_code);
  if (reason == rpc_reason::unauthorized && p.what != purpose::auth && config_.authenticate) {
    ++counters_.reauths;
    refreshing_ = false;
    authenticate(false);  // the token expired or was revoked
  }
  switch (p.what) {
    case purpose::order: return listener_.on_request_failed(p.id, f.error_code, reason);
    case purpose::orphan_cancel: --orphan_cancels_pending_; return;  // e.g. it filled meanwhile
    case purpose::resubscribe: return fail("resubscribe refused");   // a reconnect resubscribes everything
    case purpose::test: return;
    case purpose::refresh: refreshing_ = false; return authenticate(false);
    case purpose::cancel_all:
      if (state_ == session_state::stopping) request(purpose::logout, "private/logout", "{}");
      return;
    case purpose::logout: client_.close(); return;
    default: {
      std::string why = "request failed: ";
      why += f.error_message;
      return fail(why);
    }
  }
}

void session::check_deadlines() {
  for (pending& p : pending_) {
    if (p.what == purpose::none || p.deadline_ns > now_ns_) continue;
    const pending req = p;
    p.what = purpose::none;
    --outstanding_;
    ++counters_.timeouts;
    if (req.what == purpose::orphan_cancel) --orphan_cancels_pending_;
    if (req.what == purpose::order) {
      listener_.on_request_failed(req.id, k_error_timeout, rpc_reason::timeout);
    } else if (req.what == purpose::logout || req.what == purpose::cancel_all) {
      client_.abort();
    } else if (req.what != purpose::orphan_cancel && req.what != purpose::test) {
      return fail("request timed out");
    }
  }
}

void session::fail(std::string_view why) {
  if (state_ == session_state::stopped || state_ == session_state::disconnected) return;
  failure_.assign(why);
  client_.abort();  // on_closed follows and schedules the reconnect
}

void session::on_closed(std::string_view closed_reason) {
  ++counters_.disconnects;
  // Our own reason for dropping it says more than "aborted".
  const std::string reason = failure_.empty() ? std::string(closed_reason) : failure_;
  failure_.clear();
  // Order requests in flight will never be answered on this connection:
  // the listener fails them; reconciliation will tell what happened.
  for (pending& p : pending_) {
    if (p.what == purpose::none) continue;
    const pending req = p;
    p.what = purpose::none;
    if (req.what == purpose::order) listener_.on_request_failed(req.id, k_error_disconnected, rpc_reason::disconnected);
  }
  outstanding_ = 0;
  orphan_cancels_pending_ = 0;  // the next reconciliation finds them again
  access_token_.clear();
  refresh_token_.clear();
  refresh_at_ns_ = 0;
  refreshing_ = false;
  last_frame_ns_ = 0;
  if (state_ == session_state::stopping || state_ == session_state::stopped) {
    return set_state(session_state::stopped, reason);
  }
  // Capped exponential backoff with jitter in [b/2, b].
  const auto min = std::chrono::duration_cast<std::chrono::nanoseconds>(config_.reconnect_min);
  const auto max = std::chrono::duration_cast<std::chrono::nanoseconds>(config_.reconnect_max);
  backoff_ = backoff_.count() == 0 ? min : std::min(backoff_ * 2, max);
  jitter_state_ ^= jitter_state_ << 13;
  jitter_state_ ^= jitter_state_ >> 7;
  jitter_state_ ^= jitter_state_ << 17;
  const std::int64_t b = backoff_.count();
  reconnect_at_ns_ = now_ns_ + b / 2 + static_cast<std::int64_t>(jitter_state_ % static_cast<std::uint64_t>(b / 2 + 1));
  set_state(session_state::disconnected, reason);
}

}  // namespace tickrail::deribit
