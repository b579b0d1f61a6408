#include "dsn/header_clip.hpp"

namespace dsn {
namespace {

// Walks the lines of the message and tells, for each, how many of its bytes to keep. Every line is
// metered as if it were a header line: header blocks appear not only at the top and after MIME
// boundaries but also inside returned messages (message/rfc822), without a marker a line scan can
// see. In a body this only cuts a run of indented lines beyond the limit, which no bounce needs.
class FieldMeter {
public:
    explicit FieldMeter(std::size_t limit) : limit_(limit) {}

    // Bytes of `line` (without its LF) to keep; npos keeps all.
    std::size_t keep(std::string_view line) {
        if (line.empty()) {
            field_ = 0;
            return std::string_view::npos;
        }
        const bool continuation = line.front() == ' ' || line.front() == '\t';
        if (!continuation) field_ = 0;
        const std::size_t room = field_ >= limit_ ? 0 : limit_ - field_;
        field_ += line.size();
        if (line.size() <= room) return std::string_view::npos;
        // A continuation with no room left goes entirely; a field's first line keeps its name.
        return continuation && room == 0 ? 0 : room;
    }

private:
    std::size_t limit_;
    std::size_t field_ = 0;
};

template <typename Visit>
void for_each_line(std::string_view message, Visit visit) {
    std::size_t at = 0;
    while (at < message.size()) {
        std::size_t end = message.find('\n', at);
        const bool has_lf = end != std::string_view::npos;
        if (!has_lf) end = message.size();
        visit(message.substr(at, end - at), has_lf);
        at = end + 1;
    }
}

}  // namespace

std::optional<std::string> clip_long_header_fields(std::string_view message, std::size_t limit) {
    // Most messages are smaller than the limit, so none of their fields can exceed it; for the rest
    // a first pass without copying finds whether any does.
    if (message.size() <= limit) return std::nullopt;
    bool needed = false;
    {
        FieldMeter meter(limit);
        for_each_line(message, [&](std::string_view line, bool) {
            if (!needed && meter.keep(line) != std::string_view::npos) needed = true;
        });
    }
    if (!needed) return std::nullopt;
    std::string out;
    out.reserve(message.size());
    FieldMeter meter(limit);
    for_each_line(message, [&](std::string_view line, bool has_lf) {
        const std::size_t keep = meter.keep(line);
        if (keep == 0) return;  // a whole continuation line beyond the limit
        out.append(line.substr(0, keep));
        if (has_lf) out.push_back('\n');
    });
    return out;
}

}  // namespace dsn
