// Finds which of many lower-case phrases occur in a text in one pass over the text (an
// Aho-Corasick automaton over ASCII-folded bytes). Classification tables hold hundreds of phrases
// and used to search every diagnostic once per phrase.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace dsn::text {

class PhraseIndex {
public:
    // `phrases` are lower case and not empty, with fewer than 65,536 distinct prefixes (else
    // std::length_error); `groups[i]` (below 64) tags phrase i, e.g. with the
    // reason it decides. A match means the same as text::icontains(text, phrase).
    PhraseIndex(std::span<const std::string_view> phrases, std::span<const std::uint8_t> groups);

    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    struct Hits {
        std::uint64_t groups = 0;  // bit g set: some phrase of group g occurs
        std::size_t first = kNone; // the lowest index of an occurring phrase
    };
    Hits scan(std::string_view text) const;

private:
    std::uint8_t byte_class_[256] = {};   // folded byte -> column (0: in no phrase)
    std::size_t columns_ = 1;
    std::vector<std::uint16_t> next_;     // state * columns_ + column -> state
    std::vector<std::uint64_t> groups_;   // per state: groups of the phrases that end there
    std::vector<std::uint32_t> first_;    // per state: lowest phrase index that ends there
};

}  // namespace dsn::text
