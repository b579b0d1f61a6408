// Header fields are capped before GMime parses them (dsn/header_clip.hpp): an 8 MB field took
// GMime minutes under AddressSanitizer. Bodies are never touched, and a bounce with a huge header
// still yields its event.
#include "dsn/header_clip.hpp"
#include "dsn/report.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string example_bounce() {
    std::ifstream in(std::string(BOUNCE_FIXTURES_DIR) + "/example-bounce.eml", std::ios::binary);
    REQUIRE(in);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string text = buffer.str();
    std::string lf;
    for (char c : text)
        if (c != '\r') lf.push_back(c);
    return lf;
}

}  // namespace

TEST_CASE("header fields over the limit are cut, continuations included, also in parts and returned messages", "[header_clip]") {
    const std::string body_line(50, 'b');
    CHECK_FALSE(dsn::clip_long_header_fields("Subject: short\n\n" + body_line + "\n", 64));

    auto one_line = dsn::clip_long_header_fields("X-Long: " + std::string(200, 'x') + "\nSubject: s\n\n" + body_line + "\n", 64);
    REQUIRE(one_line);
    CHECK(*one_line == "X-Long: " + std::string(56, 'x') + "\nSubject: s\n\n" + body_line + "\n");

    auto folded = dsn::clip_long_header_fields("X-Fold: a\n" + std::string(30, ' ') + "\n" + std::string(50, ' ') +
                                                   "\n\tdropped\nTo: t\n\n" + body_line + "\n", 64);
    REQUIRE(folded);
    CHECK(*folded == "X-Fold: a\n" + std::string(30, ' ') + "\n" + std::string(25, ' ') + "\nTo: t\n\n" + body_line + "\n");

    // A MIME part's header block (after a "--" line) is capped too.
    auto part = dsn::clip_long_header_fields("To: t\n\n--b\nX-Part: " + std::string(100, 'p') + "\n\n" + body_line + "\n", 64);
    REQUIRE(part);
    CHECK(*part == "To: t\n\n--b\nX-Part: " + std::string(56, 'p') + "\n\n" + body_line + "\n");

    // So is the header block of a returned message, which starts after an empty line.
    auto returned = dsn::clip_long_header_fields("Content-Type: message/rfc822\n\nReceived: a\n\t" +
                                                     std::string(100, 'r') + "\n\n" + body_line + "\n", 64);
    REQUIRE(returned);
    CHECK(*returned == "Content-Type: message/rfc822\n\nReceived: a\n\t" + std::string(52, 'r') + "\n\n" + body_line + "\n");
}

TEST_CASE("a bounce with an 8 MB header field, one line or folded, still gives its event", "[header_clip]") {
    const std::string bounce = example_bounce();
    const std::size_t after_first_line = bounce.find('\n') + 1;
    const std::string word = "=?utf-8?B?QUJD?= ";
    std::string line, folded;
    while (line.size() < (8u << 20)) line += word;
    while (folded.size() < (8u << 20)) folded += "\t" + word + "\n";
    for (const std::string& field : {"X-Long: " + line + "\n", "X-Folded: a\n" + folded}) {
        auto report = dsn::parse(bounce.substr(0, after_first_line) + field + bounce.substr(after_first_line));
        CHECK(report.error.empty());
        REQUIRE(report.events.size() == 1);
        CHECK(report.events[0].recipient == "reader.gone@recipient.example.net");
    }
}
