#include "dsn/text.hpp"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace dsn::text {

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool iequals_bytes(const char* a, const char* b, std::size_t size) {
    for (std::size_t i = 0; i < size; ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

namespace {

// The match test of ifind at one position: the first character as written or upper-cased, the
// rest folded to lower case.
inline bool matches_at(const char* at, std::string_view needle, char first, char first_upper) {
    if (at[0] != first && at[0] != first_upper) return false;
    for (std::size_t k = 1; k < needle.size(); ++k)
        if (lower(at[k]) != needle[k]) return false;
    return true;
}

}  // namespace

std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from) {
    if (needle.empty()) return from <= haystack.size() ? from : std::string_view::npos;
    if (haystack.size() < needle.size()) return std::string_view::npos;
    const char first = needle[0];
    const char first_upper = (first >= 'a' && first <= 'z') ? static_cast<char>(first - 32) : first;
    const std::size_t last = haystack.size() - needle.size();
    const char* h = haystack.data();
    std::size_t i = from;
#if defined(__SSE2__)
    // Sixteen candidate positions at a time: keep those whose first and last characters match
    // after setting bit 0x20 (which folds A-Z to a-z and lets a few punctuation pairs through),
    // then check each survivor exactly. Phrase tables and marker lists search the same texts
    // hundreds of times, so this scan dominated the parse before.
    const __m128i fold = _mm_set1_epi8(0x20);
    const __m128i want_first = _mm_set1_epi8(static_cast<char>(first | 0x20));
    const __m128i want_last = _mm_set1_epi8(static_cast<char>(needle.back() | 0x20));
    const std::size_t tail = needle.size() - 1;
    for (; i <= last && last - i >= 15; i += 16) {
        __m128i a = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i)), fold);
        __m128i b = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i + tail)), fold);
        unsigned mask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, want_first), _mm_cmpeq_epi8(b, want_last))));
        while (mask != 0) {
            std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
            if (matches_at(h + at, needle, first, first_upper)) return at;
            mask &= mask - 1;
        }
    }
    // The last few positions as one more block ending exactly at the last position, with the
    // positions already searched masked off: most haystacks (diagnostics, header values) are
    // short, and a byte-by-byte tail of up to 15 positions was a good part of each search.
    if (i <= last && last >= 15) {
        const std::size_t base = last - 15;  // base < i <= last
        __m128i a = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + base)), fold);
        __m128i b = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + base + tail)), fold);
        unsigned mask = static_cast<unsigned>(
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, want_first), _mm_cmpeq_epi8(b, want_last))));
        mask &= ~0U << (i - base);
        while (mask != 0) {
            std::size_t at = base + static_cast<std::size_t>(__builtin_ctz(mask));
            if (matches_at(h + at, needle, first, first_upper)) return at;
            mask &= mask - 1;
        }
        return std::string_view::npos;
    }
#endif
    for (; i <= last; ++i)
        if (matches_at(h + i, needle, first, first_upper)) return i;
    return std::string_view::npos;
}

std::string normalize_newlines(std::string_view s) {
    std::string out;
    normalize_newlines_into(s, out);
    return out;
}

void normalize_newlines_into(std::string_view s, std::string& out) {
    const char* p = s.data();
    const char* const end = p + s.size();
    const char* cr = s.empty() ? nullptr : static_cast<const char*>(std::memchr(p, '\r', s.size()));
    if (!cr) {
        out.assign(s);
        return;
    }
    // Written through a pointer into a buffer of the input's size (the output is never longer).
    // Messages with CR line ends have one every few dozen bytes, so the text up to the next CR is
    // copied and searched sixteen bytes at a time here rather than by a memchr and a memcpy call
    // per line, which cost several times as much.
    out.resize(s.size());
    char* const begin = out.data();
    const std::size_t lead = static_cast<std::size_t>(cr - p);
    std::memcpy(begin, p, lead);
    char* w = begin + lead;
    p = cr;
    while (p != end) {
        if (*p == '\r') {
            // CR LF and CR CR LF (seen in the wild) become one LF; a lone CR is a line end too.
            if (end - p > 2 && p[1] == '\r' && p[2] == '\n') p += 2;
            else if (end - p > 1 && p[1] == '\n') ++p;
            *w++ = '\n';
            ++p;
            continue;
        }
#if defined(__SSE2__)
        if (end - p >= 16) {
            // w never runs ahead of p, so the 16-byte store stays inside `out`.
            const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(w), chunk);
            const unsigned crs =
                static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(chunk, _mm_set1_epi8('\r'))));
            const unsigned n = crs == 0 ? 16U : static_cast<unsigned>(__builtin_ctz(crs));
            p += n;
            w += n;
            continue;
        }
#endif
        *w++ = *p++;
    }
    out.resize(static_cast<std::size_t>(w - begin));
}

std::vector<std::string_view> split_lines(std::string_view s) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find('\n', start);
        if (end == std::string_view::npos) {
            if (start < s.size()) lines.push_back(s.substr(start));
            break;
        }
        lines.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

namespace {

// is_space as one shift and test: ' ', '\t', '\n', '\v', '\f', '\r'.
inline bool space_byte(unsigned char c) { return c <= ' ' && ((0x100003E00ULL >> c) & 1U) != 0; }

}  // namespace

std::string squeeze_spaces(std::string_view s) {
    std::string out(s.size(), '\0');
    out.resize(static_cast<std::size_t>(squeeze_spaces_to(s, out.data()) - out.data()));
    return out;
}

char* squeeze_spaces_to(std::string_view s, char* const begin) {
    // Written through a pointer into a buffer of the input's size (the output is never longer).
    // Every header value of every message goes through here, so runs without white space are
    // copied sixteen bytes at a time; only white space itself is looked at byte by byte.
    char* w = begin;
    const char* p = s.data();
    const char* const end = p + s.size();
    while (p != end) {
        // A run of text up to the next white space.
        for (;;) {
#if defined(__SSE2__)
            if (end - p >= 16) {
                // w never runs ahead of p, so the 16-byte store stays inside `out`.
                const __m128i chunk = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
                _mm_storeu_si128(reinterpret_cast<__m128i*>(w), chunk);
                const unsigned low = static_cast<unsigned>(
                    _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(chunk, _mm_set1_epi8(' ')), chunk)));
                if (low == 0) {
                    p += 16;
                    w += 16;
                    continue;
                }
                const unsigned n = static_cast<unsigned>(__builtin_ctz(low));
                p += n;
                w += n;
                if (space_byte(static_cast<unsigned char>(*p))) break;
                *w++ = *p++;  // a control character that is not white space
                continue;
            }
#endif
            while (p != end && !space_byte(static_cast<unsigned char>(*p))) *w++ = *p++;
            break;
        }
        if (p == end) break;
        // A run of white space: one space between words, none at either end.
        do ++p;
        while (p != end && space_byte(static_cast<unsigned char>(*p)));
        if (p != end && w != begin) *w++ = ' ';
    }
    return w;
}

std::string html_to_text(std::string_view html) {
    std::string out;
    out.reserve(html.size());
    std::size_t i = 0;
    while (i < html.size()) {
        // Text up to the next tag or entity is copied whole: HTML parts of bounces run to tens of
        // kilobytes, and a byte-by-byte copy was most of their cost.
        std::size_t special = i;
        while (special < html.size() && html[special] != '<' && html[special] != '&') ++special;
        out.append(html, i, special - i);
        i = special;
        if (i == html.size()) break;
        if (html[i] == '<') {
            // Block-level tags end a line, so "address:" and its reason stay apart.
            std::string_view rest = html.substr(i + 1, 4);
            if (istarts_with(rest, "br") || istarts_with(rest, "p") || istarts_with(rest, "/p") ||
                istarts_with(rest, "div") || istarts_with(rest, "/div") || istarts_with(rest, "tr") ||
                istarts_with(rest, "li") || istarts_with(rest, "/tr"))
                out.push_back('\n');
            // The tag runs to the next '>'; an unclosed tag swallows the rest.
            const std::size_t close = html.find('>', i + 1);
            if (close == std::string_view::npos) break;
            i = close + 1;
            continue;
        }
        static constexpr std::pair<std::string_view, char> entities[] = {
            {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&nbsp;", ' '}, {"&#39;", '\''}};
        bool replaced = false;
        for (auto [name, value] : entities) {
            if (istarts_with(html.substr(i), name)) {
                out.push_back(value);
                i += name.size();
                replaced = true;
                break;
            }
        }
        if (!replaced) out.push_back(html[i++]);
    }
    return out;
}

}  // namespace dsn::text
