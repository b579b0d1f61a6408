// bounce-parse: the dsn parser as a command-line tool. Prints one JSON object per input message.
// The output format is a contract read by checks outside the project; see README "bounce-parse".
#include "dsn/report.hpp"
#include "tools/bounce_parse_cli.hpp"
#include "tools/explain_text.hpp"
#include "tools/message_source.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace {

// JSON Lines written directly: building an nlohmann object per message and dumping it cost about
// as much as classifying the message. The output is byte for byte what nlohmann's dump(-1) gave (the
// contract in README "bounce-parse"); strings with bytes above 0x7F still go through nlohmann, so
// invalid UTF-8 is replaced exactly as before.
// How many leading bytes of `value` JSON takes as they are (printable ASCII other than '"' and
// '\\'), looked at sixteen at a time: diagnostics run to hundreds of bytes, and this scan of every
// value was most of the cost of writing the output.
std::size_t plain_prefix(std::string_view value) {
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (; value.size() - i >= 16; i += 16) {
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(value.data() + i));
        // As signed bytes, both the controls (0x00-0x1F) and the bytes above 0x7F are below 0x20.
        const __m128i special = _mm_or_si128(_mm_cmplt_epi8(c, space),
                                             _mm_or_si128(_mm_cmpeq_epi8(c, quote), _mm_cmpeq_epi8(c, backslash)));
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(special));
        if (mask != 0) return i + static_cast<std::size_t>(__builtin_ctz(mask));
    }
#endif
    for (; i < value.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(value[i]);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
    }
    return i;
}

void append_string(std::string& out, std::string_view value) {
    // Most values (addresses, codes, reasons) need no escaping at all: copied whole.
    const std::size_t plain = plain_prefix(value);
    if (plain == value.size()) {
        out.push_back('"');
        out.append(value);
        out.push_back('"');
        return;
    }
    for (unsigned char c : value) {
        if (c >= 0x80) {
            out += nlohmann::ordered_json(std::string(value))
                       .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            return;
        }
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (unsigned char c : value) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out.push_back(kHex[c >> 4]);
                    out.push_back(kHex[c & 0xF]);
                } else {
                    out.push_back(static_cast<char>(c));
                }
        }
    }
    out.push_back('"');
}

void append_field(std::string& out, std::string_view key, std::string_view value, bool null_if_empty = false) {
    out.push_back('"');
    out += key;
    out += "\":";
    if (null_if_empty && value.empty()) out += "null";
    else append_string(out, value);
}

void append_event(std::string& out, const dsn::Event& event) {
    out.push_back('{');
    append_field(out, "recipient", event.recipient);
    out.push_back(',');
    append_field(out, "action", event.action);
    out.push_back(',');
    append_field(out, "status", event.status, true);
    out.push_back(',');
    append_field(out, "reply_code", event.reply_code, true);
    out.push_back(',');
    append_field(out, "reason", event.reason);
    out.push_back(',');
    append_field(out, "type", dsn::to_string(event.type));
    out.push_back(',');
    append_field(out, "diagnostic", event.diagnostic);
    out.push_back(',');
    append_field(out, "remote_mta", event.remote_mta, true);
    out.push_back(',');
    append_field(out, "receiver", event.receiver);
    out.push_back(',');
    append_field(out, "subscriber_uuid", event.subscriber_uuid, true);
    out.push_back(',');
    append_field(out, "campaign_uuid", event.campaign_uuid, true);
    out.push_back('}');
}

void append_message_line(std::string& out, const tools::SourceMessage& message, const dsn::Report& report) {
    out.push_back('{');
    append_field(out, "file", message.label);
    out.push_back(',');
    append_field(out, "kind", dsn::to_string(report.kind));
    out += ",\"events\":[";
    for (std::size_t i = 0; i < report.events.size(); ++i) {
        if (i > 0) out.push_back(',');
        append_event(out, report.events[i]);
    }
    out.push_back(']');
    // An input that could not be read, or (never seen, but parse() reports rather than throws) one
    // the parser gave up on, is still answered by its one line, with the reason.
    const std::string& error = message.error.empty() ? report.error : message.error;
    if (!error.empty()) {
        out.push_back(',');
        append_field(out, "error", error);
    }
    out += "}\n";
}

// --forward runs in bounce-backfill (tools/bounce_backfill.cpp), which links the forwarder: next to
// this program in the build tree, else in lib/bounce-milter/ of the prefix this program was
// installed to (/usr/lib/bounce-milter/ in the package).
std::string backfill_program() {
    std::vector<std::filesystem::path> candidates;
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        candidates.push_back(self.parent_path() / "bounce-backfill");
        candidates.push_back(self.parent_path().parent_path() / "lib/bounce-milter/bounce-backfill");
    }
    candidates.push_back("/usr/lib/bounce-milter/bounce-backfill");
    for (const auto& candidate : candidates)
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    return candidates.back().string();
}

int exec_backfill(char** argv) {
    const std::string program = backfill_program();
    argv[0] = const_cast<char*>(program.c_str());
    ::execv(program.c_str(), argv);
    std::cerr << "bounce-parse: cannot run " << program << ": " << std::strerror(errno) << "\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Parse bounce messages (DSN, ARF, provider dialects) and print one JSON line per message"};
    tools::ParseCommandLine cli;
    tools::define_parse_command_line(app, cli);
    if (const int rc = tools::parse_command_line(app, cli, argc, argv); rc >= 0) return rc;
    if (cli.forward || cli.check_config) return exec_backfill(argv);
    const std::vector<std::string>& paths = cli.paths;

    bool all_answered = true;
    std::string line;
    dsn::Options options;
    options.explain = cli.explain;
    for (const auto& path : paths) {
        tools::read_messages(path, [&](tools::SourceMessage&& message) {
            dsn::Report report;
            if (message.error.empty()) report = dsn::parse(message.bytes, options);
            if (!message.error.empty() || !report.error.empty()) all_answered = false;
            line.clear();
            if (cli.explain) {
                if (!message.error.empty()) report.error = message.error;
                line = tools::explain_report(message.label, report);
            } else {
                // Invalid UTF-8 in a diagnostic must not abort the run: it is replaced.
                append_message_line(line, message, report);
            }
            std::fwrite(line.data(), 1, line.size(), stdout);
        });
    }
    std::fflush(stdout);
    return all_answered ? 0 : 1;
}
