// tools/engine/log.hpp — the engine's log line: "<UTC time> tickrail: <text>"
// on stdout, flushed. Cold path and slow path only (it reads the wall clock
// and formats); the hot stages never log.
#pragma once

#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

#include "tickrail/core/clock.hpp"

namespace tickrail::engine {

// ISO 8601 UTC with milliseconds: 2026-12-03T13:41:49.082Z.
inline std::string now_utc() {
  const std::int64_t ms = core::wall_clock_ms();
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

inline void log_line(std::FILE* out, std::string_view text) {
  std::fprintf(out, "%s tickrail: %.*s\n", now_utc().c_str(), static_cast<int>(text.size()), text.data());
  std::fflush(out);
}

}  // namespace tickrail::engine
