// `tickrail preflight` host checks (tools/engine/preflight.hpp) against fake
// /proc and /sys trees in a temp dir: a well-tuned isolated host passes, each
// mistuning is reported at its level (a blocker fails the exit status), and
// malformed or missing files give a clear warn/fail instead of a crash.
// memlock, clock sync and free disk query the real host, so the tests set
// their thresholds where the outcome is known.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/preflight.hpp"

namespace tickrail::engine {
namespace {

namespace fs = std::filesystem;

// /proc/stat with fixed counters; `later_cpu` has spent `user` more and
// `idle` more jiffies than in the default snapshot, so that two snapshots can
// be told apart.
std::string proc_stat(int ncpu, int later_cpu = -1, std::uint64_t user = 0, std::uint64_t idle = 0) {
  std::string s = "cpu  400 0 200 40000 10 0 5 0 0 0\n";
  for (int c = 0; c < ncpu; ++c) {
    const bool later = c == later_cpu;
    s += "cpu" + std::to_string(c) + " " + std::to_string(100 + (later ? user : 0)) + " 0 50 " +
         std::to_string(10000 + (later ? idle : 0)) + " 2 0 1 0 0 0\n";
  }
  s += "intr 12345 0 0\nctxt 999\nbtime 1700000000\nprocs_running 1\n";
  return s;
}

std::string cpuinfo(std::string_view flags, int ncpu = 4) {
  std::string s;
  for (int c = 0; c < ncpu; ++c) {
    s += "processor\t: " + std::to_string(c) + "\nvendor_id\t: GenuineIntel\nmodel name\t: Fake CPU @ 3.00GHz\n";
    s += "flags\t\t: " + std::string(flags) + "\n\n";
  }
  return s;
}

constexpr std::string_view k_good_flags =
    "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr constant_tsc arch_perfmon rep_good nopl nonstop_tsc cpuid "
    "tsc_known_freq pni pclmulqdq ssse3 sse4_2 avx2 bmi1 bmi2";

class fake_host {
 public:
  fake_host() {
    std::string tmpl = (fs::temp_directory_path() / "tickrail-preflight-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir_ = tmpl;
    fs::create_directories(dir_ / "root");
    fs::create_directories(dir_ / "data");
  }
  ~fake_host() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fake_host(const fake_host&) = delete;
  fake_host& operator=(const fake_host&) = delete;

  std::string root() const { return (dir_ / "root").string(); }
  std::string data_dir() const { return (dir_ / "data").string(); }
  fs::path file(std::string_view rel) const { return dir_ / "root" / fs::path(rel).relative_path(); }

  void write(std::string_view rel, std::string_view content) const {
    const fs::path p = file(rel);
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
  }
  void remove(std::string_view rel) const { fs::remove_all(file(rel)); }

  // A 4-CPU host with CPUs 2-3 isolated and everything tuned.
  void well_tuned() const {
    write("/proc/cmdline",
          "BOOT_IMAGE=/boot/vmlinuz-6.1.0 root=/dev/sda1 ro quiet isolcpus=nohz,domain,managed_irq,2-3 "
          "nohz_full=2-3 rcu_nocbs=2-3 irqaffinity=0-1\n");
    write("/sys/devices/system/cpu/online", "0-3\n");
    for (int c = 0; c < 4; ++c) governor(c, "performance");
    write("/sys/devices/system/clocksource/clocksource0/current_clocksource", "tsc\n");
    write("/proc/cpuinfo", cpuinfo(k_good_flags));
    write("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
    write("/proc/stat", proc_stat(4));
  }
  void governor(int cpu, std::string_view value) const {
    write("/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/scaling_governor", std::string(value) + "\n");
  }

  // Busy-spin workers on CPUs 2 and 3; thresholds the real host meets.
  preflight_inputs inputs() const {
    preflight_inputs in;
    in.root = root();
    in.pinned_cpus = {2, 3};
    in.busy_spin_cpus = {2, 3};
    in.data_paths = {data_dir() + "/tickrail.db", data_dir() + "/journal"};
    in.min_free_bytes = 1;
    in.memlock_bytes_needed = 0;
    return in;
  }

 private:
  fs::path dir_;
};

const check_line& line(const std::vector<check_line>& lines, std::string_view name) {
  for (const check_line& l : lines) {
    if (l.name == name) return l;
  }
  static const check_line none{"(missing)", check_level::fail, "no such line"};
  ADD_FAILURE() << "no line named " << name;
  return none;
}

std::string dump(const std::vector<check_line>& lines) {
  std::string s;
  for (const check_line& l : lines) {
    s += std::string(check_level_name(l.level)) + "  " + l.name + "  " + l.detail + "\n";
  }
  return s;
}

// The printed report and the exit status.
struct printed {
  std::string text;
  int status;
};
printed print(const std::vector<check_line>& lines) {
  char* buf = nullptr;
  std::size_t len = 0;
  std::FILE* f = ::open_memstream(&buf, &len);
  const int status = print_preflight(lines, f);
  std::fclose(f);
  printed p{std::string(buf, len), status};
  std::free(buf);
  return p;
}

bool has(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

TEST(Preflight, WellTunedIsolatedHostIsAllOk) {
  fake_host h;
  h.well_tuned();
  const auto lines = run_preflight(h.inputs());
  const std::vector<std::string> expected = {
      "isolated_cores", "cpu_governor", "clocksource", "invariant_tsc", "transparent_hugepages",
      "memlock",        "cpus_online",  "cpus_idle",   "clock_sync",    "disk_free",
      "disk_free"};
  ASSERT_EQ(lines.size(), expected.size()) << dump(lines);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].name, expected[i]);
    // clock_sync reads the real host's kernel clock state (never a fail).
    if (lines[i].name == "clock_sync") {
      EXPECT_NE(lines[i].level, check_level::fail) << dump(lines);
    } else {
      EXPECT_EQ(lines[i].level, check_level::ok) << dump(lines);
    }
    EXPECT_FALSE(lines[i].detail.empty()) << lines[i].name;
  }
  EXPECT_TRUE(has(line(lines, "isolated_cores").detail, "cpu 2")) << dump(lines);
  EXPECT_TRUE(has(line(lines, "cpu_governor").detail, "performance"));
  EXPECT_TRUE(has(line(lines, "transparent_hugepages").detail, "[madvise]"));
  const printed p = print(lines);
  EXPECT_EQ(p.status, 0) << p.text;
  EXPECT_TRUE(has(p.text, "ok    isolated_cores")) << p.text;
  EXPECT_FALSE(has(p.text, "fail  ")) << p.text;
}

TEST(Preflight, BusySpinCpuNotIsolatedFails) {
  fake_host h;
  h.well_tuned();
  h.write("/proc/cmdline", "root=/dev/sda1 isolcpus=3 nohz_full=3 rcu_nocbs=3\n");
  const auto lines = run_preflight(h.inputs());
  const check_line& iso = line(lines, "isolated_cores");
  EXPECT_EQ(iso.level, check_level::fail) << dump(lines);
  EXPECT_TRUE(has(iso.detail, "cpu 2 runs a busy-spinning worker but is not isolated")) << iso.detail;
  EXPECT_FALSE(has(iso.detail, "cpu 3 runs")) << iso.detail;
  const printed p = print(lines);
  EXPECT_EQ(p.status, 1) << p.text;
  EXPECT_TRUE(has(p.text, "fail  isolated_cores")) << p.text;
}

TEST(Preflight, ArgumentsAfterDoubleDashAreForInitNotTheKernel) {
  fake_host h;
  h.well_tuned();
  h.write("/proc/cmdline", "root=/dev/sda1 quiet -- isolcpus=2-3 nohz_full=2-3 rcu_nocbs=2-3\n");
  const auto lines = run_preflight(h.inputs());
  EXPECT_EQ(line(lines, "isolated_cores").level, check_level::fail) << dump(lines);
}

TEST(Preflight, PartlyIsolatedBusySpinCpuWarns) {
  fake_host h;
  h.well_tuned();
  h.write("/proc/cmdline", "isolcpus=2-3 nohz_full=3 rcu_nocbs=3\n");
  const auto lines = run_preflight(h.inputs());
  const check_line& iso = line(lines, "isolated_cores");
  EXPECT_EQ(iso.level, check_level::warn) << dump(lines);
  EXPECT_TRUE(has(iso.detail, "cpu 2 (busy-spin) partly isolated, not in nohz_full, rcu_nocbs")) << iso.detail;
  EXPECT_EQ(print(lines).status, 0);
}

TEST(Preflight, PinnedNonBusyCpuNotIsolatedWarns) {
  fake_host h;
  h.well_tuned();
  preflight_inputs in = h.inputs();
  in.pinned_cpus = {0, 2};
  in.busy_spin_cpus = {2};
  const auto lines = run_preflight(in);
  const check_line& iso = line(lines, "isolated_cores");
  EXPECT_EQ(iso.level, check_level::warn) << dump(lines);
  EXPECT_TRUE(has(iso.detail, "cpu 0 is pinned but not isolated")) << iso.detail;
  EXPECT_EQ(print(lines).status, 0);
}

TEST(Preflight, NothingPinnedNeedsNoIsolation) {
  fake_host h;
  h.well_tuned();
  h.write("/proc/cmdline", "root=/dev/sda1\n");
  preflight_inputs in = h.inputs();
  in.pinned_cpus.clear();
  in.busy_spin_cpus.clear();
  h.governor(0, "schedutil");  // unpinned: every online CPU is inspected
  const auto lines = run_preflight(in);
  EXPECT_EQ(line(lines, "isolated_cores").level, check_level::ok) << dump(lines);
  EXPECT_EQ(line(lines, "cpus_online").level, check_level::ok);
  EXPECT_EQ(line(lines, "cpus_idle").level, check_level::ok);
  EXPECT_EQ(line(lines, "cpu_governor").level, check_level::warn);
  EXPECT_TRUE(has(line(lines, "cpu_governor").detail, "cpu 0: schedutil")) << dump(lines);
}

TEST(Preflight, ThpAlwaysWarnsNeverIsOk) {
  fake_host h;
  h.well_tuned();
  h.write("/sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n");
  auto lines = run_preflight(h.inputs());
  EXPECT_EQ(line(lines, "transparent_hugepages").level, check_level::warn) << dump(lines);
  EXPECT_TRUE(has(line(lines, "transparent_hugepages").detail, "[always]"));
  EXPECT_EQ(print(lines).status, 0);

  h.write("/sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]\n");
  lines = run_preflight(h.inputs());
  EXPECT_EQ(line(lines, "transparent_hugepages").level, check_level::ok) << dump(lines);
}

TEST(Preflight, MissingCpuFails) {
  fake_host h;
  h.well_tuned();
  preflight_inputs in = h.inputs();
  in.pinned_cpus = {2, 7};
  in.busy_spin_cpus = {2};
  const auto lines = run_preflight(in);
  const check_line& online = line(lines, "cpus_online");
  EXPECT_EQ(online.level, check_level::fail) << dump(lines);
  EXPECT_TRUE(has(online.detail, "cpu 7 pinned by the config but not online (online: 0-3)")) << online.detail;
  EXPECT_EQ(print(lines).status, 1);

  h.write("/sys/devices/system/cpu/online", "0-7\n");  // hot-plugged: now it exists
  h.governor(7, "performance");
  h.write("/proc/stat", proc_stat(8));
  h.write("/proc/cmdline", "isolcpus=2,7 nohz_full=2,7 rcu_nocbs=2,7\n");
  const auto after = run_preflight(in);
  EXPECT_EQ(line(after, "cpus_online").level, check_level::ok) << dump(after);
}

TEST(Preflight, GovernorPowersaveWarns) {
  fake_host h;
  h.well_tuned();
  h.governor(2, "powersave");
  const auto lines = run_preflight(h.inputs());
  const check_line& gov = line(lines, "cpu_governor");
  EXPECT_EQ(gov.level, check_level::warn) << dump(lines);
  EXPECT_TRUE(has(gov.detail, "cpu 2: powersave")) << gov.detail;
  EXPECT_TRUE(has(gov.detail, "cpu 3: performance")) << gov.detail;
  EXPECT_EQ(print(lines).status, 0);
}

TEST(Preflight, GovernorNotExposedWarns) {
  fake_host h;
  h.well_tuned();
  for (int c = 0; c < 4; ++c) h.remove("/sys/devices/system/cpu/cpu" + std::to_string(c) + "/cpufreq");
  const auto lines = run_preflight(h.inputs());
  const check_line& gov = line(lines, "cpu_governor");
  EXPECT_EQ(gov.level, check_level::warn) << dump(lines);
  EXPECT_TRUE(has(gov.detail, "cpus 2-3: governor not exposed")) << gov.detail;
}

TEST(Preflight, ClocksourceOtherThanTscWarns) {
  fake_host h;
  h.well_tuned();
  h.write("/sys/devices/system/clocksource/clocksource0/current_clocksource", "kvm-clock\n");
  const auto lines = run_preflight(h.inputs());
  EXPECT_EQ(line(lines, "clocksource").level, check_level::warn) << dump(lines);
  EXPECT_TRUE(has(line(lines, "clocksource").detail, "kvm-clock"));
}

TEST(Preflight, NonInvariantTscFailsForBusySpinWarnsOtherwise) {
  fake_host h;
  h.well_tuned();
  h.write("/proc/cpuinfo", cpuinfo("fpu vme tsc constant_tsc msr"));
  auto lines = run_preflight(h.inputs());
  EXPECT_EQ(line(lines, "invariant_tsc").level, check_level::fail) << dump(lines);
  EXPECT_TRUE(has(line(lines, "invariant_tsc").detail, "missing nonstop_tsc"));
  EXPECT_EQ(print(lines).status, 1);

  preflight_inputs yielding = h.inputs();
  yielding.busy_spin_cpus.clear();
  lines = run_preflight(yielding);
  EXPECT_EQ(line(lines, "invariant_tsc").level, check_level::warn) << dump(lines);
}

// The fake /proc/stat is a FIFO that serves an idle snapshot to the first
// reader and one where cpu 2 spent 90 of 100 jiffies in user time to the
// second: the two samples differ. The writer never blocks (it polls with
// O_NONBLOCK, which succeeds only while a reader has the FIFO open), so a
// check that read the file fewer times cannot hang the test.
TEST(Preflight, BusyPinnedCpuWarns) {
  fake_host h;
  h.well_tuned();
  const fs::path stat = h.file("/proc/stat");
  fs::remove(stat);
  ASSERT_EQ(::mkfifo(stat.c_str(), 0600), 0);
  std::atomic<bool> done{false};
  std::atomic<int> served{0};
  std::thread server([&] {
    const auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(1)); };
    for (const std::string& s : {proc_stat(4), proc_stat(4, 2, 90, 10)}) {
      int fd = -1;
      while ((fd = ::open(stat.c_str(), O_WRONLY | O_NONBLOCK)) < 0) {  // until a reader opens it
        if (done.load()) return;
        pause();
      }
      (void)!::write(fd, s.data(), s.size());
      ::close(fd);
      served.fetch_add(1);
      // Wait until that reader has closed it, so the next snapshot goes to the next read.
      while ((fd = ::open(stat.c_str(), O_WRONLY | O_NONBLOCK)) >= 0) {
        ::close(fd);
        if (done.load()) return;
        pause();
      }
    }
  });
  const auto lines = run_preflight(h.inputs());
  done.store(true);
  server.join();
  EXPECT_EQ(served.load(), 2);
  const check_line& idle = line(lines, "cpus_idle");
  EXPECT_EQ(idle.level, check_level::warn) << dump(lines);
  EXPECT_TRUE(has(idle.detail, "cpu 2 90 % busy")) << idle.detail;
  EXPECT_TRUE(has(idle.detail, "cpu 3 idle")) << idle.detail;
  EXPECT_EQ(print(lines).status, 0);
}

TEST(Preflight, MemlockBelowNeedWarns) {
  fake_host h;
  h.well_tuned();
  preflight_inputs in = h.inputs();
  in.memlock_bytes_needed = std::numeric_limits<std::uint64_t>::max();
  const auto lines = run_preflight(in);
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_MEMLOCK, &lim), 0);
  const check_line& m = line(lines, "memlock");
  if (lim.rlim_cur == RLIM_INFINITY) {
    EXPECT_EQ(m.level, check_level::ok) << m.detail;
    EXPECT_EQ(m.detail, "unlimited");
  } else {
    EXPECT_EQ(m.level, check_level::warn) << m.detail;
    EXPECT_TRUE(has(m.detail, "LimitMEMLOCK=infinity")) << m.detail;
  }
}

TEST(Preflight, DiskBelowMinimumFails) {
  fake_host h;
  h.well_tuned();
  preflight_inputs in = h.inputs();
  in.data_paths = {h.data_dir()};
  in.min_free_bytes = std::numeric_limits<std::uint64_t>::max() / 2;
  const auto lines = run_preflight(in);
  const check_line& d = line(lines, "disk_free");
  EXPECT_EQ(d.level, check_level::fail) << dump(lines);
  EXPECT_TRUE(has(d.detail, h.data_dir() + ": ")) << d.detail;
  EXPECT_TRUE(has(d.detail, "free, need 8388608.0 TiB")) << d.detail;
  EXPECT_EQ(print(lines).status, 1);
}

TEST(Preflight, DiskPathNotYetCreatedIsCheckedOnItsExistingParent) {
  fake_host h;
  h.well_tuned();
  preflight_inputs in = h.inputs();
  const std::string db = h.data_dir() + "/not/yet/created/tickrail.db";
  in.data_paths = {db, h.data_dir()};
  const auto lines = run_preflight(in);
  ASSERT_EQ(lines.size(), 11u) << dump(lines);
  EXPECT_EQ(lines[9].name, "disk_free");
  EXPECT_EQ(lines[9].level, check_level::ok) << dump(lines);
  EXPECT_TRUE(has(lines[9].detail, db + ": ")) << lines[9].detail;
  EXPECT_TRUE(has(lines[9].detail, " on " + h.data_dir() + " (need 1 B)")) << lines[9].detail;
  EXPECT_EQ(lines[10].level, check_level::ok);
  EXPECT_FALSE(has(lines[10].detail, " on ")) << lines[10].detail;  // exists: no parent named
}

TEST(Preflight, MalformedFilesGiveClearFindings) {
  fake_host h;
  h.well_tuned();
  h.write("/proc/cmdline", "");
  h.write("/proc/cpuinfo", std::string("\x7f\x45\x4c\x46 garbage\0\xff\xfe : :: flagsless\n", 32));
  h.write("/sys/devices/system/cpu/online", "zero-three\n");
  h.write("/sys/kernel/mm/transparent_hugepage/enabled", "sometimes\n");
  h.write("/sys/devices/system/clocksource/clocksource0/current_clocksource", "");
  h.write("/proc/stat", "cpu2 lots of time\ncpu3\n");
  const auto lines = run_preflight(h.inputs());
  ASSERT_EQ(lines.size(), 11u) << dump(lines);

  EXPECT_EQ(line(lines, "isolated_cores").level, check_level::fail) << dump(lines);
  EXPECT_TRUE(has(line(lines, "isolated_cores").detail, "/proc/cmdline is empty"));
  EXPECT_EQ(line(lines, "invariant_tsc").level, check_level::fail);
  EXPECT_TRUE(has(line(lines, "invariant_tsc").detail, "no 'flags' line"));
  EXPECT_EQ(line(lines, "cpus_online").level, check_level::fail);
  EXPECT_TRUE(has(line(lines, "cpus_online").detail, "cannot parse 'zero-three'"));
  EXPECT_EQ(line(lines, "transparent_hugepages").level, check_level::warn);
  EXPECT_TRUE(has(line(lines, "transparent_hugepages").detail, "cannot parse 'sometimes'"));
  EXPECT_EQ(line(lines, "clocksource").level, check_level::warn);
  EXPECT_TRUE(has(line(lines, "clocksource").detail, "(empty)"));
  EXPECT_EQ(line(lines, "cpus_idle").level, check_level::warn);
  EXPECT_TRUE(has(line(lines, "cpus_idle").detail, "cpus 2-3: no line in /proc/stat"));
  EXPECT_EQ(print(lines).status, 1);
}

TEST(Preflight, MalformedCpuListOnCommandLineIsReported) {
  fake_host h;
  h.well_tuned();
  h.write("/proc/cmdline", "isolcpus=two,three nohz_full=2-3 rcu_nocbs=3-2\n");
  const auto lines = run_preflight(h.inputs());
  const check_line& iso = line(lines, "isolated_cores");
  EXPECT_EQ(iso.level, check_level::warn) << dump(lines);  // nohz_full still covers both
  EXPECT_TRUE(has(iso.detail, "'isolcpus=two,three' is not a CPU list")) << iso.detail;
  EXPECT_TRUE(has(iso.detail, "'rcu_nocbs=3-2' is not a CPU list")) << iso.detail;
}

TEST(Preflight, EmptyTreeNeverClaimsOk) {
  fake_host h;  // nothing under root at all
  const auto lines = run_preflight(h.inputs());
  ASSERT_EQ(lines.size(), 11u) << dump(lines);
  for (const char* name : {"isolated_cores", "invariant_tsc", "cpus_online"}) {
    EXPECT_EQ(line(lines, name).level, check_level::fail) << dump(lines);
    EXPECT_TRUE(has(line(lines, name).detail, "cannot read")) << name;
  }
  for (const char* name : {"cpu_governor", "clocksource", "cpus_idle"}) {
    EXPECT_EQ(line(lines, name).level, check_level::warn) << dump(lines);
  }
  EXPECT_EQ(print(lines).status, 1);
}

// Random bytes in every file the checks read: every check still reports.
TEST(Preflight, RandomFileContentsNeverCrash) {
  fake_host h;
  std::mt19937 rng(20261124);
  const char* files[] = {"/proc/cmdline",
                         "/proc/cpuinfo",
                         "/proc/stat",
                         "/sys/devices/system/cpu/online",
                         "/sys/devices/system/cpu/cpu2/cpufreq/scaling_governor",
                         "/sys/devices/system/clocksource/clocksource0/current_clocksource",
                         "/sys/kernel/mm/transparent_hugepage/enabled"};
  const std::string alphabet = "0123456789,-:/ =[]\nNalisolcpunohz_fullrcu_nocbsflags\t\x01\xff";
  for (int round = 0; round < 15; ++round) {
    for (const char* f : files) {
      std::string s(rng() % 200, ' ');
      for (char& c : s) c = alphabet[rng() % alphabet.size()];
      h.write(f, s);
    }
    preflight_inputs in = h.inputs();
    in.pinned_cpus = {0, 2, 65535};
    in.busy_spin_cpus = {2};
    const auto lines = run_preflight(in);
    ASSERT_EQ(lines.size(), 11u) << dump(lines);
    EXPECT_EQ(line(lines, "cpus_online").level, check_level::fail) << dump(lines);  // 65535 is never online here
  }
}

TEST(Preflight, ParseCpuList) {
  using v = std::vector<int>;
  EXPECT_EQ(parse_cpu_list("0-3,8"), (v{0, 1, 2, 3, 8}));
  EXPECT_EQ(parse_cpu_list(" 5 \n"), (v{5}));
  EXPECT_EQ(parse_cpu_list("3,1,1-2"), (v{1, 2, 3}));
  EXPECT_EQ(parse_cpu_list("0-15:2/4"), (v{0, 1, 4, 5, 8, 9, 12, 13}));
  EXPECT_EQ(parse_cpu_list("N", 4), (v{3}));
  EXPECT_EQ(parse_cpu_list("all", 3), (v{0, 1, 2}));
  EXPECT_EQ(parse_cpu_list(""), v{});
  EXPECT_EQ(parse_cpu_list("N"), std::nullopt);
  EXPECT_EQ(parse_cpu_list("3-1"), std::nullopt);
  EXPECT_EQ(parse_cpu_list("a"), std::nullopt);
  EXPECT_EQ(parse_cpu_list("1,,2"), std::nullopt);
  EXPECT_EQ(parse_cpu_list("-1"), std::nullopt);
  EXPECT_EQ(parse_cpu_list("0-3:3/2"), std::nullopt);
  EXPECT_EQ(parse_cpu_list("99999999999"), std::nullopt);
}

TEST(Preflight, PrintFormatAndExitStatus) {
  const std::vector<check_line> lines = {{"clocksource", check_level::ok, "tsc"},
                                         {"transparent_hugepages", check_level::warn, "[always]: ..."}};
  printed p = print(lines);
  EXPECT_EQ(p.text,
            "ok    clocksource            tsc\n"
            "warn  transparent_hugepages  [always]: ...\n");
  EXPECT_EQ(p.status, 0);
  p = print({{"disk_free", check_level::fail, "/var/lib/tickrail: 1 MiB free"}});
  EXPECT_EQ(p.text, "fail  disk_free  /var/lib/tickrail: 1 MiB free\n");
  EXPECT_EQ(p.status, 1);
  EXPECT_EQ(print({}).status, 0);
}

}  // namespace
}  // namespace tickrail::engine
