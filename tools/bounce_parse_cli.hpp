// The command line of bounce-parse. bounce-backfill, which runs its --forward mode, reads the same
// arguments, so both programs define them here.
#pragma once

#include "tools/backfill.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace tools {

struct ParseCommandLine {
    std::vector<std::string> paths;
    bool json = true;
    bool forward = false;
    bool explain = false;
    int timeout_seconds = 0;
    BackfillOptions backfill;
};

inline void define_parse_command_line(CLI::App& app, ParseCommandLine& cli) {
    app.add_flag("--json", cli.json, "Print JSON Lines (the default and only format)");
    app.add_option("paths", cli.paths, "Message files, directories, mbox files, or - for stdin")->required();
    app.add_flag("--explain", cli.explain,
                 "Print, as text instead of JSON, the evidence and rules that decided each event's "
                 "recipient, reason and type");
    // Backfill mode (tools/backfill.cpp): forward instead of printing.
    auto* forward_flag = app.add_flag("--forward", cli.forward,
                                      "Feed the bounces through the outbox to the sinks of -c CONFIG and wait for delivery");
    app.add_option("-c,--config", cli.backfill.config_path, "Configuration for --forward ([outbox] and sinks)")
        ->needs(forward_flag);
    app.add_option("--timeout", cli.timeout_seconds, "With --forward: stop waiting for delivery after this many seconds")
        ->needs(forward_flag);
    app.add_flag("!--no-progress", cli.backfill.progress, "With --forward: no progress line even on a terminal");
}

}  // namespace tools
