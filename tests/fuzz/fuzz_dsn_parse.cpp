// Fuzz target: dsn::parse on raw message bytes (what the milter and bounce-parse feed it).
// Beyond "no crash, no sanitizer report", checks the report's documented shape.
#include "dsn/report.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view message(reinterpret_cast<const char*>(data), size);
    const dsn::Report report = dsn::parse(message);
    FUZZ_CHECK(dsn::to_string(report.kind) != nullptr, "unnamed report kind");
    if (report.kind == dsn::Kind::none || !report.error.empty()) {
        FUZZ_CHECK(report.events.empty(), "events reported for a message that is not a bounce");
    }
    for (const auto& event : report.events) {
        FUZZ_CHECK(dsn::to_string(event.type) != nullptr, "unnamed bounce type");
        FUZZ_CHECK(event.diagnostic.find_first_of("\r\n") == std::string::npos, "diagnostic spans lines");
    }
    return 0;
}
