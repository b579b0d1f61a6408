#include "fake_drain_store.hpp"
#include "forwarder/log.hpp"
#include "forwarder/redis_sink.hpp"
#include "tools/bounce_drain_entry.hpp"
#include "tools/bounce_drain_loop.hpp"

#include <catch2/catch.hpp>

#include <deque>
#include <functional>

using namespace std::chrono_literals;
using forwarder::DeliveryResult;
using tools::Outcome;

namespace {

// A listmonk stand-in: answers from a script (then 2xx), and records every body it was given.
class ScriptedSink final : public forwarder::Sink {
public:
    const std::string& name() const override { return name_; }
    DeliveryResult deliver(const forwarder::Event& event) noexcept override {
        posted.push_back(event.email);
        if (on_post) on_post();
        if (script.empty()) return DeliveryResult::ok();
        DeliveryResult r = script.front();
        script.pop_front();
        return r;
    }
    std::deque<DeliveryResult> script;
    std::vector<std::string> posted;
    std::function<void()> on_post;

private:
    std::string name_ = "listmonk";
};

tools::StreamFields bounce(const std::string& email, const std::string& key) {
    forwarder::Event e;
    e.email = email;
    e.type = "hard";
    e.source = "test";
    e.created_at = "2026-07-21T10:00:00Z";
    e.meta = {{"reason", "userunknown"}, {"status", "5.1.1"}};
    e.idempotency_key = key;
    return forwarder::redis_fields(e);
}

tools::DrainOptions options() {
    tools::DrainOptions o;
    o.consumer = "test";
    o.stream = "listmonk:bounces";
    o.group = "bounce-drain";
    o.claim_idle = 30s;
    o.claim_interval = 15s;
    o.lease = 16s;
    o.retry.initial = 1000ms;
    o.retry.maximum = 60000ms;
    o.retry.config_initial = 30000ms;
    return o;
}

struct Drain {
    fake::FakeRedis& redis;
    fake::FakeDrainStore store;
    ScriptedSink sink;
    tools::DrainLoop loop;
    std::atomic<bool> stop{false};

    Drain(fake::FakeRedis& r, const std::string& consumer)
        : redis(r), store(r, consumer), loop(store, sink, with_consumer(consumer), [&r] { return r.now; },
                                             [&r](std::chrono::milliseconds d) { r.advance(d); }) {}

    static tools::DrainOptions with_consumer(const std::string& consumer) {
        auto o = options();
        o.consumer = consumer;
        return o;
    }
    void steps(int n) {
        for (int i = 0; i < n; ++i) loop.step(stop);
    }
};

std::string key_of(const std::string& idempotency_key) {
    return tools::dedup_key("listmonk:bounces", "bounce-drain", idempotency_key);
}

struct QuietLogs {
    QuietLogs() { forwarder::log::configure(forwarder::log::Target::stderr_stream, "test", forwarder::log::Level::error); }
} quiet_logs;

}  // namespace

TEST_CASE("drain: every entry is posted once and acknowledged only after the 2xx") {
    fake::FakeRedis redis;
    for (int i = 0; i < 5; ++i) redis.add(bounce("u" + std::to_string(i) + "@example.org", "k" + std::to_string(i)));
    Drain d(redis, "a");
    d.steps(2);
    CHECK(d.sink.posted.size() == 5);
    CHECK(redis.pending.empty());
    CHECK(redis.get(key_of("k0")) == "done");
    CHECK(redis.keys[key_of("k0")].expires - redis.now >= std::chrono::hours(24 * 6));
    CHECK(d.loop.counters().delivered == 5);
}

TEST_CASE("drain: a second stream entry for the same event is acknowledged without a second post") {
    fake::FakeRedis redis;
    redis.add(bounce("u@example.org", "same"));
    redis.add(bounce("u@example.org", "same"));
    Drain d(redis, "a");
    d.steps(2);
    CHECK(d.sink.posted.size() == 1);
    CHECK(redis.pending.empty());
    CHECK(d.loop.counters().duplicates == 1);

    SECTION("also when the duplicate reaches another drain later") {
        redis.add(bounce("u@example.org", "same"));
        Drain other(redis, "b");
        other.steps(2);
        CHECK(other.sink.posted.empty());
        CHECK(redis.pending.empty());
    }
}

TEST_CASE("drain: listmonk's 400 moves the event to the dead-letter stream with the reason, then acks") {
    fake::FakeRedis redis;
    redis.add(bounce("refused@example.org", "k1"));
    redis.add(bounce("fine@example.org", "k2"));
    Drain d(redis, "a");
    d.sink.script.push_back(DeliveryResult::permanent("listmonk HTTP 400: Invalid email."));
    d.steps(2);
    REQUIRE(redis.dead_letters.size() == 1);
    CHECK(redis.dead_letters[0].second == "listmonk HTTP 400: Invalid email.");
    CHECK(redis.dead_letters[0].first.id == "0000000001-0");
    CHECK(redis.pending.empty());
    CHECK(redis.get(key_of("k1")).empty());  // not marked posted: a fixed re-add may be posted later
    CHECK(d.sink.posted == std::vector<std::string>{"refused@example.org", "fine@example.org"});
}

TEST_CASE("drain: a 5xx keeps the entry pending, pauses, and the retry posts it once") {
    fake::FakeRedis redis;
    redis.add(bounce("a@example.org", "k1"));
    redis.add(bounce("b@example.org", "k2"));
    Drain d(redis, "a");
    d.sink.script.push_back(DeliveryResult::retry("listmonk HTTP 502: bad gateway"));
    d.steps(1);
    CHECK(d.sink.posted.size() == 1);
    CHECK(redis.pending.size() == 2);  // both read, neither acknowledged
    CHECK(redis.get(key_of("k1")).empty());  // the lease was dropped: nobody waits for it
    CHECK(d.loop.paused());

    d.steps(1);  // still paused: sleeps (the fake clock moves), posts nothing
    CHECK(d.sink.posted.size() == 1);
    redis.advance(2s);
    d.steps(2);
    CHECK(d.sink.posted == std::vector<std::string>{"a@example.org", "a@example.org", "b@example.org"});
    CHECK(redis.pending.empty());
    CHECK(d.loop.counters().delivered == 2);
}

TEST_CASE("drain: 401/403/404/503 (configuration problems) back off slowly and never drop the event") {
    fake::FakeRedis redis;
    redis.add(bounce("a@example.org", "k1"));
    Drain d(redis, "a");
    d.sink.script.push_back(DeliveryResult::retry("listmonk HTTP 403: invalid API credentials", true));
    d.steps(1);
    const auto start = redis.now;
    int steps = 0;
    while (d.loop.paused() && steps < 1000) {
        d.steps(1);
        ++steps;
    }
    CHECK(redis.now - start >= 15s);  // config_initial 30 s with jitter down to half
    CHECK(redis.pending.size() == 1);
    d.steps(2);
    CHECK(redis.pending.empty());
    CHECK(d.sink.posted.size() == 2);
}

TEST_CASE("drain: an event another drain is posting right now is left alone until its lease ends") {
    fake::FakeRedis redis;
    redis.add(bounce("a@example.org", "k1"));
    redis.keys[key_of("k1")] = {"pending:other", redis.now + 10s};
    Drain d(redis, "a");
    d.steps(3);
    CHECK(d.sink.posted.empty());
    CHECK(redis.pending.size() == 1);

    SECTION("the other drain finishes: acknowledged without posting") {
        redis.keys[key_of("k1")] = {"done", redis.now + 100s};
        redis.advance(2s);
        d.steps(2);
        CHECK(d.sink.posted.empty());
        CHECK(redis.pending.empty());
    }
    SECTION("the other drain died mid-post: posted after the lease expired") {
        redis.advance(11s);
        d.steps(2);
        CHECK(d.sink.posted.size() == 1);
        CHECK(redis.pending.empty());
    }
}

TEST_CASE("drain: entries of a killed drain are claimed; only the in-flight one can be posted twice") {
    fake::FakeRedis redis;
    for (int i = 0; i < 4; ++i) redis.add(bounce("u" + std::to_string(i) + "@example.org", "k" + std::to_string(i)));
    // Drain "dead" read all four, posted u0 completely, had posted u1 (2xx) when it was SIGKILLed
    // before recording it: its lease on k1 is left, u1..u3 stay in its pending list.
    {
        fake::FakeDrainStore dead(redis, "dead");
        auto entries = dead.read_new(10, 0ms);
        REQUIRE(entries.size() == 4);
        REQUIRE(dead.begin(key_of("k0"), 16s) == tools::BeginResult::acquired);
        dead.finish(key_of("k0"), 3600s);
        dead.ack(entries[0].id);
        REQUIRE(dead.begin(key_of("k1"), 16s) == tools::BeginResult::acquired);
    }
    Drain survivor(redis, "b");
    survivor.steps(3);
    CHECK(survivor.sink.posted.empty());  // not idle long enough yet
    redis.advance(31s);
    for (int i = 0; i < 10 && !redis.pending.empty(); ++i) survivor.steps(1);
    CHECK(redis.pending.empty());
    // u1 is posted a second time (it was in flight), u2 and u3 once, u0 never again.
    CHECK(survivor.sink.posted == std::vector<std::string>{"u1@example.org", "u2@example.org", "u3@example.org"});
    CHECK(survivor.loop.counters().claimed == 3);
}

TEST_CASE("drain: when Redis fails right after a 2xx the event is not posted again once it is back") {
    fake::FakeRedis redis;
    redis.add(bounce("a@example.org", "k1"));
    Drain d(redis, "a");
    redis.fail_finish_calls = 1;
    d.steps(1);
    CHECK(d.sink.posted.size() == 1);
    CHECK(redis.pending.size() == 1);
    CHECK(d.loop.counters().redis_failures == 1);
    redis.advance(1s);
    d.steps(3);
    CHECK(d.sink.posted.size() == 1);
    CHECK(redis.pending.empty());
    CHECK(redis.get(key_of("k1")) == "done");
}

TEST_CASE("drain: a Redis outage longer than the lease does not let another drain post an event again") {
    // Drain a posts x, and Redis goes away before a can record it: a's lease on x runs out during
    // the outage although a is alive and remembers x as posted. After the outage x is idle far
    // beyond claim_idle, so b would take it over at once and post it a second time.
    fake::FakeRedis redis;
    redis.add(bounce("x@example.org", "kx"));
    Drain a(redis, "a");
    Drain b(redis, "b");
    a.sink.on_post = [&redis] { redis.down = true; };
    a.steps(1);
    REQUIRE(a.sink.posted.size() == 1);
    a.sink.on_post = nullptr;
    const auto back = redis.now + 60s;  // > lease (16 s) + claim_idle (30 s)
    while (redis.now < back) {
        a.steps(1);
        b.steps(1);
    }
    redis.down = false;

    SECTION("b reconnects first: it leaves x alone until a has had a full lease to come back") {
        for (int i = 0; i < 40; ++i) b.steps(1);
        CHECK(b.sink.posted.empty());
        for (int i = 0; i < 100 && !redis.pending.empty(); ++i) a.steps(1);
        CHECK(redis.pending.empty());
    }
    SECTION("x was moved to b meanwhile (e.g. a drain with a shorter claim_idle): a records it first thing") {
        REQUIRE(b.store.autoclaim(0ms, "0-0", 10).entries.size() == 1);
        for (int i = 0; i < 100 && redis.get(key_of("kx")) != "done"; ++i) a.steps(1);
        CHECK(redis.get(key_of("kx")) == "done");
        redis.advance(60s);
        for (int i = 0; i < 40 && !redis.pending.empty(); ++i) b.steps(1);
        CHECK(redis.pending.empty());
        CHECK(b.sink.posted.empty());
    }
    CHECK(a.sink.posted.size() + b.sink.posted.size() == 1);
    CHECK(redis.get(key_of("kx")) == "done");
}

TEST_CASE("drain: a Redis outage pauses and resumes without losing entries") {
    fake::FakeRedis redis;
    Drain d(redis, "a");
    redis.down = true;
    d.steps(5);
    CHECK(d.loop.counters().redis_failures >= 1);
    redis.down = false;
    redis.add(bounce("a@example.org", "k1"));
    redis.advance(10s);
    d.steps(3);
    CHECK(d.sink.posted.size() == 1);
    CHECK(redis.pending.empty());
}

TEST_CASE("drain: malformed entries are dead-lettered without posting; trimmed ones are cleared") {
    fake::FakeRedis redis;
    redis.add({{"email", "a@example.org"}, {"type", "hard"}, {"meta", "{not json"}});
    redis.add({{"type", "hard"}});
    const std::string trimmed = redis.add(bounce("t@example.org", "kt"));
    {
        fake::FakeDrainStore dead(redis, "dead");
        dead.read_new(10, 0ms);
    }
    // A dead consumer had read all three; MAXLEN then trimmed the third from the stream.
    redis.trim(trimmed);
    redis.advance(31s);
    Drain d(redis, "a");
    d.steps(3);
    CHECK(d.sink.posted.empty());
    REQUIRE(redis.dead_letters.size() == 2);
    CHECK(redis.dead_letters[0].second.find("meta is not a JSON object") != std::string::npos);
    CHECK(redis.dead_letters[1].second.find("neither email nor subscriber_uuid") != std::string::npos);
    CHECK(redis.pending.empty());
    CHECK(d.loop.counters().gone == 1);
}

TEST_CASE("drain: a stop request leaves unprocessed entries pending for others") {
    fake::FakeRedis redis;
    for (int i = 0; i < 3; ++i) redis.add(bounce("u" + std::to_string(i) + "@example.org", "k" + std::to_string(i)));
    Drain d(redis, "a");
    d.sink.on_post = [&d] { d.stop = true; };  // SIGTERM arrives while the first POST is in flight
    d.steps(3);
    CHECK(d.sink.posted.size() == 1);
    CHECK(redis.pending.size() == 2);  // read by this drain, not acknowledged: claimable by others
    CHECK(d.loop.counters().delivered == 1);
}

TEST_CASE("stream entry fields read back into the event the producer wrote") {
    forwarder::Event e;
    e.email = "user@example.org";
    e.subscriber_uuid = "5911d3f4-2346-4bfc-aad2-eb319ab0e879";
    e.campaign_uuid = "9f86b50d-5711-41c8-ab03-bc91c43d711b";
    e.type = "soft";
    e.source = "bounce-milter";
    e.created_at = "2026-07-21T10:00:00Z";
    e.meta = {{"status", "4.2.2"}, {"reason", "mailboxfull"}, {"diagnostic", "552 quota \xe2\x9c\x93"}};
    e.idempotency_key = "abc123";
    auto decoded = tools::event_from_stream_fields(forwarder::redis_fields(e));
    REQUIRE(decoded.event);
    CHECK(forwarder::listmonk_body(*decoded.event) == forwarder::listmonk_body(e));
    CHECK(decoded.event->idempotency_key == "abc123");

    SECTION("entries without a key get a stable one from their fields") {
        tools::StreamFields f{{"email", "x@example.org"}, {"type", "hard"}};
        auto a = tools::event_from_stream_fields(f);
        auto b = tools::event_from_stream_fields(f);
        f[0].second = "y@example.org";
        auto c = tools::event_from_stream_fields(f);
        REQUIRE(a.event);
        CHECK(a.event->idempotency_key == b.event->idempotency_key);
        CHECK(a.event->idempotency_key != c.event->idempotency_key);
    }
}

TEST_CASE("drain: stopped consumers with nothing pending are removed from the group, others kept") {
    fake::FakeRedis redis;
    redis.add(bounce("a@example.org", "k1"));
    {
        fake::FakeDrainStore stopped(redis, "stopped-cleanly");
        stopped.read_new(0, 0ms);
        fake::FakeDrainStore crashed(redis, "crashed-with-work");
        crashed.read_new(10, 0ms);  // holds k1 unacknowledged
    }
    redis.advance(std::chrono::hours(2));
    auto o = options();
    o.claim_idle = std::chrono::hours(3);  // keep the crashed consumer's entry where it is for this test
    fake::FakeDrainStore store(redis, "live");
    ScriptedSink sink;
    tools::DrainLoop loop(store, sink, o, [&redis] { return redis.now; }, [&redis](std::chrono::milliseconds d) { redis.advance(d); });
    std::atomic<bool> stop{false};
    loop.step(stop);
    CHECK(loop.counters().consumers_forgotten == 1);
    CHECK(redis.consumers.count("stopped-cleanly") == 0);
    CHECK(redis.consumers.count("crashed-with-work") == 1);  // deleting it would lose its pending entry
    CHECK(redis.consumers.count("live") == 1);
}

TEST_CASE("drain: a vanished group (Redis restarted empty) is recreated at once, not treated as misconfiguration") {
    fake::FakeRedis redis;
    struct GroupLosingStore : fake::FakeDrainStore {
        using FakeDrainStore::FakeDrainStore;
        int lose = 1;
        int creates = 0;
        void ensure_group() override { ++creates; }
        std::vector<tools::StreamEntry> read_new(std::size_t count, std::chrono::milliseconds block) override {
            if (lose-- > 0) throw tools::RedisError("redis XREADGROUP: NOGROUP No such key 'listmonk:bounces'", false);
            return FakeDrainStore::read_new(count, block);
        }
    } store(redis, "a");
    ScriptedSink sink;
    tools::DrainLoop loop(store, sink, options(), [&redis] { return redis.now; },
                          [&redis](std::chrono::milliseconds d) { redis.advance(d); });
    std::atomic<bool> stop{false};
    const auto start = redis.now;
    redis.add(bounce("a@example.org", "k1"));
    for (int i = 0; i < 5 && sink.posted.empty(); ++i) loop.step(stop);
    CHECK(sink.posted.size() == 1);
    CHECK(store.creates == 2);
    CHECK(redis.now - start < 1s);
}

TEST_CASE("drain: entries read and every POST's duration are counted for /metrics") {
    fake::FakeRedis redis;
    for (int i = 0; i < 4; ++i) redis.add(bounce("u" + std::to_string(i) + "@example.org", "k" + std::to_string(i)));
    redis.add(bounce("u1@example.org", "k1"));  // the same event again: read, not posted
    Drain d(redis, "a");
    d.sink.script = {DeliveryResult::permanent("HTTP 400: Invalid email.")};
    metrics::Histogram post_seconds(metrics::network_seconds_buckets());
    d.loop.set_post_seconds(&post_seconds);
    d.steps(2);
    CHECK(d.loop.counters().read == 5);
    CHECK(d.loop.counters().delivered == 3);
    CHECK(d.loop.counters().dead_lettered == 1);
    CHECK(d.loop.counters().duplicates == 1);
    CHECK(post_seconds.snapshot().count() == 4);  // the 400 is a POST too; the duplicate is not
}
