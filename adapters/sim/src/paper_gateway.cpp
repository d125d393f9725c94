#include "tickrail/sim/paper_gateway.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "tickrail/core/check.hpp"
#include "tickrail/core/ring_batch.hpp"

namespace tickrail::sim {

using core::exec_kind;
using core::int128_t;
using core::lots;
using core::order_state;
using core::order_type;
using core::side;
using core::ticks;

namespace {

constexpr std::int64_t k_ns_per_ms = 1'000'000;
constexpr std::size_t k_max_order_batch = 256;
constexpr int k_e8 = 8;
constexpr char k_venue_id_prefix[] = "PAPER-";
constexpr std::size_t k_venue_id_prefix_size = sizeof(k_venue_id_prefix) - 1;

constexpr side opposite(side s) noexcept { return s == side::buy ? side::sell : side::buy; }
// A buy at `price` reaches an ask at `level` (a sell a bid).
constexpr bool crosses(side s, ticks price, ticks level) noexcept {
  return s == side::buy ? price >= level : price <= level;
}
constexpr bool priced(order_type t) noexcept {
  return t == order_type::limit || t == order_type::stop_limit || t == order_type::take_limit;
}
constexpr bool triggered_type(order_type t) noexcept { return t != order_type::limit && t != order_type::market; }

int128_t pow10(int e) noexcept {
  int128_t p = 1;
  while (e-- > 0) p *= 10;
  return p;
}

// round(num × 10^exp / den), halves away from zero. The money arithmetic in
// one place: exact up to the last rounding; 0 when den is 0 or a product
// would overflow 128 bits (far beyond any real order).
int128_t scaled(int128_t num, int exp, int128_t den) noexcept {
  if (den == 0 || exp > 38 || exp < -38) return 0;
  if (exp >= 0) {
    if (__builtin_mul_overflow(num, pow10(exp), &num)) return 0;
  } else if (__builtin_mul_overflow(den, pow10(-exp), &den)) {
    return 0;
  }
  if (den < 0) {
    num = -num;
    den = -den;
  }
  int128_t q = num / den;
  const int128_t r = num % den;
  if ((r < 0 ? -r : r) * 2 >= den) q += num < 0 ? -1 : 1;
  return q;
}

std::int64_t clamp64(int128_t v) noexcept {
  if (v > INT64_MAX) return INT64_MAX;
  if (v < INT64_MIN) return INT64_MIN;
  return static_cast<std::int64_t>(v);
}

}  // namespace

paper_gateway::paper_gateway(const core::instrument_catalog& catalog, paper_config config,
                             core::ring<core::order_request>& orders, std::size_t order_consumer,
                             core::ring<core::event>& md, std::size_t md_consumer, core::ring<core::event>& exec_out)
    : catalog_(catalog),
      config_(std::move(config)),
      orders_(orders),
      order_consumer_(order_consumer),
      md_(md),
      md_consumer_(md_consumer),
      exec_out_(exec_out),
      tracker_(std::max<std::size_t>(config_.max_orders, 1), std::max<std::size_t>(catalog.size(), 1)),
      books_(std::max<std::size_t>(catalog.size(), 1)),
      pool_(std::max<std::size_t>(config_.max_orders, 1)),
      by_number_(pool_.size()),
      by_label_(pool_.size()),
      instruments_(catalog.size()),
      consumed_(k_max_consumed),
      walk_(k_max_walk),
      overflow_(std::max<std::size_t>(config_.overflow_events, 1)) {
  TR_CHECK(catalog.size() < core::no_instrument, "paper gateway: catalog too large");
  free_.reserve(pool_.size());
  for (std::size_t i = pool_.size(); i-- > 0;) free_.push_back(static_cast<std::uint32_t>(i));
  fills_.reserve(k_max_walk + 1);
  held_.reserve(catalog.size());

  auto currency_index = [this](std::string_view name) -> std::uint16_t {
    for (std::size_t c = 0; c < currencies_.size(); ++c) {
      if (currencies_[c].name == name) return static_cast<std::uint16_t>(c);
    }
    TR_CHECK(currencies_.size() < 0xFFFF, "paper gateway: too many currencies");
    currencies_.push_back(currency_state{std::string(name)});
    return static_cast<std::uint16_t>(currencies_.size() - 1);
  };
  for (const auto& [name, amount] : config_.start_equity) {
    TR_CHECK(amount.scale >= 0 && amount.scale <= core::k_max_decimal_scale, "paper gateway: bad start equity");
    currencies_[currency_index(name)].balance_e8 = scaled(amount.mantissa, k_e8 - amount.scale, 1);
  }
  std::vector<bool> venue_set(currencies_.size() + catalog.size(), false);
  for (const core::instrument& inst : catalog.all()) {
    instrument_state& s = instruments_[inst.id];
    s.currency = currency_index(inst.settlement_currency);
    if (!venue_set[s.currency]) {
      currencies_[s.currency].venue = static_cast<std::uint8_t>(inst.where);
      venue_set[s.currency] = true;
    }
    const bool future_like = inst.kind == core::instrument_kind::perpetual ||
                             inst.kind == core::instrument_kind::future ||
                             inst.kind == core::instrument_kind::future_combo;
    const bool option_like =
        inst.kind == core::instrument_kind::option || inst.kind == core::instrument_kind::option_combo;
    s.money = option_like                                                     ? style::option
              : future_like && inst.settlement_currency == inst.base_currency ? style::inverse
                                                                              : style::linear;
  }
}

// ---- the turn -------------------------------------------------------------------------

void paper_gateway::start(std::int64_t now_ns) {
  now_ns_ = now_ns;
  last_mark_publish_ns_ = now_ns;
  for (const auto& entry : config_.start_equity) {
    for (std::size_t c = 0; c < currencies_.size(); ++c) {
      if (currencies_[c].name == entry.first) report_portfolio(static_cast<std::uint16_t>(c));
    }
  }
}

std::size_t paper_gateway::poll(std::int64_t now_ns) {
  now_ns_ = now_ns;
  std::size_t work = flush_overflow();
  work += core::consume(md_, md_consumer_, md_.capacity(),
                        [this](const core::event& e) noexcept { return on_market_data(e); });
  work += core::consume(orders_, order_consumer_, k_max_order_batch, [this](const core::order_request& r) noexcept {
    on_request(r);
    return true;
  });
  if (config_.portfolio_interval_ns > 0 && now_ns_ - last_mark_publish_ns_ >= config_.portfolio_interval_ns) {
    last_mark_publish_ns_ = now_ns_;
    for (std::size_t c = 0; c < currencies_.size(); ++c) {
      if (currencies_[c].mark_dirty) {
        report_portfolio(static_cast<std::uint16_t>(c));
        ++work;
      }
    }
  }
  return work;
}

// ---- market data ------------------------------------------------------------------------

bool paper_gateway::on_market_data(const core::event& e) noexcept {
  if (e.header.type != core::event_type::market_data) return true;
  const core::instrument_id id = e.header.instrument;
  if (id >= instruments_.size()) return true;
  ++counters_.md_events;
  if (e.header.exchange_ts_ns > 0) venue_ms_ = std::max(venue_ms_, e.header.exchange_ts_ns / k_ns_per_ms);
  const core::market_data& md = e.md;
  switch (md.kind) {
    case core::md_kind::book_snapshot:
    case core::md_kind::book_change: {
      const core::book_outcome outcome = books_.apply(e);
      if (outcome == core::book_outcome::applied || outcome == core::book_outcome::crossed) trim_taken(id);
      if (outcome == core::book_outcome::applied) {
        ++counters_.book_frames;
        match_book(id);
      }
      break;
    }
    case core::md_kind::trade:
      for (std::uint8_t i = 0; i < md.count && i < core::k_md_inline_trades; ++i) {
        ++counters_.trade_prints;
        match_trade(id, md.trades[i]);
      }
      break;
    case core::md_kind::ticker:
      if ((md.ticker.present & static_cast<std::uint32_t>(core::ticker_field::mark)) != 0 && md.ticker.mark_ticks > 0) {
        instrument_state& s = instruments_[id];
        if (s.mark_ticks != md.ticker.mark_ticks && s.held) currencies_[s.currency].mark_dirty = true;
        s.mark_ticks = md.ticker.mark_ticks;
      }
      break;
    case core::md_kind::quote: break;
  }
  return true;
}

void paper_gateway::match_book(core::instrument_id id) noexcept {
  const core::order_book& book = books_.book(id);
  for (std::uint32_t i = instruments_[id].head; i != k_none;) {
    sim_order& o = pool_[i];
    i = o.next;
    if (o.state != venue_state::open || !o.resting) continue;
    // The level shrank: whatever left it was ahead of us or beside us; we
    // never move back.
    o.queue_ahead_lots = std::min(o.queue_ahead_lots, book.qty_at(o.order_side, o.price_ticks));
    const side other = opposite(o.order_side);
    if (book.depth(other) == 0 || !crosses(o.order_side, o.price_ticks, book.best(other).price_ticks)) continue;
    o.queue_ahead_lots = 0;
    if (sweep(o, true) > 0 || (o.reduce_only && reduce_room(o) <= 0)) finish_resting(o);
  }
}

void paper_gateway::match_trade(core::instrument_id id, const core::trade_print& t) noexcept {
  instrument_state& s = instruments_[id];
  s.last_trade_ticks = t.price_ticks;
  if (t.qty_lots <= 0) return;
  const side passive = opposite(t.aggressor);
  lots used = 0;  // of this print, by our orders before (time priority among ours)
  for (std::uint32_t i = s.head; i != k_none;) {
    sim_order& o = pool_[i];
    i = o.next;
    if (o.state != venue_state::open || !o.resting || o.order_side != passive) continue;
    const bool at = t.price_ticks == o.price_ticks;
    const bool through = o.order_side == side::buy ? t.price_ticks < o.price_ticks : t.price_ticks > o.price_ticks;
    if (!at && !through) continue;
    lots left = t.qty_lots - used;
    if (at) {
      const lots ahead = std::min(o.queue_ahead_lots, t.qty_lots);
      o.queue_ahead_lots -= ahead;
      left -= ahead;
    } else {
      o.queue_ahead_lots = 0;  // the whole level traded
    }
    lots want = std::min(o.amount_lots - o.filled_lots, left);
    if (o.reduce_only) want = std::min(want, reduce_room(o));
    if (want > 0) {
      fill(o, o.price_ticks, want, true);
      used += want;
      finish_resting(o);
    } else if (o.reduce_only && reduce_room(o) <= 0) {
      finish_resting(o);
    }
  }
  // Stops trigger on the print, after the resting orders it filled.
  for (std::uint32_t i = s.head; i != k_none;) {
    sim_order& o = pool_[i];
    const std::uint32_t index = i;
    i = o.next;
    if (o.state != venue_state::untriggered) continue;
    const bool stop = o.type == order_type::stop_limit || o.type == order_type::stop_market;
    const bool rises = (o.order_side == side::buy) == stop;  // buy stops and sell takes fire on a rise
    if (!(rises ? t.price_ticks >= o.trigger_ticks : t.price_ticks <= o.trigger_ticks)) continue;
    ++counters_.triggered;
    o.state = venue_state::open;
    o.update_ms = venue_ms_;
    const order_state state = execute(o, true);
    const bool any_fill = !fills_.empty();
    report_fills(o, 0);
    report_order(o, exec_kind::order_update, state, 0);
    if (any_fill) report_portfolio(s.currency);
    if (state == order_state::filled) ++counters_.filled;
    if (state == order_state::cancelled) ++counters_.cancelled;
    if (core::is_terminal(state)) release(index);
  }
}

void paper_gateway::finish_resting(sim_order& o) noexcept {
  order_state state = o.filled_lots >= o.amount_lots ? order_state::filled : order_state::open;
  // Reduce-only never goes past flat: what cannot reduce any more is cancelled.
  if (state == order_state::open && o.reduce_only && reduce_room(o) <= 0) state = order_state::cancelled;
  const bool any_fill = !fills_.empty();
  report_fills(o, 0);
  report_order(o, exec_kind::order_update, state, 0);
  if (any_fill) report_portfolio(instruments_[o.instrument].currency);
  if (state == order_state::filled) ++counters_.filled;
  if (state == order_state::cancelled) ++counters_.cancelled;
  if (core::is_terminal(state)) release(static_cast<std::uint32_t>(&o - pool_.data()));
}

// ---- liquidity our fills took ---------------------------------------------------------------

lots paper_gateway::taken_at(core::instrument_id id, side s, ticks price) const noexcept {
  for (const consumed_level& c : consumed_) {
    if (c.qty_lots > 0 && c.instrument == id && c.level_side == s && c.price_ticks == price) return c.qty_lots;
  }
  return 0;
}

void paper_gateway::add_taken(core::instrument_id id, side s, ticks price, lots qty) noexcept {
  consumed_level* free_slot = nullptr;
  for (consumed_level& c : consumed_) {
    if (c.qty_lots > 0 && c.instrument == id && c.level_side == s && c.price_ticks == price) {
      c.qty_lots += qty;
      return;
    }
    if (c.qty_lots == 0 && free_slot == nullptr) free_slot = &c;
  }
  if (free_slot == nullptr) {  // full: forget the oldest slot in turn
    free_slot = &consumed_[consumed_next_];
    consumed_next_ = (consumed_next_ + 1) % consumed_.size();
  }
  *free_slot = consumed_level{id, s, price, qty};
}

void paper_gateway::trim_taken(core::instrument_id id) noexcept {
  const core::order_book& book = books_.book(id);
  for (consumed_level& c : consumed_) {
    if (c.qty_lots > 0 && c.instrument == id) {
      c.qty_lots = std::min(c.qty_lots, book.qty_at(c.level_side, c.price_ticks));
    }
  }
}

// ---- the simulated venue ----------------------------------------------------------------

lots paper_gateway::reduce_room(const sim_order& o) const noexcept {
  const lots position = instruments_[o.instrument].pos.qty_lots;
  return std::max<lots>(o.order_side == side::buy ? -position : position, 0);
}

lots paper_gateway::takeable(const sim_order& o, lots want) noexcept {
  const core::order_book& book = books_.book(o.instrument);
  if (!book.valid()) return 0;
  const side other = opposite(o.order_side);
  const std::size_t n = book.top(other, walk_);
  lots total = 0;
  for (std::size_t k = 0; k < n && total < want; ++k) {
    const core::book_level& l = walk_[k];
    if (o.price_ticks > 0 && !crosses(o.order_side, o.price_ticks, l.price_ticks)) break;
    total += std::max<lots>(l.qty_lots - taken_at(o.instrument, other, l.price_ticks), 0);
  }
  return total;
}

lots paper_gateway::sweep(sim_order& o, bool maker) noexcept {
  lots want = o.amount_lots - o.filled_lots;
  if (o.reduce_only) want = std::min(want, reduce_room(o));
  if (want <= 0) return 0;
  const core::order_book& book = books_.book(o.instrument);
  // A stale, unsynced or crossed book shows nothing to trade against.
  if (!book.valid()) return 0;
  const side other = opposite(o.order_side);
  const std::size_t n = book.top(other, walk_);
  lots got = 0;
  for (std::size_t k = 0; k < n && got < want; ++k) {
    const core::book_level l = walk_[k];
    if (o.price_ticks > 0 && !crosses(o.order_side, o.price_ticks, l.price_ticks)) break;
    const lots available = l.qty_lots - taken_at(o.instrument, other, l.price_ticks);
    if (available <= 0) continue;
    const lots q = std::min(available, want - got);
    fill(o, maker ? o.price_ticks : l.price_ticks, q, maker);
    add_taken(o.instrument, other, l.price_ticks, q);
    got += q;
  }
  return got;
}

void paper_gateway::rest(sim_order& o, bool requeue) noexcept {
  if (o.resting && !requeue) return;
  const core::order_book& book = books_.book(o.instrument);
  o.resting = true;
  // At the back of the visible queue at our price.
  o.queue_ahead_lots = book.synced() ? book.qty_at(o.order_side, o.price_ticks) : 0;
}

order_state paper_gateway::execute(sim_order& o, bool requeue) noexcept {
  (void)sweep(o, false);
  if (o.filled_lots >= o.amount_lots) return order_state::filled;
  const bool market_like = !priced(o.type);
  if (market_like || o.tif != core::time_in_force::good_til_cancelled) return order_state::cancelled;
  rest(o, requeue);
  return order_state::open;
}

void paper_gateway::fill(sim_order& o, ticks price, lots qty, bool maker) noexcept {
  const core::instrument& inst = catalog_[o.instrument];
  instrument_state& s = instruments_[o.instrument];
  currency_state& cur = currencies_[s.currency];
  const std::int64_t fee = fee_e8(inst, price, qty, maker);
  const core::decimal lot = inst.lot.value(), tick = inst.tick.value();
  if (s.money == style::option) {
    // The premium changes hands; the position's value is counted at the mark.
    const int128_t premium =
        scaled(static_cast<int128_t>(qty) * lot.mantissa * price * tick.mantissa, k_e8 - lot.scale - tick.scale, 1);
    cur.balance_e8 += o.order_side == side::buy ? -premium : premium;
  } else if (s.pos.qty_lots != 0 && (s.pos.qty_lots > 0) != (o.order_side == side::buy)) {
    // Reducing: realise the closed part against the average entry.
    const lots open = s.pos.qty_lots > 0 ? s.pos.qty_lots : -s.pos.qty_lots;
    const lots closed = std::min(open, qty);
    const lots signed_closed = s.pos.qty_lots > 0 ? closed : -closed;
    const ticks entry = s.pos.avg_entry_ticks;
    const int128_t move = static_cast<int128_t>(signed_closed) * lot.mantissa * (price - entry);
    cur.balance_e8 += s.money == style::inverse
                          ? (entry > 0 && price > 0 ? scaled(move, k_e8 + tick.scale - lot.scale,
                                                             static_cast<int128_t>(entry) * price * tick.mantissa)
                                                    : 0)
                          : scaled(move * tick.mantissa, k_e8 - lot.scale - tick.scale, 1);
  }
  cur.balance_e8 -= fee;
  (void)s.pos.apply_fill(o.order_side, qty, price);
  set_held(o.instrument);
  o.filled_lots += qty;
  o.fill_value += static_cast<int128_t>(price) * qty;
  o.update_ms = venue_ms_;
  if (fills_.size() < fills_.capacity()) {
    fills_.push_back(fill_note{price, qty, fee, next_trade_seq_,
                               o.filled_lots >= o.amount_lots ? order_state::filled : order_state::open});
  }
  ++next_trade_seq_;
  ++counters_.fills;
}

void paper_gateway::set_held(core::instrument_id id) noexcept {
  instrument_state& s = instruments_[id];
  const bool held = s.pos.qty_lots != 0;
  if (held == s.held) return;
  s.held = held;
  if (held) {
    held_.push_back(id);
  } else {
    const auto it = std::find(held_.begin(), held_.end(), id);
    if (it != held_.end()) {
      *it = held_.back();
      held_.pop_back();
    }
  }
}

std::int64_t paper_gateway::fee_e8(const core::instrument& inst, ticks price, lots qty, bool maker) const noexcept {
  const core::decimal rate = maker ? inst.maker_commission : inst.taker_commission;
  if (rate.mantissa == 0 || qty <= 0) return 0;
  const core::decimal lot = inst.lot.value(), tick = inst.tick.value();
  const int128_t amount = static_cast<int128_t>(qty) * lot.mantissa;  // × 10^-lot.scale
  switch (instruments_[inst.id].money) {
    case style::inverse:  // qty_usd / price × rate, in coin
      if (price <= 0) return 0;
      return clamp64(scaled(amount * rate.mantissa, k_e8 + tick.scale - lot.scale - rate.scale,
                            static_cast<int128_t>(price) * tick.mantissa));
    case style::linear:  // qty × price × rate, in the quote currency
      return clamp64(
          scaled(amount * price * tick.mantissa * rate.mantissa, k_e8 - lot.scale - tick.scale - rate.scale, 1));
    case style::option: {  // rate per contract, at most 12.5 % of the premium
      const int128_t per_contract = scaled(amount * rate.mantissa, k_e8 - lot.scale - rate.scale, 1);
      const int128_t cap =
          scaled(amount * (price > 0 ? price : 0) * tick.mantissa * 125, k_e8 - lot.scale - tick.scale - 3, 1);
      return clamp64(rate.mantissa > 0 ? std::min(per_contract, cap) : per_contract);
    }
  }
  return 0;
}

int128_t paper_gateway::open_value_e8(core::instrument_id id) const noexcept {
  const instrument_state& s = instruments_[id];
  if (s.pos.qty_lots == 0) return 0;
  const core::instrument& inst = catalog_[id];
  ticks mark = s.mark_ticks;
  if (mark <= 0) mark = books_.book(id).mid();
  if (mark <= 0) mark = s.last_trade_ticks;
  if (mark <= 0) mark = s.pos.avg_entry_ticks;
  const core::decimal lot = inst.lot.value(), tick = inst.tick.value();
  const int128_t amount = static_cast<int128_t>(s.pos.qty_lots) * lot.mantissa;
  const ticks entry = s.pos.avg_entry_ticks;
  switch (s.money) {
    case style::option: return scaled(amount * mark * tick.mantissa, k_e8 - lot.scale - tick.scale, 1);
    case style::inverse:
      if (entry <= 0 || mark <= 0) return 0;
      return scaled(amount * (mark - entry), k_e8 + tick.scale - lot.scale,
                    static_cast<int128_t>(entry) * mark * tick.mantissa);
    case style::linear: return scaled(amount * (mark - entry) * tick.mantissa, k_e8 - lot.scale - tick.scale, 1);
  }
  return 0;
}

std::int64_t paper_gateway::equity_of(std::uint16_t currency) const noexcept {
  int128_t equity = currencies_[currency].balance_e8;
  for (const core::instrument_id id : held_) {
    if (instruments_[id].currency == currency) equity += open_value_e8(id);
  }
  return clamp64(equity);
}

std::int64_t paper_gateway::equity_e8(std::string_view currency) const noexcept {
  for (std::size_t c = 0; c < currencies_.size(); ++c) {
    if (currencies_[c].name == currency) return equity_of(static_cast<std::uint16_t>(c));
  }
  return 0;
}

const core::position& paper_gateway::position_of(core::instrument_id id) const noexcept {
  static const core::position flat{};
  return id < instruments_.size() ? instruments_[id].pos : flat;
}

lots paper_gateway::queue_ahead(core::client_order_id id) const noexcept {
  const std::uint32_t i = by_label_.find(id);
  if (i == core::id_table::k_absent) return -1;
  const sim_order& o = pool_[i];
  return o.state == venue_state::open && o.resting ? o.queue_ahead_lots : -1;
}

// ---- venue order book-keeping ------------------------------------------------------------

std::uint32_t paper_gateway::allocate() noexcept {
  if (free_.empty()) return k_none;
  const std::uint32_t i = free_.back();
  free_.pop_back();
  pool_[i] = sim_order{};
  return i;
}

void paper_gateway::link(std::uint32_t index) noexcept {
  sim_order& o = pool_[index];
  instrument_state& s = instruments_[o.instrument];
  o.prev = s.tail;
  o.next = k_none;
  if (s.tail != k_none) {
    pool_[s.tail].next = index;
  } else {
    s.head = index;
  }
  s.tail = index;
  (void)by_number_.insert(o.number, index);
  if (o.id != 0) (void)by_label_.insert(o.id, index);
  ++live_;
}

void paper_gateway::release(std::uint32_t index) noexcept {
  sim_order& o = pool_[index];
  if (o.state == venue_state::free) return;
  instrument_state& s = instruments_[o.instrument];
  (o.prev != k_none ? pool_[o.prev].next : s.head) = o.next;
  (o.next != k_none ? pool_[o.next].prev : s.tail) = o.prev;
  (void)by_number_.erase(o.number);
  if (o.id != 0 && by_label_.find(o.id) == index) (void)by_label_.erase(o.id);
  o.state = venue_state::free;
  free_.push_back(index);
  --live_;
}

std::uint32_t paper_gateway::find_venue(const char (&venue_order_id)[core::k_venue_order_id_size]) const noexcept {
  const std::string_view id(venue_order_id, strnlen(venue_order_id, sizeof(venue_order_id)));
  if (!id.starts_with(std::string_view(k_venue_id_prefix, k_venue_id_prefix_size))) return k_none;
  std::uint64_t number = 0;
  const char* first = id.data() + k_venue_id_prefix_size;
  const auto [end, ec] = std::from_chars(first, id.data() + id.size(), number);
  if (ec != std::errc() || end != id.data() + id.size()) return k_none;
  const std::uint32_t i = by_number_.find(number);
  return i == core::id_table::k_absent ? k_none : i;
}

// ---- orders in ------------------------------------------------------------------------

void paper_gateway::on_request(core::order_request r) noexcept {
  ++counters_.requests;
  const core::order_intent& in = r.intent;
  const std::int64_t request_id = next_request_id_++;
  // What deribit::gateway::send does before the wire: the tracker records
  // the request (and fills in the venue order id), the encoder's checks.
  const bool tracked = tracker_.on_sent(r, request_id);
  if (!tracked && in.kind == core::intent_kind::place) return reject_unsent(r, k_error_unencodable);
  const bool needs_instrument = in.kind == core::intent_kind::place || in.kind == core::intent_kind::replace ||
                                in.kind == core::intent_kind::cancel_instrument;
  const bool needs_label = in.kind == core::intent_kind::place || in.kind == core::intent_kind::cancel_by_label ||
                           (in.kind == core::intent_kind::cancel && r.venue_order_id[0] == '\0');
  if ((needs_instrument && in.instrument >= instruments_.size()) || (needs_label && in.cl_ord_id == 0) ||
      (in.kind == core::intent_kind::replace && r.venue_order_id[0] == '\0')) {
    return unencodable(r, request_id);
  }
  switch (in.kind) {
    case core::intent_kind::place: return place(r, request_id);
    case core::intent_kind::replace: return edit(r, request_id);
    case core::intent_kind::cancel:
      // No venue id known: the real encoder cancels by label instead.
      if (r.venue_order_id[0] == '\0') return cancel_by_label(in.cl_ord_id);
      return cancel(r, request_id);
    case core::intent_kind::cancel_by_label: return cancel_by_label(in.cl_ord_id);
    case core::intent_kind::cancel_instrument: return cancel_matching(in.instrument);
    case core::intent_kind::cancel_all: return cancel_matching(core::no_instrument);
  }
}

void paper_gateway::place(const core::order_request& r, std::int64_t request_id) noexcept {
  const core::order_intent& in = r.intent;
  const core::instrument& inst = catalog_[in.instrument];
  const bool has_price = priced(in.type);
  const bool has_trigger = triggered_type(in.type);
  if (in.qty_lots <= 0 || (has_price && in.price_ticks <= 0) || (has_trigger && in.trigger_price_ticks <= 0)) {
    return reject(request_id, k_error_invalid_params, r);
  }
  ticks snapped = 0;
  if (has_price && inst.quantize_price(in.price_ticks, core::rounding::exact, snapped) != core::fp_error::ok) {
    return reject(request_id, k_error_price_wrong_tick, r);
  }
  sim_order o;
  o.id = in.cl_ord_id;
  o.instrument = in.instrument;
  o.order_side = in.order_side;
  o.type = in.type;
  o.tif = in.tif;
  o.post_only = (in.flags & core::k_order_post_only) != 0 && in.type == order_type::limit;
  o.reduce_only = (in.flags & core::k_order_reduce_only) != 0;
  o.price_ticks = has_price ? in.price_ticks : 0;
  o.trigger_ticks = has_trigger ? in.trigger_price_ticks : 0;
  o.amount_lots = in.qty_lots;
  o.update_ms = venue_ms_;
  if (o.reduce_only) {
    const lots room = reduce_room(o);
    if (room <= 0) return reject(request_id, k_error_reduce_only, r);
    o.amount_lots = std::min(o.amount_lots, room);
  }
  const core::order_book& book = books_.book(in.instrument);
  const side other = opposite(in.order_side);
  if (o.post_only && book.valid() && book.depth(other) != 0 &&
      crosses(o.order_side, o.price_ticks, book.best(other).price_ticks)) {
    return reject(request_id, k_error_post_only, r);
  }
  const std::uint32_t index = allocate();
  if (index == k_none) return reject(request_id, k_error_unencodable, r);
  o.number = next_order_number_++;
  std::memcpy(o.venue_order_id, k_venue_id_prefix, k_venue_id_prefix_size);
  (void)std::to_chars(o.venue_order_id + k_venue_id_prefix_size, o.venue_order_id + sizeof(o.venue_order_id) - 1,
                      o.number);
  o.state = has_trigger ? venue_state::untriggered : venue_state::open;
  pool_[index] = o;
  link(index);
  ++counters_.placed;
  sim_order& placed_order = pool_[index];

  order_state state = order_state::untriggered;
  // fill_or_kill: all or nothing, decided before anything fills (and, as on
  // the venue, answered without a portfolio update).
  const bool killed = !has_trigger && in.tif == core::time_in_force::fill_or_kill &&
                      takeable(placed_order, placed_order.amount_lots) < placed_order.amount_lots;
  if (killed) {
    state = order_state::cancelled;
  } else if (!has_trigger) {
    state = execute(placed_order, true);
  }
  report_order(placed_order, exec_kind::order_ack, state, request_id);
  report_fills(placed_order, request_id);
  if (state == order_state::filled) ++counters_.filled;
  if (state == order_state::cancelled) ++counters_.cancelled;
  if (core::is_terminal(state)) release(index);
  if (!killed) report_portfolio(instruments_[in.instrument].currency);
}

void paper_gateway::edit(const core::order_request& r, std::int64_t request_id) noexcept {
  const core::order_intent& in = r.intent;
  const std::uint32_t index = find_venue(r.venue_order_id);
  if (index == k_none) return reject(request_id, k_error_order_not_found, r);
  sim_order& o = pool_[index];
  if (in.qty_lots <= 0 || in.qty_lots < o.filled_lots) return reject(request_id, k_error_invalid_params, r);
  const core::instrument& inst = catalog_[o.instrument];
  const ticks price = in.price_ticks > 0 && priced(o.type) ? in.price_ticks : o.price_ticks;
  ticks snapped = 0;
  if (priced(o.type) && inst.quantize_price(price, core::rounding::exact, snapped) != core::fp_error::ok) {
    return reject(request_id, k_error_price_wrong_tick, r);
  }
  const bool post_only = o.post_only || ((in.flags & core::k_order_post_only) != 0 && o.type == order_type::limit);
  const core::order_book& book = books_.book(o.instrument);
  const side other = opposite(o.order_side);
  if (post_only && o.state == venue_state::open && book.valid() && book.depth(other) != 0 &&
      crosses(o.order_side, price, book.best(other).price_ticks)) {
    return reject(request_id, k_error_post_only, r);
  }
  ++counters_.edits;
  // Deribit keeps the queue place of an order only made smaller.
  const bool requeue = price != o.price_ticks || in.qty_lots > o.amount_lots;
  o.post_only = post_only;
  o.amount_lots = in.qty_lots;
  o.price_ticks = price;
  o.update_ms = venue_ms_;
  order_state state = order_state::untriggered;
  if (o.filled_lots >= o.amount_lots) {
    state = order_state::filled;
  } else if (o.state == venue_state::open) {
    state = execute(o, requeue);
  }
  const bool any_fill = !fills_.empty();
  report_order(o, exec_kind::order_ack, state, request_id);
  report_fills(o, request_id);
  if (any_fill) report_portfolio(instruments_[o.instrument].currency);
  if (state == order_state::filled) ++counters_.filled;
  if (state == order_state::cancelled) ++counters_.cancelled;
  if (core::is_terminal(state)) release(index);
}

void paper_gateway::cancel(const core::order_request& r, std::int64_t request_id) noexcept {
  const std::uint32_t index = find_venue(r.venue_order_id);
  if (index == k_none) return reject(request_id, k_error_order_not_found, r);
  pool_[index].update_ms = venue_ms_;
  report_order(pool_[index], exec_kind::order_ack, order_state::cancelled, request_id);
  ++counters_.cancelled;
  release(index);
}

void paper_gateway::cancel_by_label(core::client_order_id id) noexcept {
  const std::uint32_t index = by_label_.find(id);
  if (index == core::id_table::k_absent) return;  // Deribit answers 0: nothing to report
  pool_[index].update_ms = venue_ms_;
  report_order(pool_[index], exec_kind::order_update, order_state::cancelled, 0);
  ++counters_.cancelled;
  release(index);
}

void paper_gateway::cancel_matching(core::instrument_id only) noexcept {
  const std::size_t first = only == core::no_instrument ? 0 : only;
  const std::size_t last = only == core::no_instrument ? instruments_.size() : std::size_t{only} + 1;
  for (std::size_t id = first; id < last && id < instruments_.size(); ++id) {
    for (std::uint32_t i = instruments_[id].head; i != k_none;) {
      const std::uint32_t index = i;
      i = pool_[index].next;
      pool_[index].update_ms = venue_ms_;
      report_order(pool_[index], exec_kind::order_update, order_state::cancelled, 0);
      ++counters_.cancelled;
      release(index);
    }
  }
}

// ---- reports out ------------------------------------------------------------------------

core::event_header paper_gateway::header(core::instrument_id id) const noexcept {
  const std::uint8_t venue = id < instruments_.size() ? static_cast<std::uint8_t>(catalog_[id].where) : 0;
  return core::make_header(core::event_type::exec_report, id, now_ns_, venue_ms_ * k_ns_per_ms, venue);
}

void paper_gateway::report_order(const sim_order& o, exec_kind kind, order_state state,
                                 std::int64_t request_id) noexcept {
  core::event e;
  std::memset(&e, 0, sizeof(e));
  e.header = header(o.instrument);
  e.header.exchange_ts_ns = o.update_ms * k_ns_per_ms;
  core::exec_report& x = e.exec;
  x.kind = kind;
  x.order_side = o.order_side;
  x.type = o.type;
  x.order_flags = static_cast<std::uint8_t>((o.post_only ? core::k_order_post_only : 0) |
                                            (o.reduce_only ? core::k_order_reduce_only : 0));
  x.cl_ord_id = o.id;
  x.request_id = request_id;
  std::memcpy(x.venue_order_id, o.venue_order_id, sizeof(x.venue_order_id));
  x.price_ticks = o.price_ticks;  // 0 for market and stop-market ("market_price")
  x.qty_lots = o.amount_lots;
  x.filled_lots = o.filled_lots;
  if (o.filled_lots > 0) x.last_price_ticks = static_cast<ticks>(scaled(o.fill_value, 0, o.filled_lots));
  // As exec_parser maps Deribit's states: open with a fill is partially_filled.
  x.state = state == order_state::open && o.filled_lots > 0 ? order_state::partially_filled : state;
  submit(e);
}

void paper_gateway::report_fills(const sim_order& o, std::int64_t request_id) noexcept {
  for (const fill_note& f : fills_) {
    core::event e;
    std::memset(&e, 0, sizeof(e));
    e.header = header(o.instrument);
    core::exec_report& x = e.exec;
    x.kind = exec_kind::fill;
    x.state = f.state_after;  // the trade's "state": open or filled
    x.order_side = o.order_side;
    x.type = o.type;
    x.order_flags = static_cast<std::uint8_t>((o.post_only ? core::k_order_post_only : 0) |
                                              (o.reduce_only ? core::k_order_reduce_only : 0));
    x.cl_ord_id = o.id;
    x.request_id = request_id;
    std::memcpy(x.venue_order_id, o.venue_order_id, sizeof(x.venue_order_id));
    x.last_price_ticks = f.price_ticks;
    x.last_qty_lots = f.qty_lots;
    x.fee_e8 = f.fee_e8;
    x.trade_seq = f.trade_seq;
    submit(e);
  }
  fills_.clear();
}

void paper_gateway::report_portfolio(std::uint16_t currency) noexcept {
  if (currency >= currencies_.size()) return;
  core::event e;
  std::memset(&e, 0, sizeof(e));
  e.header = header(core::no_instrument);
  e.header.venue = currencies_[currency].venue;
  e.exec.kind = exec_kind::portfolio;
  e.exec.equity_e8 = equity_of(currency);
  currencies_[currency].mark_dirty = false;
  ++counters_.portfolio_updates;
  submit(e);
}

void paper_gateway::submit(core::event& e) noexcept {
  if (tracker_.on_report(e) == core::report_verdict::applied) publish(e);
}

void paper_gateway::reject(std::int64_t request_id, std::int32_t code, const core::order_request& r) noexcept {
  core::event e;
  if (tracker_.on_error(request_id, code, now_ns_, e)) {
    ++counters_.rejected;
    publish(e);
    return;
  }
  if (r.intent.kind == core::intent_kind::place) reject_unsent(r, code);
}

void paper_gateway::unencodable(const core::order_request& r, std::int64_t request_id) noexcept {
  core::event e;
  if (tracker_.on_error(request_id, k_error_unencodable, now_ns_, e)) {
    ++counters_.rejected;
    publish(e);
  } else {
    reject_unsent(r, k_error_unencodable);
  }
}

void paper_gateway::reject_unsent(const core::order_request& r, std::int32_t code) noexcept {
  core::event e;
  std::memset(&e, 0, sizeof(e));
  e.header = core::make_header(core::event_type::exec_report, r.intent.instrument, now_ns_);
  core::exec_report& x = e.exec;
  x.kind = exec_kind::reject;
  x.venue_error = code;
  x.cl_ord_id = r.intent.cl_ord_id;
  x.order_side = r.intent.order_side;
  x.type = r.intent.type;
  x.price_ticks = r.intent.price_ticks;
  x.qty_lots = r.intent.qty_lots;
  std::memcpy(x.venue_order_id, r.venue_order_id, sizeof(x.venue_order_id));
  const core::order_tracker::order* o = tracker_.find(r.intent.cl_ord_id);
  x.state = r.intent.kind == core::intent_kind::place || o == nullptr ? order_state::rejected : o->visible_state();
  ++counters_.rejected;
  publish(e);
}

void paper_gateway::publish(const core::event& e) noexcept {
  if (overflow_.empty() && exec_out_.try_push(e)) {
    ++counters_.published;
    return;
  }
  if (!overflow_.push(e)) {
    ++counters_.lost;
    return;
  }
  ++counters_.overflowed;
}

std::size_t paper_gateway::flush_overflow() noexcept {
  std::size_t n = 0;
  while (!overflow_.empty() && exec_out_.try_push(overflow_.front())) {
    (void)overflow_.pop();
    ++counters_.published;
    ++n;
  }
  return n;
}

}  // namespace tickrail::sim
