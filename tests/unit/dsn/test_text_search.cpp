// text::ifind scans sixteen positions at a time with a folded prefilter; these cases hold it to
// the plain definition (first character as written or upper-cased, the rest lower-cased) across
// block boundaries, start offsets and the punctuation pairs the prefilter lets through.
#include "dsn/text.hpp"

#include "tests/unit/dsn/reference_newlines.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <string>

using dsn_test::reference_newlines;

namespace {

std::size_t reference_ifind(std::string_view hay, std::string_view needle, std::size_t from) {
    if (needle.empty()) return from <= hay.size() ? from : std::string_view::npos;
    if (hay.size() < needle.size()) return std::string_view::npos;
    char first = needle[0];
    char first_upper = (first >= 'a' && first <= 'z') ? static_cast<char>(first - 32) : first;
    for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
        if (hay[i] != first && hay[i] != first_upper) continue;
        std::size_t k = 1;
        while (k < needle.size() && dsn::text::lower(hay[i + k]) == needle[k]) ++k;
        if (k == needle.size()) return i;
    }
    return std::string_view::npos;
}

}  // namespace

TEST_CASE("ifind agrees with the plain definition on random texts", "[text]") {
    // A small alphabet makes matches and near-misses frequent; '@'/'`' and '['/'{' differ only
    // in bit 0x20 like letter cases do.
    const std::string alphabet = "aAbB@`[{ -\n";
    std::mt19937 random(8);
    auto pick = [&](std::size_t n) {
        std::string s;
        for (std::size_t i = 0; i < n; ++i) s.push_back(alphabet[random() % alphabet.size()]);
        return s;
    };
    for (int round = 0; round < 3000; ++round) {
        std::string hay = pick(random() % 70);
        std::string needle = dsn::text::to_lower(pick(1 + random() % 4));
        if (round % 7 == 0) needle[0] = '`';
        std::size_t from = random() % 80;
        INFO("haystack '" << hay << "' needle '" << needle << "' from " << from);
        REQUIRE(dsn::text::ifind(hay, needle, from) == reference_ifind(hay, needle, from));
    }
}

TEST_CASE("ifind finds the first match across block boundaries and respects the start", "[text]") {
    std::string hay(100, 'x');
    hay.replace(15, 12, "USER unknown");
    hay.replace(70, 12, "user UNKNOWN");
    CHECK(dsn::text::ifind(hay, "user unknown") == 15);
    CHECK(dsn::text::ifind(hay, "user unknown", 16) == 70);
    CHECK(dsn::text::ifind(hay, "user unknown", 71) == std::string_view::npos);
    CHECK(dsn::text::ifind(hay, "user unknown", std::string_view::npos) == std::string_view::npos);
    CHECK(dsn::text::ifind(hay, "xxxxxxxxxxxxxxxx", 84) == 84);
    CHECK(dsn::text::ifind(hay, "xxxxxxxxxxxxxxxx", 85) == std::string_view::npos);
    CHECK(dsn::text::ifind("@ab", "`ab") == std::string_view::npos);
    CHECK(dsn::text::ifind("x`AB", "`ab") == 1);
}

TEST_CASE("newline conversion copies runs between CRs and handles the ends", "[text]") {
    CHECK(dsn::text::normalize_newlines("\r") == "\n");
    CHECK(dsn::text::normalize_newlines("\r\r") == "\n\n");
    CHECK(dsn::text::normalize_newlines("a\r\r\n") == "a\n");
    CHECK(dsn::text::normalize_newlines("a\r\rb") == "a\n\nb");
    CHECK(dsn::text::normalize_newlines("\r\nab\r\ncd") == "\nab\ncd");
    CHECK(dsn::text::normalize_newlines("ab\r") == "ab\n");
}

TEST_CASE("squeezing spaces joins folded values and drops outer white space", "[text]") {
    CHECK(dsn::text::squeeze_spaces("") == "");
    CHECK(dsn::text::squeeze_spaces(" \t\n ") == "");
    CHECK(dsn::text::squeeze_spaces("  a\n\t b  c ") == "a b c");
    CHECK(dsn::text::squeeze_spaces("x") == "x");
}

namespace {

// The plain definitions the block-wise versions must agree with.
std::string reference_squeeze(std::string_view s) {
    std::string out;
    bool pending = false;
    for (char c : s) {
        if (dsn::text::is_space(c)) {
            pending = !out.empty();
            continue;
        }
        if (pending) out.push_back(' ');
        pending = false;
        out.push_back(c);
    }
    return out;
}

}  // namespace

TEST_CASE("squeezing spaces agrees with the plain definition on random texts", "[text]") {
    // Long runs with and without white space cross the 16-byte blocks; control characters that
    // are not white space (\x01, \x1f) and bytes above 0x7F must be copied like any other.
    const std::string alphabet = std::string("aB \t\n\r\v\f-\x01\x1f\x80\xff", 14);
    std::mt19937 random(11);
    for (int round = 0; round < 3000; ++round) {
        std::string s;
        const std::size_t n = random() % 90;
        while (s.size() < n) {
            const char c = alphabet[random() % alphabet.size()];
            s.append(1 + random() % (round % 3 == 0 ? 20 : 3), c);
        }
        INFO("input of " << s.size() << " bytes, round " << round);
        REQUIRE(dsn::text::squeeze_spaces(s) == reference_squeeze(s));
    }
}

TEST_CASE("newline conversion agrees with the plain definition on random texts", "[text]") {
    const std::string alphabet = "ab\r\n\r";
    std::mt19937 random(12);
    for (int round = 0; round < 3000; ++round) {
        std::string s;
        for (std::size_t i = 0, n = random() % 60; i < n; ++i) s.push_back(alphabet[random() % alphabet.size()]);
        INFO("input '" << s << "'");
        REQUIRE(dsn::text::normalize_newlines(s) == reference_newlines(s));
    }
}
