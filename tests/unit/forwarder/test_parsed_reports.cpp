// The parser's real output through the producer conversion into listmonk: what the milter does at
// end of message, minus libmilter.
#include "dsn/report.hpp"
#include "forwarder/listmonk_sink.hpp"
#include "forwarder/producer.hpp"
#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace forwarder;
using namespace test_support;

namespace {
std::string fixture(const std::string& name) { return read_file(std::string(FIXTURES_DIR) + "/" + name); }
}  // namespace

TEST_CASE("a parsed Postfix bounce becomes one hard event that listmonk accepts") {
    const std::string message = fixture("example-bounce.eml");
    REQUIRE_FALSE(message.empty());
    const auto report = dsn::parse(message);
    ProducerContext ctx;
    ctx.message = message;
    ctx.queue_id = "4Q1";
    auto events = events_from_report(report, ctx);
    REQUIRE(events.size() == 1);
    const auto& e = events[0];
    CHECK(e.type == "hard");
    CHECK(e.email == "reader.gone@recipient.example.net");
    CHECK(e.subscriber_uuid == "5911d3f4-2346-4bfc-aad2-eb319ab0e879");
    CHECK(e.campaign_uuid == "9f86b50d-5711-41c8-ab03-bc91c43d711b");
    CHECK(e.meta["status"] == "5.1.1");
    CHECK(e.meta["reason"] == "userunknown");
    CHECK(e.idempotency_key.size() == 64);
    // The same bounce arriving again yields the same key.
    CHECK(events_from_report(dsn::parse(message), ctx)[0].idempotency_key == e.idempotency_key);

    TempDir dir;
    FakeListmonk fake(dir);
    ListmonkSinkOptions o;
    o.url = fake.url();
    o.username = "bounce-milter";
    o.token = "s3cret";
    ListmonkSink sink(o);
    REQUIRE(sink.deliver(e).kind == DeliveryResult::Kind::delivered);
    auto recorded = nlohmann::json::parse(fake.bounces());
    REQUIRE(recorded.size() == 1);
    CHECK(recorded[0]["subscriber_uuid"] == "5911d3f4-2346-4bfc-aad2-eb319ab0e879");
}

TEST_CASE("parsed non-bounces yield no events, complaints yield complaint events") {
    for (const char* name : {"vacation.eml", "human-reply.eml", "read-receipt.eml"}) {
        INFO(name);
        const std::string message = fixture(std::string("dsn/") + name);
        REQUIRE_FALSE(message.empty());
        ProducerContext ctx;
        ctx.message = message;
        CHECK(events_from_report(dsn::parse(message), ctx).empty());
    }
    const std::string arf = fixture("dsn/arf-complaint.eml");
    ProducerContext ctx;
    ctx.message = arf;
    auto events = events_from_report(dsn::parse(arf), ctx);
    REQUIRE_FALSE(events.empty());
    for (const auto& e : events) CHECK(e.type == "complaint");
}
