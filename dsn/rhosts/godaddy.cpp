// GoDaddy hosted mail (smtp.secureserver.net): refusals end with an "IBnnn" code from GoDaddy's
// bounce-back help page.
#include "dsn/rhosts/provider.hpp"

#include "dsn/text.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"secureserver.net"};
constexpr std::string_view kDomains[] = {"secureserver.net"};
constexpr std::string_view kMarkers[] = {"x.co/rlbounce", "secureserver.net"};

constexpr CodeReason kCodes[] = {
    {"IB401", "securityerror"}, {"IB501", "notcompliantrfc"}, {"IB502", "notcompliantrfc"},
    {"IB506", "rejected"},      {"IB508", "authfailure"},     {"IB108", "requireptr"},
    {"IB212", "spamdetected"},  {"IB705", "virusdetected"},   {"IB605", "toomanyconn"},
    {"IB007", "toomanyconn"},   {"IB101", "speeding"},        {"IB110", "blocked"},
    {"IB111", "blocked"},       {"IB112", "blocked"},         {"IB113", "blocked"},
    {"IB504", "speeding"},      {"IB510", "speeding"},        {"IB607", "speeding"},
    {"IB103", "badreputation"}, {"IB104", "blocked"},         {"IB105", "blocked"},
    {"IB106", "blocked"},
};

constexpr ReplyRule kRules[] = {
    {"", "rbl reject", "blocked"},
    {"", "spamhaus.org/query/bl?ip=", "blocked"},
    {"", "has been in the queue too long", "expired"},
    {"", "delivery timeout", "expired"},
    {"", "account storage limit", "mailboxfull"},
    {"", "message rejected for spam or virus content", "spamdetected"},
    {"", "account disabled", "suspend"},
    {"", "message is looping", "systemerror"},
    {"", "recipient not found", "userunknown"},
    {"", "account does not exist", "userunknown"},
};

// The first " IBnnn" word in the reply.
std::string_view ib_code(std::string_view diagnostic) {
    for (std::size_t at = text::ifind(diagnostic, " ib"); at != std::string_view::npos;
         at = text::ifind(diagnostic, " ib", at + 1)) {
        std::string_view word = diagnostic.substr(at + 1, 5);
        if (word.size() == 5 && text::is_digit(word[2]) && text::is_digit(word[3]) && text::is_digit(word[4]))
            return word;
    }
    return {};
}

std::string_view reason(const classify::Evidence& e) {
    if (auto by_code = reason_of_code(kCodes, ib_code(e.diagnostic)); !by_code.empty()) return by_code;
    return first_rule(kRules, e);
}

}  // namespace

const Provider godaddy{"godaddy", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
