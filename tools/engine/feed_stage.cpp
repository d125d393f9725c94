#include "engine/feed_stage.hpp"

#include "engine/engine_config.hpp"
#include "tickrail/core/ring_batch.hpp"

namespace tickrail::engine {

feed_stage::feed_stage(deribit::session_config config, const core::instrument_catalog& catalog,
                       std::string label_prefix, std::string book_interval, core::ring<core::event>& md,
                       core::ring<core::instrument_id>& resync, const core::tsc_clock& clock,
                       std::vector<feed_quote>& quotes)
    : catalog_(catalog),
      labels_(catalog, label_prefix),
      session_(io_, std::move(config), catalog, labels_, *this),
      parser_(catalog),
      book_interval_(std::move(book_interval)),
      md_(md),
      resync_(resync),
      clock_(clock),
      quotes_(quotes) {}

feed_stage::~feed_stage() = default;

void feed_stage::start() { session_.start(clock_.now_ns()); }

void feed_stage::stop() { session_.stop(clock_.now_ns(), false); }

std::size_t feed_stage::poll() noexcept {
  if (io_.stopped()) io_.restart();  // poll() stops the context when it runs out of work
  work_ = io_.poll();
  const std::int64_t now = clock_.now_ns();
  session_.poll(now);
  // A gapped book: subscribe its channel afresh. While the session is not
  // ready the request waits in the ring (a reconnect resubscribes anyway).
  if (session_.ready()) {
    work_ += core::consume(resync_, 0, 16, [&](core::instrument_id id) noexcept {
      if (id < catalog_.size()) {
        (void)session_.resubscribe(book_channel(catalog_[id], book_interval_), now);
        counters_.resyncs.add();
      }
      return true;
    });
  }
  return work_;
}

void feed_stage::on_state(deribit::session_state state, std::string_view why) {
  last_state_ = std::string(deribit::to_string(state));
  if (!why.empty()) {
    last_state_ += ": ";
    last_state_ += why;
  }
}

void feed_stage::on_market_data(std::string_view frame, std::int64_t) {
  // The session stamps frames with the time its poll began; tick-to-order
  // starts when this frame was taken off the socket, which is now.
  const std::int64_t receipt = clock_.now_ns();
  counters_.frames.add();
  ++work_;
  const core::feed_error err = parser_.parse(frame, receipt);
  if (err != core::feed_error::ok) {
    if (err != core::feed_error::ignored) counters_.parse_errors.add();
    return;
  }
  const std::span<const core::event> events = parser_.events();
  if (events.empty()) return;
  // All of the frame or none of it: a book frame is applied whole.
  const core::sequence_t last = md_.try_claim(events.size());
  if (last == core::no_sequence) {
    counters_.dropped_frames.add();  // the change-id chain breaks: the book resyncs
    return;
  }
  core::sequence_t s = last - static_cast<core::sequence_t>(events.size()) + 1;
  for (const core::event& e : events) {
    md_.slot(s++) = e;
    note_quote(e);
  }
  md_.publish(last);
  counters_.events.add(events.size());
}

void feed_stage::note_quote(const core::event& e) noexcept {
  if (e.header.instrument >= quotes_.size() || e.md.kind != core::md_kind::ticker) return;
  const core::ticker_fields& t = e.md.ticker;
  feed_quote& q = quotes_[e.header.instrument];
  const auto has = [&](core::ticker_field f) { return (t.present & static_cast<std::uint32_t>(f)) != 0; };
  if (has(core::ticker_field::best_bid)) q.best_bid.store(t.best_bid_ticks, std::memory_order_relaxed);
  if (has(core::ticker_field::best_ask)) q.best_ask.store(t.best_ask_ticks, std::memory_order_relaxed);
  if (has(core::ticker_field::mark)) q.mark.store(t.mark_ticks, std::memory_order_relaxed);
}

}  // namespace tickrail::engine
