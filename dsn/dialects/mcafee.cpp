// McAfee Email Gateway / WebShield: `X-NAI-Header`, subject "Delivery Status", text "--- The
// following addresses had delivery problems ---" and lines "<address>   (reason)"; an RFC 3464
// part usually follows.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"
#include "dsn/smtp_codes.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kBanner = "--- the following addresses had delivery problems ---";

constexpr PhraseReason kMcafeeReasons[] = {
    {"user unknown", "userunknown"},
    {"unknown user", "userunknown"},
    {"no such user", "userunknown"},
};

}  // namespace

bool mcafee_matches(const Message& message) {
    return message.headers.has("X-NAI-Header");
}

std::vector<Finding> mcafee_decode(const Message& message) {
    std::string_view section = section_between(message.human_text(), kBanner, "");
    std::vector<Finding> findings;
    for (auto line : text::split_lines(section)) {
        std::string_view content = text::trim(line);
        if (content.empty() || content.front() != '<') continue;
        std::size_t close = content.find('>');
        if (close == std::string_view::npos) continue;
        Finding f;
        f.recipient = address::normalize(content.substr(0, close + 1));
        std::string_view why = text::trim(content.substr(close + 1));
        if (!why.empty() && why.front() == '(') why.remove_prefix(1);
        if (!why.empty() && why.back() == ')') why.remove_suffix(1);
        f.diagnostic = smtp::clean_diagnostic(why);
        f.reason = std::string(reason_by_phrase(f.diagnostic, kMcafeeReasons));
        complete_from_diagnostic(f);
        if (!f.recipient.empty()) findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
