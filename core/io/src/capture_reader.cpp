#include "tickrail/core/capture_reader.hpp"

#include <zlib.h>

#include <charconv>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace tickrail::core {

absl::StatusOr<std::unique_ptr<capture_reader>> capture_reader::open(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");  // reads plain files transparently
  if (file == nullptr) return absl::NotFoundError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  gzbuffer(file, 1 << 17);
  return std::unique_ptr<capture_reader>(new capture_reader(file));
}

capture_reader::~capture_reader() { gzclose(static_cast<gzFile>(file_)); }

bool capture_reader::read_line() {
  line_.clear();
  char chunk[1 << 16];
  while (true) {
    if (gzgets(static_cast<gzFile>(file_), chunk, sizeof(chunk)) == nullptr) {
      int code = 0;
      const char* message = gzerror(static_cast<gzFile>(file_), &code);
      if (code != Z_OK && code != Z_STREAM_END) error_ = message;
      return !line_.empty();
    }
    const std::size_t n = std::strlen(chunk);
    line_.append(chunk, n);
    if (n > 0 && chunk[n - 1] == '\n') {
      line_.pop_back();
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      return true;
    }
  }
}

bool capture_reader::next(std::int64_t& recv_ns, std::string_view& frame) {
  while (read_line()) {
    if (line_.empty()) continue;
    if (line_[0] == '{' || line_[0] == '[') {  // a bare JSON frame (JSONL): no receive time
      recv_ns = 0;
      frame = line_;
      ++records_;
      return true;
    }
    const char* begin = line_.data();
    const char* end = begin + line_.size();
    const auto [ptr, ec] = std::from_chars(begin, end, recv_ns);
    if (ec != std::errc() || ptr == end || *ptr != ' ') {
      ++malformed_;
      continue;
    }
    frame = std::string_view(ptr + 1, static_cast<std::size_t>(end - ptr - 1));
    ++records_;
    return true;
  }
  return false;
}

}  // namespace tickrail::core
