// tickrail/store/bot_state.hpp — the SQLite store's `bot_state` table: the
// key/value state that must survive a restart (high-water mark, kill state,
// regime), and the mapping between it and the risk engine's persisted state.
//
// Operators query the database directly (DESIGN §6), so values are readable
// text: `killTriggered` = "1"/"0", `killCause` = "operator_command", equity as
// a decimal ("1.20000000"). Keys written here:
//   killTriggered, killCause, killTime (UTC ns), hwmEquity.<venue>
//
// Cold path only: opened at start-up (load the state the risk engine starts
// from) and written by the slow-path thread from risk_records. The database
// runs in WAL mode so readers (operators, tickrail-ctl) never block the
// writer. Not thread-safe: one thread per bot_state_store.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tickrail/core/risk.hpp"

struct sqlite3;

namespace tickrail::store {

class bot_state_store {
 public:
  // Opens (creating if needed) the database at `path` in WAL mode and
  // creates the bot_state table if it does not exist.
  static absl::StatusOr<std::unique_ptr<bot_state_store>> open(const std::string& path);
  ~bot_state_store();
  bot_state_store(const bot_state_store&) = delete;
  bot_state_store& operator=(const bot_state_store&) = delete;

  absl::StatusOr<std::optional<std::string>> get(std::string_view key);
  absl::Status put(std::string_view key, std::string_view value);

  // The risk engine's state from the previous run; defaults when the keys
  // are absent (first start). A value that does not parse is an error that
  // names the key: the engine must not start from a guess.
  absl::StatusOr<core::risk_persisted_state> load_risk_state();

  // Applies one record from the risk stage: kill, kill_reset and hwm are
  // written (one transaction each); every other kind is ignored here.
  absl::Status apply(const core::risk_record& record);

 private:
  explicit bot_state_store(sqlite3* db) : db_(db) {}
  absl::Status exec(const char* sql);
  absl::Status read(std::string_view key, std::string& value, bool& found);
  // Writes every entry in one transaction: all or none.
  absl::Status put_all(std::initializer_list<std::pair<std::string_view, std::string_view>> entries);
  sqlite3* db_;
};

}  // namespace tickrail::store
