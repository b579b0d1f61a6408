#include "milter/scope.hpp"

#include <algorithm>
#include <cctype>

namespace milter {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lowercase(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

std::string normalize_address(std::string_view raw) {
    std::string_view s = trim(raw);
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = trim(s.substr(1, s.size() - 2));
    return lowercase(s);
}

BounceScope::BounceScope(const std::vector<std::string>& bounce_addresses) {
    for (const auto& entry : bounce_addresses) {
        std::string normalized = normalize_address(entry);
        if (normalized.empty()) continue;
        if (normalized.front() == '@') {
            if (normalized.size() > 1) domains_.push_back(normalized.substr(1));
        } else {
            addresses_.push_back(std::move(normalized));
        }
    }
}

bool BounceScope::matches(std::string_view recipient) const {
    const std::string address = normalize_address(recipient);
    // The domain starts after the last '@': a quoted local part may itself contain '@'.
    const auto at = address.rfind('@');
    if (address.empty() || at == std::string::npos || at == 0 || at + 1 == address.size()) return false;
    const std::string_view local(address.data(), at);
    const std::string_view domain(address.data() + at + 1, address.size() - at - 1);

    if (std::find(domains_.begin(), domains_.end(), domain) != domains_.end()) return true;
    if (std::find(addresses_.begin(), addresses_.end(), address) != addresses_.end()) return true;

    const auto plus = local.find('+');
    if (plus == std::string_view::npos || plus == 0) return false;
    std::string untagged(local.substr(0, plus));
    untagged += '@';
    untagged += domain;
    return std::find(addresses_.begin(), addresses_.end(), untagged) != addresses_.end();
}

}  // namespace milter
