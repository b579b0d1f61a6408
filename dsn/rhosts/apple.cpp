// Apple iCloud Mail (mx*.mail.icloud.com): short replies that cite Apple's postmaster article.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"icloud.com", "me.com", "mac.com", "apple.com"};
constexpr std::string_view kDomains[] = {"icloud.com", "me.com", "mac.com"};
constexpr std::string_view kMarkers[] = {"support.apple.com/en-us/ht204137"};

constexpr ReplyRule kRules[] = {
    {"", "'s dmarc policy", "authfailure"},
    {"", "failing both spf and dkim", "authfailure"},
    {"", "recipient no longer on server", "hasmoved"},
    {"", "user is over quota", "mailboxfull"},
    {"", "mailbox is full", "mailboxfull"},
    {"", "relay access denied", "norelaying"},
    {"", "host/domain does not accept mail", "notaccept"},
    {"", "due to local policy", "policyviolation"},
    {"", "sender address rejected", "rejected"},
    {"", "due to excessive volume", "speeding"},
    {"", "inactive email address", "userunknown"},
    {"", "user does not exist", "userunknown"},
    {"", "unknown or illegal alias", "userunknown"},
    {"", "no such user", "userunknown"},
    {"", "spamhaus", "blocked"},
    {"", "dnsbl-lookup", "blocked"},
    {"", "not accepting connections", "blocked"},
    {"", "blocked", "blocked"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider apple{"apple", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
