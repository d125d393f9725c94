// Subscriptions and what the simulator publishes on them.
#include <algorithm>
#include <cctype>

#include "venue/core.hpp"
#include "venue/rpc_support.hpp"

namespace tickrail::venue {
namespace {

namespace json = boost::json;

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t p = s.find(sep);
    out.push_back(s.substr(0, p));
    if (p == std::string_view::npos) break;
    s.remove_prefix(p + 1);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool is_interval(std::string_view s) { return s == "raw" || s == "100ms" || s == "agg2"; }

std::string_view kind_name(const core::instrument& spec) {
  return spec.kind == core::instrument_kind::option ? "option" : "future";
}

}  // namespace

// ---- subscribe ---------------------------------------------------------------------------

// Which instrument a market channel is about, if it is a valid one.
// `raw` is set for channels that need an authorized connection.
static std::optional<core::instrument_id> market_channel(const market& m, std::string_view channel, bool& raw,
                                                         bool& valid) {
  valid = false;
  raw = false;
  const std::vector<std::string_view> p = split(channel, '.');
  if (p.size() < 3) return std::nullopt;
  if (p[0] != "book" && p[0] != "ticker" && p[0] != "trades") return std::nullopt;
  const std::optional<core::instrument_id> id = m.find(p[1]);
  if (!id) return std::nullopt;
  if (p.size() == 3) {
    if (!is_interval(p[2])) return std::nullopt;
    raw = p[2] == "raw";
  } else if (p[0] == "book" && p.size() == 5) {
    // book.{instrument}.{group}.{depth}.{interval}
    if (p[3] != "1" && p[3] != "10" && p[3] != "20") return std::nullopt;
    if (p[4] != "100ms" && p[4] != "agg2") return std::nullopt;
  } else {
    return std::nullopt;
  }
  valid = true;
  return id;
}

static bool user_channel(const market& m, std::string_view channel) {
  const std::vector<std::string_view> p = split(channel, '.');
  if (p.size() < 3 || p[0] != "user") return false;
  if (p[1] == "portfolio") {
    if (p.size() != 3) return false;
    std::string up(p[2]);
    std::transform(up.begin(), up.end(), up.begin(), [](unsigned char c) { return std::toupper(c); });
    return m.currency_index(up).has_value();
  }
  if (p[1] != "orders" && p[1] != "trades") return false;
  if (p.size() == 4) return m.find(p[2]).has_value() && is_interval(p[3]);  // user.orders.{instrument}.raw
  if (p.size() == 5) {                                                      // user.orders.{kind}.{currency}.raw
    const bool kind_ok = p[2] == "future" || p[2] == "option" || p[2] == "any";
    const bool ccy_ok = p[3] == "any" || m.currency_index(p[3]).has_value();
    return kind_ok && ccy_ok && is_interval(p[4]);
  }
  return false;
}

std::optional<rpc_error> venue_core::subscribe(session& s, const request& r, json_writer& w, bool is_private) {
  const json::object& params = rpc::object_of(r.params);
  const json::value* channels = params.if_contains("channels");
  if (channels == nullptr || !channels->is_array())
    return rpc::invalid_params("channels", "expected an array of channels");
  std::vector<std::string> accepted;
  std::vector<std::pair<core::instrument_id, std::string>> snapshots;
  for (const json::value& c : channels->get_array()) {
    if (!c.is_string()) return rpc::invalid_params("channels", "channel names are strings");
    const std::string name(c.get_string().c_str());
    bool raw = false, valid = false;
    const std::optional<core::instrument_id> id = market_channel(market_, name, raw, valid);
    if (valid) {
      if (raw && !s.account) {
        return rpc_error{13778, "raw_subscriptions_not_available_for_unauthorized",
                         "raw channels need an authorized connection", "channels"};
      }
      accepted.push_back(name);
      if (name.starts_with("book.")) snapshots.emplace_back(*id, name);
      continue;
    }
    if (user_channel(market_, name)) {
      if (!s.account)
        return rpc_error{13009, "unauthorized", "user channels need an authorized connection", "channels"};
      if (!is_private) {
        return rpc_error{13009, "unauthorized", "user channels are subscribed with private/subscribe", "channels"};
      }
      accepted.push_back(name);
    }
    // Unknown channels are left out of the result, as Deribit does.
  }
  w.begin_array();
  for (const std::string& c : accepted) {
    s.channels.insert(c);
    w.string(c);
  }
  w.end_array();
  // A fresh book subscriber gets a snapshot first (after the reply).
  for (const auto& snap : snapshots) {
    const core::instrument_id id = snap.first;
    const std::string& channel = snap.second;  // not a structured binding: lambdas capture it
    published_book& pb = published_[id];
    market_.at(id).active = true;
    market_.refresh_book(id);
    if (!pb.sent) {
      public_levels(id, pb.bids, pb.asks);
      pb.change_id = 1000 + static_cast<std::int64_t>(id) * 7;
      pb.sent = true;
    }
    const core::instrument& spec = market_.spec(id);
    json_writer d;
    const bool grouped = split(channel, '.').size() == 5;
    d.begin_object();
    if (!grouped) d.field("type", "snapshot");
    d.field("timestamp", market_.now_ms()).field("instrument_name", spec.symbol).field("change_id", pb.change_id);
    const auto side = [&](const char* k, const std::map<core::ticks, core::lots>& levels, bool bids) {
      d.key(k).begin_array();
      std::size_t n = 0;
      const std::size_t depth =
          grouped ? static_cast<std::size_t>(std::stoi(std::string(split(channel, '.')[3]))) : 1000;
      const auto emit = [&](core::ticks p, core::lots q) {
        if (n++ >= depth) return;
        d.begin_array();
        if (!grouped) d.string("new");
        d.number(spec.format_price(p)).number(spec.format_qty(q)).end_array();
      };
      if (bids) {
        for (auto it = levels.rbegin(); it != levels.rend(); ++it) emit(it->first, it->second);
      } else {
        for (const auto& [p, q] : levels) emit(p, q);
      }
      d.end_array();
    };
    side("bids", pb.bids, true);
    side("asks", pb.asks, false);
    d.end_object();
    json_writer msg;
    msg.begin_object().field("jsonrpc", "2.0").field("method", "subscription").key("params").begin_object();
    msg.field("channel", channel).key("data").raw(d.str()).end_object().end_object();
    // Sent after the reply: queue through the session's sender once the
    // reply went (on_message sends the reply first, then account events).
    s.delayed.emplace_back(0, msg.take());
  }
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_subscribe_public(session& s, const request& r, json_writer& w) {
  return subscribe(s, r, w, false);
}
std::optional<rpc_error> venue_core::m_subscribe_private(session& s, const request& r, json_writer& w) {
  return subscribe(s, r, w, true);
}

std::optional<rpc_error> venue_core::m_unsubscribe(session& s, const request& r, json_writer& w) {
  const json::value* channels = rpc::object_of(r.params).if_contains("channels");
  if (channels == nullptr || !channels->is_array())
    return rpc::invalid_params("channels", "expected an array of channels");
  w.begin_array();
  for (const json::value& c : channels->get_array()) {
    if (!c.is_string()) continue;
    const std::string name(c.get_string().c_str());
    if (s.channels.erase(name) > 0) w.string(name);
  }
  w.end_array();
  return std::nullopt;
}

std::optional<rpc_error> venue_core::m_unsubscribe_all(session& s, const request&, json_writer& w) {
  s.channels.clear();
  w.string("ok");
  return std::nullopt;
}

// ---- publishing ------------------------------------------------------------------------

void venue_core::publish_market(std::int64_t now_wall_ms) {
  (void)now_wall_ms;
  // Instruments someone watches.
  std::set<core::instrument_id> watched_books, watched_tickers, watched_trades;
  for (const auto& [sid, s] : sessions_) {
    for (const std::string& c : s->channels) {
      bool raw = false, valid = false;
      const auto id = market_channel(market_, c, raw, valid);
      if (!valid) continue;
      if (c.starts_with("book.")) watched_books.insert(*id);
      if (c.starts_with("ticker.")) watched_tickers.insert(*id);
      if (c.starts_with("trades.")) watched_trades.insert(*id);
    }
  }
  for (auto it = published_.begin(); it != published_.end();) {
    it = watched_books.count(it->first) == 0 ? published_.erase(it) : std::next(it);
  }

  for (const core::instrument_id id : watched_books) {
    published_book& pb = published_[id];
    if (!pb.sent) continue;  // the snapshot goes out on subscribe
    market_.refresh_book(id);
    std::map<core::ticks, core::lots> bids, asks;
    public_levels(id, bids, asks);
    const core::instrument& spec = market_.spec(id);
    json_writer changes_bids, changes_asks;
    bool any = false;
    const auto diff = [&](const std::map<core::ticks, core::lots>& before,
                          const std::map<core::ticks, core::lots>& after, json_writer& out) {
      out.begin_array();
      for (const auto& [p, q] : before) {
        if (after.count(p) == 0) {
          out.begin_array().string("delete").number(spec.format_price(p)).integer(0).end_array();
          any = true;
        }
      }
      for (const auto& [p, q] : after) {
        const auto b = before.find(p);
        if (b == before.end()) {
          out.begin_array().string("new").number(spec.format_price(p)).number(spec.format_qty(q)).end_array();
          any = true;
        } else if (b->second != q) {
          out.begin_array().string("change").number(spec.format_price(p)).number(spec.format_qty(q)).end_array();
          any = true;
        }
      }
      out.end_array();
    };
    diff(pb.bids, bids, changes_bids);
    diff(pb.asks, asks, changes_asks);
    if (!any) continue;
    const std::int64_t prev = pb.change_id;
    pb.change_id += 1 + (pb.change_id % 3);  // Deribit's ids are not consecutive
    pb.bids = std::move(bids);
    pb.asks = std::move(asks);
    ++book_changes_;
    const bool periodic_gap = faults_.gap_every > 0 && book_changes_ % faults_.gap_every == 0;
    if (faults_.skip_book_changes > 0 || periodic_gap) {  // a gap: the subscribers never see this change
      if (!periodic_gap) --faults_.skip_book_changes;
      continue;
    }
    json_writer d;
    d.begin_object().field("type", "change").field("timestamp", market_.now_ms()).field("prev_change_id", prev);
    d.field("instrument_name", spec.symbol).field("change_id", pb.change_id);
    d.key("bids").raw(changes_bids.str()).key("asks").raw(changes_asks.str()).end_object();
    const std::string data = d.take();
    send_channel("book." + spec.symbol + ".raw", data);
    send_channel("book." + spec.symbol + ".100ms", data);
    for (const char* depth : {"1", "10", "20"}) {
      const std::string grouped = "book." + spec.symbol + ".none." + depth + ".100ms";
      bool anyone = false;
      for (const auto& [sid, s] : sessions_) anyone = anyone || s->channels.count(grouped) != 0;
      if (!anyone) continue;
      json_writer g;
      write_book(g, id, static_cast<std::size_t>(std::stoi(depth)));
      send_channel(grouped, g.str());
    }
  }

  for (const core::instrument_id id : watched_tickers) {
    json_writer t;
    write_ticker(t, id);
    const std::string& symbol = market_.spec(id).symbol;
    send_channel("ticker." + symbol + ".raw", t.str());
    send_channel("ticker." + symbol + ".100ms", t.str());
  }

  for (const core::instrument_id id : watched_trades) {
    const std::optional<market::market_trade> tr = market_.draw_trade(id);
    if (!tr) continue;
    const core::instrument& spec = market_.spec(id);
    const sim_instrument& si = market_.at(id);
    tape_trade t;
    t.trade_seq = si.trade_seq;
    t.trade_id = std::to_string(si.trade_seq) + "-" + std::to_string(id);
    t.timestamp = market_.now_ms();
    t.aggressor = tr->aggressor;
    t.price = tr->price;
    t.amount = tr->qty;
    t.mark = si.mark;
    t.index_price = market_.indexes()[si.underlying].price;
    json_writer a;
    a.begin_array();
    write_tape_trade(a, id, t);
    a.end_array();
    record_tape(id, std::move(t));
    send_channel("trades." + spec.symbol + ".raw", a.str());
    send_channel("trades." + spec.symbol + ".100ms", a.str());
  }
}

void venue_core::record_tape(core::instrument_id id, tape_trade t) {
  std::deque<tape_trade>& tape = tape_[id];
  tape.push_back(std::move(t));
  if (tape.size() > k_tape_length) tape.pop_front();
}

void venue_core::publish_account_events() {
  // Snapshots queued by subscribe go out first, in order.
  for (auto& [sid, s] : sessions_) {
    auto& d = s->delayed;
    for (auto it = d.begin(); it != d.end();) {
      if (it->first == 0) {
        if (s->send) s->send(std::move(it->second));
        it = d.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const account_event& ev : exchange_.drain_events()) {
    if (ev.what == account_event::kind::portfolio) {
      json_writer w;
      write_summary(w, ev.account, ev.currency);
      send_to_account(ev.account, "user.portfolio." + ev.currency, w.str());
      send_to_account(ev.account, "user.portfolio." + lower(ev.currency), w.str());
      continue;
    }
    if (ev.what == account_event::kind::trade) {
      // Our clients' fills are public trades too; the aggressor is the taker.
      const sim_trade& f = exchange_.trades()[ev.trade_index];
      const core::side other = f.direction == core::side::buy ? core::side::sell : core::side::buy;
      record_tape(f.instrument, {f.trade_seq, f.trade_id, f.timestamp, f.maker ? other : f.direction, f.price, f.amount,
                                 f.mark, f.index_price});
    }
    const core::instrument_id id = ev.what == account_event::kind::order
                                       ? exchange_.find_order(ev.order_id)->instrument
                                       : exchange_.trades()[ev.trade_index].instrument;
    const core::instrument& spec = market_.spec(id);
    const std::string family = ev.what == account_event::kind::order ? "user.orders." : "user.trades.";
    const std::string kind(kind_name(spec));
    const std::string ccy = spec.base_currency;
    json_writer w;
    if (ev.what == account_event::kind::order) {
      write_order(w, *exchange_.find_order(ev.order_id));
    } else {
      w.begin_array();
      write_trade(w, exchange_.trades()[ev.trade_index]);
      w.end_array();
    }
    const std::string data = w.take();
    const std::string names[] = {family + spec.symbol + ".raw",
                                 family + kind + "." + ccy + ".raw",
                                 family + "any." + ccy + ".raw",
                                 family + kind + ".any.raw",
                                 family + "any.any.raw",
                                 family + spec.symbol + ".100ms",
                                 family + kind + "." + ccy + ".100ms",
                                 family + "any." + ccy + ".100ms",
                                 family + "any.any.100ms"};
    for (auto& [sid, s] : sessions_) {
      if (!s->account || *s->account != ev.account || !s->send) continue;
      for (const std::string& n : names) {
        if (s->channels.count(n) == 0) continue;
        json_writer m;
        m.begin_object().field("jsonrpc", "2.0").field("method", "subscription").key("params").begin_object();
        m.field("channel", n).key("data").raw(data).end_object().end_object();
        s->send(m.take());
        break;  // once per session
      }
    }
  }
}

}  // namespace tickrail::venue
