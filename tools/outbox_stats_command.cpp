#include "tools/outbox_stats_command.hpp"

#include "tools/outbox_stats.hpp"

#include <iostream>

namespace tools {

void add_stats_options(CLI::App& stats, StatsCommand& command) {
    stats.add_option("--since", command.since, "window length ending now: 90m, 24h, 7d, 2w (default 24h)");
    stats.add_option("--by", command.by, "one row per receiver, reason or campaign (default: receiver, reason and type)")
        ->check(CLI::IsMember({"receiver", "reason", "campaign"}));
    stats.add_flag("--json", command.json, "one JSON document with the same figures");
}

int run_stats(const std::string& outbox_path, const StatsCommand& command, bool json, std::int64_t now_ms) {
    const auto window = parse_window(command.since);
    if (!window) {
        std::cerr << "bounce-outbox: --since wants a number and a unit (s, m, h, d, w), e.g. 24h; got \""
                  << command.since << "\"\n";
        return 2;
    }
    StatsQuery query;
    query.until_ms = now_ms;
    query.window_ms = *window;
    if (command.by == "receiver") query.grouping = StatsGrouping::receiver;
    else if (command.by == "reason") query.grouping = StatsGrouping::reason;
    else if (command.by == "campaign") query.grouping = StatsGrouping::campaign;
    const StatsReport report = outbox_stats(outbox_path, query);
    std::cout << (json || command.json ? stats_json(report) : stats_table(report));
    return 0;
}

}  // namespace tools
