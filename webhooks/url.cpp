#include "webhooks/url.hpp"

#include <cctype>

namespace webhooks {

namespace {
bool lower_alnum_dash(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}
}  // namespace

std::optional<ParsedUrl> parse_url(std::string_view url) {
    for (unsigned char c : url) {
        if (c <= 0x20 || c >= 0x7f || c == '\\') return std::nullopt;
    }
    const auto colon = url.find("://");
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    ParsedUrl out;
    for (char c : url.substr(0, colon)) {
        if (!std::isalpha(static_cast<unsigned char>(c))) return std::nullopt;
        out.scheme.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    std::string_view rest = url.substr(colon + 3);
    const auto authority_end = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, authority_end);
    rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        out.has_userinfo = true;
        authority = authority.substr(authority.rfind('@') + 1);
    }
    if (authority.find('%') != std::string_view::npos || authority.find('[') != std::string_view::npos)
        return std::nullopt;
    const auto port_sep = authority.find(':');
    std::string_view host = authority.substr(0, port_sep);
    if (port_sep != std::string_view::npos) {
        std::string_view port = authority.substr(port_sep + 1);
        if (port.empty() || port.size() > 5) return std::nullopt;
        for (char c : port) {
            if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        }
        out.port = std::string(port);
    }
    if (host.empty()) return std::nullopt;
    for (char c : host) out.host.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));

    const auto hash = rest.find('#');
    if (hash != std::string_view::npos) {
        out.has_fragment = true;
        rest = rest.substr(0, hash);
    }
    const auto question = rest.find('?');
    if (question != std::string_view::npos) {
        out.has_query = true;
        out.query = std::string(rest.substr(question + 1));
        rest = rest.substr(0, question);
    }
    out.path = std::string(rest);
    return out;
}

bool is_sns_host_url(const ParsedUrl& url) {
    if (url.scheme != "https" || url.has_userinfo) return false;
    if (!url.port.empty() && url.port != "443") return false;
    std::string_view host = url.host;
    if (host.ends_with(".cn")) host.remove_suffix(3);
    static constexpr std::string_view prefix = "sns.";
    static constexpr std::string_view suffix = ".amazonaws.com";
    if (!host.starts_with(prefix) || !host.ends_with(suffix)) return false;
    if (host.size() <= prefix.size() + suffix.size()) return false;
    return lower_alnum_dash(host.substr(prefix.size(), host.size() - prefix.size() - suffix.size()));
}

bool is_valid_sns_cert_url(std::string_view text) {
    const auto url = parse_url(text);
    if (!url || !is_sns_host_url(*url) || url->has_query || url->has_fragment) return false;
    static constexpr std::string_view prefix = "/SimpleNotificationService-";
    static constexpr std::string_view suffix = ".pem";
    std::string_view path = url->path;
    if (!path.starts_with(prefix) || !path.ends_with(suffix)) return false;
    const std::string_view id = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (id.empty()) return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

bool is_valid_sns_subscribe_url(std::string_view text) {
    const auto url = parse_url(text);
    if (!url || !is_sns_host_url(*url) || url->has_fragment || url->path != "/" || !url->has_query) return false;
    std::string_view query = url->query;
    while (!query.empty()) {
        const auto amp = query.find('&');
        if (query.substr(0, amp) == "Action=ConfirmSubscription") return true;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return false;
}

std::string sns_region(const ParsedUrl& url) {
    std::string_view host = url.host;
    host.remove_prefix(4);  // "sns."
    return std::string(host.substr(0, host.find('.')));
}

}  // namespace webhooks
