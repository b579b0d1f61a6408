// The classification tables are data that people extend by hand: each row must be one the
// classifier can use, and no wording may be listed twice (a second row with another reason is a
// silent conflict the order decides; the same row twice is clutter).
#include "dsn/classify.hpp"
#include "dsn/reason_tables.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace dsn::classify;

namespace {
bool lower_case(std::string_view s) {
    for (char c : s)
        if (c >= 'A' && c <= 'Z') return false;
    return true;
}
}  // namespace

TEST_CASE("every phrase row is lower case, names a known reason and is listed once", "[classify][tables]") {
    std::map<std::string, std::string> seen;
    for (const auto& row : reason_phrases()) {
        INFO("row {" << row.reason << ", \"" << row.phrase << "\"}");
        CHECK(is_known_reason(row.reason));
        CHECK_FALSE(row.phrase.empty());
        CHECK(lower_case(row.phrase));
        const auto [at, fresh] = seen.emplace(std::string(row.phrase), std::string(row.reason));
        if (!fresh) INFO("already listed with reason " << at->second);
        CHECK(fresh);
    }
}

TEST_CASE("every word pair has one '*' between two non-empty, lower-case parts", "[classify][tables]") {
    for (const auto& pair : reason_pairs()) {
        INFO("pair {" << pair.reason << ", \"" << pair.words << "\"}");
        CHECK(is_known_reason(pair.reason));
        CHECK(pair.words.find('*') != std::string_view::npos);
        CHECK(pair.words.find('*') == pair.words.rfind('*'));
        CHECK_FALSE(pair.first().empty());
        CHECK_FALSE(pair.then().empty());
        CHECK(lower_case(pair.words));
    }
}

TEST_CASE("a word pair decides only when its parts stand close together, in order", "[classify][tables]") {
    Evidence e;
    e.action = "failed";
    e.smtp_command = "RCPT";
    e.diagnostic = "550 Mailbox jdoe does not exist";
    CHECK(decide_reason(e) == "userunknown");
    // The same words in the other order, or a sentence apart, are something else.
    e.diagnostic = "550 This does not exist: mailbox";
    CHECK(decide_reason(e) != "userunknown");
    e.diagnostic = "550 mailbox policy: the route for the address you gave, which we looked up in our "
                   "directory twice, does not exist";
    CHECK(decide_reason(e) != "userunknown");
}
