#include "tickrail/deribit/feed_parser.hpp"

#include "number_tokens.hpp"

#include "tickrail/json/ondemand.hpp"

#include "tickrail/core/check.hpp"
#include "tickrail/core/md_builder.hpp"
#include "tickrail/core/name_cache.hpp"

namespace tickrail::deribit {

namespace od = simdjson::ondemand;
using core::feed_error;

static_assert(feed_parser::k_padding == json::k_padding);

namespace {

using detail::is_null;
using detail::read_int;
using detail::read_timestamp;

// A field's raw JSON text, empty when absent. Numbers are kept as text and
// converted exactly once the instrument is known.
using raw_token = std::string_view;

raw_token raw_of(od::value v) noexcept { return json::trim(v.raw_json_token()); }

// Increment for funding rates carried as × 1e9.
const core::increment& funding_unit() noexcept { return core::decimal_unit(9); }

// A conversion's outcome as a feed error: strings or junk → bad_number; off
// the grid (for rounding::exact) → off_tick.
feed_error converted(core::fp_error e, bool& present) noexcept {
  present = e == core::fp_error::ok;
  switch (e) {
    case core::fp_error::ok: return feed_error::ok;
    case core::fp_error::inexact: return feed_error::off_tick;
    default: return feed_error::bad_number;
  }
}

// Converts a number token with `inc`. Absent or null → not present, ok.
feed_error convert(raw_token t, const core::increment& inc, core::rounding mode, std::int64_t& out,
                   bool& present) noexcept {
  present = false;
  if (t.empty()) return feed_error::ok;
  const core::fp_error e = inc.to_units_padded(t, mode, out);
  if (e != core::fp_error::ok && is_null(t)) return feed_error::ok;  // tested only once a number failed
  return converted(e, present);
}

// The ticker-like fields shared by ticker notifications, quotes, public/ticker
// results and book summaries, as raw tokens.
struct ticker_tokens {
  raw_token best_bid, best_ask, best_bid_qty, best_ask_qty, mark, index, last, funding, funding_8h, open_interest;
  raw_token timestamp;
  std::string_view instrument_name;

  // True when the key was one of ours.
  bool take(const od::raw_json_string& key, od::value v) noexcept {
    raw_token* slot = nullptr;
    if (key == "best_bid_price" || key == "bid_price")
      slot = &best_bid;
    else if (key == "best_ask_price" || key == "ask_price")
      slot = &best_ask;
    else if (key == "best_bid_amount")
      slot = &best_bid_qty;
    else if (key == "best_ask_amount")
      slot = &best_ask_qty;
    else if (key == "mark_price")
      slot = &mark;
    else if (key == "index_price")
      slot = &index;
    else if (key == "last_price" || key == "last")
      slot = &last;
    else if (key == "current_funding")
      slot = &funding;
    else if (key == "funding_8h")
      slot = &funding_8h;
    else if (key == "open_interest")
      slot = &open_interest;
    else if (key == "timestamp" || key == "creation_timestamp")
      slot = &timestamp;
    else if (key == "instrument_name") {
      std::string_view name;
      if (v.get_string().get(name) == simdjson::SUCCESS) instrument_name = name;
      return true;
    }
    if (slot == nullptr) return false;
    *slot = raw_of(v);
    return true;
  }
};

}  // namespace

struct feed_parser::impl {
  impl(const core::instrument_catalog& cat, options opts)
      : catalog(cat),
        max_frame_bytes(opts.max_frame_bytes),
        buffer(std::make_unique<char[]>(opts.max_frame_bytes + k_padding)),
        builder(opts.max_events) {
    // Sizes the parser once; later documents up to this size reuse it.
    TR_CHECK(parser.allocate(opts.max_frame_bytes) == simdjson::SUCCESS, "cannot allocate the JSON parser");
  }

  const core::instrument_catalog& catalog;
  std::size_t max_frame_bytes;
  std::unique_ptr<char[]> buffer;
  od::parser parser;
  core::md_builder builder;
  core::feed_counters counters;
  std::int64_t local_ts_ns = 0;

  core::event_header header_for(const core::instrument& inst, std::int64_t exchange_ns) const noexcept {
    return core::make_header(core::event_type::market_data, inst.id, local_ts_ns, exchange_ns,
                             static_cast<std::uint8_t>(core::venue::deribit));
  }

  feed_error run(const char* data, std::size_t len, std::size_t capacity) noexcept {
    builder.reset();
    od::document doc;
    if (parser.iterate(data, len, capacity).get(doc) != simdjson::SUCCESS) return feed_error::not_json;
    od::object root;
    if (const feed_error e = json::root_object(doc, root); e != feed_error::ok) return e;

    bool subscription = false;
    bool have_params = false;
    bool have_result = false;
    const feed_error fe = json::for_each_field(root, [&](const od::raw_json_string& key, od::value& v) {
      if (key == "method") {
        // Compared raw first: no copy into simdjson's string buffer.
        if (json::trim(v.raw_json_token()) == "\"subscription\"") {
          subscription = true;
          return feed_error::ok;
        }
        std::string_view method;
        if (v.get_string().get(method) != simdjson::SUCCESS) return feed_error::unexpected_shape;
        subscription = method == "subscription";  // written with escapes
      } else if (key == "params") {
        have_params = true;
        // `params` must be consumed now: On-Demand moves forward only.
        return on_params(v);
      } else if (key == "result") {
        have_result = true;
        return on_result(v);
      }
      return feed_error::ok;
    });
    if (fe != feed_error::ok) return fe;
    if (have_params && !subscription) {
      builder.reset();  // heartbeat/test_request and other server calls
      return feed_error::ignored;
    }
    if (!have_params && !have_result) return feed_error::ignored;  // error replies, acks
    return builder.empty() ? feed_error::ignored : feed_error::ok;
  }

  feed_error on_params(od::value params) noexcept {
    od::object obj;
    if (params.get_object().get(obj) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    auto channel_field = obj.find_field_unordered("channel");
    if (channel_field.error() == simdjson::NO_SUCH_FIELD) return feed_error::ok;  // heartbeat params
    od::value channel;
    if (channel_field.get(channel) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    // The channel must be read before `data` is looked for: On-Demand moves forward only.
    route r{};
    const feed_error routed = route_of(channel, r);
    if (routed == feed_error::unexpected_shape) return routed;
    od::value data;
    if (obj.find_field_unordered("data").get(data) != simdjson::SUCCESS) return feed_error::missing_field;
    if (routed != feed_error::ok) return routed;
    return on_channel(r, data);
  }

  // What a channel name routes to, worked out once per name: the same few
  // hundred channels arrive on every frame (core/name_cache.hpp).
  enum class route_kind : std::uint8_t { book, book_grouped, ticker, quote, trades, trades_kind_wide, chart };
  struct route {
    route_kind kind;
    core::instrument_id id;  // core::no_instrument for kind-wide channels
  };
  core::name_cache<route> routes;

  // The route of a channel, looked up by its raw JSON text (quotes and all:
  // no unescaping on a hit); a miss reads the name properly and resolves it.
  feed_error route_of(od::value channel, route& r) noexcept {
    const std::string_view raw = json::trim(channel.raw_json_token());
    if (const route* hit = routes.find(raw)) {
      r = *hit;
      return feed_error::ok;
    }
    std::string_view name;
    if (channel.get_string().get(name) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    if (const feed_error e = resolve(name, r); e != feed_error::ok) return e;
    routes.put(raw, r);  // only names that resolved: ids never change meaning
    return feed_error::ok;
  }

  feed_error on_channel(const route& r, od::value data) noexcept {
    const core::instrument* inst = r.id == core::no_instrument ? nullptr : &catalog[r.id];
    switch (r.kind) {
      case route_kind::book: return on_book(data, *inst, false);
      case route_kind::book_grouped: return on_book(data, *inst, true);
      case route_kind::ticker: return on_ticker_object(data, inst, core::md_kind::ticker);
      case route_kind::quote: return on_ticker_object(data, inst, core::md_kind::quote);
      case route_kind::trades: return on_trades(data, inst, true);
      case route_kind::trades_kind_wide: return on_trades(data, nullptr, false);
      case route_kind::chart: return feed_error::ignored;  // candles feed the regime classifier on the slow path
    }
    return feed_error::unknown_channel;
  }

  // Channel names are dot-separated; instrument names contain no dots.
  feed_error resolve(std::string_view channel, route& r) const noexcept {
    std::string_view parts[6];
    std::size_t n = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= channel.size() && n < 6; ++i) {  // channel names are short: no memchr calls
      if (i == channel.size() || channel[i] == '.') {
        parts[n++] = channel.substr(start, i - start);
        start = i + 1;
      }
    }
    const std::string_view kind = parts[0];
    r.id = core::no_instrument;
    if (kind == "chart") {
      r.kind = route_kind::chart;
      return feed_error::ok;
    }
    if (kind == "trades" && n != 3) {
      r.kind = route_kind::trades_kind_wide;
      return feed_error::ok;
    }
    if (kind != "trades") {
      if (n < 2) return feed_error::unknown_channel;
      if (kind != "book" && kind != "ticker" && kind != "quote") return feed_error::unknown_channel;
    }
    const core::instrument* inst = lookup(parts[1]);
    if (inst == nullptr) return feed_error::unknown_instrument;
    r.id = inst->id;
    if (kind == "trades")
      r.kind = route_kind::trades;
    else if (kind == "book" && n == 3)
      r.kind = route_kind::book;
    else if (kind == "book" && n == 5)
      r.kind = route_kind::book_grouped;
    else if (kind == "ticker" && n == 3)
      r.kind = route_kind::ticker;
    else if (kind == "quote" && n == 2)
      r.kind = route_kind::quote;
    else
      return feed_error::unknown_channel;
    return feed_error::ok;
  }

  const core::instrument* lookup(std::string_view name) const noexcept {
    return catalog.find(core::venue::deribit, name);
  }

  feed_error on_book(od::value data, const core::instrument& inst, bool grouped) noexcept {
    od::object obj;
    if (data.get_object().get(obj) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    const std::size_t first = builder.size();
    if (!builder.begin(header_for(inst, 0), core::md_kind::book_change, 0, -1)) return feed_error::frame_too_large;
    std::string_view type;
    raw_token change_id_tok, prev_change_id_tok, timestamp_tok;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& v) {
      if (key == "bids" || key == "asks") {
        const core::side s = key == "bids" ? core::side::buy : core::side::sell;
        if (const feed_error e = on_levels(v, inst, s, grouped); e != feed_error::ok) return e;
      } else if (key == "type") {
        // The two values Deribit sends, compared raw: no copy into simdjson's string buffer.
        const std::string_view raw = json::trim(v.raw_json_token());
        if (raw == "\"change\"")
          type = "change";
        else if (raw == "\"snapshot\"")
          type = "snapshot";
        else if (v.get_string().get(type) != simdjson::SUCCESS)
          return feed_error::unexpected_shape;
      } else if (key == "change_id") {
        change_id_tok = raw_of(v);
      } else if (key == "prev_change_id") {
        prev_change_id_tok = raw_of(v);
      } else if (key == "timestamp") {
        timestamp_tok = raw_of(v);
      }
      return feed_error::ok;
    });
    if (fe != feed_error::ok) return fe;
    std::int64_t change_id = 0, prev_change_id = -1, timestamp_ns = 0;
    if (read_int(change_id_tok, change_id) != feed_error::ok) return feed_error::missing_field;
    if (read_timestamp(timestamp_tok, timestamp_ns) != feed_error::ok) return feed_error::bad_number;
    const bool has_prev = !prev_change_id_tok.empty() && !is_null(prev_change_id_tok);
    if (has_prev && read_int(prev_change_id_tok, prev_change_id) != feed_error::ok) return feed_error::bad_number;
    // Snapshot: grouped books always; otherwise `type`, or — old frames have
    // no type — the absence of prev_change_id.
    bool snapshot = grouped;
    if (!grouped) {
      if (type == "snapshot")
        snapshot = true;
      else if (type == "change")
        snapshot = false;
      else if (type.empty())
        snapshot = !has_prev;
      else
        return feed_error::unexpected_shape;
      if (!snapshot && !has_prev) return feed_error::missing_field;
    }
    for (core::event& e : builder.events_from(first)) {
      e.md.kind = snapshot ? core::md_kind::book_snapshot : core::md_kind::book_change;
      e.md.change_id = change_id;
      e.md.prev_change_id = snapshot ? -1 : prev_change_id;
      e.header.exchange_ts_ns = timestamp_ns;
    }
    return feed_error::ok;
  }

  // [["new"|"change"|"delete", price, amount], ...] or, grouped, [[price, amount], ...].
  feed_error on_levels(od::value v, const core::instrument& inst, core::side s, bool grouped) noexcept {
    od::array levels;
    if (v.get_array().get(levels) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    for (auto level_value : levels) {
      od::array level;
      if (level_value.get_array().get(level) != simdjson::SUCCESS) return feed_error::bad_level;
      raw_token tokens[3];
      std::size_t count = 0;
      for (auto item : level) {
        od::value iv;
        if (item.get(iv) != simdjson::SUCCESS) return feed_error::bad_level;
        if (count == 3) return feed_error::bad_level;
        tokens[count++] = raw_of(iv);
      }
      core::book_action action = core::book_action::change_level;
      std::size_t price_at = 0;
      if (!grouped) {
        if (count != 3) return feed_error::bad_level;
        if (tokens[0] == "\"new\"")
          action = core::book_action::new_level;
        else if (tokens[0] == "\"change\"")
          action = core::book_action::change_level;
        else if (tokens[0] == "\"delete\"")
          action = core::book_action::delete_level;
        else
          return feed_error::bad_level;
        price_at = 1;
      } else if (count != 2) {
        return feed_error::bad_level;
      }
      // Locals, not a level_update on the stack: see md_builder::add_level.
      std::int64_t price_ticks = 0, qty_lots = 0;
      bool present = false;
      if (const feed_error e = convert(tokens[price_at], inst.tick, core::rounding::exact, price_ticks, present);
          e != feed_error::ok) {
        return e;
      }
      if (!present) return feed_error::bad_level;
      if (const feed_error e = convert(tokens[price_at + 1], inst.lot, core::rounding::exact, qty_lots, present);
          e != feed_error::ok) {
        return e;
      }
      if (!present) return feed_error::bad_level;
      if (action == core::book_action::delete_level) qty_lots = 0;
      if (!builder.add_level(price_ticks, qty_lots, s, action)) return feed_error::frame_too_large;
    }
    return feed_error::ok;
  }

  // Ticker and quote notifications: one object; the instrument comes from the
  // channel (or, for RPC results, from instrument_name).
  feed_error on_ticker_object(od::value data, const core::instrument* inst, core::md_kind kind) noexcept {
    od::object obj;
    if (data.get_object().get(obj) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    ticker_tokens t;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& v) {
      t.take(key, v);
      return feed_error::ok;
    });
    if (fe != feed_error::ok) return fe;
    if (inst == nullptr) {
      if (t.instrument_name.empty()) return feed_error::missing_field;
      inst = lookup(t.instrument_name);
      if (inst == nullptr) return feed_error::unknown_instrument;
    }
    return emit_ticker(t, *inst, kind);
  }

  feed_error emit_ticker(const ticker_tokens& t, const core::instrument& inst, core::md_kind kind) noexcept {
    std::int64_t timestamp_ns = 0;
    if (read_timestamp(t.timestamp, timestamp_ns) != feed_error::ok) return feed_error::bad_number;
    if (!builder.begin(header_for(inst, timestamp_ns), kind, 0, -1)) return feed_error::frame_too_large;
    core::ticker_fields& f = builder.current().md.ticker;
    struct target {
      raw_token token;
      const core::increment* unit;
      core::rounding mode;
      std::int64_t* out;
      core::ticker_field bit;
    };
    // Prices must sit on the tick grid; mark/index prices are computed by the
    // venue and do not, so they round to the nearest tick; funding rounds to 1e-9.
    const target targets[] = {
        {t.best_bid, &inst.tick, core::rounding::exact, &f.best_bid_ticks, core::ticker_field::best_bid},
        {t.best_ask, &inst.tick, core::rounding::exact, &f.best_ask_ticks, core::ticker_field::best_ask},
        {t.best_bid_qty, &inst.lot, core::rounding::exact, &f.best_bid_lots, core::ticker_field::best_bid_qty},
        {t.best_ask_qty, &inst.lot, core::rounding::exact, &f.best_ask_lots, core::ticker_field::best_ask_qty},
        {t.mark, &inst.tick, core::rounding::nearest, &f.mark_ticks, core::ticker_field::mark},
        {t.index, &inst.tick, core::rounding::nearest, &f.index_ticks, core::ticker_field::index},
        {t.last, &inst.tick, core::rounding::exact, &f.last_ticks, core::ticker_field::last},
        {t.funding, &funding_unit(), core::rounding::nearest, &f.funding_e9, core::ticker_field::funding},
        {t.funding_8h, &funding_unit(), core::rounding::nearest, &f.funding_8h_e9, core::ticker_field::funding_8h},
        {t.open_interest, &inst.lot, core::rounding::nearest, &f.open_interest_lots, core::ticker_field::open_interest},
    };
    for (const target& x : targets) {
      // An option's index (and underlying) is in USD while its prices are in
      // the base currency: not expressible in the option's ticks.
      if (x.bit == core::ticker_field::index && inst.kind == core::instrument_kind::option) continue;
      bool present = false;
      if (const feed_error e = convert(x.token, *x.unit, x.mode, *x.out, present); e != feed_error::ok) return e;
      if (present) f.present |= static_cast<std::uint32_t>(x.bit);
    }
    return feed_error::ok;
  }

  // A list of trades; kind-wide channels mix instruments, so each trade names
  // its own and a run of one instrument's trades shares an event.
  feed_error on_trades(od::value data, const core::instrument* channel_inst, bool single_instrument) noexcept {
    if (single_instrument && channel_inst == nullptr) return feed_error::unknown_instrument;
    od::array trades;
    if (data.get_array().get(trades) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    core::instrument_id current = core::no_instrument;
    for (auto trade_value : trades) {
      od::object obj;
      if (trade_value.get_object().get(obj) != simdjson::SUCCESS) return feed_error::unexpected_shape;
      raw_token price, amount, seq, timestamp;
      std::string_view direction, name;
      const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& v) {
        if (key == "price")
          price = raw_of(v);
        else if (key == "amount")
          amount = raw_of(v);
        else if (key == "trade_seq")
          seq = raw_of(v);
        else if (key == "timestamp")
          timestamp = raw_of(v);
        else if (key == "direction") {
          if (v.get_string().get(direction) != simdjson::SUCCESS) return feed_error::unexpected_shape;
        } else if (key == "instrument_name") {
          if (v.get_string().get(name) != simdjson::SUCCESS) return feed_error::unexpected_shape;
        }
        return feed_error::ok;
      });
      if (fe != feed_error::ok) return fe;
      const core::instrument* inst = channel_inst;
      if (inst == nullptr) {
        inst = lookup(name);
        if (inst == nullptr) return feed_error::unknown_instrument;
      }
      core::trade_print tp{};
      bool present = false;
      if (const feed_error e = convert(price, inst->tick, core::rounding::exact, tp.price_ticks, present);
          e != feed_error::ok)
        return e;
      if (!present) return feed_error::missing_field;
      if (const feed_error e = convert(amount, inst->lot, core::rounding::exact, tp.qty_lots, present);
          e != feed_error::ok)
        return e;
      if (!present) return feed_error::missing_field;
      if (read_int(seq, tp.trade_seq) != feed_error::ok) return feed_error::missing_field;
      if (direction == "buy")
        tp.aggressor = core::side::buy;
      else if (direction == "sell")
        tp.aggressor = core::side::sell;
      else
        return feed_error::missing_field;
      std::int64_t timestamp_ns = 0;
      if (read_timestamp(timestamp, timestamp_ns) != feed_error::ok) return feed_error::bad_number;
      if (inst->id != current) {
        if (!builder.begin(header_for(*inst, timestamp_ns), core::md_kind::trade, 0, -1))
          return feed_error::frame_too_large;
        current = inst->id;
      }
      if (!builder.add_trade(tp)) return feed_error::frame_too_large;
    }
    return feed_error::ok;
  }

  // RPC results: a ticker object (public/ticker) or an array of book
  // summaries (public/get_book_summary_by_*). Anything else is ignored.
  feed_error on_result(od::value result) noexcept {
    od::json_type type;
    if (result.type().get(type) != simdjson::SUCCESS) return feed_error::not_json;
    if (type == od::json_type::object) {
      // A ticker result names its instrument; a reply without one is some
      // other result.
      const feed_error e = on_ticker_object(result, nullptr, core::md_kind::ticker);
      return e == feed_error::missing_field ? feed_error::ok : e;
    }
    if (type == od::json_type::array) {
      od::array rows;
      if (result.get_array().get(rows) != simdjson::SUCCESS) return feed_error::not_json;
      for (auto row : rows) {
        od::value v;
        if (row.get(v) != simdjson::SUCCESS) return feed_error::not_json;
        od::json_type row_type;
        if (v.type().get(row_type) != simdjson::SUCCESS || row_type != od::json_type::object) return feed_error::ok;
        if (const feed_error e = on_ticker_object(v, nullptr, core::md_kind::ticker); e != feed_error::ok) {
          return e == feed_error::missing_field ? feed_error::ok : e;  // rows of some other list
        }
      }
    }
    return feed_error::ok;
  }
};

feed_parser::feed_parser(const core::instrument_catalog& catalog, options opts)
    : impl_(std::make_unique<impl>(catalog, opts)) {}

feed_parser::~feed_parser() = default;

core::feed_error feed_parser::parse(std::string_view frame, std::int64_t local_ts_ns) noexcept {
  return json::parse_frame_copy(*impl_, frame, local_ts_ns);
}

core::feed_error feed_parser::parse_padded(const char* data, std::size_t len, std::size_t capacity,
                                           std::int64_t local_ts_ns) noexcept {
  return json::parse_padded_frame(*impl_, data, len, capacity, local_ts_ns);
}

std::span<const core::event> feed_parser::events() const noexcept { return impl_->builder.events(); }
const core::feed_counters& feed_parser::counters() const noexcept { return impl_->counters; }

}  // namespace tickrail::deribit
