// tickrail/core/capture_reader.hpp — reads raw-frame captures: one frame per
// line, `<local receive time, ns since epoch> <frame>`, gzip or plain (the
// format of ../shared/data and of tickrail's own captures).
//
// Lines that are bare JSON (JSONL, starting with '{' or '[') are frames with
// receive time 0, so recorded message files read the same way.
//
// Cold/offline path (tools, tests, benches, the latency harness's loader):
// lines of any length, a reused line buffer. Malformed lines (no timestamp)
// are skipped and counted, never fatal.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace tickrail::core {

class capture_reader {
 public:
  static absl::StatusOr<std::unique_ptr<capture_reader>> open(const std::string& path);
  ~capture_reader();
  capture_reader(const capture_reader&) = delete;
  capture_reader& operator=(const capture_reader&) = delete;

  // The next well-formed record; false at the end of the file (or on a read
  // error: see error()). `frame` is valid until the next call.
  bool next(std::int64_t& recv_ns, std::string_view& frame);

  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }
  [[nodiscard]] std::uint64_t malformed() const noexcept { return malformed_; }
  // Empty unless reading failed part-way (e.g. a truncated gzip stream).
  [[nodiscard]] const std::string& error() const noexcept { return error_; }

 private:
  explicit capture_reader(void* file) : file_(file) {}
  bool read_line();

  void* file_;  // gzFile
  std::string line_;
  std::uint64_t records_ = 0;
  std::uint64_t malformed_ = 0;
  std::string error_;
};

}  // namespace tickrail::core
