// The HMAC, shared-secret and credential providers: every public (and self-computed) vector from
// providers.md, its tampered forms, and the recommended hard/soft/complaint mappings.
#include <catch2/catch.hpp>

#include "support.hpp"
#include "webhooks/encoding.hpp"
#include "webhooks/mac.hpp"

using namespace test_support;
using webhooks::Outcome;

namespace {

std::string basic(const std::string& user, const std::string& pass) {
    return "Basic " + webhooks::base64_encode(user + ":" + pass);
}

conf::ProviderConfig credentials(const std::string& user, const std::string& pass) {
    conf::ProviderConfig c;
    c.username = user;
    c.password = pass;
    return c;
}

Outcome post(webhooks::Provider& p, const std::string& body, std::map<std::string, std::string> headers) {
    OwnedRequest r(body, std::move(headers));
    return p.handle(r.request);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
TEST_CASE("Postmark: Basic credentials, mapping and campaign from Metadata") {
    auto p = make("postmark", credentials("pm-user", "pm-pass"), services_at(1790000000));
    const std::string bounce =
        R"({"RecordType":"Bounce","ID":42,"Type":"HardBounce","TypeCode":1,"Email":"john@example.com","BouncedAt":"2014-08-01T13:28:10.2735393-04:00","Details":"smtp;550 5.1.1 The email account that you tried to reach does not exist.","MessageID":"883953f4-6105-42a2-a16a-77a8eac79483","Metadata":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"}})";
    const Outcome ok = post(*p, bounce, {{"Authorization", basic("pm-user", "pm-pass")}});
    REQUIRE(ok.status == 200);
    REQUIRE(ok.events.size() == 1);
    CHECK(ok.events[0].type == "hard");
    CHECK(ok.events[0].email == "john@example.com");
    CHECK(ok.events[0].campaign_uuid == campaign);
    CHECK(ok.events[0].created_at == "2014-08-01T17:28:10Z");
    CHECK(ok.events[0].idempotency_key == "postmark:42");
    CHECK(ok.events[0].meta["status"] == "5.1.1");

    CHECK(post(*p, bounce, {}).status == 401);
    CHECK(post(*p, bounce, {{"Authorization", basic("pm-user", "wrong")}}).status == 401);
    CHECK(post(*p, bounce, {{"Authorization", basic("other", "pm-pass")}}).status == 401);
    CHECK(post(*p, bounce, {{"Authorization", "Bearer pm-pass"}}).status == 401);

    auto typed = [&](const std::string& record, const std::string& type) {
        return post(*p, R"({"RecordType":")" + record + R"(","ID":1,"Type":")" + type + R"(","Email":"a@b.c"})",
                    {{"Authorization", basic("pm-user", "pm-pass")}});
    };
    CHECK(typed("Bounce", "SoftBounce").events.at(0).type == "soft");
    CHECK(typed("Bounce", "DnsError").events.at(0).type == "soft");
    CHECK(typed("Bounce", "BadEmailAddress").events.at(0).type == "hard");
    CHECK(typed("SpamComplaint", "SpamComplaint").events.at(0).type == "complaint");
    const Outcome autoresponder = typed("Bounce", "AutoResponder");
    CHECK(autoresponder.status == 200);  // listmonk answers 400 here, inviting endless retries
    CHECK(autoresponder.events.empty());
    CHECK(typed("Delivery", "").events.empty());
    CHECK(post(*p, "{", {{"Authorization", basic("pm-user", "pm-pass")}}).status == 400);
}

// ---------------------------------------------------------------------------------------------------
namespace {
const std::string kMailgunKey = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
const std::string kMailgunBody =
    R"({"signature":{"timestamp":"1403645220","token":"5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6","signature":"9cfc5c41582e51246e73c88d34db3af0a3a2692a76fbab81492842f000256d33"},"event-data":{"event":"failed","severity":"permanent","reason":"bounce","recipient":"invalid@example.com","timestamp":1534110422.389832,"log-level":"error","message":{"headers":{"to":"invalid@example.com","message-id":"20180812214658.1.0DF563D0B3597700@example.org","from":"Test Sender"}},"delivery-status":{"code":550,"message":"5.1.1 The email account that you tried to reach does not exist."},"user-variables":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"}}})";

std::unique_ptr<webhooks::Provider> mailgun(std::int64_t now) {
    conf::ProviderConfig c;
    c.signing_key = kMailgunKey;
    return make("mailgun", c, services_at(now));
}

std::string mailgun_body(const std::string& key, std::int64_t ts, const std::string& token, const std::string& data) {
    const std::string sig = webhooks::hex_encode(webhooks::hmac_sha256(key, std::to_string(ts) + token));
    return R"({"signature":{"timestamp":")" + std::to_string(ts) + R"(","token":")" + token + R"(","signature":")" +
           sig + R"("},"event-data":)" + data + "}";
}
}  // namespace

TEST_CASE("Mailgun: the public vector verifies and maps to hard with its campaign") {
    auto p = mailgun(1403645220 + 10);
    const Outcome o = p->handle(OwnedRequest(kMailgunBody).request);
    REQUIRE(o.status == 200);
    REQUIRE(o.events.size() == 1);
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].email == "invalid@example.com");
    CHECK(o.events[0].campaign_uuid == campaign);
    CHECK(o.events[0].idempotency_key == "mailgun:5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6");
    CHECK(o.events[0].meta["reply_code"] == "550");
    CHECK(o.events[0].meta["status"] == "5.1.1");
    CHECK(o.events[0].created_at == "2018-08-12T21:47:02Z");
}

TEST_CASE("Mailgun: tampered, stale, replayed and unsigned requests are refused") {
    SECTION("the published negative token") {
        std::string body = kMailgunBody;
        body.replace(body.find("5egbgr1vjgqxtrnp65xfznchgdccwh5d6i09vijqi3whgowmn6"), 50,
                     "owyldpe6nxhmrn78epljl6bj0orrki1u3d2v5e6cnlmmuox8jr");
        CHECK(mailgun(1403645220)->handle(OwnedRequest(body).request).status == 403);
    }
    SECTION("wrong key") {
        conf::ProviderConfig c;
        c.signing_key = "key-somebody-else";
        CHECK(make("mailgun", c, services_at(1403645220))->handle(OwnedRequest(kMailgunBody).request).status == 403);
    }
    SECTION("stale timestamp") {
        CHECK(mailgun(1403645220 + 301)->handle(OwnedRequest(kMailgunBody).request).status == 403);
    }
    SECTION("replayed token after it was stored") {
        auto p = mailgun(1403645220);
        Outcome first = p->handle(OwnedRequest(kMailgunBody).request);
        REQUIRE(first.status == 200);
        REQUIRE(first.on_committed);
        first.on_committed();
        CHECK(p->handle(OwnedRequest(kMailgunBody).request).status == 403);
    }
    SECTION("a request that was not stored (503) can be retried") {
        auto p = mailgun(1403645220);
        CHECK(p->handle(OwnedRequest(kMailgunBody).request).status == 200);
        CHECK(p->handle(OwnedRequest(kMailgunBody).request).status == 200);
    }
    SECTION("a verified signature block reused with a different body is refused") {
        const std::int64_t now = 1790000000;
        auto p = mailgun(now);
        // The first request verifies but is refused later (event-data not an object): the token is spent anyway.
        const std::string signature_only = mailgun_body(kMailgunKey, now, "tok-reused", "[]");
        CHECK(p->handle(OwnedRequest(signature_only).request).status == 400);
        const std::string forged = mailgun_body(kMailgunKey, now, "tok-reused",
            R"({"event":"failed","severity":"permanent","recipient":"victim@example.com","timestamp":1790000000})");
        const Outcome o = p->handle(OwnedRequest(forged).request);
        CHECK(o.status == 403);
        CHECK(o.events.empty());
    }
    SECTION("a stored request's signature block with a second body is refused") {
        const std::int64_t now = 1790000000;
        auto p = mailgun(now);
        Outcome first = p->handle(OwnedRequest(mailgun_body(kMailgunKey, now, "tok-two",
            R"({"event":"failed","severity":"permanent","recipient":"a@example.com","timestamp":1790000000})")).request);
        REQUIRE(first.status == 200);
        CHECK(p->handle(OwnedRequest(mailgun_body(kMailgunKey, now, "tok-two",
            R"({"event":"failed","severity":"permanent","recipient":"b@example.com","timestamp":1790000000})")).request)
                  .status == 403);
    }
    SECTION("missing signature block") {
        CHECK(mailgun(1403645220)->handle(OwnedRequest(R"({"event-data":{}})").request).status == 403);
    }
}

TEST_CASE("Mailgun: temporary failures are soft, complaints are complaints, others ignored") {
    const std::int64_t now = 1790000000;
    auto p = mailgun(now);
    const Outcome soft = p->handle(OwnedRequest(mailgun_body(kMailgunKey, now, "tok-soft",
        R"({"event":"failed","severity":"temporary","recipient":"a@example.com","timestamp":1790000000})")).request);
    CHECK(soft.events.at(0).type == "soft");
    const Outcome complaint = p->handle(OwnedRequest(mailgun_body(kMailgunKey, now, "tok-c",
        R"({"event":"complained","recipient":"b@example.com","timestamp":1790000000})")).request);
    CHECK(complaint.events.at(0).type == "complaint");
    const Outcome delivered = p->handle(OwnedRequest(mailgun_body(kMailgunKey, now, "tok-d",
        R"({"event":"delivered","recipient":"c@example.com"})")).request);
    CHECK(delivered.status == 200);
    CHECK(delivered.events.empty());
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("SparkPost: Basic auth and bounce_class mapping") {
    auto p = make("sparkpost", credentials("sp", "sp-pass"), services_at(1790000000));
    auto event = [](const std::string& type, const std::string& bounce_class, const std::string& id) {
        return R"({"msys":{"message_event":{"type":")" + type + R"(","bounce_class":")" + bounce_class +
               R"(","error_code":"550","raw_reason":"550 5.1.1 <bounce@example.com>: Recipient address rejected","rcpt_to":"bounce@example.com","timestamp":"1454442600","event_id":")" +
               id + R"(","rcpt_meta":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"}}}})";
    };
    const std::string batch = "[" + event("bounce", "10", "e1") + "," + event("bounce", "21", "e2") + "," +
                              event("bounce", "80", "e3") + "," + event("spam_complaint", "", "e4") + "," +
                              event("delay", "", "e5") + R"(,{"msys":{}}])";
    const Outcome o = post(*p, batch, {{"Authorization", basic("sp", "sp-pass")}});
    REQUIRE(o.status == 200);
    REQUIRE(o.events.size() == 3);
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].email == "bounce@example.com");
    CHECK(o.events[0].campaign_uuid == campaign);
    CHECK(o.events[0].idempotency_key == "sparkpost:e1");
    CHECK(o.events[0].created_at == "2016-02-02T19:50:00Z");
    CHECK(o.events[1].type == "soft");
    CHECK(o.events[2].type == "complaint");
    CHECK(post(*p, batch, {{"Authorization", basic("sp", "nope")}}).status == 401);
    CHECK(post(*p, batch, {}).status == 401);
    CHECK(post(*p, R"([{"msys":{}}])", {{"Authorization", basic("sp", "sp-pass")}}).status == 200);
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("Mailjet: single and grouped events, greylisting and blocked ignored") {
    auto p = make("mailjet", credentials("mj", "mj-pass"), services_at(1790000000));
    const std::string bounce =
        R"({"event":"bounce","time":1498093527,"MessageID":12345,"email":"invalid@invalid","mj_campaign_id":0,"CustomID":"d6da0074-1084-4aa1-9c62-65fde375d33c","Payload":"","blocked":false,"hard_bounce":true,"error_related_to":"domain","error":"invalid domain"})";
    const Outcome one = post(*p, bounce, {{"Authorization", basic("mj", "mj-pass")}});
    REQUIRE(one.events.size() == 1);
    CHECK(one.events[0].type == "hard");
    CHECK(one.events[0].email == "invalid@invalid");
    CHECK(one.events[0].campaign_uuid == campaign);
    CHECK(one.events[0].subscriber_uuid.empty());
    const std::string grouped =
        R"([{"event":"bounce","time":1,"MessageID":1,"email":"a@example.com","hard_bounce":false,"error":"quota exceeded"},)"
        R"({"event":"bounce","time":1,"MessageID":2,"email":"b@example.com","hard_bounce":false,"error":"greylisted"},)"
        R"({"event":"blocked","time":1,"MessageID":3,"email":"c@example.com"},)"
        R"({"event":"spam","time":1,"MessageID":4,"email":"d@example.com","Payload":"{\"X-Listmonk-Campaign\":\"d6da0074-1084-4aa1-9c62-65fde375d33c\"}"}])";
    const Outcome many = post(*p, grouped, {{"Authorization", basic("mj", "mj-pass")}});
    REQUIRE(many.events.size() == 2);
    CHECK(many.events[0].type == "soft");
    CHECK(many.events[1].type == "complaint");
    CHECK(many.events[1].campaign_uuid == campaign);
    CHECK(post(*p, bounce, {{"Authorization", basic("mj", "x")}}).status == 401);
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("Brevo: bearer token and event mapping") {
    conf::ProviderConfig c;
    c.token = "brevo-token";
    auto p = make("brevo", c, services_at(1790000000));
    const std::string hard =
        R"({"event":"hard_bounce","email":"not-a-user@example.com","id":1,"message-id":"<201803062010.27287306012@smtp-relay.mailin.fr>","reason":"550 5.1.1 user unknown","ts_epoch":1520363423000,"X-Mailin-custom":"{\"X-Listmonk-Campaign\":\"d6da0074-1084-4aa1-9c62-65fde375d33c\"}"})";
    const Outcome o = post(*p, hard, {{"Authorization", "Bearer brevo-token"}});
    REQUIRE(o.events.size() == 1);
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].created_at == "2018-03-06T19:10:23Z");
    CHECK(o.events[0].campaign_uuid == campaign);
    CHECK(o.events[0].meta["status"] == "5.1.1");
    auto kind = [&](const std::string& event) {
        return post(*p, R"({"event":")" + event + R"(","email":"a@b.c","message-id":"m","ts_epoch":1})",
                    {{"Authorization", "Bearer brevo-token"}});
    };
    CHECK(kind("soft_bounce").events.at(0).type == "soft");
    CHECK(kind("invalid_email").events.at(0).type == "hard");
    CHECK(kind("spam").events.at(0).type == "complaint");
    CHECK(kind("complaint").events.at(0).type == "complaint");
    CHECK(kind("blocked").events.empty());
    CHECK(kind("deferred").events.empty());
    CHECK(post(*p, hard, {{"Authorization", "Bearer wrong"}}).status == 401);
    CHECK(post(*p, hard, {}).status == 401);
}

// ---------------------------------------------------------------------------------------------------
namespace {
const std::string kMandrillForm =
    "mandrill_events=%5B%7B%22event%22%3A%22hard_bounce%22%2C%22ts%22%3A1700000000%2C%22msg%22%3A%7B%22email%22%3A%"
    "22bounce%40example.com%22%2C%22bounce_description%22%3A%22bad_mailbox%22%2C%22diag%22%3A%22smtp%3B550+5.1.1+"
    "user+unknown%22%2C%22metadata%22%3A%7B%22campaign_uuid%22%3A%22d6da0074-1084-4aa1-9c62-65fde375d33c%22%7D%7D%7D%"
    "5D";
std::unique_ptr<webhooks::Provider> mandrill() {
    conf::ProviderConfig c;
    c.key = "TEST_WEBHOOK_KEY";
    c.url = "https://user:pass@hooks.example.com/webhooks/mandrill";
    return make("mandrill", c, services_at(1790000000));
}
}  // namespace

TEST_CASE("Mandrill: the self-computed vector verifies and maps to hard with the campaign") {
    const Outcome o = post(*mandrill(), kMandrillForm, {{"X-Mandrill-Signature", "IXkxdgDLvbVCsfLm49fEvPoMXZ8="}});
    REQUIRE(o.status == 200);
    REQUIRE(o.events.size() == 1);
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].email == "bounce@example.com");
    CHECK(o.events[0].campaign_uuid == campaign);
    CHECK(o.events[0].meta["status"] == "5.1.1");
    CHECK(mandrill()->answers_head());
}

TEST_CASE("Mandrill: tampering is refused") {
    std::string changed = kMandrillForm;
    changed.replace(changed.find("hard_bounce"), 11, "soft_bounce");
    CHECK(post(*mandrill(), changed, {{"X-Mandrill-Signature", "IXkxdgDLvbVCsfLm49fEvPoMXZ8="}}).status == 403);
    CHECK(post(*mandrill(), kMandrillForm, {{"X-Mandrill-Signature", "IXkxdgDLvbVCsfLm49fEvPoMXZ9="}}).status == 403);
    CHECK(post(*mandrill(), kMandrillForm, {}).status == 403);
    conf::ProviderConfig other_url;
    other_url.key = "TEST_WEBHOOK_KEY";
    other_url.url = "https://hooks.example.com/webhooks/mandrill";  // not the URL Mandrill signed
    CHECK(post(*make("mandrill", other_url, services_at(0)), kMandrillForm,
               {{"X-Mandrill-Signature", "IXkxdgDLvbVCsfLm49fEvPoMXZ8="}}).status == 403);
}

// ---------------------------------------------------------------------------------------------------
namespace {
const std::string kSvixSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
std::unique_ptr<webhooks::Provider> resend(std::int64_t now, const std::string& secret = kSvixSecret) {
    conf::ProviderConfig c;
    c.secret = secret;
    return make("resend", c, services_at(now));
}
std::string svix_sign(const std::string& id, std::int64_t ts, const std::string& body) {
    const auto key = webhooks::base64_decode(kSvixSecret.substr(6));
    return "v1," + webhooks::base64_encode(webhooks::hmac_sha256(*key, id + "." + std::to_string(ts) + "." + body));
}
}  // namespace

TEST_CASE("Resend: the Standard Webhooks vector verifies") {
    const std::map<std::string, std::string> h = {{"svix-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                                                  {"svix-timestamp", "1614265330"},
                                                  {"svix-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
    const Outcome o = post(*resend(1614265330 + 60), R"({"test": 2432232314})", h);
    CHECK(o.status == 200);  // verified; not a Resend event type, so ignored
    CHECK(o.events.empty());
    SECTION("webhook-* header names work too, with other versions and entries in the list") {
        const Outcome alt = post(*resend(1614265330), R"({"test": 2432232314})",
                                 {{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
                                  {"webhook-timestamp", "1614265330"},
                                  {"webhook-signature", "v2,AAAA v1,bm9wZQ== v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}});
        CHECK(alt.status == 200);
    }
    SECTION("tampered forms") {
        CHECK(post(*resend(1614265330), R"({"test": 2432232315})", h).status == 403);
        CHECK(post(*resend(1614265330, "whsec_" + webhooks::base64_encode("another key")), R"({"test": 2432232314})", h)
                  .status == 403);
        CHECK(post(*resend(1614265330 + 301), R"({"test": 2432232314})", h).status == 403);
        CHECK(post(*resend(1614265330 - 301), R"({"test": 2432232314})", h).status == 403);
        auto wrong_id = h;
        wrong_id["svix-id"] = "msg_other";
        CHECK(post(*resend(1614265330), R"({"test": 2432232314})", wrong_id).status == 403);
        auto missing = h;
        missing.erase("svix-signature");
        CHECK(post(*resend(1614265330), R"({"test": 2432232314})", missing).status == 403);
        auto v2_only = h;
        v2_only["svix-signature"] = "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        CHECK(post(*resend(1614265330), R"({"test": 2432232314})", v2_only).status == 403);
    }
}

TEST_CASE("Resend: bounced emails give one event per recipient") {
    const std::int64_t now = 1790000000;
    const std::string body =
        R"({"type":"email.bounced","created_at":"2026-09-21T10:00:00.000Z","data":{"email_id":"e-1","to":["Bounced <bounced@resend.dev>","other@example.com"],"headers":[{"name":"X-Listmonk-Campaign","value":"d6da0074-1084-4aa1-9c62-65fde375d33c"}],"bounce":{"message":"550 5.1.1 no such user","type":"Permanent","subType":"General"}}})";
    const Outcome o = post(*resend(now), body,
                           {{"svix-id", "msg_1"}, {"svix-timestamp", std::to_string(now)}, {"svix-signature", svix_sign("msg_1", now, body)}});
    REQUIRE(o.events.size() == 2);
    CHECK(o.events[0].email == "bounced@resend.dev");
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].campaign_uuid == campaign);
    CHECK(o.events[0].idempotency_key == "resend:msg_1:bounced@resend.dev");
    const std::string transient = R"({"type":"email.bounced","data":{"to":["a@example.com"],"bounce":{"type":"Transient"}}})";
    CHECK(post(*resend(now), transient, {{"svix-id", "msg_2"}, {"svix-timestamp", std::to_string(now)},
                                         {"svix-signature", svix_sign("msg_2", now, transient)}})
              .events.at(0).type == "soft");
    const std::string complained = R"({"type":"email.complained","data":{"to":["a@example.com"]}})";
    CHECK(post(*resend(now), complained, {{"svix-id", "msg_3"}, {"svix-timestamp", std::to_string(now)},
                                          {"svix-signature", svix_sign("msg_3", now, complained)}})
              .events.at(0).type == "complaint");
    const std::string delayed = R"({"type":"email.delivery_delayed","data":{"to":["a@example.com"]}})";
    CHECK(post(*resend(now), delayed, {{"svix-id", "msg_4"}, {"svix-timestamp", std::to_string(now)},
                                       {"svix-signature", svix_sign("msg_4", now, delayed)}})
              .events.empty());
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("Forward Email: the self-computed vector verifies; tampering is refused") {
    conf::ProviderConfig c;
    c.key = "test-forwardemail-key";
    auto p = make("forwardemail", c, services_at(1790000000));
    const std::string body =
        R"({"recipient":"User@Example.com","bounce":{"category":"recipient","action":"reject","code":550,"status":"5.1.1"},"headers":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"},"bounced_at":"2025-01-09T10:00:00.000Z"})";
    REQUIRE(body.size() == 225);
    const std::string sig = "1680317df3669278e3f357f992c1a74e3352c75d84ad0638c6aa891f5d605b50";
    const Outcome o = post(*p, body, {{"X-Webhook-Signature", sig}});
    REQUIRE(o.events.size() == 1);
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].email == "user@example.com");
    CHECK(o.events[0].campaign_uuid == campaign);
    CHECK(o.events[0].created_at == "2025-01-09T10:00:00Z");
    CHECK(o.events[0].meta["reply_code"] == "550");
    std::string upper = sig;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    CHECK(post(*p, body, {{"X-Webhook-Signature", upper}}).status == 200);
    CHECK(post(*p, body + " ", {{"X-Webhook-Signature", sig}}).status == 403);
    CHECK(post(*p, body, {{"X-Webhook-Signature", sig.substr(0, 63) + "1"}}).status == 403);
    CHECK(post(*p, body, {}).status == 403);
    c.key = "other";
    CHECK(post(*make("forwardemail", c, services_at(0)), body, {{"X-Webhook-Signature", sig}}).status == 403);
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("Lettermint: the self-computed vector verifies within the window; tampering is refused") {
    conf::ProviderConfig c;
    c.key = "test-webhook-key";
    const std::string body =
        R"({"id":"evt_1","event":"message.hard_bounced","timestamp":"2026-10-04T10:00:00Z","data":{"recipient":"user@example.test","metadata":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"}}})";
    REQUIRE(body.size() == 195);
    const std::string header = "t=1791108000,v1=4d869f4b1e3ad0d06c5ee790aa687b4d1bcb35bb629023909298ac19d83eddbd";
    const Outcome o = post(*make("lettermint", c, services_at(1791108000 + 200)), body, {{"X-Lettermint-Signature", header}});
    REQUIRE(o.events.size() == 1);
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].email == "user@example.test");
    CHECK(o.events[0].campaign_uuid == campaign);
    CHECK(o.events[0].idempotency_key == "lettermint:evt_1");
    CHECK(post(*make("lettermint", c, services_at(1791108000)), body, {{"X-Lettermint-Signature", " t=1791108000 , v1=4d869f4b1e3ad0d06c5ee790aa687b4d1bcb35bb629023909298ac19d83eddbd"}}).status == 200);
    CHECK(post(*make("lettermint", c, services_at(1791108000 + 301)), body, {{"X-Lettermint-Signature", header}}).status == 403);
    CHECK(post(*make("lettermint", c, services_at(1791108000)), body, {{"X-Lettermint-Signature", "t=1791108001,v1=4d869f4b1e3ad0d06c5ee790aa687b4d1bcb35bb629023909298ac19d83eddbd"}}).status == 403);
    CHECK(post(*make("lettermint", c, services_at(1791108000)), body + "\n", {{"X-Lettermint-Signature", header}}).status == 403);
    CHECK(post(*make("lettermint", c, services_at(1791108000)), body, {}).status == 403);
    CHECK(post(*make("lettermint", c, services_at(1791108000)), body, {{"X-Lettermint-Signature", "v1=4d86"}}).status == 403);
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("Azure: the secret is required on the validation handshake too") {
    conf::ProviderConfig c;
    c.secret = "azure-secret";
    auto p = make("azure", c, services_at(1790000000));
    const std::string handshake =
        R"([{"id":"x","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}}])";
    CHECK(post(*p, handshake, {{"aeg-event-type", "SubscriptionValidation"}}).status == 401);
    CHECK(post(*p, handshake, {{"aeg-event-type", "SubscriptionValidation"}, {"X-Listmonk-Webhook-Secret", "nope"}}).status == 401);
    OwnedRequest with_code(handshake, {{"aeg-event-type", "SubscriptionValidation"}});
    with_code.request.query.emplace("code", "azure-secret");
    const Outcome ok = p->handle(with_code.request);
    CHECK(ok.status == 200);
    REQUIRE(ok.response_body);
    CHECK((*ok.response_body)["validationResponse"] == "512d38b6-c7b8-40c8-89fe-f46f9e9622b6");
}

TEST_CASE("Azure: delivery reports map like listmonk, Suppressed is ignored") {
    conf::ProviderConfig c;
    c.secret = "azure-secret";
    auto p = make("azure", c, services_at(1790000000));
    auto report = [](const std::string& id, const std::string& status, const std::string& message) {
        return R"({"id":")" + id + R"(","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","eventTime":"2026-01-01T00:00:00Z","data":{"recipient":"R@Example.com","messageId":"m","status":")" +
               status + R"(","deliveryStatusDetails":{"statusMessage":")" + message +
               R"("},"deliveryAttemptTimeStamp":"2026-01-01T00:00:01.1234567Z"}})";
    };
    const std::string body = "[" + report("1", "Bounced", "550 5.1.1 unknown") + "," + report("2", "Failed", "451 4.2.2 mailbox full") +
                             "," + report("3", "Failed", "recipient does not exist") + "," +
                             report("4", "FilteredSpam", "user complaint") + "," + report("5", "Quarantined", "held") + "," +
                             report("6", "Suppressed", "") + "," + report("7", "Delivered", "") +
                             R"(,{"eventType":"Other","data":{}}])";
    const Outcome o = post(*p, body, {{"aeg-event-type", "Notification"}, {"X-Listmonk-Webhook-Secret", "azure-secret"}});
    REQUIRE(o.events.size() == 5);
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].email == "r@example.com");
    CHECK(o.events[0].created_at == "2026-01-01T00:00:01Z");
    CHECK(o.events[0].idempotency_key == "azure:1");
    CHECK(o.events[1].type == "soft");
    CHECK(o.events[2].type == "hard");
    CHECK(o.events[3].type == "complaint");
    CHECK(o.events[4].type == "soft");
}

TEST_CASE("Providers refuse to start without their secrets") {
    for (const char* name : {"postmark", "mailgun", "sparkpost", "mailjet", "brevo", "mandrill", "resend",
                             "forwardemail", "lettermint", "azure", "sendgrid"}) {
        INFO(name);
        CHECK_THROWS_AS(make(name, conf::ProviderConfig{}, services_at(0)), webhooks::ProviderConfigError);
    }
}

// ---------------------------------------------------------------------------------------------------
TEST_CASE("Addresses the listmonk sink would refuse are refused at the webhook with 400, not stored") {
    auto p = make("postmark", credentials("pm-user", "pm-pass"), services_at(1790000000));
    auto bounce = [&](const std::string& email, const std::string& metadata = "{}") {
        return post(*p, R"({"RecordType":"Bounce","ID":7,"Type":"HardBounce","Email":")" + email +
                            R"(","Metadata":)" + metadata + "}",
                    {{"Authorization", basic("pm-user", "pm-pass")}});
    };
    for (const std::string bad : {"j\xc3\xb6rg@example.com", "user@b\xc3\xbc" "cher.example", "a..b@example.com"}) {
        const Outcome o = bounce(bad);
        CHECK(o.status == 400);
        CHECK(o.events.empty());
    }
    CHECK(bounce("j\xc3\xb6rg@example.com", R"({"X-Listmonk-Subscriber":"5911d3f4-2346-4bfc-aad2-eb319ab0e879"})")
              .status == 200);  // listmonk looks the subscriber up by UUID
    CHECK(bounce("jorg@example.com").status == 200);

    SECTION("a batch in which every address is refused is a 400; one good address is stored alone") {
        conf::ProviderConfig c;
        c.username = "mj";
        c.password = "mj-pass";
        auto mailjet = make("mailjet", c, services_at(1790000000));
        const std::string bad = R"({"event":"bounce","email":"\u00fcber@example.com","hard_bounce":true,"MessageID":1})";
        const std::string good = R"({"event":"bounce","email":"ok@example.com","hard_bounce":true,"MessageID":2})";
        CHECK(post(*mailjet, "[" + bad + "]", {{"Authorization", basic("mj", "mj-pass")}}).status == 400);
        const Outcome mixed = post(*mailjet, "[" + bad + "," + good + "]", {{"Authorization", basic("mj", "mj-pass")}});
        CHECK(mixed.status == 200);
        REQUIRE(mixed.events.size() == 1);
        CHECK(mixed.events[0].email == "ok@example.com");
    }
}
