#include "tickrail/deribit/exec_parser.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <vector>

#include "tickrail/core/check.hpp"
#include "tickrail/deribit/order_encoder.hpp"
#include "tickrail/json/ondemand.hpp"
#include "number_tokens.hpp"

namespace tickrail::deribit {

namespace od = simdjson::ondemand;
using core::exec_kind;
using core::feed_error;
using core::order_state;

static_assert(exec_parser::k_padding == json::k_padding);

namespace {

using raw_token = std::string_view;

using detail::read_int;
using detail::read_timestamp;

bool absent(raw_token t) noexcept { return t.empty() || detail::is_null(t); }

const core::increment& e8_unit() noexcept { return core::decimal_unit(8); }

feed_error to_units(raw_token t, const core::increment& inc, core::rounding mode, std::int64_t& out) noexcept {
  switch (inc.to_units(t, mode, out)) {
    case core::fp_error::ok: return feed_error::ok;
    case core::fp_error::inexact: return feed_error::off_tick;
    default: return feed_error::bad_number;
  }
}

// Rounded values (average prices, fees, equity) are JSON doubles with up to
// 17 significant digits and exponents ("4.998950220453705E-8"), more than an
// exact decimal holds: those round through a double, which is what they were.
feed_error to_nearest(raw_token t, const core::increment& inc, std::int64_t& out) noexcept {
  if (inc.to_units(t, core::rounding::nearest, out) == core::fp_error::ok) return feed_error::ok;
  double d = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
  if (ec != std::errc() || end != t.data() + t.size() || !std::isfinite(d)) return feed_error::bad_number;
  const double units = std::nearbyint(d / inc.to_double(1));
  if (!(units > -9.2e18 && units < 9.2e18)) return feed_error::bad_number;
  out = static_cast<std::int64_t>(units);
  return feed_error::ok;
}

// Every field of an order, trade, position or portfolio object we read, as
// raw number tokens or unescaped strings (views valid for the document).
struct object_tokens {
  std::string_view order_id, order_state, state, direction, instrument_name, label, order_type, trade_id, kind;
  raw_token amount, filled_amount, price, average_price, size, fee, trade_seq, timestamp, last_update, equity;
  bool post_only = false, reduce_only = false;

  feed_error take(const od::raw_json_string& key, od::value& v) noexcept {
    std::string_view* str = nullptr;
    raw_token* num = nullptr;
    if (key == "order_id")
      str = &order_id;
    else if (key == "order_state")
      str = &order_state;
    else if (key == "state")
      str = &state;
    else if (key == "direction")
      str = &direction;
    else if (key == "instrument_name")
      str = &instrument_name;
    else if (key == "label")
      str = &label;
    else if (key == "order_type")
      str = &order_type;
    else if (key == "trade_id")
      str = &trade_id;
    else if (key == "kind")
      str = &kind;
    else if (key == "amount")
      num = &amount;
    else if (key == "filled_amount")
      num = &filled_amount;
    else if (key == "price")
      num = &price;
    else if (key == "average_price")
      num = &average_price;
    else if (key == "size")
      num = &size;
    else if (key == "fee")
      num = &fee;
    else if (key == "trade_seq")
      num = &trade_seq;
    else if (key == "timestamp")
      num = &timestamp;
    else if (key == "last_update_timestamp")
      num = &last_update;
    else if (key == "equity")
      num = &equity;
    else if (key == "post_only" || key == "reduce_only") {
      bool b = false;
      if (v.get_bool().get(b) != simdjson::SUCCESS) return feed_error::unexpected_shape;
      (key == "post_only" ? post_only : reduce_only) = b;
      return feed_error::ok;
    }
    if (str != nullptr) {
      bool null = false;
      if (v.is_null().get(null) == simdjson::SUCCESS && null) return feed_error::ok;
      return v.get_string().get(*str) == simdjson::SUCCESS ? feed_error::ok : feed_error::unexpected_shape;
    }
    if (num != nullptr) *num = json::trim(v.raw_json_token());
    return feed_error::ok;
  }

  [[nodiscard]] bool is_order() const noexcept { return !order_state.empty() && !order_id.empty(); }
  [[nodiscard]] bool is_trade() const noexcept { return !trade_id.empty() || !absent(trade_seq); }
  [[nodiscard]] bool is_position() const noexcept { return !absent(size) && !instrument_name.empty(); }
  [[nodiscard]] bool is_portfolio() const noexcept { return !absent(equity); }
};

bool parse_side(std::string_view s, core::side& out) noexcept {
  if (s == "buy")
    out = core::side::buy;
  else if (s == "sell")
    out = core::side::sell;
  else
    return false;
  return true;
}

bool parse_state(std::string_view s, order_state& out) noexcept {
  if (s == "open" || s == "triggered")
    out = order_state::open;
  else if (s == "filled")
    out = order_state::filled;
  else if (s == "cancelled")
    out = order_state::cancelled;
  else if (s == "rejected")
    out = order_state::rejected;
  else if (s == "untriggered")
    out = order_state::untriggered;
  else
    return false;
  return true;
}

core::order_type parse_type(std::string_view s) noexcept {
  if (s == "market") return core::order_type::market;
  if (s == "stop_limit") return core::order_type::stop_limit;
  if (s == "stop_market") return core::order_type::stop_market;
  if (s == "take_limit") return core::order_type::take_limit;
  if (s == "take_market") return core::order_type::take_market;
  return core::order_type::limit;
}

// Venue order ids are copied into a fixed field and later written into
// requests unescaped: only the characters Deribit uses are accepted.
bool copy_order_id(std::string_view id, char (&out)[core::k_venue_order_id_size]) noexcept {
  if (id.empty() || id.size() >= sizeof(out)) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  std::memcpy(out, id.data(), id.size());
  return true;
}

}  // namespace

struct exec_parser::impl {
  impl(const core::instrument_catalog& cat, const order_encoder& enc, options opts)
      : catalog(cat),
        labels(enc),
        max_frame_bytes(opts.max_frame_bytes),
        max_events(opts.max_events),
        buffer(std::make_unique<char[]>(opts.max_frame_bytes + k_padding)) {
    TR_CHECK(parser.allocate(opts.max_frame_bytes) == simdjson::SUCCESS, "cannot allocate the JSON parser");
    events.reserve(opts.max_events);
  }

  const core::instrument_catalog& catalog;
  const order_encoder& labels;
  std::size_t max_frame_bytes;
  std::size_t max_events;
  std::unique_ptr<char[]> buffer;
  od::parser parser;
  std::vector<core::event> events;
  rpc_frame frame;
  core::feed_counters counters;
  std::int64_t local_ts_ns = 0;

  feed_error run(const char* data, std::size_t len, std::size_t capacity) noexcept {
    events.clear();
    frame = rpc_frame{};
    od::document doc;
    if (parser.iterate(data, len, capacity).get(doc) != simdjson::SUCCESS) return feed_error::not_json;
    od::object root;
    if (const feed_error e = json::root_object(doc, root); e != feed_error::ok) return e;
    std::string_view method;
    bool have_result = false, have_error = false, have_params = false;
    feed_error fe = json::for_each_field(root, [&](const od::raw_json_string& key, od::value& v) {
      if (key == "id") {
        bool null = false;
        if (v.is_null().get(null) == simdjson::SUCCESS && null) return feed_error::ok;
        return read_int(json::trim(v.raw_json_token()), frame.id) == feed_error::ok ? feed_error::ok
                                                                                    : feed_error::bad_number;
      }
      if (key == "method")
        return v.get_string().get(method) == simdjson::SUCCESS ? feed_error::ok : feed_error::unexpected_shape;
      if (key == "result") {
        have_result = true;
        return on_result(v);
      }
      if (key == "error") {
        have_error = true;
        return on_error(v);
      }
      if (key == "params") {
        have_params = true;
        return on_params(v);
      }
      return feed_error::ok;
    });
    if (fe != feed_error::ok) return fe;
    if (have_error) {
      frame.kind = frame_kind::error;
      events.clear();
    } else if (have_result) {
      frame.kind = frame_kind::reply;
      for (core::event& e : events) e.exec.request_id = frame.id;
    } else if (have_params && method == "subscription") {
      if (frame.channel.empty()) return feed_error::missing_field;
      frame.kind = frame_kind::subscription;
      if (frame.market_data) events.clear();  // data seen before its channel
    } else if (method == "heartbeat") {
      // on_params left test_request in kind when asked
      if (frame.kind != frame_kind::test_request) frame.kind = frame_kind::heartbeat;
      events.clear();
    } else {
      frame.kind = frame_kind::other;
      events.clear();
    }
    return feed_error::ok;
  }

  feed_error on_error(od::value v) noexcept {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    bool have_code = false;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& f) {
      if (key == "code") {
        std::int64_t code = 0;
        if (read_int(json::trim(f.raw_json_token()), code) != feed_error::ok || code < INT32_MIN || code > INT32_MAX) {
          return feed_error::bad_number;
        }
        frame.error_code = static_cast<std::int32_t>(code);
        have_code = true;
      } else if (key == "message") {
        if (f.get_string().get(frame.error_message) != simdjson::SUCCESS) return feed_error::unexpected_shape;
      }
      return feed_error::ok;
    });
    if (fe != feed_error::ok) return fe;
    return have_code ? feed_error::ok : feed_error::missing_field;
  }

  feed_error on_params(od::value v) noexcept {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    return json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& f) {
      if (key == "type") {
        std::string_view type;
        if (f.get_string().get(type) != simdjson::SUCCESS) return feed_error::unexpected_shape;
        if (type == "test_request") frame.kind = frame_kind::test_request;
        return feed_error::ok;
      }
      if (key == "channel") {
        if (f.get_string().get(frame.channel) != simdjson::SUCCESS) return feed_error::unexpected_shape;
        frame.market_data = !frame.channel.starts_with("user.");
        return feed_error::ok;
      }
      if (key == "data") {
        // The channel comes first in Deribit's frames; when it does not, the
        // data of a user channel is still recognised by its fields.
        if (frame.market_data) return feed_error::ok;
        return on_data(f);
      }
      return feed_error::ok;
    });
  }

  // user.* data: an object (one order, a portfolio) or an array.
  feed_error on_data(od::value v) noexcept { return on_value(v, exec_kind::order_update); }

  feed_error on_result(od::value v) noexcept { return on_value(v, exec_kind::order_ack); }

  // `order_kind` is what an order object here means: an acknowledgement (a
  // reply to our request) or an update (notification, listing).
  feed_error on_value(od::value v, exec_kind order_kind) noexcept {
    od::json_type type;
    if (v.type().get(type) != simdjson::SUCCESS) return feed_error::not_json;
    switch (type) {
      case od::json_type::number: {
        std::int64_t n = 0;
        if (read_int(json::trim(v.raw_json_token()), n) == feed_error::ok) frame.count = n;
        return feed_error::ok;
      }
      case od::json_type::array: return on_array(v, exec_kind::order_update);
      case od::json_type::object: return on_object(v, order_kind);
      default: return feed_error::ok;  // "ok", "pong", null
    }
  }

  feed_error on_array(od::value v, exec_kind order_kind) noexcept {
    od::array arr;
    if (v.get_array().get(arr) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    for (auto element : arr) {
      od::value item;
      if (element.get(item) != simdjson::SUCCESS) return feed_error::not_json;
      od::json_type type;
      if (item.type().get(type) != simdjson::SUCCESS) return feed_error::not_json;
      if (type != od::json_type::object) continue;  // subscribe replies: channel names
      if (const feed_error e = on_object(item, order_kind); e != feed_error::ok) return e;
    }
    return feed_error::ok;
  }

  feed_error on_object(od::value v, exec_kind order_kind) noexcept {
    od::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    object_tokens t;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& f) {
      if (key == "order") return on_object(f, order_kind);  // {order, trades}
      if (key == "trades") return on_array(f, order_kind);  // {order, trades}, {trades, has_more}
      if (key == "has_more") {
        bool b = false;
        if (f.get_bool().get(b) != simdjson::SUCCESS) return feed_error::unexpected_shape;
        frame.has_more = b;
        return feed_error::ok;
      }
      if (key == "access_token") return string_of(f, frame.access_token);
      if (key == "refresh_token") return string_of(f, frame.refresh_token);
      if (key == "expires_in") return read_int(json::trim(f.raw_json_token()), frame.expires_in_s);
      return t.take(key, f);
    });
    if (fe != feed_error::ok) return fe;
    if (t.is_order()) return emit_order(t, order_kind);
    if (t.is_trade()) return emit_fill(t);
    if (t.is_position()) return emit_position(t);
    if (t.is_portfolio()) return emit_portfolio(t);
    return feed_error::ok;
  }

  static feed_error string_of(od::value& f, std::string_view& out) noexcept {
    return f.get_string().get(out) == simdjson::SUCCESS ? feed_error::ok : feed_error::unexpected_shape;
  }

  // The instrument of an element, or nullptr (counted as skipped).
  const core::instrument* instrument_of(const object_tokens& t, feed_error& err) noexcept {
    err = feed_error::ok;
    if (t.instrument_name.empty()) {
      err = feed_error::missing_field;
      return nullptr;
    }
    const core::instrument* inst = catalog.find(core::venue::deribit, t.instrument_name);
    if (inst == nullptr) ++frame.skipped;
    return inst;
  }

  feed_error next_event(const core::instrument* inst, std::int64_t exchange_ns, core::event*& out) noexcept {
    if (events.size() >= max_events) return feed_error::frame_too_large;
    core::event& e = events.emplace_back();
    std::memset(&e, 0, sizeof(e));
    e.header = core::make_header(core::event_type::exec_report, inst != nullptr ? inst->id : core::no_instrument,
                                 local_ts_ns, exchange_ns, static_cast<std::uint8_t>(core::venue::deribit));
    out = &e;
    return feed_error::ok;
  }

  feed_error emit_order(const object_tokens& t, exec_kind kind) noexcept {
    feed_error err;
    const core::instrument* inst = instrument_of(t, err);
    if (inst == nullptr) return err;
    core::side side{};
    order_state state{};
    if (!parse_side(t.direction, side) || !parse_state(t.order_state, state)) return feed_error::unexpected_shape;
    std::int64_t ts = 0;
    if (read_timestamp(absent(t.last_update) ? t.timestamp : t.last_update, ts) != feed_error::ok)
      return feed_error::bad_number;
    core::event* e = nullptr;
    if (const feed_error fe = next_event(inst, ts, e); fe != feed_error::ok) return fe;
    core::exec_report& x = e->exec;
    x.kind = kind;
    x.order_side = side;
    x.type = parse_type(t.order_type);
    x.order_flags = static_cast<std::uint8_t>((t.post_only ? core::k_order_post_only : 0) |
                                              (t.reduce_only ? core::k_order_reduce_only : 0));
    x.cl_ord_id = labels.parse_label(t.label);
    if (!copy_order_id(t.order_id, x.venue_order_id)) return feed_error::unexpected_shape;
    if (absent(t.amount)) return feed_error::missing_field;
    if (const feed_error fe = to_units(t.amount, inst->lot, core::rounding::exact, x.qty_lots); fe != feed_error::ok)
      return fe;
    if (!absent(t.filled_amount)) {
      if (const feed_error fe = to_units(t.filled_amount, inst->lot, core::rounding::exact, x.filled_lots);
          fe != feed_error::ok) {
        return fe;
      }
    }
    // Market and stop-market orders carry "market_price" (a string).
    if (!absent(t.price) && t.price.front() != '"') {
      if (const feed_error fe = to_units(t.price, inst->tick, core::rounding::exact, x.price_ticks);
          fe != feed_error::ok) {
        return fe;
      }
    }
    if (!absent(t.average_price) && x.filled_lots > 0) {
      if (to_nearest(t.average_price, inst->tick, x.last_price_ticks) != feed_error::ok) {
        return feed_error::bad_number;
      }
    }
    if (x.qty_lots < 0 || x.filled_lots < 0 || x.filled_lots > x.qty_lots) return feed_error::bad_number;
    x.state = state == order_state::open && x.filled_lots > 0 ? order_state::partially_filled : state;
    return feed_error::ok;
  }

  feed_error emit_fill(const object_tokens& t) noexcept {
    feed_error err;
    const core::instrument* inst = instrument_of(t, err);
    if (inst == nullptr) return err;
    core::side side{};
    if (!parse_side(t.direction, side)) return feed_error::unexpected_shape;
    std::int64_t ts = 0;
    if (read_timestamp(t.timestamp, ts) != feed_error::ok) return feed_error::bad_number;
    core::event* e = nullptr;
    if (const feed_error fe = next_event(inst, ts, e); fe != feed_error::ok) return fe;
    core::exec_report& x = e->exec;
    x.kind = exec_kind::fill;
    x.order_side = side;
    x.type = parse_type(t.order_type);
    x.order_flags = static_cast<std::uint8_t>((t.post_only ? core::k_order_post_only : 0) |
                                              (t.reduce_only ? core::k_order_reduce_only : 0));
    x.cl_ord_id = labels.parse_label(t.label);
    if (!t.order_id.empty() && !copy_order_id(t.order_id, x.venue_order_id)) return feed_error::unexpected_shape;
    order_state state = order_state::open;
    x.state = !t.state.empty() && parse_state(t.state, state) ? state : order_state::open;
    if (absent(t.trade_seq) || read_int(t.trade_seq, x.trade_seq) != feed_error::ok) return feed_error::missing_field;
    if (absent(t.price) || absent(t.amount)) return feed_error::missing_field;
    if (const feed_error fe = to_units(t.price, inst->tick, core::rounding::exact, x.last_price_ticks);
        fe != feed_error::ok) {
      return fe;
    }
    if (const feed_error fe = to_units(t.amount, inst->lot, core::rounding::exact, x.last_qty_lots);
        fe != feed_error::ok) {
      return fe;
    }
    if (x.last_qty_lots <= 0) return feed_error::bad_number;
    if (!absent(t.fee) && to_nearest(t.fee, e8_unit(), x.fee_e8) != feed_error::ok) {
      return feed_error::bad_number;
    }
    return feed_error::ok;
  }

  feed_error emit_position(const object_tokens& t) noexcept {
    feed_error err;
    const core::instrument* inst = instrument_of(t, err);
    if (inst == nullptr) return err;
    core::event* e = nullptr;
    if (const feed_error fe = next_event(inst, 0, e); fe != feed_error::ok) return fe;
    core::exec_report& x = e->exec;
    x.kind = exec_kind::position;
    // Deribit's size is signed (negative = short); `direction` is redundant.
    if (const feed_error fe = to_units(t.size, inst->lot, core::rounding::exact, x.qty_lots); fe != feed_error::ok)
      return fe;
    x.order_side = x.qty_lots < 0 ? core::side::sell : core::side::buy;
    if (!absent(t.average_price) && to_nearest(t.average_price, inst->tick, x.price_ticks) != feed_error::ok) {
      return feed_error::bad_number;
    }
    return feed_error::ok;
  }

  feed_error emit_portfolio(const object_tokens& t) noexcept {
    std::int64_t ts = 0;
    if (read_timestamp(t.timestamp, ts) != feed_error::ok) return feed_error::bad_number;
    core::event* e = nullptr;
    if (const feed_error fe = next_event(nullptr, ts, e); fe != feed_error::ok) return fe;
    e->exec.kind = exec_kind::portfolio;
    return to_nearest(t.equity, e8_unit(), e->exec.equity_e8) == feed_error::ok ? feed_error::ok
                                                                                : feed_error::bad_number;
  }
};

exec_parser::exec_parser(const core::instrument_catalog& catalog, const order_encoder& labels, options opts)
    : impl_(std::make_unique<impl>(catalog, labels, opts)) {}

exec_parser::~exec_parser() = default;

core::feed_error exec_parser::parse(std::string_view text, std::int64_t local_ts_ns) noexcept {
  if (text.size() > impl_->max_frame_bytes) {
    impl_->events.clear();
    impl_->frame = rpc_frame{};
    impl_->counters.count(feed_error::frame_too_large);
    return feed_error::frame_too_large;
  }
  std::memcpy(impl_->buffer.get(), text.data(), text.size());
  return parse_padded(impl_->buffer.get(), text.size(), impl_->max_frame_bytes + k_padding, local_ts_ns);
}

core::feed_error exec_parser::parse_padded(const char* data, std::size_t len, std::size_t capacity,
                                           std::int64_t local_ts_ns) noexcept {
  impl_->local_ts_ns = local_ts_ns;
  feed_error e = len > impl_->max_frame_bytes || capacity < len + k_padding ? feed_error::frame_too_large
                                                                            : impl_->run(data, len, capacity);
  if (e != feed_error::ok) {
    impl_->events.clear();
    impl_->frame = rpc_frame{};
  }
  impl_->counters.count(e);
  return e;
}

const rpc_frame& exec_parser::frame() const noexcept { return impl_->frame; }
std::span<const core::event> exec_parser::events() const noexcept { return impl_->events; }
const core::feed_counters& exec_parser::counters() const noexcept { return impl_->counters; }

}  // namespace tickrail::deribit
