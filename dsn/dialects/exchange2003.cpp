// Exchange 2000/2003 (Internet Mail Service): `X-MS-Embedded-Report`, `X-Mailer: Internet Mail
// Service (...)`, subject "Undeliverable: <subject>". The text quotes the original's To/Subject/
// Sent, then "did not reach the following recipient(s):" and per recipient a line "<address> on
// <date>" followed by indented explanations and an "MSEXCH:" line ending in a hexadecimal code in
// parentheses and its name ("(000C05A6) Unknown Recipient"); long lines wrap without indentation.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kListIntro = "did not reach the following recipient(s):";

// MSEXCH diagnostic codes (the hexadecimal number in parentheses) and their meaning.
struct MsexchCode {
    std::string_view code;
    std::string_view reason;
};
constexpr MsexchCode kMsexchCodes[] = {
    {"000c05a6", "userunknown"},  // Unknown Recipient
    {"000c0595", "userunknown"},
    {"000b09aa", "userunknown"},
    {"000b099c", "hostunknown"},
    {"000c05a5", "hostunknown"},
    {"000b0981", "networkerror"},
    {"000c05a0", "expired"},
};

// Explanation sentences Exchange writes above the code.
constexpr MsexchCode kExplanations[] = {
    {"the recipient name is not recognized", "userunknown"},
    {"unknown recipient", "userunknown"},
    {"the e-mail account does not exist", "userunknown"},
    {"the destination system is unknown", "hostunknown"},
    {"the message was rejected due to a size limit", "mesgtoobig"},
    {"the recipient's mailbox is full", "mailboxfull"},
};

// "kijitora@example.jp on Thu, 29 Apr 2010 00:00:00 -0000" -> the address.
std::string recipient_line(std::string_view line) {
    std::size_t on = text::ifind(line, " on ");
    if (on == std::string_view::npos) return {};
    std::string_view addr = line.substr(0, on);
    if (addr.find(' ') != std::string_view::npos) return {};
    return address::normalize(addr);
}

}  // namespace

bool exchange2003_matches(const Message& message) {
    if (message.headers.has("X-MS-Embedded-Report")) return true;
    if (text::istarts_with(message.header("X-Mailer"), "internet mail service")) return true;
    return text::icontains(text_head(message, 1024), kListIntro);
}

std::vector<Finding> exchange2003_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::size_t intro = text::ifind(body, kListIntro);
    if (intro == std::string_view::npos) return {};
    std::vector<Finding> findings;
    std::string diagnostic;
    auto flush = [&] {
        if (findings.empty()) return;
        Finding& f = findings.back();
        f.diagnostic = text::squeeze_spaces(diagnostic);
        complete_from_diagnostic(f);
        std::string lower = text::to_lower(f.diagnostic);
        for (const auto& code : kMsexchCodes) {
            if (lower.find(std::string("(") + std::string(code.code) + ")") != std::string::npos) {
                f.reason = std::string(code.reason);
                break;
            }
        }
        if (f.reason.empty()) {
            for (const auto& e : kExplanations) {
                if (lower.find(e.code) != std::string::npos) {
                    f.reason = std::string(e.reason);
                    break;
                }
            }
        }
        diagnostic.clear();
    };
    for (auto line : text::split_lines(body.substr(intro + kListIntro.size()))) {
        if (text::trim(line).empty()) continue;
        if (line[0] != ' ' && line[0] != '\t') {
            if (std::string addr = recipient_line(line); !addr.empty()) {
                flush();
                Finding f;
                f.recipient = std::move(addr);
                findings.push_back(std::move(f));
                continue;
            }
        }
        if (findings.empty()) continue;
        diagnostic.push_back(' ');
        diagnostic.append(text::trim(line));
    }
    flush();
    return findings;
}

}  // namespace dsn::dialects
