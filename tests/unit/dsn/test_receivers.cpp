// Receiver families: the provider or gateway named from the receiving host, the reply's wording or
// the recipient's domain, always one of a fixed set.
#include "dsn/receivers.hpp"
#include "dsn/report.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

using dsn::receivers::receiver_of;

TEST_CASE("the receiving host names the family, whatever the recipient's domain", "[receivers]") {
    CHECK(receiver_of("aspmx.l.google.com", "team@startup.example") == "google");
    CHECK(receiver_of("gmail-smtp-in.l.google.com.", "someone@gmail.com") == "google");
    CHECK(receiver_of("example-org.mail.protection.outlook.com", "ceo@example.org") == "microsoft");
    CHECK(receiver_of("eur.olc.protection.outlook.com", "someone@hotmail.fr") == "microsoft");
    CHECK(receiver_of("mta7.am0.yahoodns.net", "someone@example.net") == "yahoo");
    CHECK(receiver_of("mx.aol.com", "someone@example.net") == "yahoo");
    CHECK(receiver_of("mx01.mail.icloud.com", "someone@example.net") == "apple");
    CHECK(receiver_of("mx00.emig.gmx.net", "someone@example.de") == "gmx_webde");
    CHECK(receiver_of("mx01.kundenserver.de", "someone@example.de") == "gmx_webde");
    CHECK(receiver_of("smtp-in.orange.fr", "someone@example.fr") == "orange");
    CHECK(receiver_of("mx1.comcast.net", "someone@example.com") == "comcast");
    CHECK(receiver_of("mxs.mail.ru", "someone@example.ru") == "mailru");
    CHECK(receiver_of("mx.yandex.net", "someone@example.ru") == "yandex");
    CHECK(receiver_of("mx1.qq.com", "someone@example.cn") == "tencent");
    CHECK(receiver_of("mx.zoho.com", "someone@example.in") == "zoho");
    CHECK(receiver_of("mailsec.protonmail.ch", "someone@example.org") == "proton");
    CHECK(receiver_of("in1-smtp.messagingengine.com", "someone@example.org") == "fastmail");
    CHECK(receiver_of("mx0a-00123456.pphosted.com", "someone@bank.example") == "proofpoint");
    CHECK(receiver_of("eu-smtp-inbound-1.mimecast.com", "someone@firm.example") == "mimecast");
    CHECK(receiver_of("d123.ess.barracudanetworks.com", "someone@school.example") == "barracuda");
    CHECK(receiver_of("mx1.hc1234-56.iphmx.com", "someone@corp.example") == "cisco");
    CHECK(receiver_of("CLUSTER7.EU.MESSAGELABS.COM", "someone@corp.example") == "messagelabs");
}

TEST_CASE("without a known host, the reply's own markers, then the recipient's domain", "[receivers]") {
    // A relay's report without Remote-MTA, quoting Google's reply.
    CHECK(receiver_of("", "someone@startup.example", "550 5.7.26 Unauthenticated email is not accepted - gsmtp") ==
          "google");
    CHECK(receiver_of("", "someone@corp.example", "554 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi") ==
          "proofpoint");
    CHECK(receiver_of("", "someone@example.fr", "550 5.2.0 Mail rejete. Mail rejected. OFR_506 [506]") == "orange");
    CHECK(receiver_of("", "someone@gmail.com") == "google");
    CHECK(receiver_of("", "list@googlegroups.com") == "google");
    CHECK(receiver_of("", "someone@ezweb.ne.jp") == "kddi");
    CHECK(receiver_of("", "someone@docomo.ne.jp") == "nttdocomo");
    CHECK(receiver_of("", "Someone@Hotmail.CO.UK") == "microsoft");
    CHECK(receiver_of("", "someone@outlook.com") == "microsoft");
    CHECK(receiver_of("", "someone@aol.com") == "yahoo");
    CHECK(receiver_of("", "someone@me.com") == "apple");
    CHECK(receiver_of("", "someone@web.de") == "gmx_webde");
    CHECK(receiver_of("", "someone@wanadoo.fr") == "orange");
    CHECK(receiver_of("", "someone@inbox.ru") == "mailru");
    CHECK(receiver_of("", "someone@ya.ru") == "yandex");
    CHECK(receiver_of("", "someone@pm.me") == "proton");
    CHECK(receiver_of("", "someone@fastmail.fm") == "fastmail");
    CHECK(receiver_of("[192.0.2.7]", "someone@gmail.com") == "google");
}

TEST_CASE("anything unknown is other, and look-alike names are not matched", "[receivers]") {
    CHECK(receiver_of("mx.example.org", "someone@example.org") == "other");
    CHECK(receiver_of("", "") == "other");
    CHECK(receiver_of("", "not-an-address") == "other");
    CHECK(receiver_of("notgoogle.com", "someone@notgmail.com") == "other");
    CHECK(receiver_of("google.com.attacker.example", "someone@example.org") == "other");
    // The host decides over the domain: a Gmail address forwarded through a company's own MX.
    CHECK(receiver_of("mx0a-00123456.pphosted.com", "someone@gmail.com") == "proofpoint");
}

TEST_CASE("the family set is fixed, unique and ends with other", "[receivers]") {
    const auto families = dsn::receivers::families();
    REQUIRE(families.size() > 10);
    CHECK(families.back() == "other");
    std::set<std::string_view> unique(families.begin(), families.end());
    CHECK(unique.size() == families.size());
    for (std::string_view name : families) {
        CHECK(!name.empty());
        CHECK(std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; }));
    }
}

TEST_CASE("parsed events carry their receiver family", "[receivers]") {
    const std::string dsn =
        "From: MAILER-DAEMON@mx.sender.example\r\nTo: bounces@lists.example.com\r\nSubject: Undelivered Mail\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
        "--B\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.sender.example\r\n\r\n"
        "Final-Recipient: rfc822; ceo@example.org\r\nAction: failed\r\nStatus: 5.7.1\r\n"
        "Remote-MTA: dns; example-org.mail.protection.outlook.com\r\n"
        "Diagnostic-Code: smtp; 550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus\r\n"
        "\r\n--B--\r\n";
    const dsn::Report report = dsn::parse(dsn);
    REQUIRE(report.events.size() == 1);
    CHECK(report.events[0].receiver == "microsoft");
}
