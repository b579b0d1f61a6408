// The outbox keeps each event's receiver family and bounce time in columns that deliverability
// reports group and window by; outboxes written before those columns existed are converted on open.
#include "forwarder/outbox.hpp"
#include "sample_event.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <map>

using namespace forwarder;
using test_support::TempDir;

namespace {

// Reads (key -> receiver, bounced) straight from the file, as any SQL client would.
std::map<std::string, std::pair<std::string, std::int64_t>> columns(const std::string& path) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, "SELECT key, receiver, bounced FROM events", -1, &s, nullptr) == SQLITE_OK);
    std::map<std::string, std::pair<std::string, std::int64_t>> out;
    while (sqlite3_step(s) == SQLITE_ROW) {
        out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] = {
            reinterpret_cast<const char*>(sqlite3_column_text(s, 1)), sqlite3_column_int64(s, 2)};
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    INFO((error ? error : ""));
    sqlite3_free(error);
    REQUIRE(rc == SQLITE_OK);
}

}  // namespace

TEST_CASE("new events store the receiver from meta, else from remote MTA and address", "[outbox][receivers]") {
    TempDir dir;
    const std::string path = dir.file("outbox.sqlite");
    Outbox outbox(path, {"file"});
    Event named = test_support::sample_event("named");
    named.meta = {{"receiver", "yahoo"}};
    Event by_host = test_support::sample_event("by-host", "ceo@example.org");
    by_host.meta = {{"remote_mta", "example-org.mail.protection.outlook.com"}};
    Event by_domain = test_support::sample_event("by-domain", "someone@gmail.com");
    by_domain.created_at = "not a time";
    outbox.enqueue({named, by_host, by_domain});

    const auto rows = columns(path);
    CHECK(rows.at("named").first == "yahoo");
    CHECK(rows.at("by-host").first == "microsoft");
    CHECK(rows.at("by-domain").first == "google");
    // sample_event's created_at, 2026-07-21T10:00:00Z; an unreadable one falls back to the enqueue time.
    CHECK(rows.at("named").second == 1784628000000);
    CHECK(rows.at("by-domain").second > 1784628000000);
}

TEST_CASE("an outbox written before receivers existed is migrated on open", "[outbox][receivers]") {
    TempDir dir;
    const std::string path = dir.file("old.sqlite");
    {
        // The version 1 schema, with two events as version 1 stored them.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        exec(db, "CREATE TABLE events (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, body TEXT NOT NULL, "
                 "created INTEGER NOT NULL);"
                 "CREATE TABLE deliveries (event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE, "
                 "sink TEXT NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')), "
                 "attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, "
                 "last_error TEXT NOT NULL DEFAULT '', updated INTEGER NOT NULL, PRIMARY KEY (event_id, sink)) "
                 "WITHOUT ROWID;"
                 "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;"
                 "PRAGMA user_version = 1;");
        exec(db, R"(INSERT INTO events VALUES (1, 'old-ms', '{"email":"a@example.org","type":"soft",)"
                 R"("created_at":"2025-01-02T03:04:05Z","meta":{"remote_mta":"mx1.hotmail.com","reason":"blocked"}}', 5);)"
                 R"(INSERT INTO events VALUES (2, 'old-plain', '{"email":"b@example.org","type":"hard","meta":{}}', 7);)"
                 R"(INSERT INTO deliveries VALUES (1, 'file', 'pending', 0, 0, '', 5);)");
        sqlite3_close(db);
    }
    {
        Outbox outbox(path, {"file"});
        // Still usable as before: the old pending delivery is there.
        CHECK(outbox.list(DeliveryState::pending).size() == 1);
        outbox.enqueue({test_support::sample_event("new")});
    }
    auto rows = columns(path);
    CHECK(rows.at("old-ms") == std::make_pair(std::string("microsoft"), std::int64_t{1735787045000}));
    CHECK(rows.at("old-plain") == std::make_pair(std::string("other"), std::int64_t{7}));
    CHECK(rows.at("new").first == "other");
    // Opening again neither fails nor changes anything.
    { Outbox again(path, {"file"}); }
    CHECK(columns(path) == rows);
}
