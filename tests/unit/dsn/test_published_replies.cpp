// Reply texts as MTAs and receivers publish them (tests/fixtures/classify/published_replies.tsv,
// each row citing its source) must get the reason and type a person reading them would give.
#include "dsn/classify.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Row {
    std::string status, reply_code, command, text, reason, type, source;
    int line = 0;
};

std::string field(const std::string& value) { return value == "-" ? std::string() : value; }

std::vector<Row> published_replies() {
    std::ifstream in(std::string(BOUNCE_FIXTURES_DIR) + "/classify/published_replies.tsv");
    REQUIRE(in);
    std::vector<Row> rows;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> cells;
        std::stringstream cells_in(line);
        for (std::string cell; std::getline(cells_in, cell, '\t');) cells.push_back(cell);
        INFO("line " << number << ": " << line);
        REQUIRE(cells.size() == 7);
        rows.push_back({field(cells[0]), field(cells[1]), field(cells[2]), cells[3], cells[4], cells[5], cells[6], number});
    }
    return rows;
}

}  // namespace

TEST_CASE("published reply texts get the reason and type their words say", "[classify]") {
    const auto rows = published_replies();
    REQUIRE(rows.size() >= 50);
    for (const auto& row : rows) {
        dsn::classify::Evidence evidence;
        evidence.diagnostic = row.text;
        evidence.status = row.status;
        evidence.reply_code = row.reply_code;
        evidence.smtp_command = row.command;
        evidence.action = "failed";
        evidence.diagnostic_type = "smtp";
        const std::string reason = dsn::classify::decide_reason(evidence);
        const auto type = dsn::classify::type_for(reason, row.status, row.reply_code);
        INFO("line " << row.line << " (" << row.source << "): " << row.text);
        CHECK(reason == row.reason);
        CHECK(dsn::to_string(type) == row.type);
    }
}

TEST_CASE("addresses, brackets, quotes and line breaks do not hide a phrase", "[classify]") {
    dsn::classify::Evidence evidence;
    evidence.status = "5.2.2";
    evidence.action = "failed";
    evidence.diagnostic = "Mailbox <box@example.com> is\r\n   full";
    CHECK(dsn::classify::decide_reason(evidence) == "mailboxfull");
    evidence.status = "5.1.1";
    evidence.diagnostic = "This user doesn\xE2\x80\x99t have a yahoo.com account";
    CHECK(dsn::classify::matching_phrases(evidence.diagnostic, "userunknown").size() >= 1);
    // A recipient named like a block list is not a block-list verdict.
    evidence.status = "5.0.0";
    evidence.diagnostic = "delivery to rbl-news@example.com failed";
    CHECK(dsn::classify::decide_reason(evidence) != "blocked");
}

TEST_CASE("a generic status yields to specific wording, a specific status to vague wording", "[classify]") {
    dsn::classify::Evidence e;
    e.action = "failed";
    SECTION("5.7.1 with user-unknown, spam and block-list wording") {
        e.status = "5.7.1";
        e.reply_code = "550";
        e.smtp_command = "RCPT";
        e.diagnostic = "5.7.1 <someone@example.com>: user unknown";
        CHECK(dsn::classify::decide_reason(e) == "userunknown");
        e.smtp_command = "";
        e.diagnostic = "5.7.1 message looks like spam";
        CHECK(dsn::classify::decide_reason(e) == "spamdetected");
        e.diagnostic = "5.7.1 Client host [192.0.2.1] blocked using bl.spamcop.net";
        CHECK(dsn::classify::decide_reason(e) == "blocked");
        e.diagnostic = "5.7.1 Sorry, we cannot accept this";
        CHECK(dsn::classify::decide_reason(e) == "securityerror");
    }
    SECTION("a specific code over vague refusal wording") {
        e.status = "5.1.1";
        e.diagnostic = "550 5.1.1 Delivery not allowed, rejected";
        CHECK(dsn::classify::decide_reason(e) == "userunknown");
        e.status = "5.2.2";
        e.diagnostic = "552 5.2.2 Rejected";
        CHECK(dsn::classify::decide_reason(e) == "mailboxfull");
    }
    SECTION("mailbox-state words over another mailbox-state code") {
        e.status = "5.2.2";
        e.diagnostic = "552 5.2.2 message too large";
        CHECK(dsn::classify::decide_reason(e) == "mesgtoobig");
        e.status = "5.3.4";
        e.diagnostic = "552 5.3.4 mailbox full";
        CHECK(dsn::classify::decide_reason(e) == "mailboxfull");
        e.status = "5.1.1";
        e.diagnostic = "550 5.1.1 account suspended";
        CHECK(dsn::classify::decide_reason(e) == "suspend");
    }
    SECTION("the stage named in the wording counts when the report names none") {
        e.status = "5.0.0";
        e.diagnostic = "SMTP error from remote mail server after RCPT TO:<someone@example.com>: 550 user unknown";
        CHECK(dsn::classify::decide_reason(e) == "userunknown");
        e.diagnostic = "550 user unknown (in reply to end of DATA command)";
        CHECK(dsn::classify::decide_reason(e) == "filtered");
        e.diagnostic = "550 user unknown";
        CHECK(dsn::classify::decide_reason(e) == "filtered");
    }
    SECTION("onhold only when nothing decides; the type then stays soft") {
        e.status = "5.0.0";
        e.reply_code = "550";
        e.diagnostic = "550 5.0.0 Refused";
        const std::string reason = dsn::classify::decide_reason(e);
        CHECK(reason == "onhold");
        CHECK(dsn::classify::type_for(reason, e.status, e.reply_code) == dsn::BounceType::soft);
    }
    SECTION("the verdict names the deciding rule") {
        e.status = "5.7.1";
        e.smtp_command = "RCPT";
        e.diagnostic = "5.7.1 No such user!";
        dsn::classify::Verdict why;
        CHECK(dsn::classify::decide_reason(e, &why) == "userunknown");
        CHECK(why.generic_status);
        CHECK(why.status_reason == "securityerror");
        CHECK_FALSE(why.rule.empty());
    }
}

TEST_CASE("a status code no row names still says what its class and subject say", "[classify]") {
    dsn::classify::Evidence e;
    e.action = "failed";
    e.diagnostic = "550 refused";
    e.status = "5.7.99";
    CHECK(dsn::classify::decide_reason(e) == "securityerror");
    e.status = "4.7.99";
    CHECK(dsn::classify::decide_reason(e) == "blocked");
    e.status = "5.6.99";
    CHECK(dsn::classify::decide_reason(e) == "contenterror");
    e.status = "5.7.620";  // Microsoft 365: banned sending IP
    CHECK(dsn::classify::decide_reason(e) == "blocked");
    // A delayed delivery stays "expired", whatever the subject.
    e.action = "delayed";
    e.status = "4.4.0";
    CHECK(dsn::classify::decide_reason(e) == "expired");
}
