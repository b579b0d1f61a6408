#include "webhooks/address.hpp"

#include <cctype>

namespace webhooks {

namespace {
std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool plausible_addr_spec(std::string_view s) {
    const auto at = s.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= s.size()) return false;
    if (s.size() > 254) return false;
    for (unsigned char c : s) {
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == '(' || c == ')' || c == '[' ||
            c == ']' || c == '\\' || c == '"' || c == ';' || c == ':')
            return false;
    }
    const std::string_view domain = s.substr(at + 1);
    if (domain.find('@') != std::string_view::npos || domain.front() == '.' || domain.back() == '.') return false;
    return s.substr(0, at).find('@') == std::string_view::npos;
}
}  // namespace

std::optional<std::string> bare_address(std::string_view text) {
    std::string_view s = trim(text);
    const auto open = s.rfind('<');
    if (open != std::string_view::npos) {
        const auto close = s.find('>', open);
        if (close == std::string_view::npos) return std::nullopt;
        s = trim(s.substr(open + 1, close - open - 1));
    }
    if (!plausible_addr_spec(s)) return std::nullopt;
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool is_uuid(std::string_view t) {
    if (t.size() != 36) return false;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (t[i] != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(t[i]))) {
            return false;
        }
    }
    return true;
}

std::string uuid_or_empty(std::string_view text) {
    const std::string_view t = trim(text);
    if (!is_uuid(t)) return std::string();
    std::string out(t);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace webhooks
