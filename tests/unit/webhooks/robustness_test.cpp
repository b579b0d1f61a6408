// Mutated payloads, correctly signed so they reach the parsers: every provider must answer with a
// definite status and never throw. (Run under ASan/UBSan this also checks memory safety.)
#include <catch2/catch.hpp>

#include <random>

#include "support.hpp"
#include "test_keys.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/sns_message.hpp"

using namespace test_support;

namespace {

std::string mutate(const std::string& seed, std::mt19937& rng) {
    std::string s = seed;
    const int ops = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < ops && !s.empty(); ++i) {
        const std::size_t pos = rng() % s.size();
        switch (rng() % 7) {
            case 0: s[pos] = static_cast<char>(rng() % 256); break;                 // byte flip
            case 1: s.resize(pos); break;                                            // truncation
            case 2: s.insert(pos, std::string(1 + rng() % 8, "{[\"\\:,0}"[rng() % 8])); break;
            case 3: s.insert(pos, "99999999999999999999999999"); break;             // huge number
            case 4: s.insert(pos, std::string("\0", 1)); break;                      // NUL
            case 5: s.insert(pos, s.substr(pos, rng() % 64)); break;                 // duplicated run
            case 6: s.insert(pos, "null"); break;
        }
    }
    return s;
}

bool definite(int status) {
    return status == 200 || status == 400 || status == 401 || status == 403 || status == 503;
}

template <typename Sign>
void hammer(webhooks::Provider& provider, const std::vector<std::string>& seeds, Sign sign, int rounds) {
    std::mt19937 rng(12345);
    for (int i = 0; i < rounds; ++i) {
        const std::string body = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
        OwnedRequest r(body, sign(body));
        webhooks::Outcome o;
        REQUIRE_NOTHROW(o = provider.handle(r.request));
        INFO(body);
        REQUIRE(definite(o.status));
        for (const auto& e : o.events) {
            REQUIRE((e.type == "hard" || e.type == "soft" || e.type == "complaint"));
            REQUIRE(e.email.find('@') != std::string::npos);
        }
    }
}

}  // namespace

TEST_CASE("robustness: HMAC-signed providers survive mutated payloads") {
    const std::int64_t now = 1790000000;
    conf::ProviderConfig fe;
    fe.key = "k";
    hammer(*make("forwardemail", fe, services_at(now)),
           {R"({"email_id":"1","recipient":"User@Example.com","bounce":{"category":"recipient","code":550,"status":"5.1.1","message":"550 5.1.1 x"},"headers":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"},"bounced_at":"2025-01-09T10:00:00.000Z"})"},
           [](const std::string& b) {
               return std::map<std::string, std::string>{{"X-Webhook-Signature", webhooks::hex_encode(webhooks::hmac_sha256("k", b))}};
           },
           400);
    conf::ProviderConfig lm;
    lm.key = "k";
    hammer(*make("lettermint", lm, services_at(now)),
           {R"({"id":"evt_1","event":"message.hard_bounced","timestamp":"2026-10-04T10:00:00Z","data":{"recipient":"user@example.test","response":{"status_code":550,"enhanced_status_code":"5.1.1","content":"x"},"headers":[{"name":"X-Listmonk-Campaign","value":"d6da0074-1084-4aa1-9c62-65fde375d33c"}],"metadata":{"a":1}}})"},
           [now](const std::string& b) {
               const std::string t = std::to_string(now);
               return std::map<std::string, std::string>{
                   {"X-Lettermint-Signature", "t=" + t + ",v1=" + webhooks::hex_encode(webhooks::hmac_sha256("k", t + "." + b))}};
           },
           400);
    conf::ProviderConfig rs;
    rs.secret = "whsec_" + webhooks::base64_encode("resend-key");
    hammer(*make("resend", rs, services_at(now)),
           {R"({"type":"email.bounced","created_at":"2026-01-01T00:00:00Z","data":{"to":["A <a@example.com>","b@example.com"],"headers":[{"name":"X-Listmonk-Campaign","value":"d6da0074-1084-4aa1-9c62-65fde375d33c"}],"bounce":{"type":"Permanent","subType":"General","message":"550 5.1.1"}}})",
            R"({"type":"email.complained","data":{"to":"c@example.com"}})"},
           [now](const std::string& b) {
               const std::string t = std::to_string(now);
               return std::map<std::string, std::string>{
                   {"svix-id", "msg_1"},
                   {"svix-timestamp", t},
                   {"svix-signature", "v1," + webhooks::base64_encode(webhooks::hmac_sha256("resend-key", "msg_1." + t + "." + b))}};
           },
           400);
    conf::ProviderConfig md;
    md.key = "k";
    md.url = "https://h/x";
    hammer(*make("mandrill", md, services_at(now)),
           {"mandrill_events=%5B%7B%22event%22%3A%22hard_bounce%22%2C%22ts%22%3A1%2C%22msg%22%3A%7B%22email%22%3A%22a%40b.c%22%2C%22metadata%22%3A%7B%22campaign_uuid%22%3A%22d6da0074-1084-4aa1-9c62-65fde375d33c%22%7D%7D%7D%5D&x=1"},
           [](const std::string& b) {
               // Sign what the provider will compute: the URL plus sorted decoded params (when decodable).
               std::vector<std::pair<std::string, std::string>> params;
               std::string_view rest = b;
               while (!rest.empty()) {
                   const auto amp = rest.find('&');
                   const std::string_view pair = rest.substr(0, amp);
                   rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
                   if (pair.empty()) continue;
                   const auto eq = pair.find('=');
                   auto n = webhooks::form_decode(pair.substr(0, eq));
                   auto v = webhooks::form_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
                   if (!n || !v) return std::map<std::string, std::string>{};
                   params.emplace_back(*n, *v);
               }
               std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& c) { return a.first < c.first; });
               std::string data = "https://h/x";
               for (const auto& [n, v] : params) data += n + v;
               return std::map<std::string, std::string>{
                   {"X-Mandrill-Signature", webhooks::base64_encode(webhooks::hmac_sha1("k", data))}};
           },
           400);
}

TEST_CASE("robustness: credential providers survive mutated payloads") {
    const std::int64_t now = 1790000000;
    auto basic = [](const std::string&) {
        return std::map<std::string, std::string>{{"Authorization", "Basic " + webhooks::base64_encode("u:p")}};
    };
    conf::ProviderConfig c;
    c.username = "u";
    c.password = "p";
    hammer(*make("postmark", c, services_at(now)),
           {R"({"RecordType":"Bounce","ID":42,"Type":"HardBounce","Email":"john@example.com","BouncedAt":"2014-08-01T13:28:10.2735393-04:00","Details":"smtp;550 5.1.1 x","Metadata":{"X-Listmonk-Campaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"}})"},
           basic, 300);
    hammer(*make("sparkpost", c, services_at(now)),
           {R"([{"msys":{"message_event":{"type":"bounce","bounce_class":"10","rcpt_to":"a@b.c","event_id":"1","timestamp":"1454442600","error_code":"550","rcpt_meta":{"X-Listmonk-Campaign":"x"}}}},{"msys":{}}])"},
           basic, 300);
    hammer(*make("mailjet", c, services_at(now)),
           {R"([{"event":"bounce","time":1,"MessageID":1,"email":"a@b.c","hard_bounce":true,"CustomID":"d6da0074-1084-4aa1-9c62-65fde375d33c","Payload":"{\"X-Listmonk-Subscriber\":\"d6da0074-1084-4aa1-9c62-65fde375d33c\"}"}])"},
           basic, 300);
    conf::ProviderConfig b;
    b.token = "t";
    hammer(*make("brevo", b, services_at(now)),
           {R"({"event":"hard_bounce","email":"a@b.c","message-id":"m","ts_epoch":1520363423000,"X-Mailin-custom":"{\"X-Listmonk-Campaign\":\"d6da0074-1084-4aa1-9c62-65fde375d33c\"}"})"},
           [](const std::string&) { return std::map<std::string, std::string>{{"Authorization", "Bearer t"}}; }, 300);
    conf::ProviderConfig a;
    a.secret = "s";
    hammer(*make("azure", a, services_at(now)),
           {R"([{"id":"1","eventType":"Microsoft.Communication.EmailDeliveryReportReceived","data":{"recipient":"a@b.c","status":"Failed","deliveryStatusDetails":{"statusMessage":"451 4.2.2 full"},"deliveryAttemptTimeStamp":"2026-01-01T00:00:01.1234567Z"}}])"},
           [](const std::string&) { return std::map<std::string, std::string>{{"X-Listmonk-Webhook-Secret", "s"}, {"aeg-event-type", "Notification"}}; },
           300);
}

TEST_CASE("robustness: SendGrid and SES parsers survive mutated, validly signed payloads") {
    const std::int64_t now = 1790000000;
    conf::ProviderConfig sg;
    sg.public_key =
        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/"
        "1FwCM/QmGUhA==";
    hammer(*make("sendgrid", sg, services_at(now)),
           {R"([{"email":"a@b.c","event":"bounce","type":"bounce","status":"5.1.1","bounce_classification":"Invalid Address","sg_event_id":"1","timestamp":1,"XListmonkCampaign":"d6da0074-1084-4aa1-9c62-65fde375d33c"},{"email":"d@e.f","event":"spamreport","sg_event_id":"2"}])"},
           [now](const std::string& b) {
               const std::string t = std::to_string(now);
               return std::map<std::string, std::string>{
                   {"X-Twilio-Email-Event-Webhook-Timestamp", t},
                   {"X-Twilio-Email-Event-Webhook-Signature",
                    webhooks::base64_encode(sign_with(sendgrid_test_private_key(), EVP_sha256(), t + b))}};
           },
           200);

    // SES: the envelope stays valid and signed; the inner SES message is what gets mutated.
    const std::string topic = "arn:aws:sns:us-east-1:123456789012:t";
    const std::string cert_url = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0abc.pem";
    auto fetcher = std::make_shared<RecordingFetcher>();
    fetcher->serve(cert_url, GeneratedSnsCertificate::get().certificate_pem);
    conf::ProviderConfig ses_config;
    ses_config.topic_arns = {topic};
    auto ses = make("ses", ses_config, webhooks::Services{webhooks::system_clock(), fetcher});
    const std::string inner =
        R"({"notificationType":"Bounce","bounce":{"bounceType":"Transient","bounceSubType":"General","bouncedRecipients":[{"emailAddress":"a@b.c","status":"5.4.4","diagnosticCode":"smtp; 550 5.4.4 x"}],"timestamp":"2026-01-01T00:00:00Z"},"mail":{"messageId":"m","headersTruncated":false,"headers":[{"name":"X-Listmonk-Campaign","value":"d6da0074-1084-4aa1-9c62-65fde375d33c"}],"destination":["a@b.c"]}})";
    std::mt19937 rng(777);
    for (int i = 0; i < 150; ++i) {
        nlohmann::json env = {{"Type", "Notification"},  {"MessageId", "id-" + std::to_string(i)},
                              {"TopicArn", topic},       {"Message", mutate(inner, rng)},
                              {"Timestamp", "2026-01-01T00:00:00Z"}, {"SignatureVersion", "2"},
                              {"SigningCertURL", cert_url}, {"Signature", ""}};
        std::string error;
        const auto parsed = webhooks::parse_sns_message(env, error);
        REQUIRE(parsed);
        env["Signature"] = webhooks::base64_encode(
            sign_with(GeneratedSnsCertificate::get().key, EVP_sha256(), webhooks::sns_string_to_sign(*parsed)));
        std::string body;
        try {
            body = env.dump();
        } catch (const nlohmann::json::exception&) {
            continue;  // the mutation produced invalid UTF-8, which JSON cannot carry
        }
        OwnedRequest r(body);
        webhooks::Outcome o;
        REQUIRE_NOTHROW(o = ses->handle(r.request));
        REQUIRE(definite(o.status));
    }
}
