// Fuzz target: the TOML configuration loader on arbitrary text (what an operator's file may hold).
#include "conf/config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const conf::LoadResult result = conf::load_string(text, "fuzz.toml");
    // Exactly one of: a config, or at least one error; never both, never neither.
    FUZZ_CHECK((result.config != nullptr) == result.errors.empty(), "config and errors disagree");
    for (const auto& error : result.errors) {
        FUZZ_CHECK(!error.message.empty(), "error without a message");
        FUZZ_CHECK(error.line >= 0, "negative line number");
        FUZZ_CHECK(!error.to_string().empty(), "error prints as nothing");
    }
    return 0;
}
