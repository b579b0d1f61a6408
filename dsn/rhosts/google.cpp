// Google (Gmail and Google Workspace MX): replies carry RFC 3463 codes plus a sentence from
// Google's published list of SMTP errors, and end with "- gsmtp".
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"google.com", "googlemail.com", "gmail.com"};
constexpr std::string_view kDomains[] = {"gmail.com", "googlemail.com"};
constexpr std::string_view kMarkers[] = {"- gsmtp", "support.google.com/mail"};

constexpr ReplyRule kRules[] = {
    {"", "account that you tried to reach does not exist", "userunknown"},
    {"", "p=nosuchuser", "userunknown"},
    {"", "account that you tried to reach is disabled", "suspend"},
    {"", "p=disableduser", "suspend"},
    {"", "out of storage space", "mailboxfull"},
    {"", "over quota", "mailboxfull"},
    {"", "overquota", "mailboxfull"},
    {"", "receiving mail at a rate that prevents", "speeding"},
    {"", "receiving mail too quickly", "speeding"},
    {"", "rate limited", "speeding"},
    {"", "not rfc 5322 compliant", "notcompliantrfc"},
    {"", "rfc 5322", "notcompliantrfc"},
    {"", "sender is unauthenticated", "authfailure"},
    {"", "requires all senders to authenticate", "authfailure"},
    {"", "dmarc", "authfailure"},
    {"", "did not pass spf", "authfailure"},
    {"", "dkim", "authfailure"},
    {"", "very low reputation", "badreputation"},
    {"", "low reputation of the sending", "badreputation"},
    {"", "ptr record", "requireptr"},
    {"", "ipv6 sending guidelines", "requireptr"},
    {"", "message exceeded", "mesgtoobig"},
    {"", "size limit", "mesgtoobig"},
    {"", "too many recipients", "toomanyconn"},
    {"", "likely unsolicited mail", "spamdetected"},
    {"", "virus", "virusdetected"},
    {"", "ip not in whitelist", "blocked"},
    {"", "not authorized to send email directly to our servers", "blocked"},
    {"", "has a policy that prohibited the mail", "policyviolation"},
    {"", "temporary system problem", "systemerror"},
    {"", "mail server temporarily rejected message", "systemerror"},
    {"", "relay limit exceeded", "speeding"},
    {"", "sending quota exceeded", "speeding"},
    {"", "domain of sender address", "rejected"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider google{"google", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
