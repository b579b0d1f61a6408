#include "dsn/phrase_index.hpp"

#include "dsn/text.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace dsn::text {
namespace {

constexpr std::uint32_t kNoPhrase = std::numeric_limits<std::uint32_t>::max();

}  // namespace

PhraseIndex::PhraseIndex(std::span<const std::string_view> phrases, std::span<const std::uint8_t> groups) {
    // Only bytes that occur in some phrase need a column of their own; every other byte leads
    // back to the root, so the transition table stays a few columns wide.
    for (std::string_view phrase : phrases)
        for (char c : phrase) {
            auto& cls = byte_class_[static_cast<unsigned char>(c)];
            if (cls == 0) cls = static_cast<std::uint8_t>(columns_++);
        }
    // A text byte is folded to lower case before it is looked up, as text::ifind does.
    for (int c = 'A'; c <= 'Z'; ++c) byte_class_[c] = byte_class_[c + 32];

    // The trie of the phrases; 0 in next_ means "no edge yet" (the root is never a child). Each
    // new edge is also noted, so the pass below finds a state's own children without reading
    // its whole row.
    struct Edge {
        std::uint32_t parent, column, child;
    };
    std::vector<Edge> edges;
    // As many states as the phrases have distinct prefixes: in sorted order, each phrase adds
    // what it does not share with the one before. The rows are zeroed once, at their final size.
    std::size_t most_states = 1;
    {
        std::vector<std::string_view> sorted(phrases.begin(), phrases.end());
        std::sort(sorted.begin(), sorted.end());
        std::string_view previous;
        for (std::string_view phrase : sorted) {
            const auto shared = std::mismatch(phrase.begin(), phrase.end(), previous.begin(), previous.end());
            most_states += static_cast<std::size_t>(phrase.end() - shared.first);
            previous = phrase;
        }
    }
    if (most_states > std::numeric_limits<std::uint16_t>::max())
        throw std::length_error("phrase table too large for text::PhraseIndex");
    edges.reserve(most_states);
    next_ = std::vector<std::uint16_t>(most_states * columns_);
    groups_.reserve(most_states);
    first_.reserve(most_states);
    groups_.assign(1, 0);
    first_.assign(1, kNoPhrase);
    for (std::size_t i = 0; i < phrases.size(); ++i) {
        std::uint32_t state = 0;
        for (char c : phrases[i]) {
            const std::uint32_t column = byte_class_[static_cast<unsigned char>(c)];
            const std::size_t slot = state * columns_ + column;
            if (next_[slot] == 0) {
                const auto child = static_cast<std::uint32_t>(groups_.size());
                next_[slot] = static_cast<std::uint16_t>(child);
                edges.push_back({state, column, child});
                groups_.push_back(0);
                first_.push_back(kNoPhrase);
            }
            state = next_[slot];
        }
        groups_[state] |= std::uint64_t{1} << groups[i];
        first_[state] = std::min(first_[state], static_cast<std::uint32_t>(i));
    }
    const std::size_t states = groups_.size();
    next_.resize(states * columns_);

    // The edges grouped by parent.
    std::vector<std::uint32_t> begin(states + 1, 0);
    for (const Edge& e : edges) ++begin[e.parent + 1];
    for (std::size_t s = 0; s < states; ++s) begin[s + 1] += begin[s];
    std::vector<Edge> by_parent(edges.size());
    {
        std::vector<std::uint32_t> fill(begin.begin(), begin.end() - 1);
        for (const Edge& e : edges) by_parent[fill[e.parent]++] = e;
    }

    // Breadth first, each state takes over the matches of its longest proper suffix state
    // (its fallback), and its row starts as a copy of the fallback's finished row with its own
    // edges written over it, so a scan never backtracks.
    std::vector<std::uint32_t> fallback(states, 0);
    std::vector<std::uint32_t> queue;
    queue.reserve(states);
    for (std::uint32_t k = begin[0]; k < begin[1]; ++k) queue.push_back(by_parent[k].child);
    for (std::size_t head = 0; head < queue.size(); ++head) {
        const std::uint32_t state = queue[head];
        const std::uint16_t* fallback_row = next_.data() + fallback[state] * columns_;
        std::uint16_t* row = next_.data() + state * columns_;
        std::copy(fallback_row, fallback_row + columns_, row);
        for (std::uint32_t k = begin[state]; k < begin[state + 1]; ++k) {
            const Edge& e = by_parent[k];
            const std::uint32_t via_fallback = fallback_row[e.column];
            fallback[e.child] = via_fallback;
            groups_[e.child] |= groups_[via_fallback];
            first_[e.child] = std::min(first_[e.child], first_[via_fallback]);
            row[e.column] = static_cast<std::uint16_t>(e.child);
            queue.push_back(e.child);
        }
    }
}

PhraseIndex::Hits PhraseIndex::scan(std::string_view text) const {
    std::uint64_t found = 0;
    std::uint32_t first = kNoPhrase;
    std::uint32_t state = 0;
    const std::uint16_t* next = next_.data();
    for (char c : text) {
        state = next[state * columns_ + byte_class_[static_cast<unsigned char>(c)]];
        found |= groups_[state];
        first = std::min(first, first_[state]);
    }
    return {found, first == kNoPhrase ? kNone : first};
}

}  // namespace dsn::text
