// Postal: RSA signatures over the raw body (SHA-256 and legacy SHA-1 headers) with keys made fresh for
// the test, the event mapping (classifier before Postal's HardFail/SoftFail), replays and freshness.
#include <catch2/catch.hpp>

#include <openssl/pem.h>
#include <openssl/x509.h>

#include "support.hpp"
#include "test_keys.hpp"
#include "webhooks/encoding.hpp"

using namespace test_support;
using webhooks::Outcome;

namespace {

constexpr std::int64_t kNow = 1765000000;

EVP_PKEY* fresh_rsa_key() { return EVP_RSA_gen(2048); }

EVP_PKEY* server_key() {
    static EVP_PKEY* key = fresh_rsa_key();
    return key;
}

// The key as Postal shows it: base64 of DER SubjectPublicKeyInfo.
std::string spki_base64(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    const int n = i2d_PUBKEY(key, &der);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return webhooks::base64_encode(out);
}

std::string spki_pem(EVP_PKEY* key) {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key);
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(n));
    BIO_free(bio);
    return out;
}

std::unique_ptr<webhooks::Provider> postal(const std::string& public_key, std::int64_t now = kNow,
                                           const std::string& bounced_as = "soft") {
    conf::ProviderConfig c;
    c.public_key = public_key;
    c.max_age_seconds = 3600;
    c.bounced_as = bounced_as;
    return make("postal", c, services_at(now));
}

std::string body_of(const std::string& event, const std::string& payload, const std::string& uuid,
                    std::int64_t stamped = kNow - 5) {
    return R"({"event":")" + event + R"(","timestamp":)" + std::to_string(stamped) + R"(.25,"payload":)" + payload +
           R"(,"uuid":")" + uuid + R"("})";
}

std::string failed_payload(const std::string& to, const std::string& status, const std::string& output,
                           const std::string& details = "Permanent SMTP delivery error when sending to mx.example.net") {
    return R"({"status":")" + status + R"(","details":")" + details + R"(","output":")" + output +
           R"(","time":0.3,"sent_with_ssl":true,"timestamp":1764999990.5,"message":{"id":7,"token":"tok",)"
           R"("direction":"outgoing","message_id":"m7@postal.example.com","to":")" +
           to + R"(","from":"news@lists.example.com","subject":"Issue 12","tag":"newsletter"}})";
}

enum class Headers { both, sha256_only, sha1_only, none };

Outcome post(webhooks::Provider& p, const std::string& body, Headers which = Headers::both,
             EVP_PKEY* signer = server_key()) {
    std::map<std::string, std::string> headers;
    if (which == Headers::both || which == Headers::sha256_only)
        headers["X-Postal-Signature-256"] = webhooks::base64_encode(sign_with(signer, EVP_sha256(), body));
    if (which == Headers::both || which == Headers::sha1_only)
        headers["X-Postal-Signature"] = webhooks::base64_encode(sign_with(signer, EVP_sha1(), body));
    OwnedRequest r(body, headers);
    return p.handle(r.request);
}

}  // namespace

TEST_CASE("Postal: a signed HardFail with an unknown-user reply is one hard event") {
    auto p = postal(spki_base64(server_key()));
    const Outcome o = post(*p, body_of("MessageDeliveryFailed",
                                       failed_payload("Gone.Reader@Example.net", "HardFail",
                                                      "550 5.1.1 <gone.reader@example.net>: Recipient address "
                                                      "rejected: User unknown in virtual mailbox table"),
                                       "0b3f8a62-7a1c-4c7e-9d3e-5a2b8c1d4e6f"));
    REQUIRE(o.status == 200);
    REQUIRE(o.events.size() == 1);
    CHECK(o.events[0].email == "gone.reader@example.net");
    CHECK(o.events[0].type == "hard");
    CHECK(o.events[0].source == "postal");
    CHECK(o.events[0].idempotency_key == "postal:0b3f8a62-7a1c-4c7e-9d3e-5a2b8c1d4e6f");
    CHECK(o.events[0].meta["status"] == "5.1.1");
    CHECK(o.events[0].meta["reason"] == "userunknown");
}

TEST_CASE("Postal: the reply decides before Postal's HardFail, which only decides when the reply cannot") {
    auto p = postal(spki_base64(server_key()));
    SECTION("a 5.7.1 block-list refusal Postal calls HardFail is soft") {
        const Outcome o = post(*p, body_of("MessageDeliveryFailed",
                                           failed_payload("reader@example.net", "HardFail",
                                                          "554 5.7.1 Service unavailable; Client host [192.0.2.9] "
                                                          "blocked using zen.spamhaus.org"),
                                           "11111111-2222-4333-8444-555555555555"));
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].type == "soft");
        CHECK(o.events[0].meta["reason"] == "blocked");
    }
    SECTION("a reply without telling words keeps HardFail as hard") {
        const Outcome o = post(*p, body_of("MessageDeliveryFailed",
                                           failed_payload("reader@example.net", "HardFail", "", "Hard fail"),
                                           "11111111-2222-4333-8444-555555555556"));
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].type == "hard");
    }
    SECTION("SoftFail without telling words is soft") {
        const Outcome o = post(*p, body_of("MessageDeliveryFailed",
                                           failed_payload("reader@example.net", "SoftFail", "", "Soft fail"),
                                           "11111111-2222-4333-8444-555555555557"));
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].type == "soft");
    }
    SECTION("a full mailbox is soft even as HardFail") {
        const Outcome o = post(*p, body_of("MessageDeliveryFailed",
                                           failed_payload("reader@example.net", "HardFail",
                                                          "552 5.2.2 The email account that you tried to reach is "
                                                          "over quota"),
                                           "11111111-2222-4333-8444-555555555558"));
        REQUIRE(o.events.size() == 1);
        CHECK(o.events[0].type == "soft");
        CHECK(o.events[0].meta["reason"] == "mailboxfull");
    }
}

TEST_CASE("Postal: MessageBounced is one event for the original recipient, soft unless configured") {
    const std::string payload =
        R"({"original_message":{"id":12345,"token":"abcdef123","direction":"outgoing","message_id":"m1@postal",)"
        R"("to":"bounced.reader@example.org","from":"news@lists.example.com","subject":"Hello","timestamp":1764999000.1,)"
        R"("spam_status":"NotSpam","tag":"newsletter"},"bounce":{"id":12347,"token":"abcdef124","direction":"incoming",)"
        R"("message_id":"b1@mx.example.org","to":"bounces@lists.example.com","from":"MAILER-DAEMON@mx.example.org",)"
        R"("subject":"Mail delivery failed","timestamp":1764999100.2,"spam_status":"NotSpam","tag":null}})";
    const std::string body = body_of("MessageBounced", payload, "22222222-3333-4444-8555-666666666666");
    const Outcome soft = post(*postal(spki_base64(server_key())), body);
    REQUIRE(soft.events.size() == 1);
    CHECK(soft.events[0].email == "bounced.reader@example.org");
    CHECK(soft.events[0].type == "soft");
    const Outcome hard = post(*postal(spki_base64(server_key()), kNow, "hard"), body);
    REQUIRE(hard.events.size() == 1);
    CHECK(hard.events[0].type == "hard");
}

TEST_CASE("Postal: held, sent and delayed messages are answered 200 and forward nothing") {
    auto p = postal(spki_base64(server_key()));
    for (const std::string event : {"MessageHeld", "MessageSent", "MessageDelayed", "MessageLinkClicked"}) {
        const Outcome o = post(*p, body_of(event, failed_payload("reader@example.net", "Held", "", "Held"),
                                           "33333333-4444-4555-8666-7777777777" + std::to_string(event.size())));
        CHECK(o.status == 200);
        CHECK(o.events.empty());
    }
}

TEST_CASE("Postal: each signature header alone is honoured; a bad SHA-256 never falls back to SHA-1") {
    auto p = postal(spki_base64(server_key()));
    const std::string body = body_of("MessageDeliveryFailed",
                                     failed_payload("reader@example.net", "HardFail", "550 5.1.1 user unknown"),
                                     "44444444-5555-4666-8777-888888888888");
    CHECK(post(*p, body, Headers::sha256_only).events.size() == 1);
    CHECK(post(*postal(spki_base64(server_key())), body, Headers::sha1_only).events.size() == 1);
    CHECK(post(*p, body, Headers::none).status == 403);

    // A valid SHA-1 beside a forged SHA-256: refused.
    std::map<std::string, std::string> headers{
        {"X-Postal-Signature", webhooks::base64_encode(sign_with(server_key(), EVP_sha1(), body))},
        {"X-Postal-Signature-256", webhooks::base64_encode(std::string(256, 'x'))}};
    OwnedRequest r(body, headers);
    CHECK(postal(spki_base64(server_key()))->handle(r.request).status == 403);
}

TEST_CASE("Postal: a changed byte, another key or garbage signatures are refused before parsing") {
    auto p = postal(spki_base64(server_key()));
    const std::string body = body_of("MessageDeliveryFailed",
                                     failed_payload("reader@example.net", "HardFail", "550 5.1.1 user unknown"),
                                     "55555555-6666-4777-8888-999999999999");
    std::map<std::string, std::string> headers{
        {"X-Postal-Signature-256", webhooks::base64_encode(sign_with(server_key(), EVP_sha256(), body))}};
    std::string tampered = body;
    tampered[tampered.find("reader")] = 'R';
    OwnedRequest changed(tampered, headers);
    CHECK(p->handle(changed.request).status == 403);

    EVP_PKEY* forger = fresh_rsa_key();
    const Outcome other = post(*p, body, Headers::both, forger);
    EVP_PKEY_free(forger);
    CHECK(other.status == 403);
    CHECK(other.events.empty());

    OwnedRequest junk(body, {{"X-Postal-Signature-256", "not base64 at all!"}});
    CHECK(p->handle(junk.request).status == 403);
    // Not JSON, but unsigned: refused as forged, not as malformed (nothing is parsed before the check).
    OwnedRequest unsigned_junk("{{{", {{"X-Postal-Signature", "AAAA"}});
    CHECK(p->handle(unsigned_junk.request).status == 403);
}

TEST_CASE("Postal: a replayed request forwards nothing; a stale one is refused") {
    auto p = postal(spki_base64(server_key()));
    const std::string body = body_of("MessageDeliveryFailed",
                                     failed_payload("reader@example.net", "HardFail", "550 5.1.1 user unknown"),
                                     "66666666-7777-4888-8999-000000000000");
    Outcome first = post(*p, body);
    REQUIRE(first.events.size() == 1);
    // Until stored, Postal's retry of the same request must still go through (a 503 made it retry).
    CHECK(post(*p, body).events.size() == 1);
    REQUIRE(first.on_committed);
    first.on_committed();
    const Outcome again = post(*p, body);
    CHECK(again.status == 200);
    CHECK(again.events.empty());

    const std::string old = body_of("MessageDeliveryFailed",
                                    failed_payload("reader@example.net", "HardFail", "550 5.1.1 user unknown"),
                                    "77777777-8888-4999-8aaa-bbbbbbbbbbbb", kNow - 7200);
    CHECK(post(*p, old).status == 403);
    const std::string future = body_of("MessageDeliveryFailed",
                                       failed_payload("reader@example.net", "HardFail", "550 5.1.1 user unknown"),
                                       "77777777-8888-4999-8aaa-cccccccccccc", kNow + 7200);
    CHECK(post(*p, future).status == 403);
}

TEST_CASE("Postal: the key may be PEM; non-RSA, short or broken keys are configuration errors") {
    CHECK(post(*postal(spki_pem(server_key())),
               body_of("MessageDeliveryFailed", failed_payload("reader@example.net", "HardFail", "550 5.1.1 x"),
                       "88888888-9999-4aaa-8bbb-cccccccccccc"))
              .events.size() == 1);
    CHECK_THROWS_AS(postal("bm90IGEga2V5"), webhooks::ProviderConfigError);
    CHECK_THROWS_AS(postal(""), webhooks::ProviderConfigError);
    // SendGrid's EC test key is a valid SubjectPublicKeyInfo, but not RSA.
    CHECK_THROWS_AS(postal("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+"
                           "2fNNRaINXvVpiglSI8eNEc6wEA3F+g=="),
                    webhooks::ProviderConfigError);
    EVP_PKEY* small = EVP_RSA_gen(1024);
    CHECK_THROWS_AS(postal(spki_base64(small)), webhooks::ProviderConfigError);
    EVP_PKEY_free(small);
}
