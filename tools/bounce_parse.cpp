// bounce-parse: the dsn parser as a command-line tool. Prints one JSON object per input message.
// The output format is a contract read by checks outside the project; see README "bounce-parse".
#include "dsn/report.hpp"
#include "tools/backfill.hpp"
#include "tools/message_source.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// JSON Lines written directly: building an nlohmann object per message and dumping it cost about
// as much as classifying the message. The output is byte for byte what nlohmann's dump(-1) gave (the
// contract in README "bounce-parse"); strings with bytes above 0x7F still go through nlohmann, so
// invalid UTF-8 is replaced exactly as before.
void append_string(std::string& out, std::string_view value) {
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

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Parse bounce messages (DSN, ARF, provider dialects) and print one JSON line per message"};
    std::vector<std::string> paths;
    bool json = true;
    app.add_flag("--json", json, "Print JSON Lines (the default and only format)");
    app.add_option("paths", paths, "Message files, directories, mbox files, or - for stdin")->required();
    // Backfill mode (tools/backfill.cpp): forward instead of printing.
    tools::BackfillOptions backfill;
    bool forward = false;
    int timeout_seconds = 0;
    auto* forward_flag = app.add_flag("--forward", forward,
                                      "Feed the bounces through the outbox to the sinks of -c CONFIG and wait for delivery");
    app.add_option("-c,--config", backfill.config_path, "Configuration for --forward ([outbox] and sinks)")
        ->needs(forward_flag);
    app.add_option("--timeout", timeout_seconds, "With --forward: stop waiting for delivery after this many seconds")
        ->needs(forward_flag);
    app.add_flag("!--no-progress", backfill.progress, "With --forward: no progress line even on a terminal");
    CLI11_PARSE(app, argc, argv);
    if (forward) {
        if (backfill.config_path.empty()) {
            std::cerr << "bounce-parse: --forward needs -c CONFIG\n";
            return 2;
        }
        backfill.paths = paths;
        backfill.timeout = std::chrono::seconds(timeout_seconds);
        return tools::run_backfill(backfill);
    }

    bool all_answered = true;
    std::string line;
    for (const auto& path : paths) {
        tools::read_messages(path, [&](tools::SourceMessage&& message) {
            dsn::Report report;
            if (message.error.empty()) report = dsn::parse(message.bytes);
            if (!message.error.empty() || !report.error.empty()) all_answered = false;
            // Invalid UTF-8 in a diagnostic must not abort the run: it is replaced.
            line.clear();
            append_message_line(line, message, report);
            std::fwrite(line.data(), 1, line.size(), stdout);
        });
    }
    std::fflush(stdout);
    return all_answered ? 0 : 1;
}
