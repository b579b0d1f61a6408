// Sendmail V5 (and other pre-MIME sendmails): subject "Returned mail: <reason>", no MIME parts,
// "----- Transcript of session follows -----" with "While talking to <host>:" sections, the
// SMTP dialogue as ">>> COMMAND" / "<<< reply" lines and per-recipient summaries
// "550 <address>... <text>", then "----- Unsent message follows -----".
#include "dsn/address.hpp"
#include "dsn/classify.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kTranscript = "----- transcript of session follows -----";
constexpr std::string_view kUnsent = "----- unsent message follows -----";

// "421 example.com (smtp)... Deferred: ..." -> domain and text: a failure for every recipient at
// that domain, whom only the unsent message's header names.
std::pair<std::string, std::string_view> domain_line(std::string_view line) {
    if (line.size() < 6 || !text::is_digit(line[0]) || line[3] != ' ') return {};
    std::size_t mark = line.find(" (smtp)...");
    if (mark == std::string_view::npos || mark <= 4) return {};
    std::string_view domain = line.substr(4, mark - 4);
    if (domain.find(' ') != std::string_view::npos || domain.find('.') == std::string_view::npos) return {};
    return {text::to_lower(domain), text::trim(line.substr(mark + 10))};
}

// Recipients in the To/Cc lines of the unsent message whose domain is `domain`.
std::vector<std::string> unsent_recipients_at(std::string_view text, std::string_view domain) {
    std::vector<std::string> out;
    std::size_t at = text::ifind(text, kUnsent);
    if (at == std::string_view::npos) return out;
    std::size_t header = text.find('\n', at);
    if (header == std::string_view::npos) return out;
    for (auto line : text::split_lines(text.substr(header + 1))) {
        if (line.empty()) break;  // end of the unsent message's header
        if (!text::istarts_with(line, "to:") && !text::istarts_with(line, "cc:")) continue;
        for (auto& addr : address::find_all(line.substr(3)))
            if (text::iends_with(addr, domain) && addr.size() > domain.size() && addr[addr.size() - domain.size() - 1] == '@')
                out.push_back(std::move(addr));
    }
    return out;
}

// "550 <a@b>... text" -> address and text; empty address when the line is not a summary.
std::pair<std::string, std::string_view> summary_line(std::string_view line) {
    if (line.size() < 6 || !text::is_digit(line[0]) || line[3] != ' ' || line[4] != '<') return {};
    std::size_t close = line.find(">...");
    if (close == std::string_view::npos) return {};
    return {address::normalize(line.substr(4, close - 3)), text::trim(line.substr(close + 4))};
}

std::string command_of(std::string_view sent) {
    std::string_view word = sent.substr(0, sent.find_first_of(" :"));
    for (std::string_view known : {"MAIL", "RCPT", "DATA", "HELO", "EHLO"})
        if (text::iequals(word, known)) return std::string(known);
    return {};
}

}  // namespace

bool v5sendmail_matches(const Message& message) {
    return !message.is_multipart && text::icontains(text_head(message, 256), kTranscript);
}

std::vector<Finding> v5sendmail_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::size_t start = text::ifind(body, kTranscript);
    if (start == std::string_view::npos) return {};
    std::vector<Finding> findings;
    std::string host, sent, reply;
    for (auto line : text::split_lines(body.substr(start + kTranscript.size()))) {
        std::string_view content = text::trim(line);
        if (text::istarts_with(content, "while talking to ")) {
            host = text::to_lower(text::trim(content.substr(17)));
            while (!host.empty() && (host.back() == ':' || host.back() == '.')) host.pop_back();
            sent.clear();
            reply.clear();
        } else if (text::istarts_with(content, ">>> ")) {
            sent = std::string(content.substr(4));
            reply.clear();
        } else if (text::istarts_with(content, "<<< ")) {
            reply = std::string(content.substr(4));
        } else if (auto [addr, own] = summary_line(content); !addr.empty()) {
            Finding f;
            f.recipient = addr;
            f.remote_mta = host;
            // The dialogue explains the summary when the command was about this recipient, or
            // when the summary itself says nothing ("Remote protocol error").
            bool about_this_recipient = text::icontains(sent, addr);
            if (about_this_recipient || (classify::reason_from_text(own).empty() && !reply.empty())) {
                f.smtp_command = command_of(sent);
                f.diagnostic = smtp::clean_diagnostic(reply.empty() ? std::string(own) : reply);
            } else {
                f.diagnostic = smtp::clean_diagnostic(std::string(content.substr(0, 4)) + std::string(own));
            }
            complete_from_diagnostic(f);
            bool seen = false;
            for (const auto& other : findings) seen = seen || other.recipient == f.recipient;
            if (!seen) findings.push_back(std::move(f));
        }
    }
    if (findings.empty()) {
        // No per-recipient summary: a domain-wide line stands for the recipients at that domain.
        for (auto line : text::split_lines(body.substr(start + kTranscript.size()))) {
            auto [domain, own] = domain_line(text::trim(line));
            if (domain.empty()) continue;
            for (auto& addr : unsent_recipients_at(message.text, domain)) {
                Finding f;
                f.recipient = std::move(addr);
                f.diagnostic = smtp::clean_diagnostic(std::string(text::trim(line).substr(0, 4)) + std::string(own));
                complete_from_diagnostic(f);
                findings.push_back(std::move(f));
            }
        }
    }
    return findings;
}

}  // namespace dsn::dialects
