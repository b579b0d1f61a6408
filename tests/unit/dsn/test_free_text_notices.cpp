// The generic fallback for plain-text notices without a report part, on fixtures written for this
// project in the layouts that MTAs and gateways document (tests/fixtures/freetext/), and on
// messages that are not bounces at all (tests/fixtures/freetext/negatives/).
#include "dsn/report.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

dsn::Report parse_notice(const std::string& name) {
    return dsn::parse(read_file(std::string(BOUNCE_FIXTURES_DIR) + "/freetext/" + name));
}

std::set<std::string> recipients_of(const dsn::Report& report) {
    std::set<std::string> out;
    for (const auto& e : report.events) out.insert(e.recipient);
    return out;
}

const dsn::Event& event_for(const dsn::Report& report, const std::string& recipient) {
    for (const auto& e : report.events)
        if (e.recipient == recipient) return e;
    FAIL("no event for " << recipient);
    return report.events.front();
}

struct Expected {
    const char* file;
    std::set<std::string> recipients;
    const char* action;
};

// Each notice, the recipients it lists as failed, and nothing else: not the list's own sender,
// not the postmaster, not an address the notice quotes from the returned message's headers.
const Expected kNotices[] = {
    {"exchange55-not-reached.eml", {"dana@corp.example.org"}, "failed"},
    {"exchange2000-not-reached.eml", {"eli.marsh@example.net", "fran.ortiz@example.net"}, "failed"},
    {"iis-could-not-connect.eml", {"fay.nolan@remote.example.org"}, "failed"},
    {"hotmail-legacy.eml", {"gus.ruiz@hotmail.example.com"}, "failed"},
    {"domino-not-listed.eml", {"hal.quist@notes.example.com"}, "failed"},
    {"sun-messaging.eml", {"ivy.lund@ims.example.edu"}, "failed"},
    {"groupwise.eml", {"jack.pine@gw.example.org"}, "failed"},
    {"communigate.eml", {"kim.ode@example.net", "lou@cgp.example.net"}, "failed"},
    {"icewarp.eml", {"lee.mora@merak.example.com"}, "failed"},
    {"yahoo-legacy.eml", {"ned.park@example.org"}, "failed"},
    {"gmail-plain.eml", {"oli.voss@example.net"}, "failed"},
    {"gmail-plain-delayed.eml", {"pia.west@example.net"}, "delayed"},
    {"qmail-send.eml", {"pam.hart@example.org", "quinn.ash@example.org"}, "failed"},
    {"exim3-colon.eml", {"rae.lowe@relay.example.net", "sam.tate@example.org"}, "failed"},
    {"sendmail-v8-transcript.eml", {"tia.berg@example.net"}, "failed"},
    {"sendmail-old-transcript-only.eml", {"uma.dean@nowhere.example.edu"}, "failed"},
    {"postfix-old.eml", {"vic.moss@smtp.example.org"}, "failed"},
    {"mdaemon.eml", {"wes.gray@example.org"}, "failed"},
    {"smail.eml", {"xan.cole@mx.example.edu"}, "failed"},
    {"pmdf-mmdf.eml", {"yul.price@uni.example.ac.uk"}, "failed"},
    {"amavis-virus.eml", {"zoe.kahn@example.net"}, "failed"},
    {"kerio-hmail.eml", {"abe.fox@example.com", "bea.lim@example.com"}, "failed"},
    {"exim-delayed.eml", {"cal.ross@slow.example.net"}, "delayed"},
    {"aol-legacy.eml", {"dee.frost@aol.example.com"}, "failed"},
    {"post-office.eml", {"bo.dahl@example.org"}, "failed"},
    {"netscape-over-quota.eml", {"cy.eames@ns.example.com"}, "failed"},
    {"exchange2007-display-name.eml", {"ed.gale@example.net"}, "failed"},
    {"x400-gateway.eml", {"gil.ives@example.org", "hana.jo@example.org"}, "failed"},
    {"hotmail-legacy-several.eml", {"ina.kemp@example.com", "jon.lund@example.com", "kai.moe@example.com"}, "failed"},
    {"sendmail-delivery-problems.eml", {"lia.noor@down.example.edu"}, "failed"},
    {"domino-headers-first.eml", {"max.nye@notes.example.org"}, "failed"},
    {"sendmail-expanded-alias.eml", {"quentin.roe@far.example.net"}, "failed"},
    {"german-unzustellbar.eml", {"rolf.sander@mail.example.de"}, "failed"},
    {"failed-recipients-header-only.eml", {"yara.zane@box.example.net"}, "failed"},
    {"warning-only-delay.eml", {"zack.ames@slow.example.com"}, "delayed"},
};

}  // namespace

TEST_CASE("Plain-text notices: every listed recipient and no other address", "[freetext]") {
    for (const auto& expected : kNotices) {
        INFO(expected.file);
        auto report = parse_notice(expected.file);
        CHECK(report.kind == dsn::Kind::dsn);
        CHECK(recipients_of(report) == expected.recipients);
        for (const auto& e : report.events) CHECK(e.action == expected.action);
    }
}

TEST_CASE("Plain-text notices: the words beside each recipient become its diagnostic", "[freetext]") {
    SECTION("Exchange: the indented explanation and the #status under the address") {
        auto report = parse_notice("exchange2000-not-reached.eml");
        CHECK(event_for(report, "eli.marsh@example.net").status == "5.1.1");
        CHECK(event_for(report, "fran.ortiz@example.net").status == "5.2.2");
    }
    SECTION("CommuniGate: the module's report after the heading that names the address") {
        auto report = parse_notice("communigate.eml");
        CHECK(event_for(report, "kim.ode@example.net").reply_code == "550");
        CHECK(event_for(report, "lou@cgp.example.net").diagnostic.find("quota") != std::string::npos);
    }
    SECTION("Gmail: the technical details in the paragraph after a bare address") {
        auto report = parse_notice("gmail-plain.eml");
        CHECK(event_for(report, "oli.voss@example.net").status == "5.1.1");
    }
    SECTION("Domino: the 'because:' paragraph") {
        auto report = parse_notice("domino-not-listed.eml");
        CHECK(event_for(report, "hal.quist@notes.example.com").diagnostic.find("not listed") != std::string::npos);
    }
    SECTION("MDaemon: the refusal that answered RCPT TO in the session transcript") {
        auto report = parse_notice("mdaemon.eml");
        const auto& wes = event_for(report, "wes.gray@example.org");
        CHECK(wes.reply_code == "550");
        CHECK(wes.status == "5.1.1");
    }
}

TEST_CASE("Messages that are not bounces give no event", "[freetext][negative]") {
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(std::string(BOUNCE_FIXTURES_DIR) + "/freetext/negatives")) {
        INFO(entry.path().filename().string());
        auto report = dsn::parse(read_file(entry.path()));
        // (A report whose every recipient was delivered is still a DSN; it just has no event.)
        CHECK(report.events.empty());
        ++files;
    }
    CHECK(files >= 13);
}

TEST_CASE("Free text on hostile input: bounded events however many addresses it lists", "[freetext][robustness]") {
    std::string message =
        "From: MAILER-DAEMON@mx.example.net\nTo: news@lists.example.com\nSubject: Undeliverable\n\n"
        "The following recipient(s) could not be reached:\n\n";
    for (int i = 0; i < 100000; ++i) message += "user" + std::to_string(i) + "@example.org: 550 5.1.1 User unknown\n";
    auto report = dsn::parse(message);
    CHECK(report.error.empty());
    CHECK(!report.events.empty());
    CHECK(report.events.size() <= 100);

    std::string greetings =
        "From: MAILER-DAEMON@mx.example.net\nTo: news@lists.example.com\nSubject: Undeliverable\n\n";
    for (int i = 0; i < 100000; ++i) greetings += "user" + std::to_string(i) + "@example.org: hello\n";
    auto greetings_report = dsn::parse(greetings);
    CHECK(greetings_report.error.empty());
    CHECK(greetings_report.events.size() <= 100);

    std::string long_line =
        "From: MAILER-DAEMON@mx.example.net\nTo: news@lists.example.com\nSubject: Undeliverable\n\n"
        "Delivery to the following recipients failed.\n\n";
    long_line.append(2u << 20, 'a');
    long_line += "@example.org\n";
    for (int i = 0; i < 20000; ++i) long_line += "x@y.example.org a@b.example.org RCPT TO:<c@d.example.org> ";
    long_line += "\n";
    auto long_report = dsn::parse(long_line);
    CHECK(long_report.error.empty());
    CHECK(long_report.events.size() <= 100);
}
