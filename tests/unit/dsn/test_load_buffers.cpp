// The loading helpers that write into buffers of their own (Fields' text buffer, the sixteen-byte
// scans of normalize_newlines and squeeze_spaces, html_to_text's span copies) give what the plain
// byte-by-byte versions gave, also across chunk boundaries and after copies and moves.
#include "dsn/fields.hpp"
#include "dsn/text.hpp"

#include "tests/unit/dsn/reference_newlines.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <utility>

using namespace dsn;

using dsn_test::reference_newlines;

TEST_CASE("CR line ends become LF at every position of the sixteen-byte blocks", "[text]") {
    for (std::size_t width = 0; width < 40; ++width) {
        const std::string run(width, 'x');
        for (std::string_view end : {"\r\n", "\r", "\r\r\n", "\n"}) {
            std::string input;
            for (int line = 0; line < 5; ++line) input += run + std::string(end);
            input += run;  // a last line without a line end
            INFO("width " << width);
            CHECK(text::normalize_newlines(input) == reference_newlines(input));
        }
    }
    CHECK(text::normalize_newlines("\r") == "\n");
    CHECK(text::normalize_newlines("a\r") == "a\n");
    CHECK(text::normalize_newlines("a\r\r") == "a\n\n");
}

TEST_CASE("squeezing into a caller's buffer gives what squeeze_spaces returns", "[text]") {
    const std::string folded = " Mail Delivery\n\tSubsystem   <" + std::string(30, 'm') + "@example.org>\n ";
    const std::string expected = "Mail Delivery Subsystem <" + std::string(30, 'm') + "@example.org>";
    CHECK(text::squeeze_spaces(folded) == expected);
    std::string buffer(folded.size(), '#');
    char* end = text::squeeze_spaces_to(folded, buffer.data());
    CHECK(std::string(buffer.data(), end) == expected);
    CHECK(text::squeeze_spaces("   ").empty());
}

TEST_CASE("HTML text keeps its words, block tags end lines, entities are decoded", "[text]") {
    CHECK(text::html_to_text("<p>User unknown:</p><div>a&amp;b &lt;x@example.org&gt;</div>") ==
          "\nUser unknown:\n\na&b <x@example.org>\n");
    CHECK(text::html_to_text("Fish &amp chips &unknown; <b>bold</b>") == "Fish &amp chips &unknown; bold");
    CHECK(text::html_to_text("text <unclosed tag and the rest") == "text ");
    CHECK(text::html_to_text("&nbsp;&quot;&#39;") == " \"'");
    CHECK(text::html_to_text("trailing &") == "trailing &");
}

TEST_CASE("parsed fields unfold continuations and survive copies and moves", "[fields]") {
    Fields fields = parse_fields(
        "Final-Recipient: rfc822; a@example.org\n"
        "Diagnostic-Code: smtp; 550 5.1.1\n"
        "   user unknown\n"
        "\t\n"
        "Empty:\n"
        "    continued\n"
        "not a field line\n"
        "Status: 5.1.1\n");
    REQUIRE(fields.all().size() == 4);
    CHECK(fields.get("diagnostic-code") == "smtp; 550 5.1.1 user unknown");
    CHECK(fields.get("Empty") == "continued");
    CHECK(fields.get("status") == "5.1.1");
    CHECK_FALSE(fields.has("not a field line"));

    Fields copy = fields;
    Fields moved = std::move(fields);
    for (const Fields* f : {&copy, &moved}) {
        CHECK(f->get("Final-Recipient") == "rfc822; a@example.org");
        CHECK(f->get("Diagnostic-Code") == "smtp; 550 5.1.1 user unknown");
        CHECK(f->all()[3].name == "Status");
    }
    // The copy's views point into its own buffer, not into the one it was copied from.
    CHECK(copy.get("Status").data() != moved.get("Status").data());

    Fields assigned;
    assigned = copy;
    copy = Fields{};
    CHECK(assigned.get("Empty") == "continued");
    CHECK(copy.empty());
}

TEST_CASE("fields added with squeezing keep names as written", "[fields]") {
    Fields fields;
    fields.reserve(2, 64);
    fields.add_squeezed("X-Failed-Recipients", " a@example.org,\n\tb@example.org\n");
    fields.add_squeezed("Subject", "");
    CHECK(fields.get_all("x-failed-recipients") == std::vector<std::string_view>{"a@example.org, b@example.org"});
    CHECK(fields.has("subject"));
    CHECK(fields.get("Subject").empty());
}
