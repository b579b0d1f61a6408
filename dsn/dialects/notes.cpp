// Lotus Notes (older SMTP MTA): subject "Undeliverable message", often ISO-2022-JP text with a
// "------- Failure Reasons --------" banner, the reason line(s) and the failed addresses, then
// "------- Returned Message --------" and the original.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kReasonsBanner = "------- failure reasons";
constexpr std::string_view kReturnedBanner = "------- returned message";

constexpr PhraseReason kNotesReasons[] = {
    {"ディレクトリのリストにありません", "userunknown"},  // "not in the directory list"
    {"not listed in public name & address book", "userunknown"},
    {"user not listed", "userunknown"},
    {"no route found to domain", "hostunknown"},
};

}  // namespace

bool notes_matches(const Message& message) { return text::icontains(text_head(message, 256), kReasonsBanner); }

std::vector<Finding> notes_decode(const Message& message) {
    std::string_view section = section_between(message.text, kReasonsBanner, kReturnedBanner);
    std::vector<std::string> recipients;
    std::string diagnostic;
    for (auto line : text::split_lines(section)) {
        std::string_view content = text::trim(line);
        if (content.empty()) continue;
        std::string addr = content.find(' ') == std::string_view::npos ? address::normalize(content) : std::string{};
        if (!addr.empty()) {
            recipients.push_back(std::move(addr));
        } else {
            if (!diagnostic.empty()) diagnostic.push_back(' ');
            diagnostic.append(content);
        }
    }
    std::vector<Finding> findings;
    for (auto& addr : recipients) {
        Finding f;
        f.recipient = addr;
        f.diagnostic = diagnostic;
        f.reason = std::string(reason_by_phrase(diagnostic, kNotesReasons));
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
