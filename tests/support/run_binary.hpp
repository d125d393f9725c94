// Runs a tool binary as the operator would (through the shell, under a
// `timeout`), capturing stdout and stderr together: the CLI tests of
// tickrail-gateway and tickrail-record.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace tickrail::test {

struct run_result {
  int status = -1;  // exit status; -1 when it did not exit normally
  std::string output;
};

inline run_result run_binary(const std::string& binary, const std::string& args, int timeout_s = 60) {
  const std::string cmd = "timeout " + std::to_string(timeout_s) + " " + binary + " " + args + " 2>&1";
  run_result r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) r.output += buf.data();
  const int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace tickrail::test
