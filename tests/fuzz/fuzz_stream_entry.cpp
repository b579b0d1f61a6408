// Fuzz target: bounce-drain's reading of a Redis stream entry (any producer may have written it)
// and the listmonk body built from the result.
// Input layout: lines alternating field name and value ("email\nu@example.org\ntype\nhard\n...").
// A value may hold repetitions "\x01<count>\x01<text>\x01" (count up to 1,000,000, the whole value up
// to 8 MiB), so that a short input reaches what only a huge entry can: a meta nested 300,000 levels
// (which once overflowed the drain's stack) is "meta\n\x01300000\x01[\x01". See stream_entry.dict.
#include "forwarder/event.hpp"
#include "forwarder/json_depth.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tools/bounce_drain_entry.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t kMaxCount = 1000000;
constexpr std::size_t kMaxValueBytes = 8u << 20;

// Expands "\x01<count>\x01<text>\x01" segments; anything malformed is kept literally.
std::string expand(std::string_view line) {
    std::string out;
    while (!line.empty()) {
        const auto start = line.find('\x01');
        out.append(line.substr(0, start));
        if (start == std::string_view::npos) break;
        line.remove_prefix(start + 1);
        const auto count_end = line.find('\x01');
        const auto text_end = count_end == std::string_view::npos ? count_end : line.find('\x01', count_end + 1);
        std::size_t count = 0;
        const auto [ptr, ec] = std::from_chars(line.data(), line.data() + (count_end == std::string_view::npos ? 0 : count_end), count);
        if (text_end == std::string_view::npos || ec != std::errc() || ptr != line.data() + count_end) {
            out.push_back('\x01');
            continue;
        }
        const std::string_view text = line.substr(count_end + 1, text_end - count_end - 1);
        count = std::min(count, kMaxCount);
        for (std::size_t i = 0; i < count && out.size() + text.size() <= kMaxValueBytes; ++i) out.append(text);
        line.remove_prefix(text_end + 1);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view rest(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> lines;
    while (!rest.empty()) {
        const auto end = rest.find('\n');
        lines.push_back(expand(rest.substr(0, end)));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    tools::StreamFields fields;
    for (std::size_t i = 0; i + 1 < lines.size(); i += 2) fields.emplace_back(lines[i], lines[i + 1]);

    const tools::DecodedEntry decoded = tools::event_from_stream_fields(fields);
    FUZZ_CHECK(decoded.event.has_value() == decoded.error.empty(), "entry both decoded and refused, or neither");
    const std::string* meta = nullptr;  // the decoder takes the last one
    for (const auto& [name, value] : fields) {
        if (name == "meta") meta = &value;
    }
    if (meta && !meta->empty() && !forwarder::json_nesting_within(*meta, tools::kMaxMetaDepth))
        FUZZ_CHECK(!decoded.event, "a meta nested past the limit was parsed");
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
