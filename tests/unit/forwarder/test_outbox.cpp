#include "forwarder/clock.hpp"
#include "forwarder/outbox.hpp"
#include "sample_event.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <set>
#include <thread>

using namespace forwarder;
using test_support::TempDir;

namespace {

Event make_event(const std::string& key, const std::string& email = "") {
    Event e = test_support::sample_event(key, email);
    e.meta = {{"status", "5.1.1"}};
    return e;
}

std::size_t pending_of(Outbox& o, const std::string& sink) {
    for (const auto& s : o.stats()) {
        if (s.sink == sink) return s.pending;
    }
    return 0;
}

}  // namespace

TEST_CASE("outbox: a known key is stored once and counted as duplicate") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"listmonk", "file"});
    auto first = outbox.enqueue({make_event("a"), make_event("b")});
    CHECK(first.inserted == 2);
    CHECK(first.duplicates == 0);
    auto again = outbox.enqueue({make_event("a"), make_event("c"), make_event("c")});
    CHECK(again.inserted == 1);
    CHECK(again.duplicates == 2);
    CHECK(outbox.duplicates_total() == 2);
    CHECK(pending_of(outbox, "listmonk") == 3);
    CHECK(pending_of(outbox, "file") == 3);
    CHECK(outbox.enqueue({}).inserted == 0);
}

TEST_CASE("outbox: events survive closing and reopening - delivered ones stay deduplicated") {
    TempDir dir;
    const auto path = dir.file("o.sqlite");
    {
        Outbox outbox(path, {"listmonk"});
        outbox.enqueue({make_event("a"), make_event("b")});
        auto claimed = outbox.claim_due("listmonk", 1, std::chrono::seconds(60));
        REQUIRE(claimed.size() == 1);
        outbox.mark_delivered(claimed[0].event_id, "listmonk");
    }
    Outbox reopened(path, {"listmonk"});
    auto due = reopened.claim_due("listmonk", 10, std::chrono::seconds(60));
    REQUIRE(due.size() == 1);
    CHECK(due[0].event.idempotency_key == "b");
    CHECK(due[0].event.email == "b@example.org");
    CHECK(due[0].event.meta["status"] == "5.1.1");
    CHECK(reopened.enqueue({make_event("a")}).duplicates == 1);  // delivered but remembered
}

TEST_CASE("outbox: a claimed event is leased, then due again if the worker vanished") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"listmonk"});
    outbox.enqueue({make_event("a")});
    CHECK(outbox.claim_due("listmonk", 10, std::chrono::milliseconds(200)).size() == 1);
    CHECK(outbox.claim_due("listmonk", 10, std::chrono::milliseconds(200)).empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    CHECK(outbox.claim_due("listmonk", 10, std::chrono::milliseconds(200)).size() == 1);
}

TEST_CASE("outbox: retry schedules, dead-letter keeps the reason, requeue and purge") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"listmonk", "file"});
    outbox.enqueue({make_event("a"), make_event("b")});
    auto claimed = outbox.claim_due("listmonk", 10, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 2);
    outbox.mark_retry(claimed[0].event_id, "listmonk", now_ms() + 60000, "listmonk HTTP 502");
    outbox.mark_dead(claimed[1].event_id, "listmonk", "listmonk HTTP 400: Invalid email.");
    CHECK(outbox.claim_due("listmonk", 10, std::chrono::seconds(60)).empty());
    REQUIRE(outbox.next_due_ms("listmonk"));

    auto pending = outbox.list(DeliveryState::pending, "listmonk");
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].attempts == 1);
    CHECK(pending[0].last_error == "listmonk HTTP 502");
    auto dead = outbox.list(DeliveryState::dead);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].sink == "listmonk");
    CHECK(dead[0].last_error == "listmonk HTTP 400: Invalid email.");
    CHECK(dead[0].event.idempotency_key == "b");

    auto stats = outbox.stats();
    REQUIRE(stats.size() == 2);
    CHECK(stats[0].sink == "file");
    CHECK(stats[0].pending == 2);
    CHECK(stats[1].sink == "listmonk");
    CHECK(stats[1].pending == 1);
    CHECK(stats[1].dead == 1);
    CHECK(stats[1].oldest_pending_age_ms >= 0);

    // The file sink's deliveries are independent of listmonk's failures.
    CHECK(outbox.claim_due("file", 10, std::chrono::seconds(60)).size() == 2);

    CHECK(outbox.requeue("listmonk") == 1);
    auto again = outbox.claim_due("listmonk", 10, std::chrono::seconds(60));
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 0);
    CHECK(again[0].event.idempotency_key == "b");
    outbox.mark_dead(again[0].event_id, "listmonk", "still bad");
    CHECK(outbox.purge(DeliveryState::dead, "listmonk") == 1);
    CHECK(outbox.list(DeliveryState::dead).empty());
}

TEST_CASE("outbox: release gives a claimed event back without counting an attempt") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"redis"});
    outbox.enqueue({make_event("a")});
    auto claimed = outbox.claim_due("redis", 1, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 1);
    outbox.release(claimed[0].event_id, "redis");
    auto again = outbox.claim_due("redis", 1, std::chrono::seconds(60));
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 0);
}

TEST_CASE("outbox: prune forgets only events every sink delivered, past retention") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"listmonk", "file"});
    outbox.enqueue({make_event("a"), make_event("b")});
    for (const auto& d : outbox.claim_due("listmonk", 10, std::chrono::seconds(60))) outbox.mark_delivered(d.event_id, "listmonk");
    auto file = outbox.claim_due("file", 10, std::chrono::seconds(60));
    outbox.mark_delivered(file[0].event_id, "file");
    CHECK(outbox.prune_delivered(now_ms() + 1000) == 1);
    CHECK(outbox.enqueue({make_event(file[0].event.idempotency_key)}).inserted == 1);  // forgotten
}

TEST_CASE("outbox: many threads enqueue at once, every event stored exactly once") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"listmonk"});
    constexpr int kThreads = 8, kPerThread = 150;
    std::atomic<std::size_t> inserted{0}, duplicates{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                // Every key is produced by two threads: exactly one insert must win.
                const int key = (t / 2) * kPerThread + i;
                std::string name = "k";
                name += std::to_string(key);  // (not "k" + ...: GCC 12 -Wrestrict false positive at -O2)
                auto r = outbox.enqueue({make_event(name)});
                inserted += r.inserted;
                duplicates += r.duplicates;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(inserted == kThreads / 2 * kPerThread);
    CHECK(duplicates == kThreads / 2 * kPerThread);
    std::set<std::string> keys;
    for (;;) {
        auto batch = outbox.claim_due("listmonk", 100, std::chrono::seconds(60));
        if (batch.empty()) break;
        for (const auto& d : batch) {
            CHECK(keys.insert(d.event.idempotency_key).second);
            outbox.mark_delivered(d.event_id, "listmonk");
        }
    }
    CHECK(keys.size() == kThreads / 2 * kPerThread);
}

TEST_CASE("outbox: two processes' connections on one file share dedup and never double-claim") {
    TempDir dir;
    Outbox a(dir.file("o.sqlite"), {"listmonk"});
    Outbox b(dir.file("o.sqlite"), {"listmonk"});
    a.enqueue({make_event("x"), make_event("y")});
    CHECK(b.enqueue({make_event("x")}).duplicates == 1);
    auto first = a.claim_due("listmonk", 1, std::chrono::seconds(60));
    auto second = b.claim_due("listmonk", 10, std::chrono::seconds(60));
    REQUIRE(first.size() == 1);
    REQUIRE(second.size() == 1);
    CHECK(first[0].event_id != second[0].event_id);
}

TEST_CASE("outbox: an unusable location throws OutboxError") {
    TempDir dir;
    CHECK_THROWS_AS(Outbox(dir.file("missing/dir/o.sqlite"), {"file"}), OutboxError);

    if (geteuid() != 0) {  // root ignores directory permissions
        std::filesystem::create_directory(dir.path() / "ro");
        std::filesystem::permissions(dir.path() / "ro", std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
        CHECK_THROWS_AS(Outbox(dir.file("ro/o.sqlite"), {"file"}), OutboxError);
    }
    // A file that is not a database.
    { std::ofstream(dir.file("junk.sqlite")) << std::string(4096, 'x'); }
    CHECK_THROWS_AS(Outbox(dir.file("junk.sqlite"), {"file"}), OutboxError);
}

TEST_CASE("outbox: enqueue into a database that became read-only throws and writes nothing") {
    TempDir dir;
    const auto path = dir.file("o.sqlite");
    Outbox outbox(path, {"file"});
    outbox.enqueue({make_event("a")});
    // Simulate a failing disk: make the database refuse writes from now on.
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TRIGGER refuse BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk full (simulated)'); END",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    try {
        outbox.enqueue({make_event("b"), make_event("c")});
        FAIL("enqueue did not throw");
    } catch (const OutboxError& e) {
        CHECK(std::string(e.what()).find("disk full (simulated)") != std::string::npos);
    }
    CHECK(outbox.stats()[0].pending == 1);  // the failed batch left nothing behind
}

TEST_CASE("outbox: a batch is marked delivered for its sink only, and counted as one attempt") {
    TempDir dir;
    Outbox outbox(dir.file("o.sqlite"), {"file", "listmonk"});
    outbox.enqueue({make_event("a"), make_event("b"), make_event("c")});
    auto claimed = outbox.claim_due("file", 2, std::chrono::seconds(60));
    REQUIRE(claimed.size() == 2);
    outbox.mark_delivered({claimed[0].event_id, claimed[1].event_id}, "file");
    outbox.mark_delivered(std::vector<std::int64_t>{}, "file");  // nothing to do
    const auto delivered = outbox.list(DeliveryState::delivered, "file");
    REQUIRE(delivered.size() == 2);
    for (const auto& d : delivered) CHECK(d.attempts == 1);
    CHECK(pending_of(outbox, "file") == 1);
    CHECK(pending_of(outbox, "listmonk") == 3);
}
