#include "forwarder/validate.hpp"

#include <cctype>
#include <cstring>

namespace forwarder {
namespace {

bool is_atext(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || (c != '\0' && std::strchr("!#$%&'*+/=?^_`{|}~-", c) != nullptr);
}

bool is_dot_atom(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') return false;
    char previous = '\0';
    for (char c : s) {
        if (c == '.') {
            if (previous == '.') return false;
        } else if (!is_atext(c)) {
            return false;
        }
        previous = c;
    }
    return true;
}

bool is_quoted_string(std::string_view s) {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') return false;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        const char c = s[i];
        if (c == '\r' || c == '\n') return false;
        if (c == '\\') {
            if (i + 2 >= s.size()) return false;  // a backslash must escape something before the quote
            ++i;
        } else if (c == '"') {
            return false;
        }
    }
    return true;
}

bool is_domain_literal(std::string_view s) {
    if (s.size() < 2 || s.front() != '[' || s.back() != ']') return false;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        const char c = s[i];
        if (c == '[' || c == ']' || c == '\\' || std::isspace(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

}  // namespace

bool is_uuid(std::string_view t) {
    if (t.size() != 36) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash_position ? t[i] != '-' : !std::isxdigit(static_cast<unsigned char>(t[i]))) return false;
    }
    return true;
}

bool is_bare_email(std::string_view t) {
    const auto at = t.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == t.size()) return false;
    const auto local = t.substr(0, at);
    const auto domain = t.substr(at + 1);
    return (is_dot_atom(local) || is_quoted_string(local)) && (is_dot_atom(domain) || is_domain_literal(domain));
}

std::string to_lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string normalize_email(std::string_view text) {
    auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return {};
    auto end = text.find_last_not_of(" \t\r\n");
    text = text.substr(begin, end - begin + 1);
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>') text = text.substr(1, text.size() - 2);
    return to_lower(text);
}

}  // namespace forwarder
