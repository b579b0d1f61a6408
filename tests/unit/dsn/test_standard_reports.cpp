// Behaviour of the parser on standard reports, from fixtures written for this project.
#include "dsn/report.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(BOUNCE_FIXTURES_DIR) + "/" + name, std::ios::binary);
    REQUIRE(in);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::string with_line_endings(const std::string& lf_text, const std::string& eol) {
    std::string out;
    for (char c : lf_text) {
        if (c == '\n') out += eol;
        else out += c;
    }
    return out;
}

const dsn::Event* event_for(const dsn::Report& report, const std::string& recipient) {
    for (const auto& e : report.events)
        if (e.recipient == recipient) return &e;
    return nullptr;
}

}  // namespace

TEST_CASE("a Postfix report yields one hard event with the listmonk identity of the original", "[rfc3464]") {
    auto report = dsn::parse(fixture("example-bounce.eml"));
    CHECK(report.kind == dsn::Kind::dsn);
    REQUIRE(report.events.size() == 1);
    const auto& e = report.events[0];
    CHECK(e.recipient == "reader.gone@recipient.example.net");
    CHECK(e.action == "failed");
    CHECK(e.status == "5.1.1");
    CHECK(e.reply_code == "550");
    CHECK(e.reason == "userunknown");
    CHECK(e.type == dsn::BounceType::hard);
    CHECK(e.remote_mta == "mx.recipient.example.net");
    CHECK(e.reporting_mta == "mx1.lists.example.com");
    CHECK(e.subscriber_uuid == "5911d3f4-2346-4bfc-aad2-eb319ab0e879");
    CHECK(e.campaign_uuid == "9f86b50d-5711-41c8-ab03-bc91c43d711b");
    CHECK(e.original_message_id == "<kT3vQ9zXw2Lm8Rp4Yc6Nb1Hd@lists.example.com>");
    CHECK(report.message_id == "<20261103081502.4Q7x2Rk1Zp@mx1.lists.example.com>");
}

TEST_CASE("the same report parses identically with CRLF, CR-only and LF line endings", "[rfc3464][eol]") {
    const std::string lf = fixture("example-bounce.eml");
    for (const std::string eol : {"\r\n", "\r", "\r\r\n"}) {
        auto report = dsn::parse(with_line_endings(lf, eol));
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "reader.gone@recipient.example.net");
        CHECK(report.events[0].type == dsn::BounceType::hard);
        CHECK(report.events[0].campaign_uuid == "9f86b50d-5711-41c8-ab03-bc91c43d711b");
    }
}

TEST_CASE("per-recipient groups: folding, comments, case, delayed and delivered", "[rfc3464]") {
    auto report = dsn::parse(fixture("dsn/multi-recipient-folded.eml"));
    CHECK(report.kind == dsn::Kind::dsn);
    REQUIRE(report.events.size() == 3);  // the delivered recipient is not an event

    const auto* full = event_for(report, "first@example.net");
    REQUIRE(full);
    CHECK(full->status == "5.2.2");
    CHECK(full->reply_code == "552");
    CHECK(full->reason == "mailboxfull");
    CHECK(full->type == dsn::BounceType::soft);  // X.2.2 is transient by nature
    CHECK(full->diagnostic ==
          "552 5.2.2 The email account that you tried to reach is over quota. Please direct the recipient to "
          "https://support.example.net/quota");
    CHECK(full->remote_mta == "mx.example.net");

    const auto* delayed = event_for(report, "second@example.net");
    REQUIRE(delayed);
    CHECK(delayed->action == "delayed");
    CHECK(delayed->type == dsn::BounceType::soft);

    CHECK(event_for(report, "third@example.net") == nullptr);

    // Final-Recipient wins over Original-Recipient.
    const auto* dns = event_for(report, "fourth@example.org");
    REQUIRE(dns);
    CHECK(dns->reason == "hostunknown");
    CHECK(dns->type == dsn::BounceType::hard);
}

TEST_CASE("RFC 6533 reports: utf-8 address type and invalid listmonk UUIDs ignored", "[rfc6533]") {
    auto report = dsn::parse(fixture("dsn/global-delivery-status.eml"));
    CHECK(report.kind == dsn::Kind::dsn);
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "dürer@bücher.example");
    CHECK(report.events[0].type == dsn::BounceType::hard);
    CHECK(report.events[0].campaign_uuid.empty());
    CHECK(report.events[0].original_message_id == "<intl-orig@lists.example.com>");
}

TEST_CASE("ARF feedback reports become complaints for Original-Rcpt-To", "[arf]") {
    auto report = dsn::parse(fixture("dsn/arf-complaint.eml"));
    CHECK(report.kind == dsn::Kind::arf);
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "complainer@example.net");
    CHECK(report.events[0].type == dsn::BounceType::complaint);
    CHECK(report.events[0].reason == "feedback");
    CHECK(report.events[0].feedback_type == "abuse");
    CHECK(report.events[0].subscriber_uuid == "0c8e7a6d-1f2b-4c3d-9e8f-7a6b5c4d3e2f");
}

TEST_CASE("policy blocks are soft, never hard", "[classify]") {
    auto report = dsn::parse(fixture("dsn/policy-block.eml"));
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].reason == "blocked");
    CHECK(report.events[0].type == dsn::BounceType::soft);
}

TEST_CASE("auto-replies, human replies and read receipts yield no events", "[negative]") {
    auto vacation = dsn::parse(fixture("dsn/vacation.eml"));
    CHECK(vacation.kind == dsn::Kind::autoreply);
    CHECK(vacation.events.empty());

    auto human = dsn::parse(fixture("dsn/human-reply.eml"));
    CHECK(human.kind == dsn::Kind::none);
    CHECK(human.events.empty());

    auto mdn = dsn::parse(fixture("dsn/read-receipt.eml"));
    CHECK(mdn.events.empty());

    // A person quoting a bounce line is not a bounce, even under a subject that says "error".
    auto quoting = dsn::parse(fixture("dsn/person-quoting-error.eml"));
    CHECK(quoting.events.empty());
}

TEST_CASE("malformed input never crashes and never invents events", "[robustness]") {
    CHECK(dsn::parse("").events.empty());
    CHECK(dsn::parse(" ").events.empty());
    CHECK(dsn::parse("22\n").events.empty());
    CHECK(dsn::parse(std::string(1000, '\0')).events.empty());

    const std::string full = fixture("example-bounce.eml");
    for (std::size_t cut = 0; cut < full.size(); cut += 37) {
        auto report = dsn::parse(full.substr(0, cut));
        for (const auto& e : report.events) CHECK(e.recipient == "reader.gone@recipient.example.net");
    }

    // Huge header section and a megabyte-long line.
    std::string flood = "From: a@example.com\nSubject: x\n";
    for (int i = 0; i < 20000; ++i) flood += "X-Filler-" + std::to_string(i) + ": " + std::string(40, 'y') + "\n";
    flood += "\n" + std::string(1 << 20, 'z') + "\n";
    CHECK(dsn::parse(flood).events.empty());

    // A multipart that announces a boundary it never uses, and one whose parts never close.
    CHECK(dsn::parse("Content-Type: multipart/report; report-type=delivery-status; boundary=\"nope\"\n\n"
                     "Final-Recipient: rfc822; x@example.com\nAction: failed\nStatus: 5.1.1\n")
              .error.empty());
    std::string unterminated = "Content-Type: multipart/mixed; boundary=\"b\"\n\n";
    for (int i = 0; i < 200; ++i) unterminated += "--b\nContent-Type: multipart/mixed; boundary=\"b\"\n\n";
    CHECK(dsn::parse(unterminated).events.empty());
}
