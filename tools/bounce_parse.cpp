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
#include <vector>

namespace {

nlohmann::ordered_json null_if_empty(const std::string& value) {
    return value.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(value);
}

nlohmann::ordered_json event_json(const dsn::Event& event) {
    return {
        {"recipient", event.recipient},
        {"action", event.action},
        {"status", null_if_empty(event.status)},
        {"reply_code", null_if_empty(event.reply_code)},
        {"reason", event.reason},
        {"type", dsn::to_string(event.type)},
        {"diagnostic", event.diagnostic},
        {"remote_mta", null_if_empty(event.remote_mta)},
        {"subscriber_uuid", null_if_empty(event.subscriber_uuid)},
        {"campaign_uuid", null_if_empty(event.campaign_uuid)},
    };
}

nlohmann::ordered_json message_json(const tools::SourceMessage& message, const dsn::Report& report) {
    nlohmann::ordered_json out = {{"file", message.label}, {"kind", dsn::to_string(report.kind)}};
    auto events = nlohmann::ordered_json::array();
    for (const auto& event : report.events) events.push_back(event_json(event));
    out["events"] = std::move(events);
    if (!message.error.empty()) out["error"] = message.error;
    return out;
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

    bool all_read = true;
    for (const auto& path : paths) {
        tools::read_messages(path, [&](tools::SourceMessage&& message) {
            dsn::Report report;
            if (message.error.empty()) {
                report = dsn::parse(message.bytes);
            } else {
                all_read = false;
            }
            // Invalid UTF-8 in a diagnostic must not abort the run: replace it.
            std::string line = message_json(message, report)
                                   .dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
            std::fwrite(line.data(), 1, line.size(), stdout);
            std::fputc('\n', stdout);
        });
    }
    std::fflush(stdout);
    return all_read ? 0 : 1;
}
