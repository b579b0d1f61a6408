// bounce-backfill: the --forward mode of bounce-parse (tools/backfill.cpp) as a program of its own.
// bounce-parse execs it with its own arguments, so that parsing alone never loads the forwarder's
// libraries (SQLite, libcurl, OpenSSL, hiredis and theirs): loading them cost every plain parse run
// about 25 ms of CPU, several percent of parsing thousands of messages.
#include "tools/backfill.hpp"
#include "tools/bounce_parse_cli.hpp"

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Backfill bounce messages through the outbox to the configured sinks (bounce-parse --forward)"};
    tools::ParseCommandLine cli;
    tools::define_parse_command_line(app, cli);
    if (const int rc = tools::parse_command_line(app, cli, argc, argv); rc >= 0) return rc;
    if (cli.check_config) return tools::check_backfill_config(cli.backfill.config_path);
    cli.backfill.paths = cli.paths;
    cli.backfill.timeout = std::chrono::seconds(cli.timeout_seconds);
    return tools::run_backfill(cli.backfill);
}
