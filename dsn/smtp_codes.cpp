#include "dsn/smtp_codes.hpp"

#include "dsn/text.hpp"

namespace dsn::smtp {
namespace {

using text::is_digit;

// Length of a "c.s.d" code starting at `i`, or 0.
std::size_t status_length_at(std::string_view s, std::size_t i) {
    if (i >= s.size() || !(s[i] == '2' || s[i] == '4' || s[i] == '5')) return 0;
    std::size_t j = i + 1;
    if (j >= s.size() || s[j] != '.') return 0;
    ++j;
    std::size_t digits = 0;
    while (j < s.size() && is_digit(s[j]) && digits < 3) ++j, ++digits;
    if (digits == 0 || j >= s.size() || s[j] != '.') return 0;
    ++j;
    digits = 0;
    while (j < s.size() && is_digit(s[j]) && digits < 3) ++j, ++digits;
    if (digits == 0) return 0;
    return j - i;
}

bool boundary_before(std::string_view s, std::size_t i) {
    if (i == 0) return true;
    char p = s[i - 1];
    return !(is_digit(p) || p == '.' || text::is_alpha(p) || p == '-' || p == '_' || p == '/' || p == ':' ||
             p == '=' || p == '@');
}

bool boundary_after(std::string_view s, std::size_t end) {
    if (end >= s.size()) return true;
    char n = s[end];
    if (is_digit(n) || text::is_alpha(n) || n == '-' || n == '@' || n == '_') return false;
    // "5.1.1." at a sentence end is fine, "1.2.3.4" is not.
    if (n == '.' && end + 1 < s.size() && is_digit(s[end + 1])) return false;
    return true;
}

}  // namespace

bool is_status(std::string_view s) { return !s.empty() && status_length_at(s, 0) == s.size(); }

std::string find_status(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!(s[i] == '2' || s[i] == '4' || s[i] == '5')) continue;
        if (!boundary_before(s, i)) continue;
        std::size_t len = status_length_at(s, i);
        if (len == 0 || !boundary_after(s, i + len)) continue;
        return std::string(s.substr(i, len));
    }
    return {};
}

std::string find_reply_code(std::string_view s) {
    for (std::size_t i = 0; i + 3 <= s.size(); ++i) {
        if (!(s[i] == '2' || s[i] == '4' || s[i] == '5') || !is_digit(s[i + 1]) || !is_digit(s[i + 2])) continue;
        if (i > 0) {
            char p = s[i - 1];
            if (is_digit(p) || text::is_alpha(p) || p == '.' || p == '-' || p == ':' || p == '/' || p == '+' ||
                p == '#' || p == '_' || p == '=' || p == '@' || p == ',')
                continue;
        }
        std::size_t end = i + 3;
        if (end < s.size()) {
            char n = s[end];
            if (!(n == ' ' || n == '-' || n == '\t' || n == '\n' || n == ')' || n == ']' || n == '"')) continue;
            // "550 " followed by a 4-digit year or a clock is a date, not a reply.
            if (n == ' ' && end + 3 < s.size() && is_digit(s[end + 1]) && is_digit(s[end + 2]) &&
                (s[end + 3] == ':' || (end + 4 < s.size() && is_digit(s[end + 3]) && is_digit(s[end + 4]))))
                continue;
            if (n == '-' && end + 1 < s.size() && !(is_digit(s[end + 1]) || text::is_alpha(s[end + 1]) ||
                                                     s[end + 1] == ' '))
                continue;
        }
        // A year such as "2013" never matches (four digits); codes above 559 do not exist.
        if (s[i + 1] > '5') continue;
        return std::string(s.substr(i, 3));
    }
    return {};
}

std::string leading_status(std::string_view value) {
    std::string_view v = text::trim(value);
    std::size_t len = status_length_at(v, 0);
    if (len == 0 || !boundary_after(v, len)) return {};
    return std::string(v.substr(0, len));
}

std::string clean_diagnostic(std::string_view value) {
    std::string_view v = text::trim(value);
    if (std::size_t semi = v.find(';'); semi != std::string_view::npos && semi <= 10) {
        std::string_view type = text::trim(v.substr(0, semi));
        bool is_type = !type.empty();
        for (char c : type)
            if (!(text::is_alpha(c) || c == '-')) is_type = false;
        if (is_type) v = text::trim(v.substr(semi + 1));
    }
    std::string squeezed = text::squeeze_spaces(v);
    // Multi-line replies repeat "550-5.1.1 " on each line; keep the first prefix only.
    std::string out;
    out.reserve(squeezed.size());
    std::string_view rest = squeezed;
    std::string first_prefix;
    bool first = true;
    while (!rest.empty()) {
        std::size_t space = rest.find(' ');
        std::string_view word = rest.substr(0, space);
        bool continuation = word.size() == 3 && is_digit(word[0]) && is_digit(word[1]) && is_digit(word[2]);
        bool dashed = word.size() > 4 && word[3] == '-' && is_digit(word[0]) && is_digit(word[1]) && is_digit(word[2]);
        if (!first && (dashed || (continuation && !first_prefix.empty() && word == first_prefix.substr(0, 3)))) {
            // A continuation line of a multi-line reply: drop "550-" / "550" and a repeated status.
            std::string_view tail = dashed ? word.substr(4) : std::string_view{};
            rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
            if (tail.empty()) {
                std::size_t len = status_length_at(rest, 0);
                if (len > 0 && (len == rest.size() || rest[len] == ' '))
                    rest = rest.substr(std::min(rest.size(), len + 1));
            } else if (status_length_at(tail, 0) != tail.size()) {
                out.push_back(' ');
                out.append(tail);
            }
            continue;
        }
        if (first && (dashed || continuation)) first_prefix = std::string(word);
        if (!out.empty()) out.push_back(' ');
        if (first && dashed) {
            out.append(word.substr(0, 3));
            out.push_back(' ');
            out.append(word.substr(4));
        } else {
            out.append(word);
        }
        first = false;
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
    }
    return out;
}

bool continues_reply(std::string_view first_line, std::string_view whole) {
    // A bare "550" or "550 5.7.1" says nothing of which reply it began.
    constexpr std::size_t kShortestLine = 12;
    return first_line.size() >= kShortestLine && whole.size() > first_line.size() + 1 &&
           whole[first_line.size()] == ' ' && text::istarts_with(whole, first_line);
}

}  // namespace dsn::smtp
