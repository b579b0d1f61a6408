// How `bounce-outbox stats` shows a StatsReport: an aligned table for people, one JSON document for
// scripts. Both carry the same figures; the JSON adds the per-type split of every row.
#include "tools/outbox_stats.hpp"

#include "forwarder/clock.hpp"
#include "forwarder/event.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace tools {
namespace {

std::string when(std::int64_t epoch_ms) {
    return forwarder::rfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(epoch_ms)));
}

// Whole days from two days on; a window of one day reads "24h", as the default --since is written.
std::string window_text(std::int64_t ms) {
    const std::int64_t s = ms / 1000;
    if (s % 86400 == 0 && s >= 2 * 86400) return std::to_string(s / 86400) + "d";
    if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
    if (s % 60 == 0) return std::to_string(s / 60) + "m";
    return std::to_string(s) + "s";
}

std::string signed_change(std::uint64_t now, std::uint64_t before) {
    if (now >= before) return "+" + std::to_string(now - before);
    return "-" + std::to_string(before - now);
}

std::string one_line(std::string text, std::size_t width) {
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (text.size() > width) text = text.substr(0, width - 3) + "...";
    return text;
}

nlohmann::json counts_json(const StatsCounts& c) {
    return {{"total", c.total}, {"hard", c.hard}, {"soft", c.soft}, {"complaint", c.complaint},
            {"reputation", c.reputation}};
}

void append_line(std::string& out, const char* format, auto... args) {
    char buffer[512];
    const int n = std::snprintf(buffer, sizeof buffer, format, args...);
    if (n > 0) out.append(buffer, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buffer - 1));
}

}  // namespace

std::string stats_table(const StatsReport& report) {
    std::string out;
    const std::string window = window_text(report.until_ms - report.since_ms);
    out += "bounces from " + when(report.since_ms) + " to " + when(report.until_ms) + " (" + window +
           "), BEFORE = the " + window + " from " + when(report.previous_since_ms) + "\n\n";
    append_line(out, "%-11s %8s %8s %8s\n", "", "NOW", "BEFORE", "CHANGE");
    const std::pair<const char*, std::uint64_t StatsCounts::*> totals[] = {
        {"total", &StatsCounts::total},     {"hard", &StatsCounts::hard},
        {"soft", &StatsCounts::soft},       {"complaint", &StatsCounts::complaint},
        {"reputation", &StatsCounts::reputation},
    };
    for (const auto& [name, field] : totals) {
        append_line(out, "%-11s %8llu %8llu %8s\n", name, static_cast<unsigned long long>(report.current.*field),
                    static_cast<unsigned long long>(report.previous.*field),
                    signed_change(report.current.*field, report.previous.*field).c_str());
    }
    if (report.rows.empty()) {
        out += "\nno bounces in either window\n";
        return out;
    }

    std::vector<std::size_t> widths;
    for (const std::string& column : report.columns) widths.push_back(column.size());
    for (const StatsRow& row : report.rows)
        for (std::size_t i = 0; i < row.key.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row.key[i].size());
    auto key_cells = [&widths](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t i = 0; i < widths.size(); ++i) {
            std::string cell = i < cells.size() ? cells[i] : "";
            cell.resize(widths[i], ' ');
            line += cell + "  ";
        }
        return line;
    };
    std::vector<std::string> headers;
    for (const std::string& column : report.columns) {
        std::string upper = column;
        for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        headers.push_back(upper);
    }
    out += "\n" + key_cells(headers);
    append_line(out, "%8s %8s %8s %10s\n", "NOW", "BEFORE", "CHANGE", "REPUTATION");
    for (const StatsRow& row : report.rows) {
        out += key_cells(row.key);
        append_line(out, "%8llu %8llu %8s %10llu%s\n", static_cast<unsigned long long>(row.current.total),
                    static_cast<unsigned long long>(row.previous.total),
                    signed_change(row.current.total, row.previous.total).c_str(),
                    static_cast<unsigned long long>(row.current.reputation), row.flagged ? "  <- reputation" : "");
        for (const std::string& sample : row.samples) out += "    > " + one_line(sample, 200) + "\n";
    }
    out += "\nreputation reasons:";
    for (std::string_view reason : reputation_reasons()) out += " " + std::string(reason);
    out += " (what to do: docs/deliverability.md)\n";
    return out;
}

std::string stats_json(const StatsReport& report) {
    nlohmann::json rows = nlohmann::json::array();
    for (const StatsRow& row : report.rows) {
        nlohmann::json j = nlohmann::json::object();
        for (std::size_t i = 0; i < report.columns.size() && i < row.key.size(); ++i) j[report.columns[i]] = row.key[i];
        j["current"] = counts_json(row.current);
        j["previous"] = counts_json(row.previous);
        j["flagged"] = row.flagged;
        j["samples"] = row.samples;
        rows.push_back(std::move(j));
    }
    nlohmann::json reasons = nlohmann::json::array();
    for (std::string_view reason : reputation_reasons()) reasons.push_back(std::string(reason));
    const nlohmann::json doc = {{"since", when(report.since_ms)},
                                {"until", when(report.until_ms)},
                                {"previous_since", when(report.previous_since_ms)},
                                {"window_seconds", (report.until_ms - report.since_ms) / 1000},
                                {"group_by", report.columns},
                                {"reputation_reasons", reasons},
                                {"current", counts_json(report.current)},
                                {"previous", counts_json(report.previous)},
                                {"rows", rows}};
    return forwarder::dump_json(doc) + "\n";
}

}  // namespace tools
