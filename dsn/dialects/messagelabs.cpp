// MessageLabs / Symantec Email Security.cloud: from MAILER-DAEMON@messagelabs.com, `X-Msg-Ref`
// naming a messagelabs.com server, text "This is the mail delivery agent at Symantec Email
// Security.cloud." / "I was unable to deliver your message to the following addresses:", the
// addresses, then "Reason: <remote reply>" possibly over several lines.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"
#include "dsn/smtp_codes.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kListIntro = "unable to deliver your message to the following addresses:";

constexpr PhraseReason kMessageLabsReasons[] = {
    {"please turn on smtp authentication", "securityerror"},
    {"without authentication", "securityerror"},
    {"user unknown", "userunknown"},
    {"no such user", "userunknown"},
};

}  // namespace

bool messagelabs_matches(const Message& message) {
    if (text::icontains(message.from, "messagelabs.com")) return true;
    std::string_view head = text_head(message, 512);
    return text::icontains(head, "symantec email security.cloud") || text::icontains(head, "messagelabs");
}

std::vector<Finding> messagelabs_decode(const Message& message) {
    std::string_view section = section_between(message.human_text(), kListIntro, "");
    std::vector<std::string> recipients;
    std::string reason_text;
    bool in_reason = false;
    for (auto line : text::split_lines(section)) {
        std::string_view content = text::trim(line);
        if (content.empty()) {
            if (in_reason) break;
            continue;
        }
        if (text::istarts_with(content, "reason:")) {
            in_reason = true;
            reason_text = std::string(text::trim(content.substr(7)));
            continue;
        }
        if (in_reason) {
            if (text::istarts_with(content, "the message ")) break;
            reason_text.push_back(' ');
            reason_text.append(content);
        } else if (content.find(' ') == std::string_view::npos) {
            if (std::string addr = address::normalize(content); !addr.empty()) recipients.push_back(addr);
        }
    }
    std::vector<Finding> findings;
    for (auto& addr : recipients) {
        Finding f;
        f.recipient = addr;
        f.diagnostic = smtp::clean_diagnostic(reason_text);
        f.reason = std::string(reason_by_phrase(f.diagnostic, kMessageLabsReasons));
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
