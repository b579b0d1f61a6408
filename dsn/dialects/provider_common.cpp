#include "dsn/dialects/provider_common.hpp"

#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

#include <algorithm>

namespace dsn::dialects {

std::vector<std::string> failed_recipients_header(const Message& message) {
    std::vector<std::string> out;
    for (auto value : message.headers.get_all("X-Failed-Recipients"))
        for (auto& addr : address::find_all(value))
            if (std::find(out.begin(), out.end(), addr) == out.end()) out.push_back(addr);
    return out;
}

bool from_domain(const Message& message, std::string_view domain) {
    std::string addr = address::normalize(message.from);
    std::size_t at = addr.rfind('@');
    if (at == std::string::npos) return false;
    std::string_view host = std::string_view(addr).substr(at + 1);
    return host == domain || (host.size() > domain.size() && text::iends_with(host, domain) &&
                              host[host.size() - domain.size() - 1] == '.');
}

std::string paragraph_after(std::string_view t, std::string_view lower_marker) {
    std::size_t at = text::ifind(t, lower_marker);
    if (at == std::string_view::npos) return {};
    std::string_view rest = t.substr(at + lower_marker.size());
    std::string out;
    bool started = false;
    for (auto line : text::split_lines(rest)) {
        std::string_view trimmed = text::trim(line);
        if (trimmed.empty()) {
            if (started) break;
            continue;
        }
        if (!out.empty()) out.push_back(' ');
        out.append(trimmed);
        started = true;
    }
    return text::squeeze_spaces(out);
}

std::string_view provider_reason(std::span<const ProviderPhrase> table, std::initializer_list<std::string_view> texts) {
    for (const auto& entry : table)
        for (auto t : texts)
            if (text::icontains(t, entry.phrase)) return entry.reason;
    return {};
}

std::vector<Finding> findings_for(const std::vector<std::string>& recipients, const std::string& diagnostic) {
    std::vector<Finding> out;
    for (const auto& r : recipients) {
        Finding f;
        f.recipient = r;
        // Codes first: cleaning drops a status repeated after the reply code ("554 554 5.7.0 ...").
        f.diagnostic = text::squeeze_spaces(diagnostic);
        complete_from_diagnostic(f);
        f.diagnostic = smtp::clean_diagnostic(diagnostic);
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace dsn::dialects
