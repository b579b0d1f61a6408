// Apple iCloud Mail (mx*.mail.icloud.com): short replies that cite Apple's postmaster article.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"icloud.com", "me.com", "mac.com", "apple.com"};
constexpr std::string_view kDomains[] = {"icloud.com", "me.com", "mac.com"};
constexpr std::string_view kMarkers[] = {"support.apple.com/en-us/ht204137"};

constexpr ReplyRule kRules[] = {
    {"", "dmarc", "authfailure"},
    {"", "spf", "authfailure"},
    {"", "over quota", "mailboxfull"},
    {"", "mailbox is full", "mailboxfull"},
    {"", "user does not exist", "userunknown"},
    {"", "no such user", "userunknown"},
    {"", "mailbox is disabled", "suspend"},
    {"", "local policy", "policyviolation"},
    {"", "blocked", "blocked"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider apple{"apple", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
