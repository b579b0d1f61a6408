#include "forwarder/event.hpp"
#include "forwarder/producer.hpp"
#include "forwarder/validate.hpp"

#include <catch2/catch.hpp>

using namespace forwarder;

namespace {
const std::string kSub = "5911d3f4-2346-4bfc-aad2-eb319ab0e879";
const std::string kCamp = "9f86b50d-5711-41c8-ab03-bc91c43d711b";

dsn::Event failed(const std::string& rcpt) {
    dsn::Event e;
    e.recipient = rcpt;
    e.action = "failed";
    e.status = "5.1.1";
    e.reply_code = "550";
    e.reason = "userunknown";
    e.type = dsn::BounceType::hard;
    e.diagnostic = "smtp; 550 5.1.1 user unknown";
    e.reporting_mta = "mx.example.net";
    e.original_message_id = "<orig-1@lists.example.com>";
    e.dialect = "postfix";
    return e;
}

dsn::Report report_of(std::vector<dsn::Event> events) {
    dsn::Report r;
    r.kind = dsn::Kind::dsn;
    r.message_id = "<dsn-1@mx.example.net>";
    r.events = std::move(events);
    return r;
}
}  // namespace

TEST_CASE("UUID and bare address shapes follow listmonk's checks") {
    CHECK(is_uuid(kSub));
    CHECK(is_uuid("5911D3F4-2346-4BFC-AAD2-EB319AB0E879"));
    CHECK_FALSE(is_uuid("5911d3f4-2346-4bfc-aad2-eb319ab0e87"));
    CHECK_FALSE(is_uuid("5911d3f4x2346-4bfc-aad2-eb319ab0e879"));
    CHECK_FALSE(is_uuid("g911d3f4-2346-4bfc-aad2-eb319ab0e879"));
    CHECK(is_bare_email("user@example.com"));
    CHECK(is_bare_email("first.last+tag@sub.example.co.uk"));
    CHECK(is_bare_email("\"odd local\"@example.com"));
    CHECK(is_bare_email("user@[192.0.2.1]"));
    CHECK_FALSE(is_bare_email("Name <user@example.com>"));
    CHECK_FALSE(is_bare_email("<user@example.com>"));
    CHECK_FALSE(is_bare_email("user@"));
    CHECK_FALSE(is_bare_email("@example.com"));
    CHECK_FALSE(is_bare_email("us er@example.com"));
    CHECK_FALSE(is_bare_email("user..x@example.com"));
    CHECK(normalize_email("  <User@Example.COM> ") == "user@example.com");
}

TEST_CASE("listmonk body: UUID when known, else bare lowercased email - campaign only when valid") {
    Event e;
    e.email = "User@Example.com";
    e.type = "hard";
    e.source = "bounce-milter";
    e.created_at = "2026-07-21T10:00:00Z";
    e.meta = {{"status", "5.1.1"}};

    auto body = listmonk_body(e);
    CHECK(body["email"] == "user@example.com");
    CHECK_FALSE(body.contains("subscriber_uuid"));
    CHECK_FALSE(body.contains("campaign_uuid"));
    CHECK(body["type"] == "hard");
    CHECK(body["source"] == "bounce-milter");
    CHECK(body["created_at"] == "2026-07-21T10:00:00Z");
    CHECK(body["meta"].is_object());

    e.subscriber_uuid = "5911D3F4-2346-4BFC-AAD2-EB319AB0E879";
    e.campaign_uuid = kCamp;
    body = listmonk_body(e);
    CHECK(body["subscriber_uuid"] == kSub);
    CHECK(body["campaign_uuid"] == kCamp);

    e.campaign_uuid = "not-a-uuid";  // listmonk would lose the whole bounce on this
    e.email = "Name <x@y.z>";
    body = listmonk_body(e);
    CHECK_FALSE(body.contains("campaign_uuid"));
    CHECK_FALSE(body.contains("email"));
    CHECK(body["subscriber_uuid"] == kSub);
}

TEST_CASE("listmonk body: NUL characters are stripped from meta and meta is always an object") {
    Event e;
    e.email = "a@b.example";
    e.type = "soft";
    e.meta = {{std::string("diag\0nostic", 11), std::string("bad\0byte", 8)}, {"nested", {{"k", std::string("v\0", 2)}}}};
    auto body = listmonk_body(e);
    CHECK(body["meta"]["diagnostic"] == "badbyte");
    CHECK(body["meta"]["nested"]["k"] == "v");
    CHECK(dump_json(body).find("\\u0000") == std::string::npos);

    e.meta = nlohmann::json::array();
    CHECK(listmonk_body(e)["meta"] == nlohmann::json::object());
    e.meta = {{"diagnostic", std::string("\xff\xfe invalid utf8")}};
    CHECK_NOTHROW(dump_json(listmonk_body(e)));
}

TEST_CASE("stored events read back identical") {
    Event e;
    e.idempotency_key = "k";
    e.email = "a@b.example";
    e.subscriber_uuid = kSub;
    e.campaign_uuid = kCamp;
    e.type = "complaint";
    e.source = "ses";
    e.created_at = "2026-07-21T10:00:00Z";
    e.meta = {{"x", 1}};
    auto back = event_from_storage_json(nlohmann::json::parse(dump_json(to_storage_json(e))));
    CHECK(back.idempotency_key == e.idempotency_key);
    CHECK(back.subscriber_uuid == e.subscriber_uuid);
    CHECK(back.campaign_uuid == e.campaign_uuid);
    CHECK(back.meta == e.meta);
    CHECK(back.type == "complaint");
    CHECK(event_from_storage_json(nlohmann::json("garbage")).idempotency_key.empty());
}

TEST_CASE("idempotency key: original Message-ID first, then the DSN's, then the message bytes") {
    const auto a = idempotency_key("<o@x>", "<d1@x>", "bytes1", "User@X.example", "failed");
    CHECK(a.size() == 64);
    CHECK(a == idempotency_key("<o@x>", "<d2@x>", "bytes2", "user@x.example", "failed"));  // same bounce, another DSN
    CHECK(a != idempotency_key("<o@x>", "<d1@x>", "bytes1", "other@x.example", "failed"));
    CHECK(a != idempotency_key("<o@x>", "<d1@x>", "bytes1", "user@x.example", "delayed"));
    const auto by_dsn = idempotency_key("", "<d1@x>", "bytes1", "u@x.example", "failed");
    CHECK(by_dsn == idempotency_key("", "<d1@x>", "other bytes", "u@x.example", "failed"));
    CHECK(by_dsn != idempotency_key("", "<d2@x>", "bytes1", "u@x.example", "failed"));
    const auto by_bytes = idempotency_key("", "", "bytes1", "u@x.example", "failed");
    CHECK(by_bytes != idempotency_key("", "", "bytes2", "u@x.example", "failed"));
    CHECK(by_bytes != by_dsn);
}

TEST_CASE("VERP template extraction") {
    const std::string t = "bounces+{subscriber_uuid}@lists.example.com";
    auto ids = match_verp(t, "<Bounces+" + kSub + "@Lists.Example.com>");
    REQUIRE(ids);
    CHECK(ids->subscriber_uuid == kSub);
    CHECK(ids->campaign_uuid.empty());
    CHECK_FALSE(match_verp(t, "bounces+not-a-uuid@lists.example.com"));
    CHECK_FALSE(match_verp(t, "bounces@lists.example.com"));
    CHECK_FALSE(match_verp(t, "bounces+" + kSub + "@other.example.com"));
    CHECK_FALSE(match_verp("", "bounces+" + kSub + "@lists.example.com"));

    auto both = match_verp("b+{campaign_uuid}.{subscriber_uuid}@l.example", "b+" + kCamp + "." + kSub + "@l.example");
    REQUIRE(both);
    CHECK(both->campaign_uuid == kCamp);
    CHECK(both->subscriber_uuid == kSub);
}

TEST_CASE("events from a report: meta, type, key, source and timestamp") {
    ProducerContext ctx;
    ctx.source = "milter:mx1";
    ctx.queue_id = "4ABCD";
    auto events = events_from_report(report_of({failed("User@Example.org")}), ctx);
    REQUIRE(events.size() == 1);
    const auto& e = events[0];
    CHECK(e.email == "user@example.org");
    CHECK(e.type == "hard");
    CHECK(e.source == "milter:mx1");
    CHECK(e.created_at.size() == 20);
    CHECK(e.idempotency_key == idempotency_key("<orig-1@lists.example.com>", "", "", "user@example.org", "failed"));
    CHECK(e.meta["status"] == "5.1.1");
    CHECK(e.meta["reply_code"] == "550");
    CHECK(e.meta["reason"] == "userunknown");
    CHECK(e.meta["queue_id"] == "4ABCD");
    CHECK(e.meta["dsn_message_id"] == "<dsn-1@mx.example.net>");
    CHECK(e.meta["dialect"] == "postfix");
    CHECK_FALSE(e.meta.contains("remote_mta"));  // empty values are left out
    CHECK_FALSE(e.meta.contains("feedback_type"));
}

TEST_CASE("events from a report: VERP fills missing UUIDs, never overrides found ones") {
    ProducerContext ctx;
    ctx.verp_template = "bounces+{subscriber_uuid}@lists.example.com";
    ctx.envelope_recipients = {"<bounces+" + kSub + "@lists.example.com>"};
    auto events = events_from_report(report_of({failed("user@example.org")}), ctx);
    REQUIRE(events.size() == 1);
    CHECK(events[0].subscriber_uuid == kSub);

    auto with_header = failed("user@example.org");
    with_header.subscriber_uuid = "11111111-2222-3333-4444-555555555555";
    events = events_from_report(report_of({with_header}), ctx);
    CHECK(events[0].subscriber_uuid == "11111111-2222-3333-4444-555555555555");

    // One VERP address cannot name two different failed recipients.
    events = events_from_report(report_of({failed("a@example.org"), failed("b@example.org")}), ctx);
    REQUIRE(events.size() == 2);
    CHECK(events[0].subscriber_uuid.empty());
    CHECK(events[1].subscriber_uuid.empty());

    // A report without a usable recipient is still forwardable by its VERP UUID.
    events = events_from_report(report_of({failed("")}), ctx);
    REQUIRE(events.size() == 1);
    CHECK(events[0].subscriber_uuid == kSub);
    CHECK(events[0].email.empty());
}

TEST_CASE("events from a report: delayed, non-bounces, overrides, unusable recipients") {
    auto delayed = failed("d@example.org");
    delayed.action = "delayed";
    delayed.type = dsn::BounceType::soft;
    auto full = failed("f@example.org");
    full.reason = "mailboxfull";
    full.type = dsn::BounceType::soft;
    auto vacation = failed("v@example.org");
    vacation.reason = "vacation";
    auto garbage = failed("not an address");

    ProducerContext ctx;
    std::vector<SkippedEvent> skipped;
    auto events = events_from_report(report_of({delayed, full, vacation, garbage}), ctx, &skipped);
    REQUIRE(events.size() == 1);
    CHECK(events[0].email == "f@example.org");
    CHECK(events[0].type == "soft");
    CHECK(skipped.size() == 3);

    ctx.forward_delayed = true;
    ctx.reason_types = {{"mailboxfull", "hard"}};
    events = events_from_report(report_of({delayed, full}), ctx);
    REQUIRE(events.size() == 2);
    CHECK(events[0].type == "soft");
    CHECK(events[1].type == "hard");

    auto autoreply = report_of({failed("a@example.org")});
    autoreply.kind = dsn::Kind::autoreply;
    CHECK(events_from_report(autoreply, ctx).empty());
    auto none = report_of({failed("a@example.org")});
    none.kind = dsn::Kind::none;
    CHECK(events_from_report(none, ctx).empty());
}

TEST_CASE("events from an ARF report are complaints with their feedback type") {
    auto c = failed("c@example.org");
    c.reason = "feedback";
    c.type = dsn::BounceType::complaint;
    c.feedback_type = "abuse";
    auto r = report_of({c});
    r.kind = dsn::Kind::arf;
    auto events = events_from_report(r, ProducerContext{});
    REQUIRE(events.size() == 1);
    CHECK(events[0].type == "complaint");
    CHECK(events[0].meta["feedback_type"] == "abuse");
}
