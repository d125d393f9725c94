// tickrail/core/id_table.hpp — fixed-capacity hash map from a 64-bit id to a
// 32-bit value, for hot-path lookups of orders by client order id.
//
// Open addressing with linear probing over a power-of-two array sized at
// construction (at least twice the entries it must hold, so probes stay
// short); erase shifts the following entries back instead of leaving
// tombstones, so lookups never degrade with churn. Key 0 is reserved as
// "empty" (client order id 0 means "not ours", events.hpp). No allocation
// after construction; not thread-safe (one owning stage).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "tickrail/core/check.hpp"

namespace tickrail::core {

class id_table {
 public:
  static constexpr std::uint32_t k_absent = 0xFFFF'FFFFu;

  // Holds up to `max_entries` ids.
  explicit id_table(std::size_t max_entries)
      : max_entries_(max_entries),
        mask_(std::bit_ceil(std::max<std::size_t>(max_entries * 2, 16)) - 1),
        slots_(std::make_unique<slot[]>(mask_ + 1)) {}

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t max_entries() const noexcept { return max_entries_; }
  [[nodiscard]] bool full() const noexcept { return size_ >= max_entries_; }

  // The value for `key`, or k_absent.
  [[nodiscard]] std::uint32_t find(std::uint64_t key) const noexcept {
    if (key == 0) return k_absent;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return slots_[i].value;
      if (slots_[i].key == 0) return k_absent;
    }
  }

  // Inserts or overwrites. False when `key` is 0 or the table is full.
  [[nodiscard]] bool insert(std::uint64_t key, std::uint32_t value) noexcept {
    if (key == 0) return false;
    std::size_t i = home(key);
    for (; slots_[i].key != 0; i = (i + 1) & mask_) {
      if (slots_[i].key == key) {
        slots_[i].value = value;
        return true;
      }
    }
    if (full()) return false;
    slots_[i] = {key, value};
    ++size_;
    return true;
  }

  // Inserts a non-zero `key` known to be absent into a table that is not
  // full: the probe looks only for an empty slot. (Checked in debug builds.)
  void insert_new(std::uint64_t key, std::uint32_t value) noexcept {
    TR_DCHECK(key != 0 && !full() && find(key) == k_absent, "insert_new: zero, present, or table full");
    std::size_t i = home(key);
    while (slots_[i].key != 0) i = (i + 1) & mask_;
    slots_[i] = {key, value};
    ++size_;
  }

  // Removes `key`; false when absent.
  bool erase(std::uint64_t key) noexcept {
    if (key == 0) return false;
    std::size_t i = home(key);
    for (; slots_[i].key != key; i = (i + 1) & mask_) {
      if (slots_[i].key == 0) return false;
    }
    // Backward shift: move later members of the probe run into the hole
    // when their home position does not lie cyclically in (hole, j].
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_; slots_[j].key != 0; j = (j + 1) & mask_) {
      const std::size_t h = home(slots_[j].key);
      const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!stays) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = {};
    --size_;
    return true;
  }

  // The stored value for `key`, to read or change in place; nullptr if absent.
  [[nodiscard]] std::uint32_t* lookup(std::uint64_t key) noexcept {
    if (key == 0) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
  }

  // Calls f(key, value&) for every entry, in table order; f may change the
  // value but must not insert or erase.
  template <typename F>
  void for_each(F&& f) noexcept {
    for (std::size_t i = 0; i <= mask_; ++i) {
      if (slots_[i].key != 0) f(slots_[i].key, slots_[i].value);
    }
  }

  void clear() noexcept {
    for (std::size_t i = 0; i <= mask_; ++i) slots_[i] = {};
    size_ = 0;
  }

 private:
  struct slot {
    std::uint64_t key = 0;
    std::uint32_t value = 0;
  };

  // Client order ids are often sequential: mix before masking (the
  // multiplier is 2^64 / golden ratio, Fibonacci hashing).
  [[nodiscard]] std::size_t home(std::uint64_t key) const noexcept {
    return static_cast<std::size_t>((key * 0x9E37'79B9'7F4A'7C15ull) >> 32) & mask_;
  }

  std::size_t max_entries_;
  std::size_t mask_;
  std::unique_ptr<slot[]> slots_;
  std::size_t size_ = 0;
};

}  // namespace tickrail::core
