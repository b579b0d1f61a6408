// Fuzz target: bounce-drain's reading of a Redis stream entry (any producer may have written it)
// and the listmonk body built from the result.
// Input layout: lines alternating field name and value ("email\nu@example.org\ntype\nhard\n...").
#include "forwarder/event.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tools/bounce_drain_entry.hpp"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> lines;
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        lines.emplace_back(rest.substr(0, end));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    tools::StreamFields fields;
    for (std::size_t i = 0; i + 1 < lines.size(); i += 2) fields.emplace_back(lines[i], lines[i + 1]);

    const tools::DecodedEntry decoded = tools::event_from_stream_fields(fields);
    FUZZ_CHECK(decoded.event.has_value() == decoded.error.empty(), "entry both decoded and refused, or neither");
    if (!decoded.event) return 0;
    FUZZ_CHECK(!decoded.event->idempotency_key.empty(), "decoded entry without an idempotency key");
    try {
        const std::string body = forwarder::dump_json(forwarder::listmonk_body(*decoded.event));
        FUZZ_CHECK(!body.empty() && body.front() == '{', "listmonk body is not a JSON object");
    } catch (...) {
        FUZZ_CHECK(false, "building the listmonk body threw");
    }
    return 0;
}
