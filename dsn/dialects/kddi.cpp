// au by KDDI, the Japanese mobile carrier:
// - EZweb (Postmaster@ezweb.ne.jp, subject "Mail System Error - Returned Mail"): one English
//   sentence that states the cause ("The user(s) account is disabled.", "Your message was not
//   delivered within 0 days and 1 hours."), then "<address>" lines, optionally with the reply or a
//   ">>> RCPT TO" / "<<< 550 ..." transcript; sometimes also an RFC 3464 part without a reply.
// - au one net / DION (no-reply@...dion.ne.jp): "Could not be delivered to: <address>" followed by
//   "As their mailbox is full."-style sentences.
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// EZweb's cause sentences and the reasons they state (they outrank the quoted reply: EZweb
// answers "550 user unknown" for a disabled account too).
constexpr ProviderPhrase kEzwebSentences[] = {
    {"the user(s) account is disabled", "suspend"},
    {"the user(s) account is temporarily over quota", "mailboxfull"},
    {"was not delivered within", "expired"},
    {"remote host is not responding", "expired"},
    {"the mail size exceeds", "mesgtoobig"},
    {"受信拒否", "filtered"},
};

}  // namespace

bool ezweb_matches(const Message& message) {
    return (from_domain(message, "ezweb.ne.jp") && from_system_account(message)) ||
           text::iequals(text::trim(message.subject), "mail system error - returned mail");
}

std::vector<Finding> ezweb_decode(const Message& message) {
    std::string_view human = message.human_text();
    std::string_view cause = provider_reason(kEzwebSentences, {human.substr(0, 1024)});
    std::vector<Finding> findings;
    for (auto line : text::split_lines(human)) {
        std::string_view t = text::trim(line);
        if (text::istarts_with(t, "<<< ") && !findings.empty()) {
            findings.back().diagnostic = smtp::clean_diagnostic(t.substr(4));
            continue;
        }
        if (text::istarts_with(t, ">>> ")) {
            if (!findings.empty() && findings.back().smtp_command.empty()) {
                std::string_view command = t.substr(4, 4);
                findings.back().smtp_command = text::iequals(command, "RCPT") ? "RCPT"
                                               : text::iequals(command, "DATA") ? "DATA"
                                               : text::iequals(command, "MAIL") ? "MAIL"
                                                                                 : "";
            }
            continue;
        }
        if (text::istarts_with(t, "recipient:")) t = text::trim(t.substr(10));
        if (t.empty() || t.front() != '<') continue;
        std::size_t close = t.find('>');
        if (close == std::string_view::npos) continue;
        Finding f;
        f.recipient = address::normalize(t.substr(0, close + 1));
        if (f.recipient.empty()) continue;
        std::string_view rest = text::trim(t.substr(close + 1));
        if (!rest.empty() && rest.front() == ':') rest = text::trim(rest.substr(1));
        f.diagnostic = smtp::clean_diagnostic(rest);
        findings.push_back(std::move(f));
    }
    for (auto& f : findings) {
        complete_from_diagnostic(f);
        f.reason = std::string(cause);
    }
    return findings;
}

bool au_kddi_matches(const Message& message) {
    bool from_au = from_domain(message, "dion.ne.jp") || from_domain(message, "auone-net.jp") ||
                   from_domain(message, "au.com");
    return from_au && from_system_account(message, {"no-reply", "noreply"}) && text::icontains(text_head(message, 1024), "could not be delivered to:");
}

std::vector<Finding> au_kddi_decode(const Message& message) {
    std::string_view human = message.human_text();
    std::vector<Finding> findings;
    auto lines = text::split_lines(human);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::size_t at = text::ifind(lines[i], "could not be delivered to:");
        if (at == std::string_view::npos) continue;
        Finding f;
        f.recipient = address::find_first(lines[i].substr(at));
        if (f.recipient.empty()) continue;
        std::string diagnostic;
        for (std::size_t k = i + 1; k < lines.size() && !text::trim(lines[k]).empty(); ++k) {
            if (text::icontains(lines[k], "could not be delivered to:")) break;
            diagnostic.append(text::trim(lines[k])).push_back(' ');
        }
        f.diagnostic = text::squeeze_spaces(diagnostic);
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
