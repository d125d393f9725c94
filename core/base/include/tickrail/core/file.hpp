// tickrail/core/file.hpp — whole-file reads for the cold path (configs,
// instrument definitions). Errors name the path.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace tickrail::core {

absl::StatusOr<std::string> read_file(const std::string& path);

// Runs `parse(text)` on a file's contents; an error is prefixed with the path.
template <typename Parse>
absl::Status parse_file(const std::string& path, Parse&& parse) {
  absl::StatusOr<std::string> text = read_file(path);
  if (!text.ok()) return text.status();
  absl::Status status = parse(*text);
  if (status.ok()) return status;
  return absl::Status(status.code(), path + ": " + std::string(status.message()));
}

}  // namespace tickrail::core
