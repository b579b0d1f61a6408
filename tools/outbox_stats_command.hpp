// `bounce-outbox stats`: its options and what it runs, kept apart from the other subcommands.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

namespace tools {

struct StatsCommand {
    std::string since = "24h";
    std::string by;
    bool json = false;
};

void add_stats_options(CLI::App& stats, StatsCommand& command);

// Prints the report; returns the exit status (2 for a bad --since).
int run_stats(const std::string& outbox_path, const StatsCommand& command, bool json, std::int64_t now_ms);

}  // namespace tools
