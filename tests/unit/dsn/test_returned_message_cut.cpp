// dialects::before_returned_message walks line openings once; these cases hold it to the rule it
// implements: a marker counts only at its first occurrence, and only when that occurrence opens a
// line (after optional dashes, spaces, tabs, '=', '*', '>'); the earliest such line is the cut.
#include "dsn/dialects/common.hpp"
#include "dsn/text.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

namespace {

// The markers the texts below are built from (a subset of the parser's list is enough: the
// texts contain no other marker).
const std::vector<std::string_view> kMarkers = {
    "------ this is a copy of the message", "original message follows", "received: from",
    "content-type: message/rfc822", "----- original message -----", "the original message was:"};

std::string_view cut_by_rule(std::string_view t) {
    std::size_t cut = t.size();
    for (auto marker : kMarkers) {
        const std::size_t hit = dsn::text::ifind(t, marker);
        if (hit == std::string_view::npos) continue;
        std::size_t line = t.rfind('\n', hit);
        line = line == std::string_view::npos ? 0 : line + 1;
        bool clean = true;
        for (char c : t.substr(line, hit - line))
            if (!(c == ' ' || c == '-' || c == '\t' || c == '=' || c == '*' || c == '>')) clean = false;
        if (clean && line < cut) cut = line;
    }
    return t.substr(0, cut);
}

}  // namespace

TEST_CASE("before_returned_message cuts where the marker rule says", "[dialects]") {
    using dsn::dialects::before_returned_message;
    SECTION("fixed texts") {
        CHECK(before_returned_message("a\n------ This is a copy of the message\nb") == "a\n");
        CHECK(before_returned_message("a\n--------- this is a copy of the message\nb") == "a\n");
        // The first occurrence is inside a line, so the later clean one does not count.
        CHECK(before_returned_message("see Received: from x\nReceived: from y\n") ==
              "see Received: from x\nReceived: from y\n");
        CHECK(before_returned_message("x\n> *= Original message follows\n") == "x\n");
        CHECK(before_returned_message("Received: from") == "");
        CHECK(before_returned_message("") == "");
    }
    SECTION("random texts built from marker pieces") {
        std::mt19937 rng(20261127);
        const std::vector<std::string_view> pieces = {"\n", " ", "-", "--", "----", ">", "*", "=", "\t", "x", "Received",
                                                      "received: ", "from", "ORIGINAL MESSAGE", " follows"};
        for (int round = 0; round < 4000; ++round) {
            std::string text;
            const int parts = static_cast<int>(rng() % 14);
            for (int i = 0; i < parts; ++i) {
                if (rng() % 4 == 0) text += kMarkers[rng() % kMarkers.size()];
                else text += pieces[rng() % pieces.size()];
            }
            CAPTURE(text);
            REQUIRE(before_returned_message(text) == cut_by_rule(text));
        }
    }
}
