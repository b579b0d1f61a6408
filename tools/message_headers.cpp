#include "tools/message_headers.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace tools {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(b, e - b + 1));
}

// Bare addresses in an address-list header: the part in <> when present, else the whole item.
void collect_addresses(const std::string& value, std::vector<std::string>& out) {
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i < value.size() && value[i] == '"') quoted = !quoted;
        if (i < value.size() && (value[i] != ',' || quoted)) continue;
        std::string item = trim(std::string_view(value).substr(start, i - start));
        start = i + 1;
        auto open = item.rfind('<');
        auto close = item.rfind('>');
        if (open != std::string::npos && close != std::string::npos && close > open) {
            item = trim(std::string_view(item).substr(open + 1, close - open - 1));
        }
        if (item.find('@') != std::string::npos && std::find(out.begin(), out.end(), item) == out.end()) {
            out.push_back(item);
        }
    }
}

}  // namespace

std::vector<std::string> header_values(std::string_view message, std::string_view name) {
    std::vector<std::string> values;
    std::size_t pos = 0;
    std::string* current = nullptr;  // the value being unfolded, when it is one we want
    while (pos < message.size()) {
        std::size_t eol = message.find('\n', pos);
        if (eol == std::string_view::npos) eol = message.size();
        std::string_view line = message.substr(pos, eol - pos);
        pos = eol + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the header block
        if (line.front() == ' ' || line.front() == '\t') {
            if (current) *current += " " + trim(line);
            continue;
        }
        current = nullptr;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        if (iequals(trim(line.substr(0, colon)), name)) {
            values.push_back(trim(line.substr(colon + 1)));
            current = &values.back();
        }
    }
    return values;
}

std::vector<std::string> delivery_addresses(std::string_view message) {
    std::vector<std::string> out;
    for (const char* name : {"Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To"}) {
        for (const auto& value : header_values(message, name)) collect_addresses(value, out);
    }
    return out;
}

std::optional<std::chrono::system_clock::time_point> message_date(std::string_view message) {
    auto values = header_values(message, "Date");
    if (values.empty()) return std::nullopt;
    std::string value = values.front();
    if (auto comment = value.find('('); comment != std::string::npos) value = trim(std::string_view(value).substr(0, comment));
    for (const char* format : {"%a, %d %b %Y %H:%M:%S %z", "%d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M %z"}) {
        std::tm tm{};
        const char* end = strptime(value.c_str(), format, &tm);
        if (!end) continue;
        const long offset = tm.tm_gmtoff;  // glibc's strptime keeps %z here
        const std::time_t utc = timegm(&tm) - offset;
        // system_clock counts nanoseconds in 64 bits (up to 2262): a Date like "1 Jan 8391" would
        // overflow from_time_t. No stored bounce is that old or that new; such a Date is no date.
        constexpr std::time_t kYear2200 = 7258118400;
        if (utc <= 0 || utc >= kYear2200) continue;
        return std::chrono::system_clock::from_time_t(utc);
    }
    return std::nullopt;
}

}  // namespace tools
