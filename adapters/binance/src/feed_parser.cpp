#include "tickrail/binance/feed_parser.hpp"

#include "tickrail/json/ondemand.hpp"

#include <vector>

#include "tickrail/core/check.hpp"
#include "tickrail/core/md_builder.hpp"

namespace tickrail::binance {

namespace od = simdjson::ondemand;
using core::feed_error;

static_assert(feed_parser::k_padding == json::k_padding);

namespace {

// Binance sends prices and quantities as strings and ids as integers; accept
// either form for both, converting exactly from the text.
feed_error text_of(od::value v, std::string_view& out) noexcept {
  od::json_type t;
  if (v.type().get(t) != simdjson::SUCCESS) return feed_error::not_json;
  if (t == od::json_type::string)
    return v.get_string().get(out) == simdjson::SUCCESS ? feed_error::ok : feed_error::not_json;
  if (t == od::json_type::number) {
    out = json::trim(v.raw_json_token());
    return feed_error::ok;
  }
  return feed_error::bad_number;
}

feed_error units_of(od::value v, const core::increment& unit, std::int64_t& out) noexcept {
  std::string_view text;
  if (const feed_error e = text_of(v, text); e != feed_error::ok) return e;
  switch (unit.to_units(text, core::rounding::exact, out)) {
    case core::fp_error::ok: return feed_error::ok;
    case core::fp_error::inexact: return feed_error::off_tick;
    default: return feed_error::bad_number;
  }
}

feed_error int_of(od::value v, std::int64_t& out) noexcept;

// A millisecond timestamp as nanoseconds.
feed_error ns_of_ms(od::value v, std::int64_t& ns) noexcept {
  std::int64_t ms = 0;
  if (const feed_error e = int_of(v, ms); e != feed_error::ok) return e;
  return core::ms_to_ns(ms, ns) ? feed_error::ok : feed_error::bad_number;
}

feed_error int_of(od::value v, std::int64_t& out) noexcept {
  std::string_view text;
  if (const feed_error e = text_of(v, text); e != feed_error::ok) return e;
  core::decimal d;
  if (core::parse_decimal(text, d) != core::fp_error::ok || d.scale != 0) return feed_error::bad_number;
  out = d.mantissa;
  return feed_error::ok;
}

}  // namespace

struct feed_parser::impl {
  struct symbol_state {
    sync_state state = sync_state::awaiting_snapshot;
    std::int64_t snapshot_id = 0;
    bool seen_depth = false;
  };

  impl(const core::instrument_catalog& cat, options opts)
      : catalog(cat),
        max_frame_bytes(opts.max_frame_bytes),
        buffer(std::make_unique<char[]>(opts.max_frame_bytes + k_padding)),
        builder(opts.max_events),
        pending(opts.max_buffered_events),
        replay(opts.max_buffered_events),
        pending_first_ids(opts.max_buffered_events),
        replay_first_ids(opts.max_buffered_events),
        states(cat.size()) {
    TR_CHECK(parser.allocate(opts.max_frame_bytes) == simdjson::SUCCESS, "cannot allocate the JSON parser");
  }

  const core::instrument_catalog& catalog;
  std::size_t max_frame_bytes;
  std::unique_ptr<char[]> buffer;
  od::parser parser;
  core::md_builder builder;
  // Depth updates waiting for a snapshot, with each first fragment's U.
  core::md_builder pending;
  core::md_builder replay;
  std::vector<std::int64_t> pending_first_ids;
  std::vector<std::int64_t> replay_first_ids;
  std::vector<symbol_state> states;
  core::feed_counters counters;
  sync_counters sync;
  core::instrument_id expected_snapshot = core::no_instrument;
  std::int64_t local_ts_ns = 0;

  core::event_header header_for(const core::instrument& inst, std::int64_t exchange_ns) const noexcept {
    return core::make_header(core::event_type::market_data, inst.id, local_ts_ns, exchange_ns,
                             static_cast<std::uint8_t>(core::venue::binance_usdm));
  }

  const core::instrument* lookup(std::string_view symbol) const noexcept {
    return catalog.find(core::venue::binance_usdm, symbol);
  }

  feed_error run(const char* data, std::size_t len, std::size_t capacity) noexcept {
    builder.reset();
    od::document doc;
    if (parser.iterate(data, len, capacity).get(doc) != simdjson::SUCCESS) return feed_error::not_json;
    od::object root;
    if (const feed_error e = json::root_object(doc, root); e != feed_error::ok) return e;
    // Combined streams wrap the event: {"stream":"btcusdt@depth@0ms","data":{...}}.
    od::object payload;
    auto wrapped = root.find_field_unordered("data");
    if (wrapped.error() == simdjson::SUCCESS) {
      if (wrapped.get_object().get(payload) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    } else if (wrapped.error() == simdjson::NO_SUCH_FIELD) {
      if (root.reset().error() != simdjson::SUCCESS) return feed_error::not_json;
      payload = root;
    } else {
      return feed_error::not_json;
    }
    auto snapshot_id = payload.find_field_unordered("lastUpdateId");
    if (snapshot_id.error() == simdjson::SUCCESS) {
      std::int64_t id = 0;
      od::value v;
      if (snapshot_id.get(v) != simdjson::SUCCESS || int_of(v, id) != feed_error::ok) return feed_error::bad_number;
      return on_snapshot(payload, id);
    }
    if (snapshot_id.error() != simdjson::NO_SUCH_FIELD) return feed_error::not_json;
    std::string_view type, symbol;
    if (payload.find_field_unordered("e").get_string().get(type) != simdjson::SUCCESS)
      return feed_error::unknown_channel;
    if (payload.find_field_unordered("s").get_string().get(symbol) != simdjson::SUCCESS)
      return feed_error::missing_field;
    const core::instrument* inst = lookup(symbol);
    if (inst == nullptr) return feed_error::unknown_instrument;
    if (type == "depthUpdate") return on_depth(payload, *inst);
    if (type == "bookTicker") return on_book_ticker(payload, *inst);
    if (type == "trade" || type == "aggTrade") return on_trade(payload, *inst, type == "aggTrade");
    return feed_error::unknown_channel;
  }

  // [["price","qty"], ...]; qty 0 deletes the level.
  feed_error on_levels(od::value v, const core::instrument& inst, core::side s, core::md_builder& out) noexcept {
    od::array levels;
    if (v.get_array().get(levels) != simdjson::SUCCESS) return feed_error::unexpected_shape;
    for (auto level_value : levels) {
      od::array level;
      if (level_value.get_array().get(level) != simdjson::SUCCESS) return feed_error::bad_level;
      core::level_update u{};
      u.book_side = s;
      std::size_t count = 0;
      for (auto item : level) {
        od::value iv;
        if (item.get(iv) != simdjson::SUCCESS) return feed_error::bad_level;
        if (count == 0) {
          if (const feed_error e = units_of(iv, inst.tick, u.price_ticks); e != feed_error::ok) return e;
        } else if (count == 1) {
          if (const feed_error e = units_of(iv, inst.lot, u.qty_lots); e != feed_error::ok) return e;
        } else {
          return feed_error::bad_level;
        }
        ++count;
      }
      if (count != 2) return feed_error::bad_level;
      u.action = u.qty_lots == 0 ? core::book_action::delete_level : core::book_action::change_level;
      if (!out.add_level(u)) return feed_error::frame_too_large;
    }
    return feed_error::ok;
  }

  feed_error on_depth(od::object obj, const core::instrument& inst) noexcept {
    if (obj.reset().error() != simdjson::SUCCESS) return feed_error::not_json;
    const std::size_t first = builder.size();
    if (!builder.begin(header_for(inst, 0), core::md_kind::book_change, 0, 0)) return feed_error::frame_too_large;
    std::int64_t first_id = -1, last_id = -1, prev_id = -1, event_ns = 0;
    bool have_first = false, have_last = false, have_prev = false;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& v) {
      if (key == "b" || key == "a") {
        if (const feed_error e = on_levels(v, inst, key == "b" ? core::side::buy : core::side::sell, builder);
            e != feed_error::ok)
          return e;
      } else if (key == "U") {
        if (int_of(v, first_id) != feed_error::ok) return feed_error::bad_number;
        have_first = true;
      } else if (key == "u") {
        if (int_of(v, last_id) != feed_error::ok) return feed_error::bad_number;
        have_last = true;
      } else if (key == "pu") {
        if (int_of(v, prev_id) != feed_error::ok) return feed_error::bad_number;
        have_prev = true;
      } else if (key == "E") {
        if (ns_of_ms(v, event_ns) != feed_error::ok) return feed_error::bad_number;
      }
      return feed_error::ok;
    });
    if (fe != feed_error::ok) return fe;
    if (!have_first || !have_last || !have_prev) return feed_error::missing_field;
    for (core::event& e : builder.events_from(first)) {
      e.md.change_id = last_id;
      e.md.prev_change_id = prev_id;
      e.header.exchange_ts_ns = event_ns;
    }
    symbol_state& st = states[inst.id];
    st.seen_depth = true;
    return route_depth(st, first, first_id);
  }

  // The update just built at builder[first..]: buffer it, drop it, or emit it
  // (re-chained), depending on the instrument's sync state.
  feed_error route_depth(symbol_state& st, std::size_t first, std::int64_t first_id) noexcept {
    const core::event& head = builder.events_from(first)[0];
    const std::int64_t last_id = head.md.change_id;
    switch (st.state) {
      case sync_state::awaiting_snapshot: {
        for (const core::event& e : builder.events_from(first)) {
          if (!pending.push(e)) {
            ++sync.buffer_overflows;
            pending.reset();
            break;
          }
          pending_first_ids[pending.size() - 1] = first_id;
        }
        builder.truncate(first);
        return feed_error::ok;
      }
      case sync_state::awaiting_first: {
        if (last_id < st.snapshot_id) {
          ++sync.dropped_stale;
          builder.truncate(first);
          return feed_error::ok;
        }
        if (first_id > st.snapshot_id) {
          // The update that covers the snapshot never came: the chain is
          // broken before it started. Report it through the book stage.
          ++sync.sync_failures;
          builder.truncate(first);
          if (!builder.begin(head.header, core::md_kind::book_change, last_id, k_gap_marker))
            return feed_error::frame_too_large;
          st.state = sync_state::awaiting_snapshot;
          return feed_error::ok;
        }
        for (core::event& e : builder.events_from(first)) e.md.prev_change_id = st.snapshot_id;
        st.state = sync_state::live;
        return feed_error::ok;
      }
      case sync_state::live: return feed_error::ok;
    }
    return feed_error::ok;
  }

  feed_error on_snapshot(od::object obj, std::int64_t snapshot_id) noexcept {
    core::instrument_id target = expected_snapshot;
    if (target == core::no_instrument) {
      // The REST reply names no symbol: it can only be for the one
      // instrument that is waiting for a snapshot.
      for (std::size_t i = 0; i < states.size(); ++i) {
        if (states[i].seen_depth && states[i].state == sync_state::awaiting_snapshot) {
          if (target != core::no_instrument) return feed_error::unsynced_snapshot;  // ambiguous
          target = static_cast<core::instrument_id>(i);
        }
      }
    }
    if (target == core::no_instrument) return feed_error::unsynced_snapshot;
    const core::instrument& inst = catalog[target];
    if (obj.reset().error() != simdjson::SUCCESS) return feed_error::not_json;
    if (!builder.begin(header_for(inst, 0), core::md_kind::book_snapshot, snapshot_id, -1))
      return feed_error::frame_too_large;
    std::int64_t event_ns = 0;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& v) {
      if (key == "bids" || key == "asks") {
        if (const feed_error e = on_levels(v, inst, key == "bids" ? core::side::buy : core::side::sell, builder);
            e != feed_error::ok)
          return e;
      } else if (key == "E") {
        if (ns_of_ms(v, event_ns) != feed_error::ok) return feed_error::bad_number;
      }
      return feed_error::ok;
    });
    if (fe != feed_error::ok) return fe;
    for (core::event& e : builder.events_from(0)) e.header.exchange_ts_ns = event_ns;
    expected_snapshot = core::no_instrument;
    symbol_state& st = states[target];
    st.state = sync_state::awaiting_first;
    st.snapshot_id = snapshot_id;
    ++sync.snapshots;
    return replay_buffer(target);
  }

  // Feeds this instrument's buffered updates through route_depth, in order;
  // other instruments' stay buffered.
  feed_error replay_buffer(core::instrument_id target) noexcept {
    replay.reset();
    std::size_t kept = 0;
    const auto buffered = pending.events_from(0);
    for (std::size_t i = 0; i < buffered.size(); ++i) {
      if (buffered[i].header.instrument == target) {
        (void)replay.push(buffered[i]);
        replay_first_ids[replay.size() - 1] = pending_first_ids[i];
      } else {
        buffered[kept] = buffered[i];
        pending_first_ids[kept] = pending_first_ids[i];
        ++kept;
      }
    }
    pending.truncate(kept);
    symbol_state& st = states[target];
    const auto updates = replay.events_from(0);
    for (std::size_t i = 0; i < updates.size();) {
      // One update = a first fragment and its continuations.
      std::size_t end = i + 1;
      while (end < updates.size() && (updates[end].md.fragment & core::k_fragment_continuation) != 0) ++end;
      const std::size_t first = builder.size();
      for (std::size_t k = i; k < end; ++k) {
        if (!builder.push(updates[k])) return feed_error::frame_too_large;
      }
      if (const feed_error e = route_depth(st, first, replay_first_ids[i]); e != feed_error::ok) return e;
      i = end;
    }
    return feed_error::ok;
  }

  feed_error on_book_ticker(od::object obj, const core::instrument& inst) noexcept {
    if (obj.reset().error() != simdjson::SUCCESS) return feed_error::not_json;
    if (!builder.begin(header_for(inst, 0), core::md_kind::quote, 0, -1)) return feed_error::frame_too_large;
    core::event& e = builder.current();
    core::ticker_fields& t = e.md.ticker;
    std::int64_t event_ns = 0;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& v) {
      feed_error err = feed_error::ok;
      if (key == "b") {
        err = units_of(v, inst.tick, t.best_bid_ticks);
        t.present |= static_cast<std::uint32_t>(core::ticker_field::best_bid);
      } else if (key == "B") {
        err = units_of(v, inst.lot, t.best_bid_lots);
        t.present |= static_cast<std::uint32_t>(core::ticker_field::best_bid_qty);
      } else if (key == "a") {
        err = units_of(v, inst.tick, t.best_ask_ticks);
        t.present |= static_cast<std::uint32_t>(core::ticker_field::best_ask);
      } else if (key == "A") {
        err = units_of(v, inst.lot, t.best_ask_lots);
        t.present |= static_cast<std::uint32_t>(core::ticker_field::best_ask_qty);
      } else if (key == "u") {
        err = int_of(v, e.md.change_id);
      } else if (key == "E") {
        err = ns_of_ms(v, event_ns);
      }
      return err;
    });
    if (fe != feed_error::ok) return fe;
    e.header.exchange_ts_ns = event_ns;
    return feed_error::ok;
  }

  // trade: t = trade id; aggTrade: a = aggregate id. m = buyer is the maker,
  // so the aggressor sold.
  feed_error on_trade(od::object obj, const core::instrument& inst, bool aggregate) noexcept {
    if (obj.reset().error() != simdjson::SUCCESS) return feed_error::not_json;
    core::trade_print tp{};
    std::int64_t trade_ns = 0;
    bool have_price = false, have_qty = false, have_id = false, have_maker = false;
    const feed_error fe = json::for_each_field(obj, [&](const od::raw_json_string& key, od::value& v) {
      feed_error err = feed_error::ok;
      if (key == "p") {
        err = units_of(v, inst.tick, tp.price_ticks);
        have_price = true;
      } else if (key == "q") {
        err = units_of(v, inst.lot, tp.qty_lots);
        have_qty = true;
      } else if (key == (aggregate ? "a" : "t")) {
        err = int_of(v, tp.trade_seq);
        have_id = true;
      } else if (key == "T") {
        err = ns_of_ms(v, trade_ns);
      } else if (key == "m") {
        bool buyer_is_maker = false;
        if (v.get_bool().get(buyer_is_maker) != simdjson::SUCCESS) return feed_error::unexpected_shape;
        tp.aggressor = buyer_is_maker ? core::side::sell : core::side::buy;
        have_maker = true;
      }
      return err;
    });
    if (fe != feed_error::ok) return fe;
    if (!have_price || !have_qty || !have_id || !have_maker) return feed_error::missing_field;
    if (!builder.begin(header_for(inst, trade_ns), core::md_kind::trade, 0, -1)) return feed_error::frame_too_large;
    if (!builder.add_trade(tp)) return feed_error::frame_too_large;
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

void feed_parser::request_resync(core::instrument_id id) noexcept {
  if (id < impl_->states.size()) impl_->states[id].state = sync_state::awaiting_snapshot;
}

void feed_parser::expect_snapshot(core::instrument_id id) noexcept { impl_->expected_snapshot = id; }

sync_state feed_parser::state(core::instrument_id id) const noexcept {
  return id < impl_->states.size() ? impl_->states[id].state : sync_state::awaiting_snapshot;
}

std::span<const core::event> feed_parser::events() const noexcept { return impl_->builder.events(); }
const core::feed_counters& feed_parser::counters() const noexcept { return impl_->counters; }
const sync_counters& feed_parser::sync() const noexcept { return impl_->sync; }

}  // namespace tickrail::binance
