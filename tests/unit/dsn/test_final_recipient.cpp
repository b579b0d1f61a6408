// RFC 3464 section 2.3.1/2.3.2: Original-Recipient is the address as the sender wrote it,
// Final-Recipient the one the reporting MTA tried after alias expansion. The event names the
// latter, whatever order the fields come in and however the records are separated.
#include "dsn/report.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

std::string report_with(const std::string& per_recipient) {
    return "From: MAILER-DAEMON@mx.example.org\n"
           "To: news@lists.example.com\n"
           "Subject: Undelivered Mail Returned to Sender\n"
           "MIME-Version: 1.0\n"
           "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
           "--b\nContent-Type: text/plain\n\nDelivery failed.\n\n"
           "--b\nContent-Type: message/delivery-status\n\n"
           "Reporting-MTA: dns; mx.example.org\n\n" +
           per_recipient + "\n--b--\n";
}

}  // namespace

TEST_CASE("Final-Recipient names the event when an alias expanded", "[dsn][rfc3464]") {
    SECTION("Original before Final") {
        auto report = dsn::parse(report_with("Original-Recipient: rfc822;team@example.org\n"
                                             "Final-Recipient: rfc822;ann.lee@mail.example.net\n"
                                             "Action: failed\nStatus: 5.1.1\n"));
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "ann.lee@mail.example.net");
    }
    SECTION("Final before Original") {
        auto report = dsn::parse(report_with("Final-Recipient: rfc822; ann.lee@mail.example.net\n"
                                             "Original-Recipient: rfc822; team@example.org\n"
                                             "Action: failed\nStatus: 5.1.1\n"));
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "ann.lee@mail.example.net");
    }
    SECTION("two expanded records without the blank line between them") {
        auto report = dsn::parse(report_with("Original-Recipient: rfc822;team@example.org\n"
                                             "Final-Recipient: rfc822;ann.lee@mail.example.net\n"
                                             "Action: failed\nStatus: 5.1.1\n"
                                             "Original-Recipient: rfc822;team@example.org\n"
                                             "Final-Recipient: rfc822;bo.chen@mail.example.net\n"
                                             "Action: failed\nStatus: 5.2.2\n"));
        REQUIRE(report.events.size() == 2);
        CHECK(report.events[0].recipient == "ann.lee@mail.example.net");
        CHECK(report.events[1].recipient == "bo.chen@mail.example.net");
    }
    SECTION("sendmail's X-Actual-Recipient is the local delivery, not the address that bounced") {
        auto report = dsn::parse(report_with("Final-Recipient: RFC822; ann.lee@mail.example.net\n"
                                             "X-Actual-Recipient: RFC822; ann@host.mail.example.net\n"
                                             "Action: failed\nStatus: 5.2.2\n"));
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "ann.lee@mail.example.net");
    }
    SECTION("Original-Recipient only when no Final-Recipient address can be read") {
        auto report = dsn::parse(report_with("Original-Recipient: rfc822;team@example.org\n"
                                             "Final-Recipient: x400; C=ZZ;A= ;P=Example;S=Lee\n"
                                             "Action: failed\nStatus: 5.1.1\n"));
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "team@example.org");
    }
}

TEST_CASE("Sendmail's '(expanded from: <alias>)' is not a second failed recipient", "[dsn][sendmail]") {
    const std::string head =
        "From: Mail Delivery Subsystem <MAILER-DAEMON@relay.example.org>\n"
        "To: news@lists.example.com\n"
        "Subject: Returned mail: see transcript for details\n\n"
        "   ----- The following addresses had permanent fatal errors -----\n";
    SECTION("an alias that expanded to another address: that address failed") {
        auto report = dsn::parse(head + "<quentin.roe@far.example.net>\n"
                                        "    (reason: 550 5.1.1 User unknown)\n"
                                        "    (expanded from: <sales@relay.example.org>)\n");
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "quentin.roe@far.example.net");
    }
    SECTION("an alias that expanded to a program: the alias is the address that failed") {
        auto report = dsn::parse(head + "\"|/usr/local/bin/catch-mail\"\n"
                                        "    (reason: 75)\n"
                                        "    (expanded from: <sales@relay.example.org>)\n");
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "sales@relay.example.org");
    }
}
