// Sinks and the dispatcher against real local servers: tests/e2e/fake_listmonk.py, redis-server and
// a JSON Lines file.
#include "forwarder/dispatcher.hpp"
#include "forwarder/file_sink.hpp"
#include "conf/config.hpp"
#include "forwarder/listmonk_sink.hpp"
#include "forwarder/pipeline.hpp"
#include "forwarder/redis_sink.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <set>
#include <sstream>

using namespace forwarder;
using namespace test_support;
using namespace std::chrono_literals;

namespace {

Event numbered_event(int i) {
    Event e;
    e.idempotency_key = "key-" + std::to_string(i);
    e.email = "User" + std::to_string(i) + "@Example.org";
    e.type = i % 3 == 0 ? "soft" : "hard";
    e.source = "bounce-milter";
    e.created_at = "2026-07-21T10:00:00Z";
    e.meta = {{"status", "5.1.1"}, {"n", i}};
    return e;
}

std::vector<Event> numbered_events(int from, int to) {
    std::vector<Event> v;
    for (int i = from; i < to; ++i) v.push_back(numbered_event(i));
    return v;
}

DispatcherOptions fast_options() {
    DispatcherOptions o;
    o.retry.initial = 50ms;
    o.retry.maximum = 300ms;
    o.retry.config_initial = 100ms;
    o.poll = 100ms;
    o.lease = 30s;
    return o;
}

std::vector<nlohmann::json> json_lines(const std::string& path) {
    std::vector<nlohmann::json> out;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    }
    return out;
}

std::size_t count_in(Outbox& o, const std::string& sink, DeliveryState state) {
    for (const auto& s : o.stats()) {
        if (s.sink != sink) continue;
        return state == DeliveryState::pending ? s.pending : state == DeliveryState::dead ? s.dead : s.delivered;
    }
    return 0;
}

std::unique_ptr<Sink> listmonk_sink(const FakeListmonk& fake, const std::string& token = "s3cret", bool basic = false) {
    ListmonkSinkOptions o;
    o.url = fake.url() + "/";
    o.username = "bounce-milter";
    o.token = token;
    o.basic_auth = basic;
    o.timeout = 2s;
    o.connect_timeout = 1s;
    return std::make_unique<ListmonkSink>(o);
}

// A private redis-server on a free port in a temp dir, without persistence.
class RedisServer {
public:
    explicit RedisServer(const TempDir& dir) {
        for (int attempt = 0; attempt < 5 && !child_; ++attempt) {
            port_ = free_port();
            auto child = std::make_unique<Child>(
                std::vector<std::string>{"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                         "--save", "", "--appendonly", "no", "--dir", dir.path().string(),
                                         "--user", "default", "on", "nopass", "~*", "&*", "+@all",
                                         "--user", "writer", "on", ">w-pass", "~listmonk:*", "+@all", "-@dangerous"},
                dir.file("redis.log"));
            if (wait_until([&] { return ping(); }, 5s)) child_ = std::move(child);
        }
        if (!child_) throw std::runtime_error("redis-server did not start");
    }
    int port() const { return port_; }
    redisContext* connect() const { return redisConnect("127.0.0.1", port_); }
    bool ping() const {
        redisContext* c = connect();
        bool ok = false;
        if (c && !c->err) {
            auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
            ok = r && r->type == REDIS_REPLY_STATUS;
            if (r) freeReplyObject(r);
        }
        if (c) redisFree(c);
        return ok;
    }
    void stop() { child_.reset(); }

private:
    int port_ = 0;
    std::unique_ptr<Child> child_;
};

// Reads a whole stream as field maps.
std::vector<std::map<std::string, std::string>> read_stream(const RedisServer& redis, const std::string& stream, int db = 0) {
    std::vector<std::map<std::string, std::string>> out;
    redisContext* c = redis.connect();
    if (db) freeReplyObject(redisCommand(c, "SELECT %d", db));
    auto* r = static_cast<redisReply*>(redisCommand(c, "XRANGE %s - +", stream.c_str()));
    if (r && r->type == REDIS_REPLY_ARRAY) {
        for (size_t i = 0; i < r->elements; ++i) {
            auto* fields = r->element[i]->element[1];
            std::map<std::string, std::string> entry;
            for (size_t f = 0; f + 1 < fields->elements; f += 2) {
                entry[fields->element[f]->str] = std::string(fields->element[f + 1]->str, fields->element[f + 1]->len);
            }
            out.push_back(entry);
        }
    }
    if (r) freeReplyObject(r);
    redisFree(c);
    return out;
}

}  // namespace

TEST_CASE("listmonk sink: every event arrives exactly once and passes listmonk's validation") {
    TempDir dir;
    FakeListmonk fake(dir);
    Outbox outbox(dir.file("o.sqlite"), {"listmonk"});
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(listmonk_sink(fake));
    Dispatcher dispatcher(outbox, std::move(sinks), fast_options());
    dispatcher.start();
    outbox.enqueue(numbered_events(0, 40));
    outbox.enqueue(numbered_events(20, 50));  // 20 duplicates
    REQUIRE(wait_until([&] { return count_in(outbox, "listmonk", DeliveryState::delivered) == 50; }, 20s));
    dispatcher.stop();
    auto recorded = json_lines(fake.record());
    REQUIRE(recorded.size() == 50);
    std::set<std::string> emails;
    for (const auto& b : recorded) {
        emails.insert(b["email"].get<std::string>());
        CHECK(b["meta"].is_object());
        CHECK(b["source"] == "bounce-milter");
    }
    CHECK(emails.size() == 50);
    CHECK(emails.count("user7@example.org") == 1);
}

TEST_CASE("listmonk sink: Basic auth works too") {
    TempDir dir;
    FakeListmonk fake(dir);
    auto sink = listmonk_sink(fake, "s3cret", true);
    CHECK(sink->deliver(numbered_event(1)).kind == DeliveryResult::Kind::delivered);
}

TEST_CASE("listmonk sink: listmonk down, then up again: nothing lost, nothing doubled") {
    TempDir dir;
    FakeListmonk fake(dir);
    fake.mode(R"({"mode": "error500"})");
    Outbox outbox(dir.file("o.sqlite"), {"listmonk"});
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(listmonk_sink(fake));
    Dispatcher dispatcher(outbox, std::move(sinks), fast_options());
    dispatcher.start();
    outbox.enqueue(numbered_events(0, 20));
    REQUIRE(wait_until([&] { return !outbox.list(DeliveryState::pending, "listmonk", 1).empty() &&
                                    outbox.list(DeliveryState::pending, "listmonk", 1)[0].attempts >= 2; }, 10s));
    fake.mode(R"({"mode": "down"})");  // 503: bounce processing off, a configuration problem
    std::this_thread::sleep_for(300ms);
    CHECK(count_in(outbox, "listmonk", DeliveryState::dead) == 0);
    fake.mode(R"({"mode": "normal"})");
    REQUIRE(wait_until([&] { return count_in(outbox, "listmonk", DeliveryState::delivered) == 20; }, 20s));
    dispatcher.stop();
    CHECK(json_lines(fake.record()).size() == 20);
}

TEST_CASE("listmonk sink: a 400 is a dead letter with listmonk's reason, others still flow") {
    TempDir dir;
    FakeListmonk fake(dir);
    fake.mode(R"({"mode": "reject400", "pattern": "user3@"})");
    Outbox outbox(dir.file("o.sqlite"), {"listmonk"});
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(listmonk_sink(fake));
    Dispatcher dispatcher(outbox, std::move(sinks), fast_options());
    dispatcher.start();
    outbox.enqueue(numbered_events(0, 6));
    REQUIRE(wait_until([&] { return count_in(outbox, "listmonk", DeliveryState::delivered) == 5 &&
                                    count_in(outbox, "listmonk", DeliveryState::dead) == 1; }, 20s));
    dispatcher.stop();
    auto dead = outbox.list(DeliveryState::dead, "listmonk");
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].event.idempotency_key == "key-3");
    CHECK(dead[0].last_error == "listmonk HTTP 400: Invalid email.");
}

TEST_CASE("listmonk sink: wrong credentials are held and retried, never dropped") {
    TempDir dir;
    FakeListmonk fake(dir);
    auto sink = listmonk_sink(fake, "wrong-token");
    auto r = sink->deliver(numbered_event(1));
    CHECK(r.kind == DeliveryResult::Kind::retry);
    CHECK(r.config_problem);
    CHECK(r.reason.find("invalid API credentials") != std::string::npos);
    CHECK(r.reason.find("wrong-token") == std::string::npos);  // secrets never reach logs

    fake.mode(R"({"mode": "disabled"})");
    r = listmonk_sink(fake)->deliver(numbered_event(1));
    CHECK(r.kind == DeliveryResult::Kind::retry);
    CHECK(r.config_problem);
}

TEST_CASE("listmonk sink: a hanging listmonk times out and is retried") {
    TempDir dir;
    FakeListmonk fake(dir);
    fake.mode(R"({"mode": "timeout", "seconds": 3})");
    ListmonkSinkOptions o;
    o.url = fake.url();
    o.username = "bounce-milter";
    o.token = "s3cret";
    o.timeout = 500ms;
    ListmonkSink sink(o);
    const auto start = std::chrono::steady_clock::now();
    auto r = sink.deliver(numbered_event(1));
    CHECK(r.kind == DeliveryResult::Kind::retry);
    CHECK(std::chrono::steady_clock::now() - start < 2500ms);
}

TEST_CASE("listmonk sink: nothing listening is a retry") {
    ListmonkSinkOptions o;
    o.url = "http://127.0.0.1:" + std::to_string(free_port());
    o.username = "u";
    o.token = "t";
    o.timeout = 1s;
    auto r = ListmonkSink(o).deliver(numbered_event(1));
    CHECK(r.kind == DeliveryResult::Kind::retry);
    CHECK_FALSE(r.config_problem);
}

TEST_CASE("file sink: one listmonk body per line, appended") {
    TempDir dir;
    FileSink sink(dir.file("out.jsonl"), true);
    for (int i = 0; i < 3; ++i) REQUIRE(sink.deliver(numbered_event(i)).kind == DeliveryResult::Kind::delivered);
    auto lines = json_lines(dir.file("out.jsonl"));
    REQUIRE(lines.size() == 3);
    CHECK(lines[1] == listmonk_body(numbered_event(1)));

    FileSink broken(dir.file("no/such/dir/out.jsonl"), true);
    CHECK(broken.deliver(numbered_event(1)).kind == DeliveryResult::Kind::retry);
}

TEST_CASE("file sink: a batch is appended as whole lines in order, all or nothing") {
    TempDir dir;
    FileSink sink(dir.file("out.jsonl"), true);
    REQUIRE(sink.delivers_batches());
    const auto events = numbered_events(0, 5);
    std::vector<const Event*> batch;
    for (const auto& e : events) batch.push_back(&e);
    REQUIRE(sink.deliver_batch(batch).kind == DeliveryResult::Kind::delivered);
    REQUIRE(sink.deliver(numbered_event(5)).kind == DeliveryResult::Kind::delivered);
    auto lines = json_lines(dir.file("out.jsonl"));
    REQUIRE(lines.size() == 6);
    for (int i = 0; i < 6; ++i) CHECK(lines[static_cast<std::size_t>(i)] == listmonk_body(numbered_event(i)));

    FileSink broken(dir.file("no/such/dir/out.jsonl"), true);
    CHECK(broken.deliver_batch(batch).kind == DeliveryResult::Kind::retry);
}

TEST_CASE("redis sink: XADD with one field per attribute, ACL auth and db selection") {
    TempDir dir;
    RedisServer redis(dir);
    RedisSink sink({"redis://writer:w-pass@127.0.0.1:" + std::to_string(redis.port()) + "/2", "listmonk:bounces", 1000, 2s, ""});
    auto event = numbered_event(1);
    event.subscriber_uuid = "5911d3f4-2346-4bfc-aad2-eb319ab0e879";
    REQUIRE(sink.deliver(event).kind == DeliveryResult::Kind::delivered);
    auto entries = read_stream(redis, "listmonk:bounces", 2);
    REQUIRE(entries.size() == 1);
    auto& e = entries[0];
    CHECK(e["email"] == "user1@example.org");
    CHECK(e["subscriber_uuid"] == "5911d3f4-2346-4bfc-aad2-eb319ab0e879");
    CHECK(e["campaign_uuid"].empty());
    CHECK(e["type"] == "hard");
    CHECK(e["idempotency_key"] == "key-1");
    CHECK(nlohmann::json::parse(e["meta"])["status"] == "5.1.1");
    CHECK(read_stream(redis, "listmonk:bounces", 0).empty());

    RedisSink bad_password({"redis://writer:nope@127.0.0.1:" + std::to_string(redis.port()) + "/0", "s", 0, 2s, ""});
    auto r = bad_password.deliver(event);
    CHECK(r.kind == DeliveryResult::Kind::retry);
    CHECK(r.config_problem);
}

TEST_CASE("redis sink via dispatcher: exactly once, and reconnects after a restart") {
    TempDir dir;
    auto redis = std::make_unique<RedisServer>(dir);
    const int port = redis->port();
    Outbox outbox(dir.file("o.sqlite"), {"redis", "file"});
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::make_unique<RedisSink>(RedisSinkOptions{"redis://127.0.0.1:" + std::to_string(port), "bounces", 0, 1s, ""}));
    sinks.push_back(std::make_unique<FileSink>(dir.file("out.jsonl"), false));
    Dispatcher dispatcher(outbox, std::move(sinks), fast_options());
    dispatcher.start();
    outbox.enqueue(numbered_events(0, 30));
    REQUIRE(wait_until([&] { return count_in(outbox, "redis", DeliveryState::delivered) == 30; }, 20s));
    CHECK(read_stream(*redis, "bounces").size() == 30);

    redis->stop();  // the stream dies with it (no persistence): later events must still arrive
    outbox.enqueue(numbered_events(30, 40));
    std::this_thread::sleep_for(300ms);
    CHECK(count_in(outbox, "redis", DeliveryState::pending) == 10);
    // Restart on the same port.
    Child again({"redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
                 "no", "--dir", dir.path().string()},
                dir.file("redis2.log"));
    REQUIRE(wait_until([&] { return count_in(outbox, "redis", DeliveryState::delivered) == 40; }, 20s));
    REQUIRE(wait_until([&] { return count_in(outbox, "file", DeliveryState::delivered) == 40; }, 10s));
    dispatcher.stop();
    redisContext* c = redisConnect("127.0.0.1", port);
    auto* r = static_cast<redisReply*>(redisCommand(c, "XLEN bounces"));
    CHECK(r->integer == 10);
    freeReplyObject(r);
    redisFree(c);
    CHECK(json_lines(dir.file("out.jsonl")).size() == 40);
}

TEST_CASE("dispatcher: a restart resumes pending events - stop returns promptly") {
    TempDir dir;
    FakeListmonk fake(dir);
    fake.mode(R"({"mode": "down"})");
    const auto path = dir.file("o.sqlite");
    {
        Outbox outbox(path, {"listmonk"});
        std::vector<std::unique_ptr<Sink>> sinks;
        sinks.push_back(listmonk_sink(fake));
        Dispatcher dispatcher(outbox, std::move(sinks), fast_options());
        dispatcher.start();
        outbox.enqueue(numbered_events(0, 10));
        std::this_thread::sleep_for(300ms);
        const auto before = std::chrono::steady_clock::now();
        dispatcher.stop();
        CHECK(std::chrono::steady_clock::now() - before < 3s);
    }
    fake.mode(R"({"mode": "normal"})");
    Outbox outbox(path, {"listmonk"});
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(listmonk_sink(fake));
    Dispatcher dispatcher(outbox, std::move(sinks), fast_options());
    dispatcher.start();
    REQUIRE(wait_until([&] { return count_in(outbox, "listmonk", DeliveryState::delivered) == 10; }, 20s));
    dispatcher.stop();
    CHECK(json_lines(fake.record()).size() == 10);
}

TEST_CASE("pipeline from a config: listmonk and file sinks both get every event") {
    TempDir dir;
    FakeListmonk fake(dir);
    const std::string toml = "[outbox]\npath = \"" + dir.file("o.sqlite") +
                             "\"\nretry_initial = 0.05\nretry_max = 0.3\npoll_interval = 0.1\n"
                             "[listmonk]\nurl = \"" + fake.url() + "\"\nusername = \"bounce-milter\"\ntoken = \"s3cret\"\n"
                             "source = \"milter:test\"\n"
                             "[file]\npath = \"" + dir.file("out.jsonl") + "\"\n";
    auto loaded = conf::load_string(toml);
    REQUIRE(loaded.config);
    CHECK(sink_names(*loaded.config) == std::vector<std::string>{"listmonk", "file"});
    Pipeline pipeline(*loaded.config);
    pipeline.start();
    pipeline.outbox().enqueue(numbered_events(0, 5));
    REQUIRE(wait_until([&] { return json_lines(fake.record()).size() == 5 && json_lines(dir.file("out.jsonl")).size() == 5; }, 20s));
    pipeline.stop();
    CHECK(json_lines(fake.record())[0]["source"] == "milter:test");  // [listmonk] source overrides
    CHECK(json_lines(dir.file("out.jsonl"))[0]["source"] == "bounce-milter");
}
