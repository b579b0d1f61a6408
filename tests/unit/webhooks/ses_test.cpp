// SES via SNS: the four public AWS vectors with the real (expired) certificate and a pinned clock,
// generated-certificate messages for everything else, and the URL rules that guard every fetch.
#include <catch2/catch.hpp>

#include <sstream>

#include "support.hpp"
#include "test_keys.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/sns_message.hpp"
#include "webhooks/timestamps.hpp"
#include "webhooks/url.hpp"

using namespace test_support;
using webhooks::Outcome;

namespace {

const std::string kRealCertUrl =
    "https://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem";
constexpr std::int64_t kVectorTime = 1659045600;  // 2022-07-28T22:00:00Z: the cert was valid and the vectors fresh

std::vector<std::string> real_vectors() {
    std::vector<std::string> out;
    std::istringstream in(fixture("sns-vectors.jsonl"));
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

conf::ProviderConfig config_for_vectors() {
    conf::ProviderConfig c;
    for (const auto& v : real_vectors()) c.topic_arns.push_back(nlohmann::json::parse(v)["TopicArn"]);
    return c;
}

std::shared_ptr<RecordingFetcher> fetcher_with_real_cert() {
    auto f = std::make_shared<RecordingFetcher>();
    f->serve(kRealCertUrl, fixture("sns-certs/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"));
    return f;
}

Outcome post(webhooks::Provider& p, const std::string& body) {
    OwnedRequest r(body, {{"Content-Type", "text/plain; charset=UTF-8"}});
    return p.handle(r.request);
}

// Generated-certificate setup for messages we build ourselves.
const std::string kTopic = "arn:aws:sns:us-east-1:123456789012:listmonk-bounces";
const std::string kCertUrl = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";

std::string sign_sns(nlohmann::json message, const std::string& version = "2") {
    message["SignatureVersion"] = version;
    message["Signature"] = "";
    std::string error;
    const auto parsed = webhooks::parse_sns_message(message, error);
    if (!parsed) throw std::runtime_error(error);
    const auto& cert = GeneratedSnsCertificate::get();
    message["Signature"] = webhooks::base64_encode(
        sign_with(cert.key, version == "1" ? EVP_sha1() : EVP_sha256(), webhooks::sns_string_to_sign(*parsed)));
    return message.dump();
}

nlohmann::json envelope(const std::string& type, const std::string& message_text) {
    return {{"Type", type},
            {"MessageId", "0f4f8a5c-1111-2222-3333-444455556666"},
            {"TopicArn", kTopic},
            {"Message", message_text},
            // Signed freshness is checked against the clock: the generated setups run on the real one.
            {"Timestamp", webhooks::rfc3339_utc(webhooks::system_clock()())},
            {"SigningCertURL", kCertUrl}};
}

struct GeneratedSetup {
    std::shared_ptr<RecordingFetcher> fetcher = std::make_shared<RecordingFetcher>();
    std::unique_ptr<webhooks::Provider> provider;
    GeneratedSetup() {
        fetcher->serve(kCertUrl, GeneratedSnsCertificate::get().certificate_pem);
        conf::ProviderConfig c;
        c.topic_arns = {kTopic};
        provider = make("ses", c, webhooks::Services{webhooks::system_clock(), fetcher});
    }
};

std::string ses_bounce(const std::string& bounce_type, const std::string& status, bool with_headers = true) {
    nlohmann::json m = {
        {"notificationType", "Bounce"},
        {"bounce",
         {{"bounceType", bounce_type},
          {"bounceSubType", "General"},
          {"bouncedRecipients",
           {{{"emailAddress", "First@Example.com"}, {"status", status}, {"diagnosticCode", "smtp; 550 " + status + " no"}},
            {{"emailAddress", "second@example.com"}, {"status", status}}}},
          {"timestamp", "2026-11-27T09:59:00.000Z"},
          {"feedbackId", "fb-1"}}},
        {"mail",
         {{"messageId", "m-1"},
          {"destination", {"first@example.com", "second@example.com"}},
          {"headersTruncated", false}}}};
    if (with_headers) {
        m["mail"]["headers"] = {{{"name", "x-listmonk-campaign"}, {"value", campaign}},
                                {{"name", "X-Listmonk-Subscriber"}, {"value", "5911d3f4-2346-4bfc-aad2-eb319ab0e879"}}};
    }
    return m.dump();
}

}  // namespace

TEST_CASE("SNS: the four public AWS vectors verify with the real certificate") {
    auto fetcher = fetcher_with_real_cert();
    auto ses = make("ses", config_for_vectors(), services_at(kVectorTime, fetcher));
    const auto vectors = real_vectors();
    REQUIRE(vectors.size() == 4);
    for (const auto& v : vectors) {
        const Outcome o = post(*ses, v);
        INFO(v.substr(0, 120));
        CHECK(o.status == 200);
        CHECK(o.events.empty());  // "Hello world" is not an SES notification: verified, then ignored
    }
    // The certificate was fetched once and cached.
    CHECK(fetcher->requested == std::vector<std::string>{kRealCertUrl});
}

TEST_CASE("SNS: the string to sign matches AWS's reference") {
    webhooks::SnsMessage m;
    m.type = "Notification";
    m.message = "foo";
    m.message_id = "bar";
    m.timestamp = "1435697129";
    m.topic_arn = "baz";
    CHECK(webhooks::sns_string_to_sign(m) ==
          "Message\nfoo\nMessageId\nbar\nTimestamp\n1435697129\nTopicArn\nbaz\nType\nNotification\n");
    const auto v0 = nlohmann::json::parse(real_vectors()[0]);
    std::string error;
    const auto parsed = webhooks::parse_sns_message(v0, error);
    REQUIRE(parsed);
    CHECK(webhooks::sns_string_to_sign(*parsed).size() == 220);
}

TEST_CASE("SNS: Lambda-style spellings and a null Subject still verify") {
    auto ses = make("ses", config_for_vectors(), services_at(kVectorTime, fetcher_with_real_cert()));
    for (int i : {0, 1}) {
        auto v = nlohmann::json::parse(real_vectors()[i]);
        v["SigningCertUrl"] = v["SigningCertURL"];
        v.erase("SigningCertURL");
        v["UnsubscribeUrl"] = v["UnsubscribeURL"];
        v.erase("UnsubscribeURL");
        if (i == 0) v["Subject"] = nullptr;
        CHECK(post(*ses, v.dump()).status == 200);
    }
}

TEST_CASE("SNS: tampered vectors are refused") {
    auto fetcher = fetcher_with_real_cert();
    auto ses = make("ses", config_for_vectors(), services_at(kVectorTime, fetcher));
    const auto v0 = nlohmann::json::parse(real_vectors()[0]);
    SECTION("changed message") {
        auto v = v0;
        v["Message"] = "Hello world!";
        CHECK(post(*ses, v.dump()).status == 403);
    }
    SECTION("one signature byte changed") {
        auto v = v0;
        std::string sig = v["Signature"];
        sig[10] = sig[10] == 'A' ? 'B' : 'A';
        v["Signature"] = sig;
        CHECK(post(*ses, v.dump()).status == 403);
    }
    SECTION("version 1 signature declared as version 2") {
        auto v = v0;
        v["SignatureVersion"] = "2";
        CHECK(post(*ses, v.dump()).status == 403);
    }
    SECTION("unknown signature version") {
        auto v = v0;
        v["SignatureVersion"] = "3";
        CHECK(post(*ses, v.dump()).status == 403);
    }
    SECTION("missing signature") {
        auto v = v0;
        v.erase("Signature");
        CHECK(post(*ses, v.dump()).status == 403);
    }
    SECTION("certificate outside its validity period") {
        auto late = make("ses", config_for_vectors(), services_at(1700000000, fetcher));
        CHECK(post(*late, v0.dump()).status == 403);
    }
}

TEST_CASE("SNS: a topic outside the allowlist is refused before anything is fetched") {
    auto fetcher = fetcher_with_real_cert();
    conf::ProviderConfig c;
    c.topic_arns = {"arn:aws:sns:us-east-2:295079676684:some-other-topic"};
    auto ses = make("ses", c, services_at(kVectorTime, fetcher));
    CHECK(post(*ses, real_vectors()[0]).status == 403);
    CHECK(fetcher->requested.empty());
}

TEST_CASE("SNS: certificates in cert_cache_dir are used without fetching") {
    auto fetcher = std::make_shared<RecordingFetcher>();
    conf::ProviderConfig c = config_for_vectors();
    c.cert_cache_dir = std::string(WEBHOOKS_FIXTURES_DIR) + "/sns-certs";
    auto ses = make("ses", c, services_at(kVectorTime, fetcher));
    for (const auto& v : real_vectors()) CHECK(post(*ses, v).status == 200);
    CHECK(fetcher->requested.empty());
}

TEST_CASE("SNS: SigningCertURL and SubscribeURL validation") {
    using webhooks::is_valid_sns_cert_url;
    using webhooks::is_valid_sns_subscribe_url;
    CHECK(is_valid_sns_cert_url(kRealCertUrl));
    CHECK(is_valid_sns_cert_url("https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc123.pem"));
    CHECK(is_valid_sns_cert_url("https://sns.us-gov-west-1.amazonaws.com:443/SimpleNotificationService-0a.pem"));
    CHECK(is_valid_sns_cert_url("https://SNS.US-EAST-1.AMAZONAWS.COM/SimpleNotificationService-0a.pem"));
    for (const char* bad : {
             "http://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
             "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-0a.pem",
             "https://evil.example/sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
             "https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-0a.pem",
             "https://user:pw@sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
             "https://evil.example#@sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
             "https://evil.example\\@sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem",
             "https://sns.us-east-1.amazonaws.com:8443/SimpleNotificationService-0a.pem",
             "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem?x=1",
             "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem#frag",
             "https://sns.us-east-1.amazonaws.com/x/../SimpleNotificationService-0a.pem",
             "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0A.pem",
             "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-.pem",
             "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0a.pem.exe",
             "https://sns.amazonaws.com/SimpleNotificationService-0a.pem",
             "https://sns.us_east_1.amazonaws.com/SimpleNotificationService-0a.pem",
             "https://sns.us-east-1.amazonaws.com%2f.evil.example/SimpleNotificationService-0a.pem",
             "https://169.254.169.254/latest/meta-data/SimpleNotificationService-0a.pem",
             "https://[::1]/SimpleNotificationService-0a.pem",
             "https://localhost/SimpleNotificationService-0a.pem",
             "file:///etc/passwd",
             "https://sns.us-east-1.amazonaws.com /SimpleNotificationService-0a.pem",
             "",
         }) {
        INFO(bad);
        CHECK_FALSE(is_valid_sns_cert_url(bad));
    }
    CHECK(is_valid_sns_subscribe_url(
        "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-east-1:1:t&Token=abc"));
    for (const char* bad : {
             "http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc",
             "https://evil.example/?Action=ConfirmSubscription&Token=abc",
             "https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription",
             "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
             "https://sns.us-east-1.amazonaws.com/other?Action=ConfirmSubscription",
             "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription#x",
             "https://a@sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
         }) {
        INFO(bad);
        CHECK_FALSE(is_valid_sns_subscribe_url(bad));
    }
}

TEST_CASE("SNS: SSRF-style certificate URLs in signed-looking messages are never fetched") {
    auto fetcher = std::make_shared<RecordingFetcher>();
    conf::ProviderConfig c;
    c.topic_arns = {kTopic};
    auto ses = make("ses", c, webhooks::Services{webhooks::system_clock(), fetcher});
    for (const char* url : {"http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                            "https://127.0.0.1/SimpleNotificationService-0a.pem",
                            "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-0a.pem",
                            "https://sns.us-east-1.amazonaws.com@evil.example/SimpleNotificationService-0a.pem",
                            "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0a.pem" /* other region */}) {
        auto m = envelope("Notification", "{}");
        m["SigningCertURL"] = url;
        INFO(url);
        CHECK(post(*ses, sign_sns(m)).status == 403);
    }
    CHECK(fetcher->requested.empty());
}

TEST_CASE("SNS: a generated certificate verifies SignatureVersion 1 and 2 messages") {
    GeneratedSetup s;
    for (const char* version : {"1", "2"}) {
        const Outcome o = post(*s.provider, sign_sns(envelope("Notification", ses_bounce("Permanent", "5.1.1")), version));
        CHECK(o.status == 200);
        CHECK(o.events.size() == 2);
    }
    CHECK(s.fetcher->requested.size() == 1);  // cached after the first fetch
}

TEST_CASE("SNS: SubscriptionConfirmation is confirmed through a validated SubscribeURL") {
    GeneratedSetup s;
    const std::string subscribe =
        "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + kTopic + "&Token=tok";
    s.fetcher->serve(subscribe, "<ConfirmSubscriptionResponse><ConfirmSubscriptionResult/></ConfirmSubscriptionResponse>");
    auto m = envelope("SubscriptionConfirmation", "You have chosen to subscribe");
    m["SubscribeURL"] = subscribe;
    m["Token"] = "tok";
    const Outcome o = post(*s.provider, sign_sns(m));
    CHECK(o.status == 200);
    CHECK(s.fetcher->requested == std::vector<std::string>{kCertUrl, subscribe});

    SECTION("a SubscribeURL elsewhere is refused and not fetched") {
        auto evil = envelope("SubscriptionConfirmation", "x");
        evil["SubscribeURL"] = "https://evil.example/?Action=ConfirmSubscription&Token=tok";
        evil["Token"] = "tok";
        CHECK(post(*s.provider, sign_sns(evil)).status == 403);
        CHECK(s.fetcher->requested.size() == 2);
    }
    SECTION("a tampered Token breaks the signature and nothing is fetched") {
        auto signed_text = nlohmann::json::parse(sign_sns(m));
        signed_text["Token"] = "tok2";
        CHECK(post(*s.provider, signed_text.dump()).status == 403);
        CHECK(s.fetcher->requested.size() == 2);
    }
    SECTION("a failed confirmation asks SNS to retry") {
        auto other = m;
        other["SubscribeURL"] = subscribe + "x";
        CHECK(post(*s.provider, sign_sns(other)).status == 503);
    }
}

TEST_CASE("SNS: UnsubscribeConfirmation is acknowledged without fetching its SubscribeURL") {
    GeneratedSetup s;
    auto m = envelope("UnsubscribeConfirmation", "unsubscribed");
    m["SubscribeURL"] = "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + kTopic + "&Token=t";
    m["Token"] = "t";
    const Outcome o = post(*s.provider, sign_sns(m));
    CHECK(o.status == 200);
    CHECK(o.events.empty());
    CHECK(s.fetcher->requested.empty());
    auto foreign = m;
    foreign["TopicArn"] = "arn:aws:sns:us-east-1:999999999999:other";
    CHECK(post(*s.provider, sign_sns(foreign)).status == 403);
    CHECK(s.fetcher->requested.empty());
}

TEST_CASE("SES: bounce mapping, one event per recipient, campaign from headers") {
    GeneratedSetup s;
    SECTION("Permanent -> hard, every bounced recipient") {
        const Outcome o = post(*s.provider, sign_sns(envelope("Notification", ses_bounce("Permanent", "5.1.1"))));
        REQUIRE(o.events.size() == 2);
        CHECK(o.events[0].email == "first@example.com");
        CHECK(o.events[1].email == "second@example.com");
        CHECK(o.events[0].type == "hard");
        CHECK(o.events[0].campaign_uuid == campaign);
        CHECK(o.events[0].subscriber_uuid == "5911d3f4-2346-4bfc-aad2-eb319ab0e879");
        CHECK(o.events[0].source == "ses");
        CHECK(o.events[0].created_at == "2026-11-27T09:59:00Z");
        CHECK(o.events[0].meta["status"] == "5.1.1");
        CHECK(o.events[0].meta["reply_code"] == "550");
        CHECK(o.events[0].idempotency_key == "ses:0f4f8a5c-1111-2222-3333-444455556666:first@example.com");
        CHECK(o.events[0].idempotency_key != o.events[1].idempotency_key);
    }
    SECTION("Transient -> soft, but 5.4.4 -> hard") {
        CHECK(post(*s.provider, sign_sns(envelope("Notification", ses_bounce("Transient", "4.2.2")))).events[0].type == "soft");
        CHECK(post(*s.provider, sign_sns(envelope("Notification", ses_bounce("Transient", "5.4.4")))).events[0].type == "hard");
        CHECK(post(*s.provider, sign_sns(envelope("Notification", ses_bounce("Undetermined", "")))).events[0].type == "soft");
    }
    SECTION("truncated headers are not trusted for UUIDs") {
        auto msg = nlohmann::json::parse(ses_bounce("Permanent", "5.1.1"));
        msg["mail"]["headersTruncated"] = true;
        const Outcome o = post(*s.provider, sign_sns(envelope("Notification", msg.dump())));
        REQUIRE(!o.events.empty());
        CHECK(o.events[0].campaign_uuid.empty());
    }
    SECTION("the mautic fixture gives one hard event") {
        const std::string mautic =
            R"({"notificationType":"Bounce","bounce":{"bounceType":"Permanent","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"nope@nope.com","action":"failed","status":"5.1.1","diagnosticCode":"smtp; 550 5.1.1 <nope@nope.com>: Recipient address rejected: User unknown in virtual alias table"}],"timestamp":"2016-08-17T07:43:12.776Z","feedbackId":"0102015697743d4c-619f1aa8-763f-4bea-8648-0b3bbdedd1ea-000000","reportingMTA":"dsn; a4-24.smtp-out.eu-west-1.amazonses.com"},"mail":{"timestamp":"2016-08-17T07:43:11.000Z","source":"admin@55hubs.ch","sourceArn":"arn:aws:ses:eu-west-1:918057160339:identity/nope.com","sendingAccountId":"918057160339","messageId":"010201569774384f-81311784-10dd-48a8-921f-8316c145e64d-000000","destination":["nope@nope.com"]}})";
        const Outcome o = post(*s.provider, sign_sns(envelope("Notification", mautic)));
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].email == "nope@nope.com");
        CHECK(o.events[0].type == "hard");
        CHECK(o.events[0].meta["status"] == "5.1.1");
        // The payload is the bounce details with this one recipient instead of the whole list.
        const nlohmann::json& payload = o.events[0].meta["payload"];
        CHECK(!payload.contains("bouncedRecipients"));
        CHECK(payload["recipient"]["emailAddress"] == "nope@nope.com");
        CHECK(payload["feedbackId"] == "0102015697743d4c-619f1aa8-763f-4bea-8648-0b3bbdedd1ea-000000");
        CHECK(payload["bounceSubType"] == "General");
        CHECK(payload["notificationType"] == "Bounce");
        CHECK(payload["mailMessageId"] == "010201569774384f-81311784-10dd-48a8-921f-8316c145e64d-000000");
    }
}

TEST_CASE("SES: complaints by notificationType and eventType blame the complained recipient") {
    GeneratedSetup s;
    for (const char* field : {"notificationType", "eventType"}) {
        nlohmann::json msg = {
            {field, "Complaint"},
            {"complaint",
             {{"complainedRecipients", {{{"emailAddress", "richard@example.com"}}}},
              {"timestamp", "2026-11-27T09:00:00Z"},
              {"complaintFeedbackType", "abuse"}}},
            {"mail", {{"destination", {"jane@example.com", "mary@example.com", "richard@example.com"}}}}};
        const Outcome o = post(*s.provider, sign_sns(envelope("Notification", msg.dump())));
        INFO(field);
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].email == "richard@example.com");
        CHECK(o.events[0].type == "complaint");
        CHECK(o.events[0].meta["reason"] == "abuse");
    }
}

TEST_CASE("SES: deliveries and other event types are ignored with 200") {
    GeneratedSetup s;
    for (const char* kind : {R"({"notificationType":"Delivery","mail":{}})", R"({"eventType":"Open","mail":{}})",
                             R"({"eventType":"DeliveryDelay"})"}) {
        const Outcome o = post(*s.provider, sign_sns(envelope("Notification", kind)));
        CHECK(o.status == 200);
        CHECK(o.events.empty());
    }
}

TEST_CASE("SNS: malformed bodies are 400, never a crash") {
    GeneratedSetup s;
    for (const char* body : {"", "not json", "[]", "{\"Type\":5}", "{}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                                                           "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}) {
        INFO(body);
        CHECK(post(*s.provider, body).status == 400);
    }
    CHECK(s.fetcher->requested.empty());
}

TEST_CASE("SES: configuration without topic_arns is refused") {
    CHECK_THROWS_AS(make("ses", conf::ProviderConfig{}, services_at(0, std::make_shared<RecordingFetcher>())),
                    webhooks::ProviderConfigError);
}

TEST_CASE("SNS: a certificate URL that failed is not fetched again for a while") {
    auto fetcher = std::make_shared<RecordingFetcher>();
    const std::string missing = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-00ff.pem";
    fetcher->serve(missing, "<Error>NoSuchKey</Error>", 404);
    conf::ProviderConfig c;
    c.topic_arns = {kTopic};
    std::int64_t now = 1790000000;
    webhooks::Services services{[&now] { return now; }, fetcher};
    auto ses = make("ses", c, services);
    auto m = envelope("Notification", "{}");
    m["SigningCertURL"] = missing;
    const std::string body = sign_sns(m);
    CHECK(post(*ses, body).status == 403);
    CHECK(post(*ses, body).status == 403);
    CHECK(fetcher->requested.size() == 1);
    now += 301;
    CHECK(post(*ses, body).status == 403);
    CHECK(fetcher->requested.size() == 2);
    // Transport failures are our side's trouble: 503 so SNS retries (the status docs/hooks.md names),
    // and remembered too, for a shorter while.
    auto unreachable = envelope("Notification", "{}");
    unreachable["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0bad.pem";
    CHECK(post(*ses, sign_sns(unreachable)).status == 503);
    CHECK(post(*ses, sign_sns(unreachable)).status == 503);
    CHECK(fetcher->requested.size() == 3);
    now += 31;
    CHECK(post(*ses, sign_sns(unreachable)).status == 503);
    CHECK(fetcher->requested.size() == 4);
}

TEST_CASE("SNS: forged requests naming random certificates cost at most one fetch each, answered alike") {
    auto fetcher = std::make_shared<RecordingFetcher>();  // knows no URL: every fetch fails
    conf::ProviderConfig c;
    c.topic_arns = {kTopic};
    auto ses = make("ses", c, services_at(1790000000, fetcher));
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 20; ++i) {
            auto m = envelope("Notification", "{}");
            m["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-" +
                                  std::to_string(1000 + i) + ".pem";
            const Outcome o = post(*ses, sign_sns(m));
            CHECK(o.status == 503);
            CHECK(o.message.find(std::to_string(1000 + i)) == std::string::npos);  // no echo of the URL
        }
    }
    CHECK(fetcher->requested.size() == 20);
}

TEST_CASE("SNS: a notification whose signed Timestamp is stale or in the future is refused") {
    GeneratedSetup setup;
    const std::int64_t now = webhooks::system_clock()();
    auto at = [&](std::int64_t when) {
        auto m = envelope("Notification", ses_bounce("Permanent", "5.1.1"));
        m["Timestamp"] = webhooks::rfc3339_utc(when);
        return post(*setup.provider, sign_sns(m));
    };
    CHECK(at(now - 600).status == 200);     // an SNS retry minutes later
    CHECK(at(now - 3800).status == 200);    // the last retry of SNS's default hour
    CHECK(at(now - 4000).status == 403);
    CHECK(at(now - 86400 * 30).status == 403);
    CHECK(at(now + 86400).status == 403);
    auto m = envelope("Notification", ses_bounce("Permanent", "5.1.1"));
    m["Timestamp"] = "yesterday";
    CHECK(post(*setup.provider, sign_sns(m)).status == 403);
}

TEST_CASE("SNS: the certificate host must be in the topic's partition") {
    auto fetcher = std::make_shared<RecordingFetcher>();
    conf::ProviderConfig c;
    c.topic_arns = {kTopic, "arn:aws-cn:sns:cn-north-1:123456789012:listmonk-bounces"};
    auto ses = make("ses", c, services_at(1790000000, fetcher));
    auto m = envelope("Notification", "{}");
    m["SigningCertURL"] = "https://sns.us-east-1.amazonaws.com.cn/SimpleNotificationService-0123456789abcdef.pem";
    CHECK(post(*ses, sign_sns(m)).status == 403);  // arn:aws: topic, China host
    auto cn = envelope("Notification", "{}");
    cn["TopicArn"] = "arn:aws-cn:sns:cn-north-1:123456789012:listmonk-bounces";
    cn["SigningCertURL"] = "https://sns.cn-north-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem";
    CHECK(post(*ses, sign_sns(cn)).status == 403);  // arn:aws-cn: topic, global host
    CHECK(fetcher->requested.empty());
}
