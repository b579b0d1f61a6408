// The command line of bounce-parse. bounce-backfill, which runs its --forward mode, reads the same
// arguments, so both programs define them here.
#pragma once

#include "conf/command_line.hpp"
#include "tools/backfill.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

namespace tools {

struct ParseCommandLine {
    std::vector<std::string> paths;
    bool json = true;
    bool forward = false;
    bool check_config = false;  // of the --forward configuration
    bool explain = false;
    int timeout_seconds = 0;
    BackfillOptions backfill;
};

inline void define_parse_command_line(CLI::App& app, ParseCommandLine& cli) {
    app.add_flag("--json", cli.json, "Print JSON Lines (the default and only format)");
    // Required unless --check-config; checked by parse_command_line (CLI11 cannot say "unless").
    app.add_option("paths", cli.paths, "Message files, directories, mbox files, or - for stdin");
    app.add_flag("--explain", cli.explain,
                 "Print, as text instead of JSON, the evidence and rules that decided each event's "
                 "recipient, reason and type");
    // Backfill mode (tools/backfill.cpp): forward instead of printing.
    auto* forward_flag = app.add_flag("--forward", cli.forward,
                                      "Feed the bounces through the outbox to the sinks of -c CONFIG and wait for delivery");
    app.add_option("-c,--config", cli.backfill.config_path,
                   "Configuration for --forward ([outbox] and sinks; default: /etc/bounce-milter/bounce-milter.toml)");
    app.add_flag("--check-config", cli.check_config,
                 "Validate the --forward configuration (-c), print every error, exit 0/1");
    app.add_option("--timeout", cli.timeout_seconds, "With --forward: stop waiting for delivery after this many seconds")
        ->needs(forward_flag);
    app.add_flag("!--no-progress", cli.backfill.progress, "With --forward: no progress line even on a terminal");
    command_line::add_version(app, "bounce-parse");
}

// Parses argv into `cli`. Returns -1 to go on, else the exit status (0 --help/--version, 2 usage error).
inline int parse_command_line(CLI::App& app, ParseCommandLine& cli, int argc, char** argv) {
    if (const int rc = command_line::parse(app, argc, argv); rc >= 0) return rc;
    if (cli.paths.empty() && !cli.check_config) {
        std::cerr << "paths is required\nRun with --help for more information.\n";
        return 2;
    }
    if (cli.backfill.config_path.empty()) cli.backfill.config_path = "/etc/bounce-milter/bounce-milter.toml";
    return -1;
}

}  // namespace tools
