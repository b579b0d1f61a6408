// text::PhraseIndex answers "which of these phrases occur" in one pass; these cases hold it to
// text::icontains for every phrase, with phrases that overlap, nest and share prefixes and suffixes.
#include "dsn/phrase_index.hpp"
#include "dsn/text.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

struct Expected {
    std::uint64_t groups = 0;
    std::size_t first = dsn::text::PhraseIndex::kNone;
};

Expected by_icontains(std::string_view text, const std::vector<std::string_view>& phrases,
                      const std::vector<std::uint8_t>& groups) {
    Expected e;
    for (std::size_t i = 0; i < phrases.size(); ++i) {
        if (!dsn::text::icontains(text, phrases[i])) continue;
        e.groups |= std::uint64_t{1} << groups[i];
        if (e.first == dsn::text::PhraseIndex::kNone) e.first = i;
    }
    return e;
}

}  // namespace

TEST_CASE("PhraseIndex finds what icontains finds, phrase by phrase", "[text]") {
    const std::vector<std::string_view> phrases = {"abab", "ba", "bab", "aab", "b-a", "a", "cab", "abc", "ca b",
                                                   "user unknown", "unknown", "nknow", "mailbox full", "x"};
    const std::vector<std::uint8_t> groups = {0, 1, 2, 3, 4, 63, 5, 0, 6, 7, 8, 7, 9, 10};
    const dsn::text::PhraseIndex index(phrases, groups);

    SECTION("fixed texts") {
        for (std::string_view text : {"", "Z", "USER UNKNOWN", "Mailbox Full.", "cAb", "b-A", "ca  b", "ca b",
                                      "The user is unknown", "aBaB", "abAb x", "\xc3\xa9 unknown"}) {
            const auto hits = index.scan(text);
            const auto expected = by_icontains(text, phrases, groups);
            CAPTURE(text);
            CHECK(hits.groups == expected.groups);
            CHECK(hits.first == expected.first);
        }
    }
    SECTION("random texts over a small alphabet") {
        std::mt19937 rng(20261127);
        const std::string alphabet = "abcABC- x\n@";
        for (int round = 0; round < 3000; ++round) {
            std::string text(rng() % 40, ' ');
            for (auto& c : text) c = alphabet[rng() % alphabet.size()];
            const auto hits = index.scan(text);
            const auto expected = by_icontains(text, phrases, groups);
            CAPTURE(text);
            REQUIRE(hits.groups == expected.groups);
            REQUIRE(hits.first == expected.first);
        }
    }
}
