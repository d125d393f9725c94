#include "tickrail/core/placement.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>

#include <toml++/toml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tickrail/core/file.hpp"
#include "tickrail/core/status.hpp"
#include "tickrail/core/toml_support.hpp"

namespace tickrail::core {
namespace {

using toml_support::key_error;
using toml_support::read_u32;

absl::StatusOr<backoff_params> parse_backoff(std::string_view source, const toml::table& t, std::string_view prefix) {
  backoff_params b;
  for (const auto& [k, node] : t) {
    const std::string key = absl::StrCat(to_absl(prefix), ".", to_absl(k.str()));
    if (k == "spins") {
      TR_ASSIGN_OR_RETURN(b.spins, read_u32(source, node, key));
    } else if (k == "yields") {
      TR_ASSIGN_OR_RETURN(b.yields, read_u32(source, node, key));
    } else if (k == "min_sleep_us") {
      TR_ASSIGN_OR_RETURN(b.min_sleep_us, read_u32(source, node, key));
    } else if (k == "max_sleep_us") {
      TR_ASSIGN_OR_RETURN(b.max_sleep_us, read_u32(source, node, key));
    } else {
      return key_error(source, node, key, "unknown key");
    }
  }
  if (b.min_sleep_us == 0 || b.max_sleep_us < b.min_sleep_us) {
    return absl::InvalidArgumentError(absl::StrCat(to_absl(source), ":", t.source().begin.line, ": key '",
                                                   to_absl(prefix), "': need 0 < min_sleep_us <= max_sleep_us"));
  }
  return b;
}

absl::StatusOr<worker_spec> parse_worker(std::string_view source, const toml::table& t, std::size_t index) {
  worker_spec spec;
  spec.origin = absl::StrCat(to_absl(source), ":", t.source().begin.line);
  const std::string prefix = absl::StrCat("placement.workers[", index, "]");
  bool have_name = false;
  bool have_stages = false;
  for (const auto& [k, node] : t) {
    const std::string key = absl::StrCat(to_absl(prefix), ".", to_absl(k.str()));
    if (k == "name") {
      const auto* v = node.as_string();
      if (v == nullptr || v->get().empty()) return key_error(source, node, key, "expected a non-empty string");
      spec.options.name = v->get();
      have_name = true;
    } else if (k == "cpu") {
      const auto* v = node.as_integer();
      if (v == nullptr || v->get() < 0 || v->get() > 4095)
        return key_error(source, node, key, "expected a CPU number 0..4095");
      spec.options.cpu = static_cast<int>(v->get());
    } else if (k == "wait") {
      const auto* v = node.as_string();
      const auto kind = v != nullptr ? parse_wait_kind(v->get()) : std::nullopt;
      if (!kind) return key_error(source, node, key, "expected \"busy_spin\", \"yield\" or \"backoff\"");
      spec.options.wait = *kind;
    } else if (k == "stages") {
      const auto* arr = node.as_array();
      if (arr == nullptr || arr->empty())
        return key_error(source, node, key, "expected a non-empty array of stage names");
      for (const auto& item : *arr) {
        const auto* v = item.as_string();
        if (v == nullptr) return key_error(source, item, key, "stage names must be strings");
        spec.stages.push_back(v->get());
      }
      have_stages = true;
    } else if (k == "backoff") {
      const auto* bt = node.as_table();
      if (bt == nullptr) return key_error(source, node, key, "expected a table");
      TR_ASSIGN_OR_RETURN(spec.options.backoff, parse_backoff(source, *bt, key));
    } else {
      return key_error(source, node, key, "unknown key");
    }
  }
  if (!have_name) return key_error(source, t, absl::StrCat(prefix, ".name"), "missing");
  if (!have_stages) return key_error(source, t, absl::StrCat(prefix, ".stages"), "missing");
  return spec;
}

}  // namespace

absl::StatusOr<placement> parse_placement_toml(std::string_view toml_text, std::string_view source_name) {
  TR_ASSIGN_OR_RETURN(const toml::table root, toml_support::parse_toml(toml_text, source_name));
  return parse_placement(root, source_name);
}

absl::StatusOr<placement> parse_placement(const toml::table& root, std::string_view source_name) {
  TR_ASSIGN_OR_RETURN(const toml::table* pt, toml_support::section(root, "placement", source_name));

  placement result;
  for (const auto& [k, node] : *pt) {
    if (k != "workers")
      return key_error(source_name, node, absl::StrCat("placement.", to_absl(k.str())), "unknown key");
    const auto* arr = node.as_array();
    if (arr == nullptr || arr->empty()) {
      return key_error(source_name, node, "placement.workers", "expected one or more [[placement.workers]] tables");
    }
    std::size_t index = 0;
    for (const auto& item : *arr) {
      const auto* wt = item.as_table();
      if (wt == nullptr) return key_error(source_name, item, "placement.workers", "expected a table");
      TR_ASSIGN_OR_RETURN(worker_spec spec, parse_worker(source_name, *wt, index++));
      result.workers.push_back(std::move(spec));
    }
  }
  if (result.workers.empty()) return key_error(source_name, *pt, "placement.workers", "missing");
  return result;
}

absl::StatusOr<placement> load_placement_file(const std::string& path) {
  TR_ASSIGN_OR_RETURN(const std::string text, read_file(path));
  return parse_placement_toml(text, path);
}

placement fused_placement(std::span<const std::string> stage_names, int cpu, wait_kind wait) {
  worker_spec spec;
  spec.options.name = "fused";
  spec.options.cpu = cpu;
  spec.options.wait = wait;
  spec.stages.assign(stage_names.begin(), stage_names.end());
  spec.origin = "built-in fused placement";
  return placement{{std::move(spec)}};
}

absl::Status validate_placement(const placement& p, std::span<const std::string> stage_names,
                                std::span<const int> cpus) {
  if (p.workers.empty()) return absl::InvalidArgumentError("placement has no workers");
  std::map<std::string, std::string> placed;  // stage -> worker
  std::set<std::string> worker_names;
  std::map<int, std::string> spinning_on;  // cpu -> busy-spinning worker
  for (const worker_spec& w : p.workers) {
    const std::string& name = w.options.name;
    if (!worker_names.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat(w.origin, ": worker name '", name, "' is used twice"));
    }
    if (w.options.cpu >= 0 && std::find(cpus.begin(), cpus.end(), w.options.cpu) == cpus.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(w.origin, ": worker '", name, "': cpu ", w.options.cpu,
                       " is not available to this process (allowed: ", absl::StrJoin(cpus, ","), ")"));
    }
    if (w.options.wait == wait_kind::busy_spin && w.options.cpu >= 0) {
      auto [it, inserted] = spinning_on.emplace(w.options.cpu, name);
      if (!inserted) {
        return absl::InvalidArgumentError(absl::StrCat(w.origin, ": workers '", it->second, "' and '", name,
                                                       "' both busy-spin on cpu ", w.options.cpu,
                                                       "; they would starve each other"));
      }
    }
    for (const std::string& stage_name : w.stages) {
      if (std::find(stage_names.begin(), stage_names.end(), stage_name) == stage_names.end()) {
        return absl::InvalidArgumentError(absl::StrCat(w.origin, ": worker '", name, "': unknown stage '", stage_name,
                                                       "' (known: ", absl::StrJoin(stage_names, ", "), ")"));
      }
      auto [it, inserted] = placed.emplace(stage_name, name);
      if (!inserted) {
        return absl::InvalidArgumentError(
            absl::StrCat(w.origin, ": stage '", stage_name, "' is placed on both '", it->second, "' and '", name, "'"));
      }
    }
  }
  for (const std::string& stage_name : stage_names) {
    if (!placed.contains(stage_name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("placement: stage '", stage_name, "' is not placed on any worker"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<worker_group>> worker_group::create(const placement& p,
                                                                   std::span<const stage_ref> stages,
                                                                   std::span<const int> cpus) {
  std::vector<std::string> names;
  names.reserve(stages.size());
  for (const stage_ref& s : stages) {
    if (std::find(names.begin(), names.end(), s.name()) != names.end()) {
      return absl::InvalidArgumentError(absl::StrCat("two stages are both named '", s.name(), "'"));
    }
    names.push_back(s.name());
  }
  TR_RETURN_IF_ERROR(validate_placement(p, names, cpus));
  std::unique_ptr<worker_group> group(new worker_group());
  for (const worker_spec& spec : p.workers) {
    std::vector<stage_ref> refs;
    for (const std::string& stage_name : spec.stages) {
      for (const stage_ref& s : stages) {
        if (s.name() == stage_name) refs.push_back(s);
      }
    }
    group->workers_.push_back(std::make_unique<worker>(spec.options, std::move(refs)));
  }
  return group;
}

absl::Status worker_group::start() {
  for (auto& w : workers_) {
    if (absl::Status status = w->start(); !status.ok()) {
      stop();
      return status;
    }
  }
  return absl::OkStatus();
}

void worker_group::stop() {
  for (auto& w : workers_) w->request_stop();
  for (auto& w : workers_) w->join();
}

}  // namespace tickrail::core
