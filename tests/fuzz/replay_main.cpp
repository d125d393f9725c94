// Replays a seed corpus through a fuzz target when libFuzzer is not in the
// build (GCC builds): every file named on the command line, or found in a
// directory named there, is passed once to LLVMFuzzerTestOneInput. A crash
// or sanitizer report fails the ctest; so does a named path that cannot be
// read (a seed file that is named must exist: a moved data file or a mistyped
// path fails loudly instead of shrinking the replay) and finding no input at
// all.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool run_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t inputs = 0;
  std::size_t unreadable = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (!entry.is_regular_file()) continue;
        if (run_file(entry.path())) {
          ++inputs;
        } else {
          ++unreadable;
        }
      }
    } else if (run_file(arg)) {
      ++inputs;
    } else {
      ++unreadable;
    }
  }
  std::printf("replay: %zu inputs, %zu unreadable\n", inputs, unreadable);
  if (unreadable > 0) {
    std::fprintf(stderr, "replay: FAILED: %zu named inputs could not be read\n", unreadable);
    return 1;
  }
  if (inputs == 0) {
    std::fprintf(stderr, "replay: FAILED: no input found\n");
    return 1;
  }
  return 0;
}
