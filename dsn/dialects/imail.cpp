// Ipswitch IMail Server: `X-Mailer: <SMTP32 v...>`, subject "Undeliverable Mail", one line per
// failure "<explanation>: <address>" (or "undeliverable to <address>" followed by "Body of message
// generated response:" and the remote reply), then "Original message follows.".
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"
#include "dsn/smtp_codes.hpp"

namespace dsn::dialects {
namespace {

constexpr PhraseReason kImailReasons[] = {
    {"unknown user", "userunknown"},
    {"user mailbox exceeds allowed size", "mailboxfull"},
    {"requested mail action not taken: mailbox unavailable", "userunknown"},
    {"host unknown", "hostunknown"},
    {"unknown host", "hostunknown"},
    {"smtp error: message size exceeds", "mesgtoobig"},
    {"delivery failed", "expired"},
};

}  // namespace

bool imail_matches(const Message& message) {
    return text::istarts_with(text::trim(message.header("X-Mailer")), "<smtp32");
}

std::vector<Finding> imail_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::vector<Finding> findings;
    auto lines = text::split_lines(body);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = text::trim(lines[i]);
        Finding f;
        if (text::istarts_with(line, "undeliverable to ")) {
            f.recipient = address::normalize(line.substr(17));
            std::string reply;
            std::size_t j = i + 1;
            while (j < lines.size() && text::trim(lines[j]).empty()) ++j;
            if (j < lines.size() && text::icontains(lines[j], "generated response:")) ++j;
            for (; j < lines.size() && !text::trim(lines[j]).empty(); ++j) {
                if (!reply.empty()) reply.push_back(' ');
                reply.append(text::trim(lines[j]));
            }
            f.diagnostic = smtp::clean_diagnostic(reply);
        } else if (std::size_t colon = line.rfind(": "); colon != std::string_view::npos) {
            // Only IMail's own explanations; other "Name: value" lines (a quoted To:) are not failures.
            f.reason = std::string(reason_by_phrase(line.substr(0, colon), kImailReasons));
            if (f.reason.empty()) continue;
            f.recipient = address::normalize(line.substr(colon + 2));
            f.diagnostic = std::string(line.substr(0, colon));
        }
        if (f.recipient.empty() || line.find(' ') == std::string_view::npos) continue;
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
