// Provider dialects (Google, Amazon, Yahoo as a receiving host) on fixtures written for this
// project under tests/fixtures/providers/.
#include "dsn/report.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

dsn::Report parse_fixture(const std::string& name) {
    std::ifstream in(std::string(BOUNCE_FIXTURES_DIR) + "/providers/" + name, std::ios::binary);
    REQUIRE(in);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return dsn::parse(buffer.str());
}

const dsn::Event* event_for(const dsn::Report& report, const std::string& recipient) {
    for (const auto& e : report.events)
        if (e.recipient == recipient) return &e;
    return nullptr;
}

}  // namespace

TEST_CASE("Gmail classic: the listed recipient, the quoted remote reply and its codes", "[providers][gmail]") {
    auto report = parse_fixture("gmail-classic-state14.eml");
    REQUIRE(report.events.size() == 1);
    const auto& e = report.events[0];
    CHECK(e.recipient == "ana.lost@shop.example.org");
    CHECK(e.status == "5.1.1");
    CHECK(e.reply_code == "550");
    CHECK(e.reason == "userunknown");
    CHECK(e.type == dsn::BounceType::hard);
    CHECK(e.diagnostic.find("No such user here") != std::string::npos);
    // Words in the returned newsletter ("mailbox full") never decide anything.
    CHECK(e.subscriber_uuid == "0c6f7d3e-3a61-4b0e-9d0e-5f2a8c1b7e44");
}

TEST_CASE("Gmail classic delay notice: delayed, expired, soft", "[providers][gmail]") {
    auto report = parse_fixture("gmail-classic-delayed.eml");
    REQUIRE(report.events.size() == 1);
    const auto& e = report.events[0];
    CHECK(e.recipient == "bo@slow.example.net");
    CHECK(e.action == "delayed");
    CHECK(e.reason == "expired");
    CHECK(e.type == dsn::BounceType::soft);
}

TEST_CASE("Google Workspace: Null MX under a 4.0.0 status is a soft notaccept", "[providers][workspace]") {
    auto report = parse_fixture("workspace-null-mx.eml");
    REQUIRE(report.events.size() == 1);
    const auto& e = report.events[0];
    CHECK(e.recipient == "cy@parked.example");
    CHECK(e.status == "4.0.0");
    CHECK(e.reason == "notaccept");
    CHECK(e.type == dsn::BounceType::soft);
}

TEST_CASE("Google Groups: a refused post to a group is a soft rejection of the sender", "[providers][groups]") {
    auto report = parse_fixture("google-groups.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "readers-club@googlegroups.com");
    CHECK(report.events[0].reason == "rejected");
    CHECK(report.events[0].type == dsn::BounceType::soft);
}

TEST_CASE("Amazon SES notification by e-mail: a complaint", "[providers][ses]") {
    auto report = parse_fixture("ses-notification-complaint.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "dee@mail.example.com");
    CHECK(report.events[0].type == dsn::BounceType::complaint);
    CHECK(report.events[0].feedback_type == "abuse");
}

TEST_CASE("Amazon SES notification by e-mail: every bounced recipient with its own code", "[providers][ses]") {
    auto report = parse_fixture("ses-notification-bounce.eml");
    REQUIRE(report.events.size() == 2);
    const auto* eve = event_for(report, "eve@mail.example.com");
    const auto* fay = event_for(report, "fay@full.example.com");
    REQUIRE(eve);
    REQUIRE(fay);
    CHECK(eve->status == "5.1.1");
    CHECK(eve->type == dsn::BounceType::hard);
    CHECK(fay->status == "5.2.2");
    CHECK(fay->reason == "mailboxfull");
    CHECK(fay->type == dsn::BounceType::soft);
}

TEST_CASE("Amazon SES report: the remote code quoted inside SES's wording wins", "[providers][ses]") {
    auto report = parse_fixture("ses-report-quoted-reply.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "gil@full.example.jp");
    CHECK(report.events[0].status == "5.2.2");
    CHECK(report.events[0].reason == "mailboxfull");
    CHECK(report.events[0].type == dsn::BounceType::soft);
}

TEST_CASE("a Postfix report about a Yahoo refusal takes Yahoo's meaning", "[providers][yahoo]") {
    auto report = parse_fixture("postfix-to-yahoo.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "hal@yahoo.com");
    CHECK(report.events[0].reason == "policyviolation");
    CHECK(report.events[0].type == dsn::BounceType::soft);
}

TEST_CASE("Yahoo classic notice: the stage tag makes '5.2.1 User Unknown' a dead address", "[providers][yahoo]") {
    auto report = parse_fixture("yahoo-classic.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "ivy@corp.example.net");
    CHECK(report.events[0].status == "5.2.1");
    CHECK(report.events[0].reason == "userunknown");
    CHECK(report.events[0].type == dsn::BounceType::hard);
}

TEST_CASE("Zoho: one line per recipient with labelled codes", "[providers][zoho]") {
    auto report = parse_fixture("zoho-two-recipients.eml");
    REQUIRE(report.events.size() == 2);
    const auto* jo = event_for(report, "jo@corp.example.net");
    const auto* kim = event_for(report, "kim@corp.example.net");
    REQUIRE(jo);
    REQUIRE(kim);
    CHECK(jo->status == "5.1.1");
    CHECK(jo->type == dsn::BounceType::hard);
    CHECK(kim->status == "5.2.2");
    CHECK(kim->reason == "mailboxfull");
}

TEST_CASE("Mail.ru: the list written twice yields one event, with the RCPT stage", "[providers][mailru]") {
    auto report = parse_fixture("mailru-two-languages.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "lea@corp.example.net");
    CHECK(report.events[0].remote_mta == "mx.corp.example.net");
    CHECK(report.events[0].reason == "userunknown");
}

TEST_CASE("EZweb: the cause sentence outranks the quoted reply", "[providers][ezweb]") {
    auto report = parse_fixture("ezweb-disabled.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "mio@ezweb.ne.jp");
    CHECK(report.events[0].reason == "suspend");
    CHECK(report.events[0].type == dsn::BounceType::soft);
}

TEST_CASE("a person writing from a provider's domain is never read as that provider's bounce", "[providers][negative]") {
    CHECK(parse_fixture("person-at-mailru.eml").events.empty());
    CHECK(parse_fixture("person-at-ezweb.eml").events.empty());
}

TEST_CASE("au one net: the address and the cause on the following line", "[providers][kddi]") {
    auto report = parse_fixture("au-mailbox-full.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "nao@mail.dion.ne.jp");
    CHECK(report.events[0].reason == "mailboxfull");
    CHECK(report.events[0].type == dsn::BounceType::soft);
}

TEST_CASE("Verizon SMS gateway: the envelope recipient of an invalid user address", "[providers][verizon]") {
    auto report = parse_fixture("verizon-sms.eml");
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].recipient == "5550100@vtext.com");
    CHECK(report.events[0].reason == "userunknown");
    CHECK(report.events[0].type == dsn::BounceType::hard);
}
