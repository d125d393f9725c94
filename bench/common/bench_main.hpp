// bench/common/bench_main.hpp — what every tickrail micro bench shares:
// machine context (CPU model, cores) in the output, repetitions randomly
// interleaved by default (on a shared VM drift then lands on every
// competitor alike), and a closing table of ratios of median times, so each
// bench reports its competitors side by side from the same run.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace tickrail::bench {

inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown";
}

// time(numerator) / time(denominator), medians of real time per iteration.
// Name benchmarks by what ->Name() was given.
struct ratio {
  std::string label;
  std::string numerator;
  std::string denominator;
};

class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  ratio_reporter(std::vector<ratio> ratios, std::string context)
      : ratios_(std::move(ratios)), context_(std::move(context)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        medians_ns_[run.run_name.function_name] = run.GetAdjustedRealTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nratios of median times (cpu: %s, %u cores%s%s)\n", cpu_model().c_str(),
                std::thread::hardware_concurrency(), context_.empty() ? "" : ", ", context_.c_str());
    for (const ratio& r : ratios_) {
      const double n = medians_ns_[r.numerator];
      const double d = medians_ns_[r.denominator];
      if (n > 0 && d > 0) {
        std::printf("  %-44s %10.1f / %10.1f = %6.2fx\n", r.label.c_str(), n, d, n / d);
      }
    }
  }

 private:
  std::vector<ratio> ratios_;
  std::string context_;
  std::map<std::string, double> medians_ns_;
};

// Runs the registered benchmarks with `ratios` printed last. Arguments are
// Google Benchmark's; repetitions are interleaved unless the caller says
// otherwise.
inline int run(int argc, char** argv, std::vector<ratio> ratios, const std::string& context = "") {
  std::vector<char*> args(argv, argv + argc);
  bool interleave_given = false;
  for (char* a : args) {
    if (std::strncmp(a, "--benchmark_enable_random_interleaving", 38) == 0) interleave_given = true;
  }
  static char interleave[] = "--benchmark_enable_random_interleaving=true";
  if (!interleave_given) args.push_back(interleave);
  int n = static_cast<int>(args.size());
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("cores", std::to_string(std::thread::hardware_concurrency()));
  if (!context.empty()) benchmark::AddCustomContext("setup", context);
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
  ratio_reporter reporter(std::move(ratios), context);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace tickrail::bench
