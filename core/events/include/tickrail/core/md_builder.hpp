// tickrail/core/md_builder.hpp — assembles the market-data events of one
// venue frame into a preallocated buffer.
//
// A feed parser calls begin() for each logical event of a frame (a book
// update, a run of trades of one instrument, a ticker) and then adds levels
// or trades. When more than fit inline arrive, the builder continues in a
// follow-on event with the same header and change ids: every fragment but
// the last carries k_fragment_more_follows, every fragment but the first
// k_fragment_continuation, so consumers apply a frame only once it is whole.
// The parser then hands events() to the ring as one batch.
//
// No allocation after construction; running out of room is reported, never
// grown into.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>

#include "tickrail/core/events.hpp"

namespace tickrail::core {

class md_builder {
 public:
  explicit md_builder(std::size_t max_events) : events_(std::make_unique<event[]>(max_events)), capacity_(max_events) {}

  // Forget the previous frame's events.
  void reset() noexcept { size_ = 0; }
  // Drop the events from `size` on (a parser that buffers instead of emitting).
  void truncate(std::size_t size) noexcept { size_ = size < size_ ? size : size_; }
  // Appends a copy of an already built event (replaying a buffer).
  [[nodiscard]] bool push(const event& e) noexcept {
    if (size_ == capacity_) return false;
    events_[size_++] = e;
    return true;
  }

  // Starts a new logical event. False when the buffer is full.
  [[nodiscard]] bool begin(const event_header& header, md_kind kind, std::int64_t change_id,
                           std::int64_t prev_change_id) noexcept {
    if (size_ == capacity_) return false;
    event& e = events_[size_++];
    e = event{};
    e.header = header;
    e.header.type = event_type::market_data;
    e.md.kind = kind;
    e.md.change_id = change_id;
    e.md.prev_change_id = prev_change_id;
    return true;
  }

  // Appends to the current event, continuing in a new fragment when full.
  [[nodiscard]] bool add_level(const level_update& level) noexcept {
    return add_level(level.price_ticks, level.qty_lots, level.book_side, level.action);
  }
  // The same from its fields, written straight into the event: a parser that
  // assembles a level_update on its stack byte by byte and then copies it
  // pays a failed store-to-load forward per level.
  [[nodiscard]] bool add_level(ticks price_ticks, lots qty_lots, side book_side, book_action action) noexcept {
    event* e = room(k_md_inline_levels);
    if (e == nullptr) return false;
    level_update& u = e->md.levels[e->md.count++];
    u.price_ticks = price_ticks;
    u.qty_lots = qty_lots;
    // side, action and the padding as one 8-byte store, composed in a
    // register (GCC otherwise merges the two bytes through the stack).
    static_assert(offsetof(level_update, action) == offsetof(level_update, book_side) + 1 &&
                  offsetof(level_update, pad) == offsetof(level_update, book_side) + 2 &&
                  sizeof(level_update) == offsetof(level_update, book_side) + 8);
    const std::uint64_t tail = static_cast<std::uint64_t>(static_cast<std::uint8_t>(book_side)) |
                               static_cast<std::uint64_t>(static_cast<std::uint8_t>(action)) << 8;
    std::memcpy(reinterpret_cast<unsigned char*>(&u) + offsetof(level_update, book_side), &tail, sizeof(tail));
    return true;
  }
  [[nodiscard]] bool add_trade(const trade_print& trade) noexcept {
    event* e = room(k_md_inline_trades);
    if (e == nullptr) return false;
    e->md.trades[e->md.count++] = trade;
    return true;
  }

  // The event begin() last started (or its latest fragment). Requires one.
  [[nodiscard]] event& current() noexcept { return events_[size_ - 1]; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::span<const event> events() const noexcept { return {events_.get(), size_}; }
  // For a parser that learns an event's kind or ids only after its levels
  // (venues do not promise key order): patch events [first, size()).
  [[nodiscard]] std::span<event> events_from(std::size_t first) noexcept {
    return {events_.get() + first, size_ - first};
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  event* room(std::uint32_t inline_capacity) noexcept {
    event& e = events_[size_ - 1];
    if (e.md.count < inline_capacity) return &e;
    if (size_ == capacity_) return nullptr;
    event& next = events_[size_++];
    next = e;
    next.md.count = 0;
    next.md.fragment = k_fragment_continuation;
    e.md.fragment |= k_fragment_more_follows;
    return &next;
  }

  std::unique_ptr<event[]> events_;
  std::size_t capacity_;
  std::size_t size_ = 0;
};

}  // namespace tickrail::core
