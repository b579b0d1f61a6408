// Forged bounces and complaints through the real capturer (parser, producer, attribution, SQLite
// outbox): anyone can mail the bounce address, so only events naming a subscriber UUID are forwarded.
#include "forwarder/attribution.hpp"
#include "milter/outbox_capturer.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>

using milter::CaptureOutcome;
using milter::MessageInfo;
using milter::OutboxCapturer;
using S = CaptureOutcome::Status;

namespace {

const std::string kSubscriber = "8c1a7e2e-4a55-4c41-9a3e-2f1d0b6a7c11";
const std::string kPlainRcpt = "bounces@lists.example.com";
const std::string kVerpRcpt = "bounces+" + kSubscriber + "@lists.example.com";

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(MILTER_FIXTURES_DIR) + "/" + name, std::ios::binary);
    REQUIRE(in);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The fixture DSN without anything that names the subscriber (listmonk headers, List-Unsubscribe, VERP).
std::string dsn_without_uuid() {
    std::istringstream in(read_fixture("dsn-hard-listmonk.eml"));
    std::string out, line;
    while (std::getline(in, line)) {
        if (line.rfind("X-Listmonk-", 0) == 0 || line.rfind("List-Unsubscribe:", 0) == 0) continue;
        for (auto at = line.find("bounces+" + kSubscriber); at != std::string::npos; at = line.find("bounces+" + kSubscriber))
            line.replace(at, 8 + kSubscriber.size(), "bounces");
        out += line + "\n";
    }
    return out;
}

std::string forged_dsn(std::size_t recipients, const std::string& returned_headers = "") {
    std::string text =
        "From: Mail Delivery System <MAILER-DAEMON@attacker.example>\nTo: bounces@lists.example.com\n"
        "Subject: Undelivered Mail\nMessage-ID: <forged-" + std::to_string(recipients) + "@attacker.example>\n"
        "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"F\"\n\n"
        "--F\nContent-Type: text/plain\n\nNot delivered.\n\n--F\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx.attacker.example\n";
    for (std::size_t i = 0; i < recipients; ++i)
        text += "\nFinal-Recipient: rfc822; victim" + std::to_string(i) + "@example.org\nAction: failed\nStatus: 5.1.1\n";
    if (!returned_headers.empty()) text += "\n--F\nContent-Type: text/rfc822-headers\n\n" + returned_headers;
    return text + "\n--F--\n";
}

std::string arf(const std::string& feedback_type, const std::vector<std::string>& recipients,
                const std::string& returned_headers = "From: News <news@lists.example.com>\n") {
    std::string text =
        "From: fbl@isp.example\nTo: bounces@lists.example.com\nSubject: report\nMessage-ID: <arf-" + feedback_type +
        "@isp.example>\nMIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=feedback-report; boundary=\"A\"\n\n"
        "--A\nContent-Type: text/plain\n\nAbuse report.\n\n--A\nContent-Type: message/feedback-report\n\n"
        "Feedback-Type: " + feedback_type + "\nVersion: 1\n";
    for (const auto& r : recipients) text += "Original-Rcpt-To: " + r + "\n";
    return text + "\n--A\nContent-Type: text/rfc822-headers\n\n" + returned_headers + "\n--A--\n";
}

struct TempOutbox {
    std::string dir;
    std::unique_ptr<forwarder::Outbox> outbox;
    TempOutbox() {
        char tmpl[] = "/tmp/milter-attribution-test-XXXXXX";
        REQUIRE(mkdtemp(tmpl) != nullptr);
        dir = tmpl;
        outbox = std::make_unique<forwarder::Outbox>(dir + "/outbox.sqlite", std::vector<std::string>{"file"});
    }
    ~TempOutbox() {
        outbox.reset();
        std::system(("rm -rf '" + dir + "'").c_str());
    }
    std::size_t pending() { return outbox->stats()[0].pending; }
};

std::shared_ptr<const conf::Config> config_with(bool forward_without_uuid = false, std::size_t max_events = 5) {
    auto config = std::make_shared<conf::Config>();
    config->milter.emplace();
    config->milter->bounce_addresses = {kPlainRcpt};
    config->milter->verp = "bounces+{subscriber_uuid}@lists.example.com";
    config->milter->forward_without_uuid = forward_without_uuid;
    config->milter->max_events_per_report = max_events;
    return config;
}

MessageInfo info_for(const std::string& rcpt) {
    MessageInfo info;
    info.queue_id = "Q1";
    info.bounce_recipients = {rcpt};
    return info;
}

}  // namespace

TEST_CASE("a forged 50-recipient DSN is held whole as suspect, nothing forwarded") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const CaptureOutcome outcome = capturer.capture(forged_dsn(50), info_for(kPlainRcpt));
    CHECK(outcome.status == S::held);
    CHECK(outcome.held_reason == "suspect");
    CHECK(outcome.held.size() == 50);
    CHECK(outcome.events.empty());
    CHECK(box.pending() == 0);
    const auto held = box.outbox->list_held("suspect");
    REQUIRE(held.size() == 1);
    CHECK(held[0].report.recipients == 50);
    CHECK_FALSE(held[0].report.recipients_capped);
    CHECK(held[0].report.events.size() == 50);
    CHECK(held[0].report.queue_id == "Q1");
}

TEST_CASE("a forged 5,000-recipient DSN is read only up to the bound and held as one row") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const CaptureOutcome outcome = capturer.capture(forged_dsn(5000), info_for(kPlainRcpt));
    CHECK(outcome.status == S::held);
    CHECK(outcome.held_reason == "suspect");
    CHECK(outcome.held.size() == forwarder::kRecipientsReadPerReport);
    CHECK(box.pending() == 0);
    const auto held = box.outbox->list_held();
    REQUIRE(held.size() == 1);
    CHECK(held[0].report.recipients_capped);
    CHECK(box.outbox->held_counts().at("suspect") == 1);
}

TEST_CASE("a forged DSN quoting a real subscriber UUID is still suspect when it names many recipients") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const CaptureOutcome outcome =
        capturer.capture(forged_dsn(6, "X-Listmonk-Subscriber: " + kSubscriber + "\n"), info_for(kPlainRcpt));
    CHECK(outcome.status == S::held);
    CHECK(outcome.held_reason == "suspect");
    CHECK(box.pending() == 0);
}

TEST_CASE("a DSN without a subscriber UUID is held as unattributed; the same report again is kept once") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const std::string dsn = dsn_without_uuid();
    REQUIRE(dsn.find(kSubscriber) == std::string::npos);
    const CaptureOutcome outcome = capturer.capture(dsn, info_for(kPlainRcpt));
    CHECK(outcome.status == S::held);
    CHECK(outcome.held_reason == "unattributed");
    REQUIRE(outcome.held.size() == 1);
    CHECK(outcome.held[0].recipient == "alice@dest.example");
    CHECK(box.pending() == 0);
    CHECK(capturer.capture(dsn, info_for(kPlainRcpt)).status == S::held);
    CHECK(box.outbox->held_counts().at("unattributed") == 1);

    SECTION("released by an operator, it is forwarded once") {
        const auto held = box.outbox->list_held("unattributed");
        REQUIRE(held.size() == 1);
        const auto released = box.outbox->release_held(held[0].id);
        REQUIRE(released);
        CHECK(released->inserted == 1);
        CHECK(box.pending() == 1);
        CHECK(box.outbox->list_held().empty());
        CHECK_FALSE(box.outbox->release_held(held[0].id));
        // The same report arriving again is neither held again nor forwarded twice.
        CHECK(capturer.capture(dsn, info_for(kPlainRcpt)).status == S::held);
        CHECK(box.outbox->list_held().empty());
        CHECK(box.pending() == 1);
    }
}

TEST_CASE("a genuine DSN with the UUID in the returned headers is forwarded with it") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const CaptureOutcome outcome = capturer.capture(read_fixture("dsn-hard-listmonk.eml"), info_for(kPlainRcpt));
    CHECK(outcome.status == S::recorded);
    CHECK(outcome.held.empty());
    REQUIRE(box.pending() == 1);
    CHECK(box.outbox->list(forwarder::DeliveryState::pending)[0].event.subscriber_uuid == kSubscriber);
}

TEST_CASE("a DSN without the original, sent to the VERP address, is forwarded with the token's UUID") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    const CaptureOutcome outcome = capturer.capture(forged_dsn(1), info_for(kVerpRcpt));
    CHECK(outcome.status == S::recorded);
    REQUIRE(box.pending() == 1);
    CHECK(box.outbox->list(forwarder::DeliveryState::pending)[0].event.subscriber_uuid == kSubscriber);
}

TEST_CASE("forward_without_uuid forwards address-only events, up to max_events_per_report") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(true, 3), *box.outbox);
    CHECK(capturer.capture(dsn_without_uuid(), info_for(kPlainRcpt)).status == S::recorded);
    CHECK(capturer.capture(forged_dsn(3), info_for(kPlainRcpt)).status == S::recorded);
    CHECK(box.pending() == 4);
    const CaptureOutcome four = capturer.capture(forged_dsn(4), info_for(kPlainRcpt));
    CHECK(four.status == S::held);
    CHECK(four.held_reason == "suspect");
    CHECK(box.pending() == 4);
}

TEST_CASE("only abuse, fraud and other feedback reports are complaints") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    for (const char* type : {"not-spam", "auth-failure", "virus", "something-new"}) {
        const CaptureOutcome outcome =
            capturer.capture(arf(type, {"a@victim.example", "b@victim.example", "c@victim.example"}), info_for(kPlainRcpt));
        INFO(type);
        CHECK(outcome.status == S::filtered);
        CHECK(outcome.held.empty());
    }
    const std::string apple = "From: someone@icloud.example\nTo: bounces@lists.example.com\nSubject: unsubscribe\n"
                              "X-Apple-Unsubscribe: true\n\nApple Mail sent this email to unsubscribe.\n";
    CHECK(capturer.capture(apple, info_for(kPlainRcpt)).status == S::filtered);
    CHECK(box.pending() == 0);
    CHECK(box.outbox->list_held().empty());

    // A complaint still needs the subscriber's UUID.
    const CaptureOutcome anonymous = capturer.capture(arf("abuse", {"d@victim.example"}), info_for(kPlainRcpt));
    CHECK(anonymous.status == S::held);
    CHECK(anonymous.held_reason == "unattributed");
    for (const char* type : {"abuse", "fraud", "other"}) {
        const CaptureOutcome outcome = capturer.capture(
            arf(type, {"eve@dest.example"}, "From: news@lists.example.com\nX-Listmonk-Subscriber: " + kSubscriber + "\n"),
            info_for(kPlainRcpt));
        INFO(type);
        CHECK(outcome.status == S::recorded);
        REQUIRE(outcome.events.size() == 1);
        CHECK(outcome.events[0].type == "complaint");
    }
}

TEST_CASE("a few events of one report that carry a subscriber UUID are all forwarded") {
    TempOutbox box;
    OutboxCapturer capturer(config_with(), *box.outbox);
    // Two recipients; the returned message names the subscriber, so both events carry that UUID and
    // listmonk looks up only that subscriber: a forger can touch no one else.
    const CaptureOutcome outcome =
        capturer.capture(forged_dsn(2, "X-Listmonk-Subscriber: " + kSubscriber + "\n"), info_for(kPlainRcpt));
    CHECK(outcome.status == S::recorded);
    CHECK(outcome.events.size() == 2);
    CHECK(box.pending() == 2);
}
