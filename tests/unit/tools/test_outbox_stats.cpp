// `bounce-outbox stats`: windows, grouping, reputation flags and reply samples over a real outbox,
// and the table and the JSON telling the same numbers.
#include "forwarder/clock.hpp"
#include "forwarder/outbox.hpp"
#include "tools/outbox_stats.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <unistd.h>

using namespace tools;

namespace {

constexpr std::int64_t kHour = 3'600'000;
constexpr std::int64_t kNow = 1'796'000'000'000;  // 2026-11-29T23:33:20Z

struct TempOutbox {
    std::string path;
    TempOutbox() {
        std::string pattern = (std::filesystem::temp_directory_path() / "bounce-stats-XXXXXX").string();
        REQUIRE(mkdtemp(pattern.data()));
        path = pattern + "/outbox.sqlite";
    }
    ~TempOutbox() {
        std::error_code ec;
        std::filesystem::remove_all(std::filesystem::path(path).parent_path(), ec);
    }
};

int serial = 0;

forwarder::Event bounce(std::int64_t hours_ago, const std::string& receiver, const std::string& reason,
                        const std::string& type, const std::string& diagnostic = "", const std::string& campaign = "") {
    forwarder::Event e;
    e.idempotency_key = "k" + std::to_string(++serial);
    e.email = "r" + std::to_string(serial) + "@example.org";
    e.type = type;
    e.source = "test";
    e.campaign_uuid = campaign;
    e.created_at = forwarder::rfc3339(std::chrono::system_clock::time_point(
        std::chrono::milliseconds(kNow - hours_ago * kHour - 60'000)));
    e.meta = {{"receiver", receiver}, {"reason", reason}};
    if (!diagnostic.empty()) e.meta["diagnostic"] = diagnostic;
    return e;
}

const StatsRow* row_of(const StatsReport& r, const std::vector<std::string>& key) {
    for (const StatsRow& row : r.rows)
        if (row.key == key) return &row;
    return nullptr;
}

}  // namespace

TEST_CASE("parse_window reads a number and a unit", "[stats]") {
    CHECK(parse_window("24h") == 24 * kHour);
    CHECK(parse_window("90m") == 90 * 60'000);
    CHECK(parse_window("7d") == 7 * 24 * kHour);
    CHECK(parse_window("2w") == 14 * 24 * kHour);
    CHECK(parse_window("3600s") == kHour);
    for (const char* bad : {"", "h", "24", "0h", "-1h", "1.5h", "24x", "h24", "99999999999999d"})
        CHECK_FALSE(parse_window(bad).has_value());
}

TEST_CASE("stats count the window and the one before, flag reputation rows and keep their replies", "[stats]") {
    TempOutbox t;
    {
        forwarder::Outbox outbox(t.path, {"file"});
        outbox.enqueue({
            // this window (24 h)
            bounce(1, "microsoft", "blocked", "soft", "550 5.7.1 blocked using Spamhaus (newest)"),
            bounce(2, "microsoft", "blocked", "soft", "550 5.7.1 blocked using Spamhaus (older)"),
            bounce(3, "microsoft", "blocked", "soft", "550 5.7.1 blocked using Spamhaus (older)"),
            bounce(4, "microsoft", "blocked", "soft", "550 5.7.1 blocked using Spamhaus (oldest)"),
            bounce(5, "google", "userunknown", "hard", "550 5.1.1 no such user"),
            bounce(6, "google", "authfailure", "soft", "550 5.7.26 DMARC"),
            bounce(7, "other", "feedback", "complaint"),
            // the window before
            bounce(25, "google", "userunknown", "hard"),
            bounce(26, "google", "userunknown", "hard"),
            bounce(30, "yahoo", "speeding", "soft", "421 4.7.0 [TSS04] deferred"),
            // too old for either
            bounce(49, "google", "userunknown", "hard"),
        });
    }
    StatsQuery q;
    q.until_ms = kNow;
    q.window_ms = 24 * kHour;
    const StatsReport r = outbox_stats(t.path, q);
    CHECK(r.since_ms == kNow - 24 * kHour);
    CHECK(r.previous_since_ms == kNow - 48 * kHour);
    CHECK(r.current.total == 7);
    CHECK(r.current.hard == 1);
    CHECK(r.current.soft == 5);
    CHECK(r.current.complaint == 1);
    CHECK(r.current.reputation == 5);
    CHECK(r.previous.total == 3);
    CHECK(r.previous.reputation == 1);

    const StatsRow* ms = row_of(r, {"microsoft", "blocked", "soft"});
    REQUIRE(ms);
    CHECK(ms->current.total == 4);
    CHECK(ms->previous.total == 0);
    CHECK(ms->flagged);
    // Two distinct replies, newest first.
    CHECK(ms->samples == std::vector<std::string>{"550 5.7.1 blocked using Spamhaus (newest)",
                                                  "550 5.7.1 blocked using Spamhaus (older)"});
    const StatsRow* unknown = row_of(r, {"google", "userunknown", "hard"});
    REQUIRE(unknown);
    CHECK(unknown->current.total == 1);
    CHECK(unknown->previous.total == 2);
    CHECK_FALSE(unknown->flagged);
    CHECK(unknown->samples.empty());
    // A reputation row seen only in the previous window is listed but not flagged now.
    const StatsRow* yahoo = row_of(r, {"yahoo", "speeding", "soft"});
    REQUIRE(yahoo);
    CHECK(yahoo->current.total == 0);
    CHECK_FALSE(yahoo->flagged);
    CHECK(r.rows.front().key == std::vector<std::string>{"microsoft", "blocked", "soft"});

    q.grouping = StatsGrouping::receiver;
    const StatsReport by_receiver = outbox_stats(t.path, q);
    const StatsRow* google = row_of(by_receiver, {"google"});
    REQUIRE(google);
    CHECK(google->current.total == 2);
    CHECK(google->current.reputation == 1);
    CHECK(google->previous.total == 2);
    CHECK(google->flagged);
    CHECK(google->samples == std::vector<std::string>{"550 5.7.26 DMARC"});
}

TEST_CASE("grouping by campaign and the JSON equal the table", "[stats]") {
    TempOutbox t;
    const std::string campaign = "9f86b50d-5711-41c8-ab03-bc91c43d711b";
    {
        forwarder::Outbox outbox(t.path, {"file"});
        outbox.enqueue({bounce(1, "google", "spamdetected", "soft", "550 5.7.1 spam", campaign),
                        bounce(2, "google", "userunknown", "hard", "", campaign),
                        bounce(3, "apple", "mailboxfull", "soft")});
    }
    StatsQuery q;
    q.until_ms = kNow;
    q.window_ms = 24 * kHour;
    q.grouping = StatsGrouping::campaign;
    const StatsReport r = outbox_stats(t.path, q);
    REQUIRE(r.rows.size() == 2);
    CHECK(r.rows[0].key == std::vector<std::string>{campaign});
    CHECK(r.rows[0].current.total == 2);
    CHECK(r.rows[1].key == std::vector<std::string>{"-"});

    const auto json = nlohmann::json::parse(stats_json(r));
    CHECK(json["group_by"] == nlohmann::json::array({"campaign"}));
    CHECK(json["current"]["total"] == 3);
    CHECK(json["rows"][0]["campaign"] == campaign);
    CHECK(json["rows"][0]["current"]["total"] == 2);
    CHECK(json["rows"][0]["flagged"] == true);
    CHECK(json["rows"][0]["samples"] == nlohmann::json::array({"550 5.7.1 spam"}));

    // Every JSON row is a table line with the same NOW and BEFORE, in the same order.
    const std::string table = stats_table(r);
    std::istringstream lines(table);
    std::string line;
    std::size_t next = 0;
    while (std::getline(lines, line)) {
        if (next >= json["rows"].size()) break;
        const auto& row = json["rows"][next];
        if (line.rfind(row["campaign"].get<std::string>() + " ", 0) != 0) continue;
        std::istringstream cells(line);
        std::string key, now, before;
        cells >> key >> now >> before;
        CHECK(now == std::to_string(row["current"]["total"].get<int>()));
        CHECK(before == std::to_string(row["previous"]["total"].get<int>()));
        ++next;
    }
    CHECK(next == json["rows"].size());
    CHECK(table.find("    > 550 5.7.1 spam") != std::string::npos);
}

TEST_CASE("an empty outbox gives zeros, not an error", "[stats]") {
    TempOutbox t;
    { forwarder::Outbox outbox(t.path, {"file"}); }
    StatsQuery q;
    q.until_ms = kNow;
    q.window_ms = kHour;
    const StatsReport r = outbox_stats(t.path, q);
    CHECK(r.rows.empty());
    CHECK(r.current.total == 0);
    CHECK(stats_table(r).find("no bounces in either window") != std::string::npos);
    CHECK(nlohmann::json::parse(stats_json(r))["rows"].empty());
}
