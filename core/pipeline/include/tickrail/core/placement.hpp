// tickrail/core/placement.hpp — which stage runs on which worker, and which
// worker on which CPU, as data.
//
// A placement is read from the `[placement]` section of a TOML config:
//
//   [[placement.workers]]
//   name   = "hot"
//   cpu    = 1                 # optional; omitted = not pinned
//   wait   = "busy_spin"       # busy_spin | yield | backoff
//   stages = ["sequencer", "strategy", "risk"]
//   [placement.workers.backoff]   # optional, only for wait = "backoff"
//   spins = 1000, yields = 100, min_sleep_us = 1, max_sleep_us = 1000
//
// `worker_group` turns a placement plus the process's named stages into
// running workers. Validation is strict: every stage is placed exactly once,
// names are known, CPUs are in this process's affinity mask, and no two
// busy-spinning workers share a CPU. Errors name the source file, line and key.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tickrail/core/toml_fwd.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tickrail/core/worker.hpp"

namespace tickrail::core {

struct worker_spec {
  worker_options options;
  std::vector<std::string> stages;
  std::string origin;  // "file:line" where the worker was declared, for errors
};

struct placement {
  std::vector<worker_spec> workers;
};

// Parses the `[placement]` section of TOML text. `source_name` (usually the
// file path) prefixes every error, with the line of the offending key.
absl::StatusOr<placement> parse_placement_toml(std::string_view toml_text, std::string_view source_name);
// The same, from a parsed (possibly layered) config.
absl::StatusOr<placement> parse_placement(const toml::table& root, std::string_view source_name);
// Reads a file and parses its `[placement]` section.
absl::StatusOr<placement> load_placement_file(const std::string& path);

// One worker running every stage in order: the 2-core default.
placement fused_placement(std::span<const std::string> stage_names, int cpu = -1, wait_kind wait = wait_kind::yield);

// Checks the placement against the stages the process has and the CPUs it
// may use (pass allowed_cpus()).
absl::Status validate_placement(const placement& p, std::span<const std::string> stage_names,
                                std::span<const int> cpus);

class worker_group {
 public:
  // Validates `p` and builds (but does not start) one worker per spec.
  static absl::StatusOr<std::unique_ptr<worker_group>> create(const placement& p, std::span<const stage_ref> stages,
                                                              std::span<const int> cpus);

  // Starts every worker; if one fails, stops those already started.
  absl::Status start();
  // Requests every worker to stop, then joins them all. Idempotent.
  void stop();

  [[nodiscard]] std::span<const std::unique_ptr<worker>> workers() const noexcept { return workers_; }

 private:
  worker_group() = default;
  std::vector<std::unique_ptr<worker>> workers_;
};

}  // namespace tickrail::core
