#include "soak/synthetic_feed.hpp"

#include <algorithm>
#include <span>

#include "tickrail/core/check.hpp"
#include "tickrail/core/order_book.hpp"
#include "tickrail/core/ring_batch.hpp"

namespace tickrail::soak {

namespace {

// A snapshot is the largest frame: both sides, in inline-sized fragments.
constexpr std::size_t k_frame_events =
    (2 * synthetic_feed::k_levels + core::k_md_inline_levels - 1) / core::k_md_inline_levels;

}  // namespace

synthetic_feed::synthetic_feed(const core::instrument& inst, core::ticks start_mid_ticks, double events_per_s,
                               std::uint64_t seed, core::ring<core::event>& md, core::ring<core::instrument_id>& resync,
                               const core::tsc_clock& clock, venue_clock venue)
    : inst_(inst),
      md_(md),
      resync_(resync),
      clock_(clock),
      venue_(venue),
      events_per_ns_(events_per_s / 1e9),
      rng_(seed),
      frame_(k_frame_events),
      step_(std::max<core::ticks>(inst.step_at(start_mid_ticks), 1)),
      start_bid_(start_mid_ticks / step_ * step_),
      bid_(start_bid_),
      last_change_id_(k_first_change_id - 1) {
  for (int k = 0; k < k_levels; ++k) {
    bid_qty_[k] = random_qty();
    ask_qty_[k] = random_qty();
  }
}

// splitmix64: one add and three xor-shift-multiplies per number; every seed
// gives a full-period stream.
std::uint64_t synthetic_feed::next_random() noexcept {
  std::uint64_t z = (rng_ += 0x9E37'79B9'7F4A'7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58'476D'1CE4'E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D0'49BB'1331'11EBull;
  return z ^ (z >> 31);
}

core::event_header synthetic_feed::header(std::int64_t now, std::int64_t exchange_ns) const noexcept {
  return core::make_header(core::event_type::market_data, inst_.id, now, exchange_ns,
                           static_cast<std::uint8_t>(core::venue::deribit));
}

std::size_t synthetic_feed::poll() noexcept {
  std::int64_t now = clock_.now_ns();
  if (start_ns_ == 0) {
    start_ns_ = now;
    last_move_ns_ = now;
    next_ticker_ns_ = now + k_ticker_interval_ns;
  }
  std::size_t work = core::consume(resync_, 0, 16, [&](core::instrument_id id) noexcept {
    if (id == inst_.id) {
      need_snapshot_ = true;
      counters_.resyncs.add();
    }
    return true;
  });
  if (pending_) {
    // Received when it gets room: the wait was ours, not the venue's.
    for (core::event& e : frame_.events_from(0)) e.header.local_ts_ns = now;
    if (!publish()) return work;
    pending_ = false;
    ++work;
  }
  const bool paced = events_per_ns_ > 0;
  for (std::size_t i = 0; i < k_max_frames_per_poll; ++i) {
    if (i > 0) now = clock_.now_ns();
    if (paced) {
      const auto due = static_cast<std::int64_t>(static_cast<double>(now - start_ns_) * events_per_ns_);
      if (due <= produced_events_) break;
    }
    pending_kind_ = build_frame(now);
    const auto events = static_cast<std::int64_t>(frame_.size());
    if (publish()) {
      produced_events_ += events;
      ++work;
      continue;
    }
    if (!paced) {
      pending_ = true;
      break;
    }
    // Paced: the stream moves on without this frame.
    produced_events_ += events;
    counters_.dropped_frames.add();
    counters_.dropped_events.add(static_cast<std::uint64_t>(events));
    if (pending_kind_ != frame_kind::ticker) need_snapshot_ = true;  // the chain is broken
  }
  return work;
}

synthetic_feed::frame_kind synthetic_feed::build_frame(std::int64_t now) noexcept {
  frame_.reset();
  if (need_snapshot_) {
    build_snapshot(now);
    return frame_kind::snapshot;
  }
  if (now >= next_ticker_ns_) {
    next_ticker_ns_ += k_ticker_interval_ns;
    if (next_ticker_ns_ <= now) next_ticker_ns_ = now + k_ticker_interval_ns;  // fell behind: no burst of tickers
    build_ticker(now);
    return frame_kind::ticker;
  }
  build_change(now);
  return frame_kind::change;
}

// The builder cannot run out of room: it holds the largest frame (checked
// in debug builds through the [[nodiscard]] results).
void synthetic_feed::build_snapshot(std::int64_t now) noexcept {
  const std::int64_t id = ++last_change_id_;
  [[maybe_unused]] bool ok = frame_.begin(header(now, venue_.venue_ms_ns(now)), core::md_kind::book_snapshot, id, -1);
  for (int k = 0; k < k_levels; ++k) {
    ok &= frame_.add_level(bid_ - k * step_, bid_qty_[k], core::side::buy, core::book_action::new_level);
  }
  for (int k = 0; k < k_levels; ++k) {
    ok &= frame_.add_level(bid_ + (k + 1) * step_, ask_qty_[k], core::side::sell, core::book_action::new_level);
  }
  TR_DCHECK(ok, "snapshot larger than the frame buffer");
}

void synthetic_feed::build_change(std::int64_t now) noexcept {
  const std::int64_t prev = last_change_id_;
  last_change_id_ = prev + 1;
  [[maybe_unused]] const bool ok =
      frame_.begin(header(now, venue_.venue_ms_ns(now)), core::md_kind::book_change, last_change_id_, prev);
  TR_DCHECK(ok, "frame buffer full");
  if (now - last_move_ns_ >= k_move_interval_ns) {
    last_move_ns_ = now;
    // Up with probability 1/2, less the further the mid is above where it
    // started (and more below), within [5 %, 95 %].
    const std::int64_t away = (bid_ - start_bid_) / step_;
    const std::int64_t up_in_1024 = std::clamp<std::int64_t>(512 - away * 512 / k_pull_ticks, 51, 973);
    bool up = static_cast<std::int64_t>(next_random() % 1024) < up_in_1024;
    if (bid_ - k_levels * step_ <= step_) up = true;  // prices stay positive
    move_book(up);
    return;
  }
  const std::uint64_t r = next_random();
  const bool bid_side = (r & 1) == 0;
  const auto k = static_cast<int>((r >> 1) % k_levels);
  const core::lots q = random_qty();
  if (bid_side) {
    bid_qty_[k] = q;
    (void)frame_.add_level(bid_ - k * step_, q, core::side::buy, core::book_action::change_level);
  } else {
    ask_qty_[k] = q;
    (void)frame_.add_level(bid_ + (k + 1) * step_, q, core::side::sell, core::book_action::change_level);
  }
}

// The whole book one step up or down: a level appears at the top of one
// side and the bottom of the other, and one leaves each, so both sides keep
// k_levels and the spread stays one step.
void synthetic_feed::move_book(bool up) noexcept {
  const core::ticks ask = bid_ + step_;
  const core::lots q_bid = random_qty();
  const core::lots q_ask = random_qty();
  constexpr core::side buy = core::side::buy;
  constexpr core::side sell = core::side::sell;
  constexpr core::book_action add = core::book_action::new_level;
  constexpr core::book_action del = core::book_action::delete_level;
  if (up) {
    (void)frame_.add_level(bid_ + step_, q_bid, buy, add);
    (void)frame_.add_level(bid_ - (k_levels - 1) * step_, 0, buy, del);
    (void)frame_.add_level(ask, 0, sell, del);
    (void)frame_.add_level(ask + k_levels * step_, q_ask, sell, add);
    std::copy_backward(bid_qty_, bid_qty_ + k_levels - 1, bid_qty_ + k_levels);
    bid_qty_[0] = q_bid;
    std::copy(ask_qty_ + 1, ask_qty_ + k_levels, ask_qty_);
    ask_qty_[k_levels - 1] = q_ask;
    bid_ += step_;
  } else {
    (void)frame_.add_level(bid_, 0, buy, del);
    (void)frame_.add_level(bid_ - k_levels * step_, q_bid, buy, add);
    (void)frame_.add_level(bid_, q_ask, sell, add);
    (void)frame_.add_level(ask + (k_levels - 1) * step_, 0, sell, del);
    std::copy(bid_qty_ + 1, bid_qty_ + k_levels, bid_qty_);
    bid_qty_[k_levels - 1] = q_bid;
    std::copy_backward(ask_qty_, ask_qty_ + k_levels - 1, ask_qty_ + k_levels);
    ask_qty_[0] = q_ask;
    bid_ -= step_;
  }
}

void synthetic_feed::build_ticker(std::int64_t now) noexcept {
  [[maybe_unused]] const bool ok = frame_.begin(header(now, venue_.venue_ms_ns(now)), core::md_kind::ticker, 0, -1);
  TR_DCHECK(ok, "frame buffer full");
  core::ticker_fields& t = frame_.current().md.ticker;
  const auto set = [&t](core::ticker_field f) { t.present |= static_cast<std::uint32_t>(f); };
  t.best_bid_ticks = bid_;
  t.best_ask_ticks = bid_ + step_;
  t.best_bid_lots = bid_qty_[0];
  t.best_ask_lots = ask_qty_[0];
  t.mark_ticks = core::midpoint(t.best_bid_ticks, t.best_ask_ticks);
  t.last_ticks = bid_;
  t.open_interest_lots = 1'000'000;
  set(core::ticker_field::best_bid);
  set(core::ticker_field::best_ask);
  set(core::ticker_field::best_bid_qty);
  set(core::ticker_field::best_ask_qty);
  set(core::ticker_field::mark);
  set(core::ticker_field::last);
  set(core::ticker_field::open_interest);
  if (inst_.kind != core::instrument_kind::option) {  // the parser drops an option's (USD) index
    t.index_ticks = t.mark_ticks;
    set(core::ticker_field::index);
  }
  if (inst_.kind == core::instrument_kind::perpetual) {
    t.funding_e9 = 0;
    t.funding_8h_e9 = 10'000;  // 0.001 %: far below any warn level
    set(core::ticker_field::funding);
    set(core::ticker_field::funding_8h);
  }
}

bool synthetic_feed::publish() noexcept {
  const std::span<const core::event> events = frame_.events();
  // All of the frame or none of it: a book frame is applied whole.
  const core::sequence_t last = md_.try_claim(events.size());
  if (last == core::no_sequence) return false;
  core::sequence_t s = last - static_cast<core::sequence_t>(events.size()) + 1;
  for (const core::event& e : events) md_.slot(s++) = e;
  md_.publish(last);
  counters_.frames.add();
  counters_.events.add(events.size());
  if (pending_kind_ == frame_kind::snapshot) {
    need_snapshot_ = false;
    counters_.snapshots.add();
  } else if (pending_kind_ == frame_kind::ticker) {
    counters_.tickers.add();
  }
  return true;
}

}  // namespace tickrail::soak
