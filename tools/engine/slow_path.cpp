#include "engine/slow_path.hpp"

#include <chrono>

#include "engine/log.hpp"
#include "tickrail/core/clock.hpp"

namespace tickrail::engine {

namespace {

const char* side_name(core::side s) { return s == core::side::buy ? "buy" : "sell"; }

}  // namespace

// One timestamped log line (log.hpp), formatted here on the slow thread.
template <typename... Args>
void slow_path::emit(const char* format, Args... args) {
  char text[512];
  std::snprintf(text, sizeof(text), format, args...);
  log_line(log_, text);
}

namespace {}  // namespace

slow_path::slow_path(const core::instrument_catalog& catalog, store::bot_state_store* store, std::FILE* log,
                     const std::vector<std::string>& bot_names)
    : catalog_(catalog),
      store_(store),
      log_(log),
      bot_names_(bot_names),
      // Blocks for the whole capacity per explicit producer, so try_enqueue
      // on a token never allocates.
      queue_(k_capacity, k_max_producers, 0) {}  // blocks for k_capacity per producer (moodycamel sizes it)

slow_path::~slow_path() { stop(); }

void slow_path::start() {
  stop_.store(false, std::memory_order_relaxed);
  thread_ = std::thread([this] { run(); });
}

void slow_path::stop() {
  if (!thread_.joinable()) return;
  stop_.store(true, std::memory_order_release);
  thread_.join();
  while (drain() > 0) {
  }
}

void slow_path::run() {
  while (!stop_.load(std::memory_order_acquire)) {
    if (drain() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

std::size_t slow_path::drain() {
  slow_record batch[64];
  const std::size_t n = queue_.try_dequeue_bulk(batch, 64);
  for (std::size_t i = 0; i < n; ++i) handle(batch[i]);
  return n;
}

void slow_path::handle(const slow_record& r) {
  status_.records.add();
  switch (r.kind) {
    case slow_kind::risk: {
      const core::risk_record& rr = r.risk;
      if (store_ != nullptr) {
        if (const absl::Status s = store_->apply(rr); !s.ok()) {
          status_.store_errors.add();
          emit("store: %s", std::string(s.message()).c_str());
        }
      }
      switch (rr.kind) {
        case core::risk_record_kind::rejected: return;  // counted by reason in risk_metrics
        case core::risk_record_kind::kill:
          status_.killed.store(true, std::memory_order_relaxed);
          emit("risk: KILL (%s): equity %.8f, high-water mark %.8f",
               std::string(core::to_string(static_cast<core::kill_cause>(rr.cause))).c_str(),
               static_cast<double>(rr.value0) / 1e8, static_cast<double>(rr.value1) / 1e8);
          return;
        case core::risk_record_kind::kill_reset:
          status_.killed.store(false, std::memory_order_relaxed);
          emit("risk: kill reset");
          return;
        case core::risk_record_kind::trading_state:
          status_.state.store(rr.cause, std::memory_order_relaxed);
          emit("risk: trading state %s",
               std::string(core::to_string(static_cast<core::trading_state>(rr.cause))).c_str());
          return;
        case core::risk_record_kind::hwm: return;  // persisted above; too frequent to log
        default: {
          const std::string inst = rr.instrument < catalog_.size() ? catalog_[rr.instrument].symbol : "-";
          emit("risk: %s %s (%lld, %lld)", std::string(core::to_string(rr.kind)).c_str(), inst.c_str(),
               static_cast<long long>(rr.value0), static_cast<long long>(rr.value1));
          return;
        }
      }
    }
    case slow_kind::regime: {
      const strategies::regime_change& c = r.regime.change;
      status_.regime.store(static_cast<std::uint8_t>(c.to), std::memory_order_relaxed);
      const std::string bot = r.regime.bot >= 1 && r.regime.bot <= bot_names_.size() ? bot_names_[r.regime.bot - 1]
                                                                                     : std::to_string(r.regime.bot);
      emit("regime: bot %s %s -> %s (%s, %s)", bot.c_str(), std::string(core::to_string(c.from)).c_str(),
           std::string(core::to_string(c.to)).c_str(), std::string(strategies::to_string(c.source)).c_str(),
           std::string(strategies::to_string(c.reason)).c_str());
      return;
    }
    case slow_kind::fill: {
      const core::exec_report& x = r.fill;
      if (r.instrument >= catalog_.size()) return;
      const core::instrument& inst = catalog_[r.instrument];
      emit("fill: %s %s %s @ %s fee %.8f %s trade %lld order %s%s", side_name(x.order_side),
           inst.format_qty(x.last_qty_lots).c_str(), inst.symbol.c_str(), inst.format_price(x.last_price_ticks).c_str(),
           static_cast<double>(x.fee_e8) / 1e8, inst.settlement_currency.c_str(), static_cast<long long>(x.trade_seq),
           x.venue_order_id, (r.flags & core::k_exec_reconciled) != 0 ? " (reconciled)" : "");
      return;
    }
  }
}

}  // namespace tickrail::engine
