#include "dsn/text.hpp"

#include <algorithm>
#include <cstring>

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

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool iends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

std::size_t ifind(std::string_view haystack, std::string_view needle, std::size_t from) {
    if (needle.empty()) return from <= haystack.size() ? from : std::string_view::npos;
    if (haystack.size() < needle.size()) return std::string_view::npos;
    const char first = needle[0];
    const char first_upper = (first >= 'a' && first <= 'z') ? static_cast<char>(first - 32) : first;
    const std::size_t last = haystack.size() - needle.size();
    for (std::size_t i = from; i <= last; ++i) {
        // memchr-style skip to the next candidate first character keeps this close to linear.
        const char c = haystack[i];
        if (c != first && c != first_upper) continue;
        std::size_t k = 1;
        while (k < needle.size() && lower(haystack[i + k]) == needle[k]) ++k;
        if (k == needle.size()) return i;
    }
    return std::string_view::npos;
}

std::string normalize_newlines(std::string_view s) {
    if (s.find('\r') == std::string_view::npos) return std::string(s);
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\r') {
            // CR LF and CR CR LF (seen in the wild) become one LF; a lone CR is a line end too.
            if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') i += 2;
            else if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
            out.push_back('\n');
        } else {
            out.push_back(c);
        }
    }
    return out;
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

std::string squeeze_spaces(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool pending_space = false;
    for (char c : s) {
        if (is_space(c)) {
            pending_space = !out.empty();
            continue;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
    }
    return out;
}

std::size_t find_line_with(std::string_view s, std::string_view lower_marker, std::size_t from) {
    std::size_t hit = ifind(s, lower_marker, from);
    if (hit == std::string_view::npos) return hit;
    std::size_t line = s.rfind('\n', hit);
    return line == std::string_view::npos ? 0 : line + 1;
}

std::string_view slice_after(std::string_view s, std::string_view lower_begin) {
    std::size_t hit = ifind(s, lower_begin);
    if (hit == std::string_view::npos) return {};
    return s.substr(hit + lower_begin.size());
}

std::string html_to_text(std::string_view html) {
    std::string out;
    out.reserve(html.size());
    bool in_tag = false;
    for (std::size_t i = 0; i < html.size(); ++i) {
        char c = html[i];
        if (in_tag) {
            if (c == '>') in_tag = false;
            continue;
        }
        if (c == '<') {
            // Block-level tags end a line, so "address:" and its reason stay apart.
            std::string_view rest = html.substr(i + 1, 4);
            if (istarts_with(rest, "br") || istarts_with(rest, "p") || istarts_with(rest, "/p") ||
                istarts_with(rest, "div") || istarts_with(rest, "/div") || istarts_with(rest, "tr") ||
                istarts_with(rest, "li") || istarts_with(rest, "/tr"))
                out.push_back('\n');
            in_tag = true;
            continue;
        }
        if (c == '&') {
            static constexpr std::pair<std::string_view, char> entities[] = {
                {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&nbsp;", ' '}, {"&#39;", '\''}};
            bool replaced = false;
            for (auto [name, value] : entities) {
                if (istarts_with(html.substr(i), name)) {
                    out.push_back(value);
                    i += name.size() - 1;
                    replaced = true;
                    break;
                }
            }
            if (replaced) continue;
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace dsn::text
