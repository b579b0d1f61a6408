// Outbox::stats(), the read-only query behind the metrics and `bounce-outbox stats`: per-sink figures
// by delivery state, and that it neither waits for nor holds up writers on a live WAL outbox.
#include "forwarder/outbox.hpp"
#include "sample_event.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <chrono>

using namespace forwarder;
using test_support::TempDir;

namespace {

Event event_with_key(const std::string& key) { return test_support::sample_event(key); }

const SinkStats& of(const std::vector<SinkStats>& stats, const std::string& sink) {
    for (const auto& s : stats)
        if (s.sink == sink) return s;
    FAIL("no stats for sink " << sink);
    throw std::logic_error("unreachable");
}

// A second process's connection, holding a write transaction open as a producer mid-commit would.
struct OtherWriter {
    sqlite3* db = nullptr;
    explicit OtherWriter(const std::string& path) {
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO counters VALUES ('held', 1);", nullptr, nullptr, nullptr) ==
                SQLITE_OK);
    }
    ~OtherWriter() {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(db);
    }
};

}  // namespace

TEST_CASE("outbox stats: deliveries per sink by state, retrying apart, oldest pending age") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"file", "listmonk", "redis"});
    outbox.enqueue({event_with_key("a"), event_with_key("b"), event_with_key("c"), event_with_key("d")});

    auto claimed = outbox.claim_due("listmonk", 3, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 3);
    outbox.mark_delivered(claimed[0].event_id, "listmonk");
    outbox.mark_retry(claimed[1].event_id, "listmonk", 0, "HTTP 502");
    outbox.mark_dead(claimed[2].event_id, "listmonk", "HTTP 400");
    auto file_claim = outbox.claim_due("file", 4, std::chrono::seconds(60));
    for (const auto& d : file_claim) outbox.mark_delivered(d.event_id, "file");
    outbox.purge(DeliveryState::pending, "redis");  // a sink with nothing left at all

    const auto stats = outbox.stats();
    REQUIRE(stats.size() == 3);
    CHECK(stats[0].sink == "file");
    CHECK(stats[1].sink == "listmonk");
    CHECK(stats[2].sink == "redis");

    const SinkStats& lm = of(stats, "listmonk");
    CHECK(lm.pending == 2);   // "d" never tried, "b" retrying
    CHECK(lm.retrying == 1);
    CHECK(lm.delivered == 1);
    CHECK(lm.dead == 1);
    CHECK(lm.oldest_pending_age_ms >= 0);
    CHECK(lm.oldest_pending_age_ms < 60000);

    const SinkStats& file = of(stats, "file");
    CHECK(file.pending == 0);
    CHECK(file.retrying == 0);
    CHECK(file.delivered == 4);
    CHECK(file.oldest_pending_age_ms == 0);

    const SinkStats& redis = of(stats, "redis");  // configured, no deliveries: zeros, still listed
    CHECK(redis.pending + redis.delivered + redis.dead == 0);
}

TEST_CASE("outbox stats: answers at once while another process holds the write lock") {
    TempDir dir;
    const std::string path = dir.file("o.sqlite");
    Outbox outbox(path, {"file"});
    outbox.enqueue({event_with_key("a")});

    OtherWriter writer(path);
    const auto started = std::chrono::steady_clock::now();
    const auto stats = outbox.stats();
    const auto took = std::chrono::steady_clock::now() - started;
    // Waiting for the lock would take the 15 s busy timeout; a WAL reader does not wait at all.
    CHECK(took < std::chrono::seconds(2));
    REQUIRE(stats.size() == 1);
    CHECK(stats[0].pending == 1);
}

TEST_CASE("outbox stats: an open read does not hold up enqueues") {
    TempDir dir;
    const std::string path = dir.file("o.sqlite");
    Outbox outbox(path, {"file"});
    outbox.enqueue({event_with_key("a")});

    // A reader parked mid-snapshot (as a slow scrape would be).
    sqlite3* reader = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &reader) == SQLITE_OK);
    REQUIRE(sqlite3_exec(reader, "BEGIN; SELECT COUNT(*) FROM deliveries;", nullptr, nullptr, nullptr) == SQLITE_OK);
    const auto started = std::chrono::steady_clock::now();
    CHECK(outbox.enqueue({event_with_key("b")}).inserted == 1);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
    sqlite3_exec(reader, "COMMIT", nullptr, nullptr, nullptr);
    sqlite3_close(reader);
    CHECK(outbox.stats()[0].pending == 2);
}

#include "forwarder/outbox_metrics.hpp"

TEST_CASE("outbox metrics: the scrape shows each sink's deliveries by state, depth and oldest age") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"listmonk"});
    outbox.enqueue({event_with_key("a"), event_with_key("b"), event_with_key("c")});
    auto claimed = outbox.claim_due("listmonk", 2, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 2);
    outbox.mark_delivered(claimed[0].event_id, "listmonk");
    outbox.mark_retry(claimed[1].event_id, "listmonk", 0, "HTTP 503");

    metrics::Registry registry;
    add_outbox_metrics(registry, outbox);
    const std::string text = registry.render();
    CHECK(text.find("# TYPE bounce_outbox_deliveries gauge\n") != std::string::npos);
    CHECK(text.find("bounce_outbox_deliveries{sink=\"listmonk\",state=\"pending\"} 1\n") != std::string::npos);
    CHECK(text.find("bounce_outbox_deliveries{sink=\"listmonk\",state=\"retrying\"} 1\n") != std::string::npos);
    CHECK(text.find("bounce_outbox_deliveries{sink=\"listmonk\",state=\"delivered\"} 1\n") != std::string::npos);
    CHECK(text.find("bounce_outbox_deliveries{sink=\"listmonk\",state=\"dead\"} 0\n") != std::string::npos);
    CHECK(text.find("bounce_outbox_depth{sink=\"listmonk\"} 2\n") != std::string::npos);
    CHECK(text.find("bounce_outbox_oldest_pending_age_seconds{sink=\"listmonk\"} ") != std::string::npos);
}
