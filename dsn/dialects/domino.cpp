// Lotus/HCL Domino: subject "DELIVERY FAILURE: <reason>", text "Your message / Subject: ... / was
// not delivered to: / <addresses> / because: / <reason>" (localized reasons, e.g. Japanese).
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"

namespace dsn::dialects {
namespace {

constexpr PhraseReason kDominoReasons[] = {
    {"not listed in domino directory", "userunknown"},
    {"not listed in public name & address book", "userunknown"},
    {"domino ディレクトリには見つかりません", "userunknown"},
    {"ディレクトリには見つかりません", "userunknown"},
    {"no route found to domain", "hostunknown"},
    {"maximum hop count exceeded", "networkerror"},
};

}  // namespace

bool domino_matches(const Message& message) {
    if (text::istarts_with(message.subject, "delivery failure:")) return true;
    std::string_view head = text_head(message, 512);
    return text::icontains(head, "was not delivered to:") && text::icontains(head, "because:");
}

std::vector<Finding> domino_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::string_view listed = section_between(body, "was not delivered to:", "because:");
    std::string_view because = section_between(body, "because:", "\n\n");
    if (listed.empty()) return {};
    std::string diagnostic = text::squeeze_spaces(because);
    std::string_view reason = reason_by_phrase(diagnostic, kDominoReasons);
    std::vector<Finding> findings;
    for (const auto& addr : address::find_all(listed)) {
        Finding f;
        f.recipient = addr;
        f.diagnostic = diagnostic;
        f.reason = std::string(reason);
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
