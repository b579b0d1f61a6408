// fml mailing-list manager: `X-MLServer: fml [...]`; it returns a post it refuses with a short
// notice, e.g. "You are not a member of this mailing list <list@domain>." The refused
// "recipient" is the list address the post was sent to.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"

namespace dsn::dialects {
namespace {

constexpr PhraseReason kFmlNotices[] = {
    {"not a member of this mailing list", "rejected"},
    {"are not member", "rejected"},
    {"only members can post", "rejected"},
    {"command limit", "securityerror"},
    {"security alert", "securityerror"},
    {"fml system error", "systemerror"},
};

}  // namespace

bool fml_matches(const Message& message) {
    return text::istarts_with(text::trim(message.header("X-MLServer")), "fml");
}

std::vector<Finding> fml_decode(const Message& message) {
    std::string_view head = text_head(message, 1024);
    std::string_view reason = reason_by_phrase(head, kFmlNotices);
    if (reason.empty()) reason = reason_by_phrase(message.subject, kFmlNotices);
    if (reason.empty()) return {};
    std::size_t open = head.find('<');
    std::size_t close = open == std::string_view::npos ? open : head.find('>', open);
    std::string list =
        close == std::string_view::npos ? std::string{} : address::normalize(head.substr(open, close - open + 1));
    if (list.empty()) return {};
    Finding f;
    f.recipient = std::move(list);
    f.reason = std::string(reason);
    f.diagnostic = text::squeeze_spaces(head.substr(0, head.find('\n')));
    return {std::move(f)};
}

}  // namespace dsn::dialects
