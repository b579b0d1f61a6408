#include "conf/secret_placeholder.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace conf {

bool secret_is_placeholder(const std::string& secret) {
    std::string trimmed = secret;
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.pop_back();
    while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.erase(0, 1);
    if (trimmed.empty()) return true;
    // "<your token here>", "${TOKEN}", "MFkw..." (the documentation's elisions).
    if (trimmed.front() == '<' && trimmed.back() == '>') return true;
    if (trimmed.rfind("${", 0) == 0 && trimmed.back() == '}') return true;
    if (trimmed.size() >= 3 && trimmed.compare(trimmed.size() - 3, 3, "...") == 0) return true;
    // Compared on letters and digits only, so "change-me", "CHANGE_ME" and "changeme" are one word.
    std::string word;
    for (unsigned char c : trimmed)
        if (std::isalnum(c)) word.push_back(static_cast<char>(std::tolower(c)));
    static constexpr std::array<std::string_view, 12> kPlaceholders = {
        "changeme", "changemeplease", "replaceme", "placeholder", "secret", "password",
        "token",    "yourtoken",      "yoursecret", "xxx",        "todo",   "example"};
    if (std::find(kPlaceholders.begin(), kPlaceholders.end(), word) != kPlaceholders.end()) return true;
    return word.find("changeme") != std::string::npos || (word.size() >= 3 && word.find_first_not_of('x') == std::string::npos);
}

}  // namespace conf
