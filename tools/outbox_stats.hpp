// Deliverability figures from the outbox: bounces in a time window grouped by receiver family,
// reason, type or campaign, beside the window just before it, with the reasons that point at the
// sender's reputation (not at the subscriber) flagged and a few of the receivers' own replies.
// What `bounce-outbox stats` prints; reads the outbox through its own connection, so it works on
// a live outbox.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tools {

enum class StatsGrouping { receiver_reason_type, receiver, reason, campaign };

struct StatsQuery {
    std::int64_t until_ms = 0;   // window end (exclusive)
    std::int64_t window_ms = 0;  // window length; the previous window is as long and ends at its start
    StatsGrouping grouping = StatsGrouping::receiver_reason_type;
    std::size_t samples_per_row = 2;  // reply texts kept per flagged row
};

struct StatsCounts {
    std::uint64_t total = 0;
    std::uint64_t hard = 0;
    std::uint64_t soft = 0;
    std::uint64_t complaint = 0;
    std::uint64_t reputation = 0;  // events whose reason is a reputation reason
};

struct StatsRow {
    // The grouping's columns, in order: receiver, reason, type (default); receiver; reason; campaign.
    std::vector<std::string> key;
    StatsCounts current;
    StatsCounts previous;
    bool flagged = false;               // reputation events in the current window
    std::vector<std::string> samples;   // distinct replies of those events, newest first
};

struct StatsReport {
    std::int64_t since_ms = 0;
    std::int64_t until_ms = 0;
    std::int64_t previous_since_ms = 0;
    std::vector<std::string> columns;  // names of StatsRow::key's parts
    StatsCounts current;
    StatsCounts previous;
    std::vector<StatsRow> rows;        // most current events first
};

// Reasons that mean "the receiver does not trust this sender" (its IP, domain, authentication, rate
// or content), as opposed to a problem with one subscriber's address. docs/deliverability.md says
// what each means; packaging/prometheus/bounce-milter.rules.yml alerts on the same list.
bool is_reputation_reason(std::string_view reason);
const std::vector<std::string_view>& reputation_reasons();

// "24h", "90m", "7d", "2w", "3600s" -> milliseconds; nullopt for anything else (or zero).
std::optional<std::int64_t> parse_window(std::string_view text);

// Throws forwarder::OutboxError when the outbox cannot be read.
StatsReport outbox_stats(const std::string& outbox_path, const StatsQuery& query);

// The report as a table for people, and as one JSON document with the same numbers.
std::string stats_table(const StatsReport& report);
std::string stats_json(const StatsReport& report);

}  // namespace tools
