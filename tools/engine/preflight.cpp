// Host checks for `tickrail preflight` (preflight.hpp). Every reader treats
// a missing, empty or malformed file as a finding, never as an error path:
// /proc and /sys differ between kernels, VMs and containers, and the one
// thing preflight must not do is crash or say "ok" about what it could not
// read.
#include "engine/preflight.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>
#include <sys/timex.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <concepts>
#include <cstdarg>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace tickrail::engine {
namespace {

// /proc/cpuinfo on a 256-thread host is ~400 KB; nothing we read is bigger.
constexpr std::size_t k_max_file_bytes = 8u << 20;
// A pinned CPU busier than this between the two /proc/stat samples has
// another tenant.
constexpr double k_busy_fraction_warn = 0.5;
constexpr auto k_stat_sample_interval = std::chrono::milliseconds(100);
// adjtimex maxerror (µs) above which the wall clock is not trusted for
// timestamps compared with the venue's. chrony/ntpd keep it at a few ms.
constexpr long k_max_clock_error_us = 100'000;

// String helpers. Debian's Abseil is built with its own string_view, not
// std::string_view, so absl::StrCat and friends do not take ours.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool consume_prefix(std::string_view* s, std::string_view prefix) {
  if (!s->starts_with(prefix)) return false;
  s->remove_prefix(prefix.size());
  return true;
}

// Fields separated by any of `seps`, empty ones skipped.
std::vector<std::string_view> fields(std::string_view s, std::string_view seps = " \t\n") {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = s.find_first_not_of(seps, i);
    if (start == std::string_view::npos) break;
    const std::size_t end = std::min(s.find_first_of(seps, start), s.size());
    out.push_back(s.substr(start, end - start));
    i = end;
  }
  return out;
}

// Every piece between `sep`s, empty ones kept.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

template <std::integral T>
bool to_number(std::string_view s, T* out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

void append(std::string& s, std::string_view v) { s += v; }
template <std::integral T>
requires(!std::same_as<T, char>) void append(std::string& s, T v) { s += std::to_string(v); }
template <typename... A>
std::string cat(const A&... a) {
  std::string s;
  (append(s, a), ...);
  return s;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : std::string(sep)) + p;
  return s;
}
std::string join(const std::vector<std::string_view>& parts, std::string_view sep) {
  return join(std::vector<std::string>(parts.begin(), parts.end()), sep);
}

[[gnu::format(printf, 1, 2)]] std::string format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  return n < 0 ? std::string() : std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::string out;
  char buf[16384];
  while (out.size() < k_max_file_bytes) {
    f.read(buf, sizeof buf);
    const std::streamsize got = f.gcount();
    if (got <= 0) break;
    out.append(buf, static_cast<std::size_t>(got));
  }
  if (f.bad()) return std::nullopt;
  return out;
}

std::string trimmed(std::string_view s) { return std::string(trim(s)); }

std::string format_bytes(std::uint64_t b) {
  constexpr std::uint64_t k_kib = 1ull << 10, k_mib = 1ull << 20, k_gib = 1ull << 30, k_tib = 1ull << 40;
  if (b >= k_tib) return format("%.1f TiB", static_cast<double>(b) / static_cast<double>(k_tib));
  if (b >= k_gib) return format("%.1f GiB", static_cast<double>(b) / static_cast<double>(k_gib));
  if (b >= k_mib) return format("%llu MiB", static_cast<unsigned long long>(b / k_mib));
  if (b >= k_kib) return format("%llu KiB", static_cast<unsigned long long>(b / k_kib));
  return format("%llu B", static_cast<unsigned long long>(b));
}

// "2-5,7" style, the form the kernel and the docs use.
std::string format_cpus(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? cat(cpus[i]) : cat(cpus[i], "-", cpus[j]);
    i = j + 1;
  }
  return out.empty() ? "none" : out;
}

std::string cpus_label(const std::vector<int>& cpus) {
  return cat(cpus.size() == 1 ? "cpu " : "cpus ", format_cpus(cpus));
}

bool contains(const std::vector<int>& sorted, int cpu) { return std::binary_search(sorted.begin(), sorted.end(), cpu); }

check_level worst(check_level a, check_level b) { return static_cast<int>(a) > static_cast<int>(b) ? a : b; }

// Collects per-item findings into one line: the worst level, then the
// details of the fails, the warns and the fine items, in that order.
struct line_builder {
  check_level level = check_level::ok;
  std::vector<std::string> by_level[3];  // fail, warn, ok
  void add(check_level l, std::string detail) {
    level = worst(level, l);
    by_level[2 - static_cast<int>(l)].push_back(std::move(detail));
  }
  check_line build(std::string name) const {
    std::vector<std::string> all;
    for (const auto& v : by_level) all.insert(all.end(), v.begin(), v.end());
    return {std::move(name), level, join(all, "; ")};
  }
};

class host {
 public:
  explicit host(const preflight_inputs& in) : in_(in) {
    root_ = in.root;
    while (!root_.empty() && root_.back() == '/') root_.pop_back();
    std::set<int> all(in.pinned_cpus.begin(), in.pinned_cpus.end());
    all.insert(in.busy_spin_cpus.begin(), in.busy_spin_cpus.end());
    pinned_.assign(all.begin(), all.end());
    busy_.assign(in.busy_spin_cpus.begin(), in.busy_spin_cpus.end());
    std::sort(busy_.begin(), busy_.end());
    busy_.erase(std::unique(busy_.begin(), busy_.end()), busy_.end());
    if (auto text = read_file(path("/sys/devices/system/cpu/online"))) {
      online_text_ = trimmed(*text);
      online_ = parse_cpu_list(online_text_);
    }
  }

  std::vector<check_line> run() {
    std::vector<check_line> out;
    out.push_back(isolated_cores());
    out.push_back(cpu_governor());
    out.push_back(clocksource());
    out.push_back(invariant_tsc());
    out.push_back(transparent_hugepages());
    out.push_back(memlock());
    out.push_back(cpus_online());
    out.push_back(cpus_idle());
    out.push_back(clock_sync());
    for (const std::string& p : in_.data_paths) out.push_back(disk_free(p));
    return out;
  }

 private:
  std::string path(std::string_view abs) const { return cat(root_, abs); }
  int nr_cpus() const { return online_ && !online_->empty() ? online_->back() + 1 : -1; }
  bool busy(int cpu) const { return contains(busy_, cpu); }

  // --- isolated cores -------------------------------------------------------

  struct kernel_list {
    bool present = false;
    bool malformed = false;
    std::string raw;
    std::vector<int> cpus;
  };

  // Finds `name=` on the command line (the last occurrence wins, as in the
  // kernel). isolcpus may start with flags (nohz, domain, managed_irq).
  kernel_list cmdline_list(const std::vector<std::string_view>& tokens, std::string_view name) const {
    kernel_list out;
    for (std::string_view tok : tokens) {
      if (tok == name) {  // "rcu_nocbs" alone (newer kernels): no list given
        out = kernel_list{true, false, std::string(tok), {}};
        continue;
      }
      if (!consume_prefix(&tok, name) || !consume_prefix(&tok, "=")) continue;
      out = kernel_list{true, false, cat(name, "=", tok), {}};
      std::string_view list = tok;
      if (name == "isolcpus") {
        for (;;) {
          const std::size_t comma = list.find(',');
          const std::string_view head = list.substr(0, comma);
          if (head != "nohz" && head != "domain" && head != "managed_irq") break;
          list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        }
      }
      if (auto cpus = parse_cpu_list(list, nr_cpus())) {
        out.cpus = std::move(*cpus);
      } else {
        out.malformed = true;
      }
    }
    return out;
  }

  check_line isolated_cores() const {
    const std::string file = path("/proc/cmdline");
    const std::optional<std::string> cmdline = read_file(file);
    if (pinned_.empty()) return {"isolated_cores", check_level::ok, "no workers pinned to a CPU; nothing to isolate"};
    if (!cmdline) {
      const check_level l = busy_.empty() ? check_level::warn : check_level::fail;
      return {"isolated_cores", l,
              cat("cannot read ", file, ": isolation of pinned ", cpus_label(pinned_),
                  " unknown; check the kernel command line by hand")};
    }
    std::vector<std::string_view> tokens = fields(*cmdline);
    // Everything after "--" is for init, not the kernel.
    tokens.erase(std::find(tokens.begin(), tokens.end(), std::string_view("--")), tokens.end());
    const kernel_list iso = cmdline_list(tokens, "isolcpus");
    const kernel_list nohz = cmdline_list(tokens, "nohz_full");
    const kernel_list rcu = cmdline_list(tokens, "rcu_nocbs");

    line_builder b;
    if (trim(*cmdline).empty()) b.add(check_level::warn, cat(file, " is empty"));
    for (const kernel_list* k : {&iso, &nohz, &rcu}) {
      if (k->malformed) b.add(check_level::warn, cat("'", k->raw, "' is not a CPU list (ignored)"));
    }
    for (int cpu : pinned_) {
      const bool in_iso = contains(iso.cpus, cpu), in_nohz = contains(nohz.cpus, cpu), in_rcu = contains(rcu.cpus, cpu);
      std::vector<std::string_view> missing;
      if (!in_iso) missing.push_back("isolcpus");
      if (!in_nohz) missing.push_back("nohz_full");
      if (!in_rcu) missing.push_back("rcu_nocbs");
      const std::string m = join(missing, ", ");
      if (busy(cpu)) {
        if (!in_iso && !in_nohz) {
          b.add(check_level::fail, cat("cpu ", cpu, " runs a busy-spinning worker but is not isolated (not in ", m,
                                       "): the scheduler shares it with other tasks; add it to isolcpus, nohz_full and "
                                       "rcu_nocbs and reboot, or use wait = \"yield\""));
        } else if (!missing.empty()) {
          b.add(check_level::warn, cat("cpu ", cpu, " (busy-spin) partly isolated, not in ", m,
                                       in_iso ? ": timer ticks or RCU callbacks still interrupt it"
                                              : ": the scheduler may place tasks there unless a cpuset "
                                                "keeps them off",
                                       "; add it to ", m));
        } else {
          b.add(check_level::ok, cat("cpu ", cpu, " (busy-spin) in isolcpus, nohz_full and rcu_nocbs"));
        }
      } else if (!in_iso && !in_nohz) {
        b.add(check_level::warn,
              cat("cpu ", cpu,
                  " is pinned but not isolated: fine for I/O or slow-path workers, a hot worker there "
                  "shares the core with other tasks; isolate it or move the worker"));
      } else {
        b.add(check_level::ok, cat("cpu ", cpu, " isolated"));
      }
    }
    return b.build("isolated_cores");
  }

  // --- CPU frequency governor ----------------------------------------------

  std::vector<int> cpus_to_inspect() const {
    if (!pinned_.empty()) return pinned_;
    if (online_ && !online_->empty()) return *online_;
    return {0};
  }

  check_line cpu_governor() const {
    std::map<std::string, std::vector<int>> by_value;  // governor → cpus; "" = not exposed
    for (int cpu : cpus_to_inspect()) {
      const auto text = read_file(path(cat("/sys/devices/system/cpu/cpu", cpu, "/cpufreq/scaling_governor")));
      by_value[text ? trimmed(*text) : std::string()].push_back(cpu);
    }
    line_builder b;
    for (const auto& [value, cpus] : by_value) {
      if (value == "performance") {
        b.add(check_level::ok, cat(cpus_label(cpus), ": performance"));
      } else if (value.empty()) {
        b.add(check_level::warn,
              cat(cpus_label(cpus),
                  ": governor not exposed (VM or no cpufreq driver); the host or BIOS sets the frequency — "
                  "ask for a performance/static-frequency profile"));
      } else {
        b.add(check_level::warn, cat(cpus_label(cpus), ": ", value,
                                     " — set performance (cpupower frequency-set -g performance), or wake-up "
                                     "latency pays for frequency ramps"));
      }
    }
    return b.build("cpu_governor");
  }

  // --- clocksource -----------------------------------------------------------

  check_line clocksource() const {
    const std::string file = path("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    const auto text = read_file(file);
    if (!text) return {"clocksource", check_level::warn, cat("cannot read ", file)};
    const std::string value = trimmed(*text);
    if (value == "tsc") return {"clocksource", check_level::ok, "tsc"};
    return {"clocksource", check_level::warn,
            cat(value.empty() ? "(empty)" : value,
                ": clock_gettime costs more than with tsc; if the TSC is invariant, boot with "
                "clocksource=tsc tsc=reliable (see available_clocksource)")};
  }

  // --- invariant TSC ---------------------------------------------------------

  check_line invariant_tsc() const {
    const std::string file = path("/proc/cpuinfo");
    const auto text = read_file(file);
    const check_level missing_level = busy_.empty() ? check_level::warn : check_level::fail;
    const std::string consequence =
        busy_.empty() ? "timestamps fall back to steady_clock (slower reads)"
                      : "busy-spin setups need an invariant TSC for cheap, comparable timestamps; use a host (or "
                        "instance type) that exposes one";
    if (!text) return {"invariant_tsc", missing_level, cat("cannot read ", file, ": ", consequence)};
    std::optional<std::set<std::string_view, std::less<>>> flags;
    for (std::string_view line : split(*text, '\n')) {
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || trim(line.substr(0, colon)) != "flags") continue;
      const std::vector<std::string_view> f = fields(line.substr(colon + 1));
      flags.emplace(f.begin(), f.end());
      break;  // the first CPU speaks for all: the kernel reports common flags
    }
    if (!flags) {
      return {"invariant_tsc", missing_level,
              cat("no 'flags' line in ", file, " (not x86, or not a cpuinfo file): ", consequence)};
    }
    std::vector<std::string_view> missing;
    for (std::string_view want : {"constant_tsc", "nonstop_tsc"}) {
      if (!flags->contains(want)) missing.push_back(want);
    }
    if (missing.empty()) return {"invariant_tsc", check_level::ok, "constant_tsc and nonstop_tsc"};
    return {"invariant_tsc", missing_level, cat("missing ", join(missing, ", "), ": ", consequence)};
  }

  // --- transparent huge pages ------------------------------------------------

  check_line transparent_hugepages() const {
    const std::string file = path("/sys/kernel/mm/transparent_hugepage/enabled");
    const auto text = read_file(file);
    if (!text) return {"transparent_hugepages", check_level::ok, "not present (kernel without THP)"};
    const std::size_t open = text->find('['), close = text->find(']', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) {
      return {"transparent_hugepages", check_level::warn,
              cat("cannot parse '", trimmed(*text), "' in ", file, ": expected e.g. 'always [madvise] never'")};
    }
    const std::string mode = text->substr(open + 1, close - open - 1);
    if (mode == "never" || mode == "madvise") return {"transparent_hugepages", check_level::ok, cat("[", mode, "]")};
    if (mode == "always") {
      return {"transparent_hugepages", check_level::warn,
              "[always]: khugepaged compaction stalls pinned threads; echo madvise (or never) > "
              "/sys/kernel/mm/transparent_hugepage/enabled, or boot with transparent_hugepage=madvise"};
    }
    return {"transparent_hugepages", check_level::warn, cat("unknown mode [", mode, "] in ", file)};
  }

  // --- memlock -----------------------------------------------------------------

  check_line memlock() const {
    rlimit lim{};
    if (getrlimit(RLIMIT_MEMLOCK, &lim) != 0) {
      return {"memlock", check_level::warn, cat("getrlimit(RLIMIT_MEMLOCK) failed: ", std::strerror(errno))};
    }
    if (lim.rlim_cur == RLIM_INFINITY) return {"memlock", check_level::ok, "unlimited"};
    const auto have = static_cast<std::uint64_t>(lim.rlim_cur);
    if (have >= in_.memlock_bytes_needed) {
      return {"memlock", check_level::ok,
              cat(format_bytes(have), " (need ", format_bytes(in_.memlock_bytes_needed), ")")};
    }
    return {"memlock", check_level::warn,
            cat(format_bytes(have), " < ", format_bytes(in_.memlock_bytes_needed),
                " needed to lock rings and journal in memory: LimitMEMLOCK=infinity in the systemd unit, "
                "or 'tickrail - memlock unlimited' in /etc/security/limits.conf")};
  }

  // --- configured CPUs exist and are idle ----------------------------------------

  check_line cpus_online() const {
    const std::string file = path("/sys/devices/system/cpu/online");
    if (!online_) {
      const bool unreadable = online_text_.empty();
      const check_level l = pinned_.empty() ? check_level::warn : check_level::fail;
      return {"cpus_online", l,
              cat(unreadable ? cat("cannot read ", file) : cat("cannot parse '", online_text_, "' in ", file),
                  pinned_.empty() ? "" : cat(": pinned ", cpus_label(pinned_), " unverified"))};
    }
    if (pinned_.empty()) return {"cpus_online", check_level::ok, cat("online ", online_text_, "; none pinned")};
    std::vector<int> missing;
    for (int cpu : pinned_) {
      if (!contains(*online_, cpu)) missing.push_back(cpu);
    }
    if (missing.empty()) {
      return {"cpus_online", check_level::ok, cat("pinned ", format_cpus(pinned_), " online (", online_text_, ")")};
    }
    return {"cpus_online", check_level::fail,
            cat(cpus_label(missing), " pinned by the config but not online (online: ", online_text_,
                "): fix [placement] cpu = ... or bring the CPU online")};
  }

  struct cpu_times {
    std::uint64_t total = 0;
    std::uint64_t idle = 0;  // idle + iowait
  };

  std::optional<std::map<int, cpu_times>> read_stat() const {
    const auto text = read_file(path("/proc/stat"));
    if (!text) return std::nullopt;
    std::map<int, cpu_times> out;
    for (std::string_view line : split(*text, '\n')) {
      if (!consume_prefix(&line, "cpu") || line.empty() || !is_digit(line.front())) continue;
      const std::vector<std::string_view> f = fields(line);
      int cpu = 0;
      if (f.size() < 5 || !to_number(f[0], &cpu)) continue;
      cpu_times t;
      bool good = true;
      for (std::size_t i = 1; i < f.size() && i <= 8; ++i) {  // user..steal; guest is already in user
        std::uint64_t v = 0;
        if (!to_number(f[i], &v)) {
          good = false;
          break;
        }
        t.total += v;
        if (i == 4 || i == 5) t.idle += v;
      }
      if (good) out[cpu] = t;
    }
    return out;
  }

  check_line cpus_idle() const {
    if (pinned_.empty()) return {"cpus_idle", check_level::ok, "no CPUs pinned"};
    const auto before = read_stat();
    if (!before) return {"cpus_idle", check_level::warn, cat("cannot read ", path("/proc/stat"))};
    std::this_thread::sleep_for(k_stat_sample_interval);
    const auto after = read_stat();
    if (!after) return {"cpus_idle", check_level::warn, cat("cannot read ", path("/proc/stat"))};
    line_builder b;
    std::vector<int> idle;
    std::vector<int> unknown;
    for (int cpu : pinned_) {
      const auto a = before->find(cpu), z = after->find(cpu);
      if (a == before->end() || z == after->end()) {
        unknown.push_back(cpu);
        continue;
      }
      const std::uint64_t dt = z->second.total >= a->second.total ? z->second.total - a->second.total : 0;
      const std::uint64_t di = z->second.idle >= a->second.idle ? z->second.idle - a->second.idle : 0;
      const double busy_fraction =
          dt == 0 ? 0.0 : 1.0 - static_cast<double>(std::min(di, dt)) / static_cast<double>(dt);
      if (busy_fraction > k_busy_fraction_warn) {
        b.add(check_level::warn,
              format("cpu %d %.0f %% busy before start: another process runs there; find it (top -1, ps -eo "
                     "psr,comm) and move it, or pin to another CPU",
                     cpu, busy_fraction * 100.0));
      } else {
        idle.push_back(cpu);
      }
    }
    if (!unknown.empty()) b.add(check_level::warn, cat(cpus_label(unknown), ": no line in /proc/stat"));
    if (!idle.empty()) b.add(check_level::ok, cat(cpus_label(idle), " idle"));
    return b.build("cpus_idle");
  }

  // --- clock sync ------------------------------------------------------------------

  static check_line clock_sync() {
    timex tx{};
    tx.modes = 0;  // read only; needs no privilege
    const int state = adjtimex(&tx);
    if (state == -1) {
      return {"clock_sync", check_level::warn,
              cat("cannot query adjtimex: ", std::strerror(errno), "; check chronyc tracking by hand")};
    }
    if ((tx.status & STA_UNSYNC) != 0 || state == TIME_ERROR) {
      return {"clock_sync", check_level::warn,
              "system clock not synchronised (STA_UNSYNC): venue timestamps, token expiry and daily resets drift; "
              "run chrony or systemd-timesyncd (chronyc tracking)"};
    }
    if (tx.maxerror > k_max_clock_error_us) {
      return {"clock_sync", check_level::warn,
              format("max error %ld ms (over %ld ms): the time source is far or unreachable; check chronyc "
                     "sources",
                     tx.maxerror / 1000, k_max_clock_error_us / 1000)};
    }
    return {"clock_sync", check_level::ok,
            format("synchronised, estimated error %ld us, max error %ld us", tx.esterror, tx.maxerror)};
  }

  // --- free disk -------------------------------------------------------------------

  check_line disk_free(const std::string& data_path) const {
    namespace fs = std::filesystem;
    if (data_path.empty()) return {"disk_free", check_level::warn, "empty data path in the config"};
    std::error_code ec;
    fs::path p = fs::path(data_path).is_absolute() ? fs::path(data_path) : fs::absolute(data_path, ec);
    if (ec) return {"disk_free", check_level::warn, cat(data_path, ": ", ec.message())};
    p = p.lexically_normal();
    // The database or journal may not exist yet: its filesystem is that of
    // the nearest existing ancestor (the engine creates the rest).
    while (!fs::exists(p, ec) && p.has_relative_path()) p = p.parent_path();
    struct statvfs vfs {};
    if (statvfs(p.c_str(), &vfs) != 0) {
      return {"disk_free", check_level::fail,
              cat(data_path, ": statvfs(", p.string(), ") failed: ", std::strerror(errno))};
    }
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    const std::string where = p == fs::path(data_path) ? std::string() : cat(" on ", p.string());
    if (free_bytes < in_.min_free_bytes) {
      return {"disk_free", check_level::fail,
              cat(data_path, ": ", format_bytes(free_bytes), " free", where, ", need ",
                  format_bytes(in_.min_free_bytes), ": free space or move the path to a larger filesystem")};
    }
    return {"disk_free", check_level::ok,
            cat(data_path, ": ", format_bytes(free_bytes), " free", where, " (need ", format_bytes(in_.min_free_bytes),
                ")")};
  }

  const preflight_inputs& in_;
  std::string root_;
  std::vector<int> pinned_;  // pinned ∪ busy-spin, sorted, unique
  std::vector<int> busy_;
  std::string online_text_;
  std::optional<std::vector<int>> online_;
};

}  // namespace

std::string_view check_level_name(check_level level) noexcept {
  switch (level) {
    case check_level::ok: return "ok";
    case check_level::warn: return "warn";
    case check_level::fail: return "fail";
  }
  return "fail";
}

std::optional<std::vector<int>> parse_cpu_list(std::string_view text, int nr_cpus) {
  text = trim(text);
  if (text.empty()) return std::vector<int>{};  // an empty list is a list (e.g. no isolated CPUs)
  constexpr int k_max_cpu = 1 << 16;            // a bound against garbage, far above any real box
  auto number = [&](std::string_view s, int* out) {
    if (s == "N" && nr_cpus > 0) {
      *out = nr_cpus - 1;
      return true;
    }
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c); })) return false;
    return to_number(s, out) && *out < k_max_cpu;
  };
  std::set<int> cpus;
  for (std::string_view part : split(text, ',')) {
    if (part == "all" && nr_cpus > 0) {
      for (int c = 0; c < nr_cpus; ++c) cpus.insert(c);
      continue;
    }
    // a[-b[:used/group]]
    int used = 0, group = 0;
    if (const std::size_t colon = part.find(':'); colon != std::string_view::npos) {
      const std::string_view g = part.substr(colon + 1);
      const std::size_t slash = g.find('/');
      if (slash == std::string_view::npos || !number(g.substr(0, slash), &used) ||
          !number(g.substr(slash + 1), &group) || used == 0 || group == 0 || used > group) {
        return std::nullopt;
      }
      part = part.substr(0, colon);
    }
    int lo = 0, hi = 0;
    const std::size_t dash = part.find('-');
    if (dash == std::string_view::npos) {
      if (group != 0 || !number(part, &lo)) return std::nullopt;
      hi = lo;
    } else if (!number(part.substr(0, dash), &lo) || !number(part.substr(dash + 1), &hi) || hi < lo) {
      return std::nullopt;
    }
    for (int c = lo; c <= hi; ++c) {
      if (group == 0 || (c - lo) % group < used) cpus.insert(c);
    }
  }
  return std::vector<int>(cpus.begin(), cpus.end());
}

std::vector<check_line> run_preflight(const preflight_inputs& in) { return host(in).run(); }

int print_preflight(const std::vector<check_line>& lines, std::FILE* out) {
  std::size_t width = 0;
  for (const check_line& l : lines) width = std::max(width, l.name.size());
  bool blocked = false;
  for (const check_line& l : lines) {
    std::fprintf(out, "%-4s  %-*s  %s\n", std::string(check_level_name(l.level)).c_str(), static_cast<int>(width),
                 l.name.c_str(), l.detail.c_str());
    blocked = blocked || l.level == check_level::fail;
  }
  std::fflush(out);
  return blocked ? 1 : 0;
}

}  // namespace tickrail::engine
