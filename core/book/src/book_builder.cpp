#include "tickrail/core/book_builder.hpp"

namespace tickrail::core {

book_builder::book_builder(std::size_t instruments, std::size_t max_levels)
    : resync_queue_(instruments == 0 ? 1 : instruments) {
  states_.reserve(instruments);
  for (std::size_t i = 0; i < instruments; ++i) states_.emplace_back(max_levels);
}

void book_builder::request_resync(instrument_id id) noexcept {
  state& s = states_[id];
  if (s.resync_pending) return;
  s.resync_pending = true;
  (void)resync_queue_.push(id);  // never full: one entry per instrument
}

bool book_builder::take_resync_request(instrument_id& id) noexcept {
  if (resync_queue_.empty()) return false;
  id = resync_queue_.pop();
  states_[id].resync_pending = false;
  return true;
}

void book_builder::apply_levels(state& s, const market_data& md) noexcept {
  for (std::uint8_t i = 0; i < md.count && i < k_md_inline_levels; ++i) {
    const level_update& l = md.levels[i];
    const lots qty = l.action == book_action::delete_level ? 0 : l.qty_lots;
    switch (s.book.set_level(l.book_side, l.price_ticks, qty)) {
      case book_result::ok: break;
      case book_result::negative_quantity: ++s.counters.bad_levels; continue;
      case book_result::truncated:
      case book_result::dropped: ++s.counters.truncated; break;
    }
    ++s.counters.level_updates;
  }
}

book_outcome book_builder::apply(const event& e) noexcept {
  if (e.header.type != event_type::market_data) return book_outcome::not_book;
  const market_data& md = e.md;
  if (md.kind != md_kind::book_snapshot && md.kind != md_kind::book_change) return book_outcome::not_book;
  if (e.header.instrument >= states_.size()) return book_outcome::dropped;
  state& s = states_[e.header.instrument];
  order_book& book = s.book;
  const bool first = (md.fragment & k_fragment_continuation) == 0;
  const bool last = (md.fragment & k_fragment_more_follows) == 0;

  if (first) {
    s.skipping_frame = false;
    if (md.kind == md_kind::book_snapshot) {
      book.clear();
    } else if (!book.synced() || book.stale()) {
      s.skipping_frame = true;  // waiting for a snapshot
    } else if (md.prev_change_id != book.last_update_id()) {
      book.mark_stale();
      ++s.counters.gaps;
      request_resync(e.header.instrument);
      s.skipping_frame = !last;  // the rest of this frame goes too
      ++s.counters.dropped;
      return book_outcome::gap;
    }
  }
  if (s.skipping_frame) {
    ++s.counters.dropped;
    if (last) s.skipping_frame = false;
    return book_outcome::dropped;
  }

  apply_levels(s, md);
  if (!last) return book_outcome::partial;

  ++s.counters.frames;
  if (md.kind == md_kind::book_snapshot) {
    if (book.stale()) ++s.counters.resyncs;
    book.mark_synced(md.change_id);
  } else {
    book.set_last_update_id(md.change_id);
  }
  if (book.crossed()) {
    ++s.counters.crossed;
    return book_outcome::crossed;
  }
  return book_outcome::applied;
}

}  // namespace tickrail::core
