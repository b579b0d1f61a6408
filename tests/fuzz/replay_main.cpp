// Runs a fuzz target's LLVMFuzzerTestOneInput over files and directories (recursively), once each.
// This is how CI replays the seed corpora with the ordinary compiler (gcc, optionally with ASan/UBSan):
// no libFuzzer needed. A missing path is reported and skipped, because the shared corpus is optional.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool replay_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A copy in its own allocation, so ASan notices any read past the end of the input.
    std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(input.empty() ? nullptr : input.data(), input.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t replayed = 0;
    bool unreadable = false;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path root(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_regular_file(root, ec)) {
            unreadable |= !replay_file(root);
            ++replayed;
            continue;
        }
        if (!std::filesystem::is_directory(root, ec)) {
            std::fprintf(stderr, "replay: %s is absent, skipped\n", root.c_str());
            continue;
        }
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root, ec)) {
            if (entry.is_regular_file()) files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());  // a stable order makes a failure reproducible by position
        for (const auto& f : files) {
            unreadable |= !replay_file(f);
            ++replayed;
        }
    }
    std::printf("replayed %zu inputs\n", replayed);
    if (replayed == 0) {
        std::fprintf(stderr, "replay: no inputs found: the seed corpus is missing\n");
        return 1;
    }
    return unreadable ? 1 : 0;
}
