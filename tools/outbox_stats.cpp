#include "tools/outbox_stats.hpp"

#include "forwarder/sqlite_db.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <tuple>

namespace tools {
namespace {

// Sisimai's vocabulary. "rejected" (the envelope sender refused) and "policyviolation" (the
// receiver's policy refused the message) are counted too: both are about the sender, and a list
// that treats them as the subscriber's fault suppresses good addresses.
const std::vector<std::string_view> kReputationReasons = {
    "blocked",     "spamdetected", "badreputation", "authfailure",    "requireptr",
    "toomanyconn", "speeding",     "rejected",      "policyviolation",
};

void count(StatsCounts& counts, const std::string& type, bool reputation) {
    ++counts.total;
    if (type == "hard") ++counts.hard;
    else if (type == "complaint") ++counts.complaint;
    else ++counts.soft;
    if (reputation) ++counts.reputation;
}

std::vector<std::string> columns_of(StatsGrouping grouping) {
    switch (grouping) {
        case StatsGrouping::receiver: return {"receiver"};
        case StatsGrouping::reason: return {"reason"};
        case StatsGrouping::campaign: return {"campaign"};
        case StatsGrouping::receiver_reason_type: break;
    }
    return {"receiver", "reason", "type"};
}

std::string or_dash(std::string value) { return value.empty() ? "-" : value; }

}  // namespace

const std::vector<std::string_view>& reputation_reasons() { return kReputationReasons; }

bool is_reputation_reason(std::string_view reason) {
    return std::find(kReputationReasons.begin(), kReputationReasons.end(), reason) != kReputationReasons.end();
}

std::optional<std::int64_t> parse_window(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    std::int64_t unit_ms = 0;
    switch (text.back()) {
        case 's': unit_ms = 1000; break;
        case 'm': unit_ms = 60'000; break;
        case 'h': unit_ms = 3'600'000; break;
        case 'd': unit_ms = 86'400'000; break;
        case 'w': unit_ms = 7 * 86'400'000LL; break;
        default: return std::nullopt;
    }
    const std::string_view digits = text.substr(0, text.size() - 1);
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    // Up to about 100 years: the previous window must still start after year 1800 in epoch ms.
    if (ec != std::errc{} || end != digits.data() + digits.size() || n <= 0 || n > 36'500LL * 86'400'000 / unit_ms)
        return std::nullopt;
    return n * unit_ms;
}

StatsReport outbox_stats(const std::string& outbox_path, const StatsQuery& query) {
    StatsReport report;
    report.until_ms = query.until_ms;
    report.since_ms = query.until_ms - query.window_ms;
    report.previous_since_ms = report.since_ms - query.window_ms;
    report.columns = columns_of(query.grouping);

    forwarder::sqlite::Connection db(outbox_path, 15000);
    // Newest first, so the replies kept per row are the latest ones.
    forwarder::sqlite::Statement s(db,
                                   "SELECT bounced, receiver, json_extract(body, '$.meta.reason'), "
                                   "json_extract(body, '$.type'), json_extract(body, '$.campaign_uuid'), "
                                   "json_extract(body, '$.meta.diagnostic') FROM events "
                                   "WHERE bounced >= ?1 AND bounced < ?2 ORDER BY bounced DESC, id DESC");
    s.bind(1, report.previous_since_ms).bind(2, report.until_ms);
    std::map<std::vector<std::string>, StatsRow> rows;
    while (s.step()) {
        const bool current = s.int64(0) >= report.since_ms;
        const std::string receiver = or_dash(s.text(1));
        const std::string reason = or_dash(s.text(2));
        const std::string type = or_dash(s.text(3));
        const bool reputation = is_reputation_reason(reason);
        std::vector<std::string> key;
        switch (query.grouping) {
            case StatsGrouping::receiver: key = {receiver}; break;
            case StatsGrouping::reason: key = {reason}; break;
            case StatsGrouping::campaign: key = {or_dash(s.text(4))}; break;
            case StatsGrouping::receiver_reason_type: key = {receiver, reason, type}; break;
        }
        StatsRow& row = rows[key];
        if (row.key.empty()) row.key = key;
        count(current ? row.current : row.previous, type, reputation);
        count(current ? report.current : report.previous, type, reputation);
        if (!current || !reputation) continue;
        row.flagged = true;
        const std::string diagnostic = s.text(5);
        if (!diagnostic.empty() && row.samples.size() < query.samples_per_row &&
            std::find(row.samples.begin(), row.samples.end(), diagnostic) == row.samples.end())
            row.samples.push_back(diagnostic);
    }
    for (auto& [key, row] : rows) report.rows.push_back(std::move(row));
    std::sort(report.rows.begin(), report.rows.end(), [](const StatsRow& a, const StatsRow& b) {
        return std::tie(b.current.total, b.previous.total, a.key) < std::tie(a.current.total, a.previous.total, b.key);
    });
    return report;
}

}  // namespace tools
