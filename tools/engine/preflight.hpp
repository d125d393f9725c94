// tools/engine/preflight.hpp — host checks before the engine trades on a box.
//
// `tickrail preflight --config FILE` (and the engine at start-up, if it
// wants) runs these checks against the placement and data paths of a config
// and prints one line per finding:
//
//   ok    isolated_cores         cpus 2,3 in isolcpus, nohz_full and rcu_nocbs
//   warn  cpu_governor           cpu 2: powersave — set performance (cpupower frequency-set -g performance)
//   fail  disk_free              /var/lib/tickrail: 210 MiB free on /var/lib, need 1.0 GiB
//
// `fail` is a blocker: trading on it would be wrong (a busy-spinning worker
// on a core the scheduler shares, a pinned CPU that does not exist, a full
// disk, a TSC that stops). `warn` costs latency or is worth a look (governor,
// clocksource, transparent huge pages, clock sync, memlock). Each detail names
// the value found and what to do; docs/deployment.md explains every check.
//
// Only the /proc and /sys prefix is injectable (`root`, for tests with a
// fake tree); memlock (getrlimit), clock sync (adjtimex) and free disk
// (statvfs) always query the real host. Cold path; not for the hot path (it
// sleeps 100 ms to sample CPU load). Thread-compatible: no shared state.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tickrail::engine {

enum class check_level { ok, warn, fail };

// "ok", "warn" or "fail".
std::string_view check_level_name(check_level level) noexcept;

struct check_line {
  std::string name;  // stable identifier, e.g. "isolated_cores", "disk_free"
  check_level level;
  std::string detail;  // the value found and, when not ok, what to do
};

struct preflight_inputs {
  std::string root = "/";               // prefix for /proc and /sys reads — tests point it at a fake tree
  std::vector<int> pinned_cpus;         // CPUs the config pins workers to
  std::vector<int> busy_spin_cpus;      // of those, CPUs with busy-spinning workers (must be isolated)
  std::vector<std::string> data_paths;  // store database, journal dir: free disk checked on their filesystems
  std::uint64_t min_free_bytes = 1ull << 30;
  std::uint64_t memlock_bytes_needed = 64ull << 20;
};

// Runs every check; lines come in a fixed order (isolated_cores,
// cpu_governor, clocksource, invariant_tsc, transparent_hugepages, memlock,
// cpus_online, cpus_idle, clock_sync, then one disk_free per data path).
// Never throws on malformed or missing files: they become warn or fail lines.
// Takes ~100 ms when CPUs are pinned (two /proc/stat samples).
std::vector<check_line> run_preflight(const preflight_inputs& in);

// Prints one line per check "ok|warn|fail  name  detail" and returns the exit
// status: 1 if any fail (a blocker), else 0.
int print_preflight(const std::vector<check_line>& lines, std::FILE* out);

// Parses a kernel CPU list ("0-3,8,10-15:2/4", as in /sys/.../online and the
// isolcpus= family; whitespace around it ignored) into sorted, unique CPU
// numbers. nullopt when malformed. `nr_cpus` resolves "N" (the last CPU) and
// "all"; pass -1 when unknown (then those forms are malformed).
std::optional<std::vector<int>> parse_cpu_list(std::string_view text, int nr_cpus = -1);

}  // namespace tickrail::engine
