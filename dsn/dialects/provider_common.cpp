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

bool from_system_account(const Message& message, std::initializer_list<std::string_view> local_parts) {
    const std::string& addr = message.from_address();
    if (addr.empty()) return false;
    if (address::is_mailer_daemon(addr)) return true;
    std::string_view local = std::string_view(addr).substr(0, addr.find('@'));
    for (auto name : local_parts)
        if (text::iequals(local, name)) return true;
    return false;
}

bool from_domain(const Message& message, std::string_view domain) {
    const std::string& addr = message.from_address();
    // Dozens of dialects ask this for every message: a host that is or ends with `domain` makes
    // the address end with it too, so an address that does not is ruled out before the '@' is
    // looked for.
    if (addr.size() <= domain.size() || !text::iends_with(addr, domain)) return false;
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

namespace {

// The address when `line` holds nothing else: "a@b", "<a@b>", "\"a@b\":", "a@b:".
std::string lone_address(std::string_view line) {
    std::string_view t = text::trim(line);
    while (!t.empty() && (t.back() == ':' || t.back() == ',')) t.remove_suffix(1);
    if (t.size() >= 2 && ((t.front() == '"' && t.back() == '"') || (t.front() == '<' && t.back() == '>')))
        t = t.substr(1, t.size() - 2);
    if (t.empty() || t.find_first_of(" \t") != std::string_view::npos) return {};
    return address::is_plausible(t) ? address::normalize(t) : std::string{};
}

// "after RCPT TO:<...>", "after RCPT command", "after end of data", "for TEXT command".
std::string stage_of(std::string_view line) {
    if (text::icontains(line, "rcpt")) return "RCPT";
    if (text::icontains(line, "mail from")) return "MAIL";
    if (text::icontains(line, "end of data") || text::icontains(line, "data") || text::icontains(line, "text command"))
        return "DATA";
    return {};
}

// "host mx.example.net [192.0.2.1]: 550 ..." / "host: mx.example.net" / "..., host: name (ip) reason: ..."
std::string host_in(std::string_view line, std::string_view& reply_after) {
    std::size_t at = text::ifind(line, "host");
    if (at == std::string_view::npos) return {};
    std::string_view rest = line.substr(at + 4);
    if (!rest.empty() && rest.front() == ':') rest.remove_prefix(1);
    if (rest.empty() || rest.front() != ' ') return {};
    rest = text::trim(rest);
    std::size_t end = rest.find_first_of(" \t[(:");
    std::string_view host = rest.substr(0, end);
    if (host.find('.') == std::string_view::npos || host.find('@') != std::string_view::npos) return {};
    std::size_t colon = rest.find(": ");
    std::size_t reason = text::ifind(rest, "reason:");
    if (reason != std::string_view::npos) reply_after = text::trim(rest.substr(reason + 7));
    else if (colon != std::string_view::npos) reply_after = text::trim(rest.substr(colon + 1));
    return text::to_lower(host);
}

}  // namespace

std::vector<Finding> decode_address_blocks(std::string_view t, std::string_view lower_start) {
    if (!lower_start.empty()) {
        std::size_t at = text::ifind(t, lower_start);
        if (at == std::string_view::npos) return {};
        std::size_t eol = t.find('\n', at);
        t = eol == std::string_view::npos ? std::string_view{} : t.substr(eol + 1);
    }
    std::vector<Finding> out;
    std::string diagnostic;
    auto finish = [&]() {
        if (out.empty()) return;
        Finding& f = out.back();
        if (f.diagnostic.empty() && !diagnostic.empty()) {
            f.diagnostic = text::squeeze_spaces(diagnostic);
            std::string stage = f.smtp_command;
            f.smtp_command.clear();
            complete_from_diagnostic(f);
            f.diagnostic = smtp::clean_diagnostic(f.diagnostic);
            if (!stage.empty()) f.smtp_command = stage;
        }
        diagnostic.clear();
    };
    for (auto line : text::split_lines(t)) {
        std::string_view trimmed = text::trim(line);
        if (std::string addr = lone_address(trimmed); !addr.empty()) {
            finish();
            if (std::any_of(out.begin(), out.end(), [&](const Finding& f) { return f.recipient == addr; })) {
                out.push_back(Finding{});  // a second copy of the list (Mail.ru writes two languages)
                out.back().recipient = addr;
                continue;
            }
            Finding f;
            f.recipient = std::move(addr);
            out.push_back(std::move(f));
            continue;
        }
        if (out.empty()) continue;
        if (trimmed.empty()) {
            finish();
            continue;
        }
        if (!out.back().diagnostic.empty()) continue;  // the block already ended with a blank line
        if (text::istarts_with(trimmed, "smtp error from remote")) {
            out.back().smtp_command = stage_of(trimmed);
            std::string_view reply;
            if (std::string host = host_in(trimmed, reply); !host.empty()) {
                out.back().remote_mta = host;
                diagnostic.append(reply);
            }
            continue;
        }
        if (text::istarts_with(trimmed, "host")) {
            std::string_view reply;
            if (std::string host = host_in(trimmed, reply); !host.empty()) {
                out.back().remote_mta = host;
                if (!reply.empty()) diagnostic.append(reply).push_back(' ');
                continue;
            }
        }
        if (text::iequals(trimmed, "for the following reason:")) continue;
        diagnostic.append(trimmed).push_back(' ');
    }
    finish();
    // Drop the duplicate records of a repeated list, keeping the first of each address.
    std::vector<Finding> unique;
    for (auto& f : out)
        if (std::none_of(unique.begin(), unique.end(), [&](const Finding& u) { return u.recipient == f.recipient; }))
            unique.push_back(std::move(f));
    return unique;
}

}  // namespace dsn::dialects
