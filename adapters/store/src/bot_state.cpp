#include "tickrail/store/bot_state.hpp"

#include <sqlite3.h>

#include <charconv>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "tickrail/core/fixed_point.hpp"
#include "tickrail/core/check.hpp"
#include "tickrail/core/status.hpp"

namespace tickrail::store {
namespace {

using core::to_absl;

constexpr std::string_view k_kill_triggered = "killTriggered";
constexpr std::string_view k_kill_cause = "killCause";
constexpr std::string_view k_kill_time = "killTime";

std::string hwm_key(std::size_t venue) {
  return absl::StrCat("hwmEquity.", to_absl(core::to_string(static_cast<core::venue>(venue))));
}

std::string format_e8(std::int64_t e8) {
  const bool negative = e8 < 0;
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(e8) : static_cast<std::uint64_t>(e8);
  return absl::StrFormat("%s%d.%08d", negative ? "-" : "", magnitude / 100'000'000, magnitude % 100'000'000);
}

// A finalizing statement handle.
struct statement {
  sqlite3_stmt* s = nullptr;
  ~statement() { sqlite3_finalize(s); }
};

}  // namespace

absl::StatusOr<std::unique_ptr<bot_state_store>> bot_state_store::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<bot_state_store> store(new bot_state_store(db));
  if (rc != SQLITE_OK) {
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot open store: ", db ? sqlite3_errmsg(db) : "out of memory"));
  }
  sqlite3_busy_timeout(db, 2000);
  TR_RETURN_IF_ERROR(store->exec("PRAGMA journal_mode=WAL"));
  TR_RETURN_IF_ERROR(store->exec("PRAGMA synchronous=NORMAL"));
  TR_RETURN_IF_ERROR(store->exec(
      "CREATE TABLE IF NOT EXISTS bot_state ("
      "key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))"));
  return store;
}

bot_state_store::~bot_state_store() { sqlite3_close(db_); }

absl::Status bot_state_store::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return absl::InternalError(absl::StrCat("store: ", sql, ": ", message));
  }
  return absl::OkStatus();
}

absl::Status bot_state_store::put_all(std::initializer_list<std::pair<std::string_view, std::string_view>> entries) {
  TR_RETURN_IF_ERROR(exec("BEGIN IMMEDIATE"));
  for (const auto& [key, value] : entries) {
    if (absl::Status s = put(key, value); !s.ok()) {
      (void)exec("ROLLBACK");
      return s;
    }
  }
  return exec("COMMIT");
}

absl::Status bot_state_store::read(std::string_view key, std::string& value, bool& found) {
  found = false;
  statement st;
  if (sqlite3_prepare_v2(db_, "SELECT value FROM bot_state WHERE key = ?1", -1, &st.s, nullptr) != SQLITE_OK ||
      sqlite3_bind_text(st.s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    return absl::InternalError(absl::StrCat("store: read ", to_absl(key), ": ", sqlite3_errmsg(db_)));
  }
  const int rc = sqlite3_step(st.s);
  if (rc == SQLITE_DONE) return absl::OkStatus();
  if (rc != SQLITE_ROW)
    return absl::InternalError(absl::StrCat("store: read ", to_absl(key), ": ", sqlite3_errmsg(db_)));
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st.s, 0));
  value = text != nullptr ? text : "";
  found = true;
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> bot_state_store::get(std::string_view key) {
  std::string value;
  bool found = false;
  TR_RETURN_IF_ERROR(read(key, value, found));
  if (!found) return std::nullopt;
  return value;
}

absl::Status bot_state_store::put(std::string_view key, std::string_view value) {
  statement st;
  const char* sql =
      "INSERT INTO bot_state(key, value, updated_at) VALUES(?1, ?2, strftime('%s','now')) "
      "ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
  if (sqlite3_prepare_v2(db_, sql, -1, &st.s, nullptr) != SQLITE_OK ||
      sqlite3_bind_text(st.s, 1, key.data(), static_cast<int>(key.size()), SQLITE_TRANSIENT) != SQLITE_OK ||
      sqlite3_bind_text(st.s, 2, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT) != SQLITE_OK ||
      sqlite3_step(st.s) != SQLITE_DONE) {
    return absl::InternalError(absl::StrCat("store: write ", to_absl(key), ": ", sqlite3_errmsg(db_)));
  }
  return absl::OkStatus();
}

absl::StatusOr<core::risk_persisted_state> bot_state_store::load_risk_state() {
  core::risk_persisted_state state;
  std::string value;
  bool found = false;
  const auto bad = [&value](std::string_view key) {
    return absl::DataLossError(
        absl::StrCat("store: bot_state '", to_absl(key), "' has an unreadable value '", value, "'"));
  };
  TR_RETURN_IF_ERROR(read(k_kill_triggered, value, found));
  if (found) {
    if (value != "0" && value != "1") return bad(k_kill_triggered);
    state.killed = value == "1";
  }
  TR_RETURN_IF_ERROR(read(k_kill_cause, value, found));
  if (found) {
    const std::optional<core::kill_cause> cause = core::parse_kill_cause(value);
    if (!cause) return bad(k_kill_cause);
    state.cause = *cause;
  }
  // A latched kill whose cause was lost is still a kill.
  if (state.killed && state.cause == core::kill_cause::none) state.cause = core::kill_cause::operator_command;
  TR_RETURN_IF_ERROR(read(k_kill_time, value, found));
  if (found) {
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), state.killed_utc_ns);
    if (ec != std::errc() || end != value.data() + value.size()) return bad(k_kill_time);
  }
  core::increment e8_unit;
  TR_CHECK(core::increment::parse("0.00000001", e8_unit) == core::fp_error::ok, "equity unit");
  for (std::size_t v = 0; v < core::k_venue_count; ++v) {
    const std::string key = hwm_key(v);
    TR_RETURN_IF_ERROR(read(key, value, found));
    if (!found) continue;
    core::decimal d;
    std::int64_t e8 = 0;
    if (core::parse_decimal(value, d) != core::fp_error::ok ||
        e8_unit.to_units(d, core::rounding::exact, e8) != core::fp_error::ok || e8 < 0) {
      return bad(key);
    }
    state.hwm_equity_e8[v] = e8;
  }
  return state;
}

absl::Status bot_state_store::apply(const core::risk_record& record) {
  switch (record.kind) {
    case core::risk_record_kind::kill: {
      const std::string when = absl::StrCat(record.utc_ns);
      return put_all({{k_kill_triggered, "1"},
                      {k_kill_cause, core::to_string(static_cast<core::kill_cause>(record.cause))},
                      {k_kill_time, when}});
    }
    case core::risk_record_kind::kill_reset:
      return put_all(
          {{k_kill_triggered, "0"}, {k_kill_cause, core::to_string(core::kill_cause::none)}, {k_kill_time, "0"}});
    case core::risk_record_kind::hwm:
      if (record.venue >= core::k_venue_count)
        return absl::InvalidArgumentError("store: hwm record for an unknown venue");
      return put(hwm_key(record.venue), format_e8(record.value0));
    default: return absl::OkStatus();
  }
}

}  // namespace tickrail::store
