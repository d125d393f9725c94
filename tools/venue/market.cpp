#include "venue/market.hpp"

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <map>

#include "tickrail/core/check.hpp"

namespace tickrail::venue {
namespace {

constexpr std::int64_t k_day_ms = 86'400'000;
constexpr std::int64_t k_hour_ms = 3'600'000;
constexpr double k_year_ms = 365.25 * 86'400'000.0;

// Howard Hinnant's civil-date algorithms (days since 1970-01-01).
struct civil {
  int y;
  unsigned m, d;
};
civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), m, d};
}
std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The first Friday 08:00 UTC strictly after `after_ms`.
std::int64_t next_friday_0800(std::int64_t after_ms) {
  std::int64_t day = after_ms / k_day_ms;
  day += (1 - day % 7 + 7) % 7;  // 1970-01-01 was a Thursday: Fridays are day % 7 == 1
  std::int64_t t = day * k_day_ms + 8 * k_hour_ms;
  if (t <= after_ms) t += 7 * k_day_ms;
  return t;
}

// The last Friday of the quarter-end month at or after `after_ms`, 08:00 UTC.
std::int64_t next_quarter_end(std::int64_t after_ms) {
  civil c = civil_from_days(after_ms / k_day_ms);
  for (int i = 0; i < 8; ++i) {
    const unsigned qm = ((c.m - 1) / 3 + 1) * 3;  // 3, 6, 9, 12
    const unsigned next_m = qm == 12 ? 1 : qm + 1;
    const int next_y = qm == 12 ? c.y + 1 : c.y;
    std::int64_t last = days_from_civil(next_y, next_m, 1) - 1;  // last day of the quarter month
    while (last % 7 != 1) --last;
    const std::int64_t t = last * k_day_ms + 8 * k_hour_ms;
    if (t > after_ms) return t;
    c = civil_from_days(last + 1);
  }
  return next_friday_0800(after_ms);
}

double norm_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

core::increment inc(const char* text) {
  core::increment i;
  TR_CHECK(core::increment::parse(text, i) == core::fp_error::ok, "bad increment");
  return i;
}

}  // namespace

std::string expiry_code(std::int64_t expiry_ms) {
  static constexpr const char* k_months[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                             "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  const civil c = civil_from_days(expiry_ms / k_day_ms);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%u%s%02d", c.d, k_months[c.m - 1], c.y % 100);
  return buf;
}

market::market(const market_config& config) : config_(config), rng_(config.seed), now_ms_(config.start_ms) {
  TR_CHECK(!config_.currencies.empty(), "the simulator needs at least one currency");
  for (const std::string& ccy : config_.currencies) {
    const std::size_t i = indexes_.size();
    indexes_.push_back({ccy, ccy == "BTC" ? 100'000.0 : ccy == "ETH" ? 3'500.0 : 100.0, {}});
    add_currency(ccy, i);
  }
  for (sim_instrument& s : instruments_) {
    s.mark = fair_mark(s.id);
    s.last_price = s.mark;
  }
  // 48 h of history before the start, walked backwards minute by minute.
  std::normal_distribution<double> z(0.0, 1.0);
  const double dt = 60'000.0 / k_year_ms;
  for (index_state& ix : indexes_) {
    std::vector<std::pair<std::int64_t, double>> back;
    double p = ix.price;
    for (int m = 0; m < 48 * 60; ++m) {
      back.emplace_back(now_ms_ - static_cast<std::int64_t>(m) * 60'000, p);
      p *= std::exp(config_.annual_vol * std::sqrt(dt) * z(rng_));
    }
    ix.history.assign(back.rbegin(), back.rend());
  }
}

std::vector<market::candle> market::candles(core::instrument_id id, std::int64_t start_ms, std::int64_t end_ms,
                                            std::int64_t period_ms) const {
  std::vector<candle> out;
  if (period_ms <= 0 || end_ms < start_ms) return out;
  const index_state& ix = indexes_[instruments_[id].underlying];
  const core::ticks mark = instruments_[id].mark > 0 ? instruments_[id].mark : fair_mark(id);
  const double scale = ix.price > 0 ? to_price(id, mark) / ix.price : 1;
  const auto& h = ix.history;
  auto it = std::lower_bound(h.begin(), h.end(), std::make_pair(start_ms / period_ms * period_ms, -1.0));
  double last = it != h.begin() ? std::prev(it)->second : (h.empty() ? ix.price : h.front().second);
  for (std::int64_t t = start_ms / period_ms * period_ms; t <= end_ms; t += period_ms) {
    candle c{t, last * scale, last * scale, last * scale, last * scale};
    bool first = true;
    for (; it != h.end() && it->first < t + period_ms; ++it) {
      const double p = it->second * scale;
      if (first) {
        c.open = c.high = c.low = p;
        first = false;
      }
      c.high = std::max(c.high, p);
      c.low = std::min(c.low, p);
      c.close = p;
      last = it->second;
    }
    out.push_back(c);
  }
  return out;
}

void market::add(core::instrument spec, std::size_t underlying, std::string settlement_period) {
  spec.where = core::venue::deribit;
  auto id = catalog_.add(spec);
  TR_CHECK(id.ok(), "simulator instrument rejected by the catalog");
  sim_instrument s;
  s.id = *id;
  s.underlying = underlying;
  s.settlement_period = std::move(settlement_period);
  s.creation_ms = config_.start_ms - 30 * k_day_ms;
  if (spec.kind == core::instrument_kind::perpetual) s.funding_8h = 0.0001;
  instruments_.push_back(std::move(s));
}

void market::add_currency(const std::string& ccy, std::size_t index) {
  const bool btc = ccy == "BTC";
  core::instrument base;
  base.base_currency = ccy;
  base.settlement_currency = ccy;

  core::instrument perp = base;
  perp.kind = core::instrument_kind::perpetual;
  perp.symbol = ccy + "-PERPETUAL";
  perp.quote_currency = "USD";
  perp.tick = inc(btc ? "0.5" : "0.05");
  perp.lot = inc(btc ? "10" : "1");
  perp.contract_size = btc ? core::decimal{10, 0} : core::decimal{1, 0};
  add(perp, index, "perpetual");

  std::vector<std::int64_t> futures{next_friday_0800(now_ms_), next_friday_0800(next_friday_0800(now_ms_))};
  const std::int64_t quarter = next_quarter_end(now_ms_);
  if (std::find(futures.begin(), futures.end(), quarter) == futures.end()) futures.push_back(quarter);
  for (const std::int64_t expiry : futures) {
    core::instrument f = perp;
    f.kind = core::instrument_kind::future;
    f.symbol = ccy + "-" + expiry_code(expiry);
    f.tick = inc(btc ? "2.5" : "0.25");
    f.expiry_ms = expiry;
    add(f, index, expiry == quarter ? "month" : "week");
  }

  const double spot = indexes_[index].price;
  const std::int64_t step = btc ? 1000 : 50;
  const auto lo = static_cast<std::int64_t>(spot * 0.8) / step * step;
  const auto hi = static_cast<std::int64_t>(spot * 1.2) / step * step;
  std::int64_t expiry = now_ms_;
  for (int w = 0; w < 3; ++w) {
    expiry = next_friday_0800(expiry);
    for (std::int64_t strike = lo; strike <= hi; strike += step) {
      for (const core::option_kind kind : {core::option_kind::call, core::option_kind::put}) {
        core::instrument o = base;
        o.kind = core::instrument_kind::option;
        o.option = kind;
        o.quote_currency = ccy;
        o.symbol = ccy + "-" + expiry_code(expiry) + "-" + std::to_string(strike) +
                   (kind == core::option_kind::call ? "-C" : "-P");
        o.tick = inc("0.0001");
        o.tick_steps = {{50, 5}};  // above 0.005: steps of 0.0005
        o.lot = inc(btc ? "0.1" : "1");
        o.contract_size = {1, 0};
        o.strike = {strike, 0};
        o.expiry_ms = expiry;
        add(o, index, "week");
      }
    }
  }
}

std::optional<core::instrument_id> market::find(std::string_view name) const noexcept {
  const core::instrument* i = catalog_.find(core::venue::deribit, name);
  if (i == nullptr) return std::nullopt;
  return i->id;
}

std::optional<std::size_t> market::currency_index(std::string_view currency) const noexcept {
  for (std::size_t i = 0; i < indexes_.size(); ++i) {
    if (indexes_[i].currency == currency) return i;
  }
  return std::nullopt;
}

double market::to_price(core::instrument_id id, core::ticks t) const {
  const core::decimal tick = catalog_[id].tick.value();
  return static_cast<double>(t) * static_cast<double>(tick.mantissa) / std::pow(10.0, tick.scale);
}

double market::to_amount(core::instrument_id id, core::lots q) const {
  const core::decimal lot = catalog_[id].lot.value();
  return static_cast<double>(q) * static_cast<double>(lot.mantissa) / std::pow(10.0, lot.scale);
}

core::ticks market::price_to_ticks(const core::instrument& spec, double price, core::rounding mode) const {
  if (!(price > 0) || !std::isfinite(price)) return 0;
  core::ticks t = 0;
  if (spec.tick.to_units(price, mode, t) != core::fp_error::ok) return 0;
  core::ticks snapped = t;
  if (!spec.tick_steps.empty() &&
      spec.quantize_price(t, mode == core::rounding::up ? core::rounding::up : core::rounding::down, snapped) !=
          core::fp_error::ok) {
    return t;
  }
  return std::max<core::ticks>(snapped, 1);
}

core::ticks market::fair_mark(core::instrument_id id) const {
  const core::instrument& spec = catalog_[id];
  const double s = indexes_[instruments_[id].underlying].price;
  switch (spec.kind) {
    case core::instrument_kind::perpetual: return price_to_ticks(spec, s * 1.0002, core::rounding::nearest);
    case core::instrument_kind::future: {
      const double t = std::max(0.0, static_cast<double>(spec.expiry_ms - now_ms_) / k_year_ms);
      return price_to_ticks(spec, s * (1 + 0.05 * t), core::rounding::nearest);
    }
    case core::instrument_kind::option: {
      const double k = static_cast<double>(spec.strike.mantissa) / std::pow(10.0, spec.strike.scale);
      const double t = std::max(1.0 / 365.0 / 24.0, static_cast<double>(spec.expiry_ms - now_ms_) / k_year_ms);
      const double v = config_.option_vol * std::sqrt(t);
      const double d1 = (std::log(s / k) + 0.5 * v * v) / v;
      const double d2 = d1 - v;
      const double usd = spec.option == core::option_kind::call ? s * norm_cdf(d1) - k * norm_cdf(d2)
                                                                : k * norm_cdf(-d2) - s * norm_cdf(-d1);
      return price_to_ticks(spec, std::max(usd / s, 0.0001), core::rounding::nearest);
    }
    default: return 0;
  }
}

bool market::advance(std::int64_t now_ms) {
  if (now_ms <= now_ms_) return false;
  const double dt = static_cast<double>(now_ms - now_ms_) / k_year_ms;
  now_ms_ = now_ms;
  std::normal_distribution<double> z(0.0, 1.0);
  const double sigma = config_.annual_vol;
  for (index_state& ix : indexes_) {
    ix.price *= std::exp(-0.5 * sigma * sigma * dt + sigma * std::sqrt(dt) * z(rng_));
    if (ix.history.empty() || now_ms - ix.history.back().first >= 1000) ix.history.emplace_back(now_ms, ix.price);
  }
  for (sim_instrument& s : instruments_) {
    if (!s.active) continue;  // inactive marks are computed when looked at
    s.mark = fair_mark(s.id);
    generate_book(s);
  }
  return true;
}

void market::refresh_book(core::instrument_id id) {
  sim_instrument& s = instruments_[id];
  if (s.synthetic_at_ms == now_ms_) return;
  s.mark = fair_mark(id);
  generate_book(s);
}

void market::generate_book(sim_instrument& s) {
  const core::instrument& spec = catalog_[s.id];
  s.synthetic_at_ms = now_ms_;
  const bool option = spec.kind == core::instrument_kind::option;
  const core::ticks step = option ? spec.step_at(s.mark) : spec.kind == core::instrument_kind::perpetual ? 2 : 1;
  const core::ticks half = option ? std::max<core::ticks>(step, s.mark / 50 / step * step) : step;
  const core::lots max_lots = option ? 50 : spec.kind == core::instrument_kind::perpetual ? 500 : 100;
  std::uniform_int_distribution<core::lots> size(1, max_lots);
  std::uniform_real_distribution<double> jitter(0.0, 1.0);

  const auto regenerate = [&](std::vector<level>& side, bool bid) {
    std::map<core::ticks, core::lots> old;
    for (const level& l : side) old[l.price] = l.qty;
    side.clear();
    for (int k = 0; k < config_.levels; ++k) {
      const core::ticks p = bid ? s.mark - half - k * step : s.mark + half + k * step;
      if (p <= 0) break;
      core::ticks snapped = p;
      if (!spec.tick_steps.empty() &&
          spec.quantize_price(p, bid ? core::rounding::down : core::rounding::up, snapped) != core::fp_error::ok) {
        continue;
      }
      if (!side.empty() && side.back().price == snapped) continue;
      const auto it = old.find(snapped);
      core::lots q = it != old.end() && jitter(rng_) > 0.2 ? it->second : size(rng_);
      side.push_back({snapped, q});
    }
  };
  regenerate(s.bids, true);
  regenerate(s.asks, false);
}

core::lots market::take(core::instrument_id id, core::side taker, core::ticks limit, core::lots qty,
                        std::vector<level>& fills) {
  refresh_book(id);
  sim_instrument& s = instruments_[id];
  std::vector<level>& book = taker == core::side::buy ? s.asks : s.bids;
  core::lots done = 0;
  std::size_t i = 0;
  for (; i < book.size() && done < qty; ++i) {
    level& l = book[i];
    if (limit > 0 && (taker == core::side::buy ? l.price > limit : l.price < limit)) break;
    const core::lots q = std::min(l.qty, qty - done);
    fills.push_back({l.price, q});
    l.qty -= q;
    done += q;
    if (l.qty > 0) break;
  }
  book.erase(std::remove_if(book.begin(), book.end(), [](const level& l) { return l.qty <= 0; }), book.end());
  if (done > 0) s.last_price = fills.back().price;
  return done;
}

std::optional<market::market_trade> market::draw_trade(core::instrument_id id) {
  sim_instrument& s = instruments_[id];
  std::uniform_real_distribution<double> u(0.0, 1.0);
  if (u(rng_) > 0.3) return std::nullopt;
  const core::side aggressor = u(rng_) < 0.5 ? core::side::buy : core::side::sell;
  std::vector<level>& book = aggressor == core::side::buy ? s.asks : s.bids;
  if (book.empty()) return std::nullopt;
  std::uniform_int_distribution<core::lots> size(1, 5);
  const core::lots q = std::min(book.front().qty, size(rng_));
  const core::ticks price = book.front().price;
  book.front().qty -= q;
  if (book.front().qty <= 0) book.erase(book.begin());
  s.last_price = price;
  ++s.trade_seq;
  return market_trade{id, aggressor, price, q};
}

}  // namespace tickrail::venue
