// tools/soak/instant_venue.hpp — tickrail-soak's stand-in for the order
// gateway and the venue behind it: takes what risk passed off the order
// ring, measures trigger-to-order latency there, and answers at once on the
// exec ring the way Deribit answers the requests (no network, no fills).
//
//   risk ──[order ring: order_request]──▶ instant_venue ──[exec ring]──▶ sequencer
//
//   place                            order_ack open, a venue order id ("SOAK-<n>")
//   replace (private/edit)           order_ack open, with the new price and amount
//   cancel                           order_ack cancelled
//   cancel_all, cancel_instrument    order_update cancelled, one per matching order
//   cancel_by_label                  order_update cancelled for that order (none: nothing,
//                                    as Deribit answers a count of 0)
//   market, IOC, FOK                 order_ack cancelled: nothing to fill against
//   stop and take orders             order_ack untriggered, resting
//   replace or cancel of an order it does not hold: reject 10004 (order_not_found);
//   a place with the order table full: reject -4
// Reports carry the request's JSON-RPC id as the real gateway's do (0 for
// notifications); tools/latency's encode stage answers the same shapes.
//
// Latency: for every request, now − intent.trigger_local_ts_ns (the TSC
// receipt of the sequenced event that caused it: a feed frame, a timer, an
// acknowledgement) into one of two histograms; the status thread asks for a
// swap (take_interval) and reads the one left behind.
//
// Back-pressure: reports the exec ring has no room for wait in a
// preallocated fifo, and no further request is taken until they are out;
// only a full fifo loses one (counted). Orders live in a fixed table sized
// at construction. poll() runs on the gateway's worker, allocation-free;
// the counters are relaxed atomics any thread may read.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "soak/synthetic_feed.hpp"
#include "tickrail/core/clock.hpp"
#include "tickrail/core/events.hpp"
#include "tickrail/core/fifo.hpp"
#include "tickrail/core/histogram.hpp"
#include "tickrail/core/id_table.hpp"
#include "tickrail/core/platform.hpp"
#include "tickrail/core/relaxed_counter.hpp"
#include "tickrail/core/ring.hpp"

namespace tickrail::soak {

struct venue_counters {
  core::relaxed_counter requests;  // order requests taken off the ring
  core::relaxed_counter places, replaces, cancels, mass_cancels;
  core::relaxed_counter reports;       // exec reports published
  core::relaxed_counter rejects;       // order_not_found / table full
  core::relaxed_counter lost;          // reports the fifo had no room for
  std::atomic<std::uint64_t> live{0};  // orders resting now (a gauge; relaxed)
};

class instant_venue {
 public:
  static constexpr std::size_t k_max_batch = 64;
  static constexpr std::int32_t k_error_order_not_found = 10004;  // deribit/rpc_errors.hpp
  // A full order table: the code the paper gateway gives a full pool (the
  // real gateway's "could not send", rpc_errors.hpp).
  static constexpr std::int32_t k_error_table_full = -4;

  // `orders`: consumer 0; `exec`: producer. Room for `max_orders` resting.
  instant_venue(core::ring<core::order_request>& orders, core::ring<core::event>& exec, const core::tsc_clock& clock,
                venue_clock venue, std::size_t max_orders);

  std::size_t poll() noexcept;

  // Status thread: the histogram of the interval since the last call.
  // False when the venue's worker did not answer within `timeout`.
  bool take_interval(core::latency_histogram& into, std::chrono::milliseconds timeout);
  // After the workers stopped: everything not yet taken.
  void take_rest(core::latency_histogram& into) const;

  [[nodiscard]] const venue_counters& counters() const noexcept { return counters_; }

 private:
  struct resting {
    core::client_order_id id;
    core::instrument_id instrument;
    core::side order_side;
    core::order_type type;
    std::uint8_t flags;
    core::ticks price_ticks;
    core::lots qty_lots;
    std::uint64_t number;  // the venue order id's digits
  };

  void answer(const core::order_request& r, std::int64_t now) noexcept;
  void place(const core::order_intent& in, std::int64_t request_id, std::int64_t now) noexcept;
  void report(const resting& o, core::exec_kind kind, core::order_state state, std::int64_t request_id,
              std::int64_t now) noexcept;
  void reject(const core::order_intent& in, std::int32_t code, std::int64_t request_id, std::int64_t now) noexcept;
  void remove(std::uint32_t index) noexcept;
  void submit(const core::event& e) noexcept;
  bool flush() noexcept;  // true when nothing waits

  core::ring<core::order_request>& orders_;
  core::ring<core::event>& exec_;
  const core::tsc_clock& clock_;
  venue_clock venue_;
  std::vector<resting> pool_;  // live orders in [0, live_)
  std::size_t live_ = 0;
  core::id_table by_id_;
  core::fifo<core::event> waiting_;
  std::int64_t next_request_id_ = 1;
  std::uint64_t next_number_ = 1;
  venue_counters counters_;

  // Latency: hist_[active_] is recorded into; a swap is asked for with
  // swap_requested_ (release) and answered by clearing it (release) after
  // active_ changed, so the asker (acquire) may read the other histogram.
  core::latency_histogram hist_[2];
  int active_ = 0;
  core::cache_padded<std::atomic<bool>> swap_requested_{false};
};

}  // namespace tickrail::soak
