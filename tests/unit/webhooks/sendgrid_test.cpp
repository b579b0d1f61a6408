// SendGrid: the published ECDSA vectors and their negative forms, freshly signed batches with
// SendGrid's published test private key, and the bounce classification.
#include <catch2/catch.hpp>

#include "support.hpp"
#include "test_keys.hpp"

using namespace test_support;
using webhooks::Outcome;

namespace {

const std::string kKeyA =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/"
    "1FwCM/QmGUhA==";
const std::string kBodyA = R"({"category":"example_payload","event":"test_event","message_id":"message_id"})";
const std::string kSigA =
    "MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=";
const std::string kKeyB =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eN"
    "Ec6wEA3F+g==";
const std::string kBodyB =
    R"([{"email":"hello@world.com","event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","smtp-id":"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>","timestamp":1600112492}])"
    "\r\n";
const std::string kSigB =
    "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=";
const std::string kWrongKey =
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/"
    "R1NGe1OPzpA==";

std::unique_ptr<webhooks::Provider> sendgrid(const std::string& key, std::int64_t now) {
    conf::ProviderConfig c;
    c.public_key = key;
    return make("sendgrid", c, services_at(now));
}

Outcome post(webhooks::Provider& p, const std::string& body, const std::string& timestamp, const std::string& sig) {
    OwnedRequest r(body, {{"X-Twilio-Email-Event-Webhook-Signature", sig},
                          {"X-Twilio-Email-Event-Webhook-Timestamp", timestamp}});
    return p.handle(r.request);
}

std::string sign(const std::string& timestamp, const std::string& body) {
    return webhooks::base64_encode(sign_with(sendgrid_test_private_key(), EVP_sha256(), timestamp + body));
}

}  // namespace

TEST_CASE("SendGrid: published vectors verify") {
    // Vector A is not a JSON array: verified, then refused as malformed (proves verification passed).
    CHECK(post(*sendgrid(kKeyA, 1588788367), kBodyA, "1588788367", kSigA).status == 400);
    // Vector B is a "dropped" batch: verified and ignored.
    const Outcome b = post(*sendgrid(kKeyB, 1600112502), kBodyB, "1600112502", kSigB);
    CHECK(b.status == 200);
    CHECK(b.events.empty());
}

TEST_CASE("SendGrid: negative vectors are refused") {
    CHECK(post(*sendgrid(kKeyA, 1588788367), kBodyA, "timestamp", kSigA).status == 403);
    CHECK(post(*sendgrid(kKeyA, 1588788367), "payload", "1588788367", kSigA).status == 403);
    CHECK(post(*sendgrid(kWrongKey, 1588788367), kBodyA, "1588788367", kSigA).status == 403);
    CHECK(post(*sendgrid(kKeyB, 1600112502), kBodyB.substr(0, kBodyB.size() - 2), "1600112502", kSigB).status == 403);
    std::string changed = kSigA;
    changed[20] = changed[20] == 'A' ? 'B' : 'A';
    CHECK(post(*sendgrid(kKeyA, 1588788367), kBodyA, "1588788367", changed).status == 403);
    CHECK(post(*sendgrid(kKeyA, 1588788367), kBodyA, "1588788367", "not base64!").status == 403);
    auto p = sendgrid(kKeyA, 1588788367);
    OwnedRequest missing(kBodyA, {{"X-Twilio-Email-Event-Webhook-Timestamp", "1588788367"}});
    CHECK(p->handle(missing.request).status == 403);
}

TEST_CASE("SendGrid: stale and future timestamps are refused even when signed") {
    CHECK(post(*sendgrid(kKeyA, 1588788367 + 301), kBodyA, "1588788367", kSigA).status == 403);
    CHECK(post(*sendgrid(kKeyA, 1588788367 - 301), kBodyA, "1588788367", kSigA).status == 403);
}

TEST_CASE("SendGrid: freshly signed batch maps bounces by status and classification") {
    const std::int64_t now = 1790000000;
    const std::string ts = std::to_string(now);
    const std::string body =
        R"([{"bounce_classification":"Unclassified","email":"noemail@this.does.not.exist.tld","event":"bounce","reason":"unable to get mx info","sg_event_id":"Ym91bmNlLTQ","timestamp":1740300320,"tls":0,"type":"blocked"},)"
        R"({"email":"NoReply@Example.com","event":"bounce","type":"bounce","status":"5.1.1","reason":"550 5.1.1 The email account that you tried to reach does not exist.","sg_event_id":"lC0Rc-FuQmKbnxCWxX1jRQ","timestamp":1461095250,"XListmonkCampaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"},)"
        R"({"email":"a@example.com","event":"bounce","type":"bounce","status":"4.2.2","sg_event_id":"e3","timestamp":1},)"
        R"({"email":"b@example.com","event":"bounce","type":"bounce","bounce_classification":"Technical Failure","sg_event_id":"e4","timestamp":1},)"
        R"({"email":"c@example.com","event":"bounce","type":"bounce","bounce_classification":"Invalid Address","sg_event_id":"e5","timestamp":1},)"
        R"({"email":"d@example.com","event":"spamreport","sg_event_id":"e6","timestamp":1},)"
        R"({"email":"e@example.com","event":"dropped","reason":"Bounced Address","sg_event_id":"e7","timestamp":1},)"
        R"({"email":"f@example.com","event":"delivered","sg_event_id":"e8","timestamp":1}])";
    const Outcome o = post(*sendgrid(kKeyA, now), body, ts, sign(ts, body));
    REQUIRE(o.status == 200);
    REQUIRE(o.events.size() == 6);
    CHECK(o.events[0].type == "soft");  // blocked
    CHECK(o.events[1].type == "hard");  // 5.1.1
    CHECK(o.events[1].email == "noreply@example.com");
    CHECK(o.events[1].campaign_uuid == campaign);
    CHECK(o.events[1].idempotency_key == "sendgrid:lC0Rc-FuQmKbnxCWxX1jRQ");
    CHECK(o.events[1].created_at == "2016-04-19T19:47:30Z");
    CHECK(o.events[1].meta["status"] == "5.1.1");
    CHECK(o.events[1].meta["payload"]["sg_event_id"] == "lC0Rc-FuQmKbnxCWxX1jRQ");
    CHECK(o.events[2].type == "soft");  // 4.x
    CHECK(o.events[3].type == "soft");  // Technical Failure (title case)
    CHECK(o.events[4].type == "hard");  // Invalid Address
    CHECK(o.events[5].type == "complaint");
    CHECK(o.events[5].email == "d@example.com");
}

TEST_CASE("SendGrid: an invalid public key is a configuration error") {
    CHECK_THROWS_AS(sendgrid("", 0), webhooks::ProviderConfigError);
    CHECK_THROWS_AS(sendgrid("bm90IGEga2V5", 0), webhooks::ProviderConfigError);
}
