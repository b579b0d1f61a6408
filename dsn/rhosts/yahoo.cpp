// Yahoo Inc. (Yahoo Mail and AOL, MX under yahoodns.net): replies carry bracketed codes such as
// [TSS04] or [BL21] and point at Yahoo's postmaster error-code page.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"yahoodns.net", "yahoo.com", "yahoo.net", "aol.com"};
constexpr std::string_view kDomains[] = {"yahoo.com", "ymail.com", "rocketmail.com", "aol.com", "aim.com",
                                         "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.it", "yahoo.es",
                                         "yahoo.ca", "yahoo.com.au", "yahoo.com.br", "yahoo.co.in", "yahoo.in"};
constexpr std::string_view kMarkers[] = {"postmaster.yahoo", "yahooinc.com", "postmaster.verizonmedia.com"};

constexpr ReplyRule kRules[] = {
    {"", "requires all senders to authenticate", "authfailure"},
    {"", "because the ip is in spamhaus", "blocked"},
    {"", "not accepted from ip addresses on spamhaus", "blocked"},
    {"", "relaying denied for", "norelaying"},
    {"", "headers are not rfc compliant", "notcompliantrfc"},
    {"", "not accepted for policy reasons", "policyviolation"},
    {"", "temporarily deferred due to unexpected volume or user complaints", "rejected"},
    {"", "unresolvable rfc.5321", "rejected"},
    {"", "will be permanently deferred", "rejected"},
    {"", "receiving mail too quickly", "speeding"},
    {"", "is no longer valid.", "suspend"},
    {"", "this mailbox is disabled", "suspend"},
    {"", "syntax error in parameters or arguments", "syntaxerror"},
    {"", "max message per connection reached", "toomanyconn"},
    {"", "this user doesn't have a ", "userunknown"},
    {"", "mailbox not found", "userunknown"},
    {"", "over quota", "mailboxfull"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider yahoo{"yahoo", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
