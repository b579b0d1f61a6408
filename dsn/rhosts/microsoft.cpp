// Microsoft: Exchange Online / Outlook.com MX (*.protection.outlook.com, hotmail, live). Exchange
// Online numbers its refusals in the enhanced code's detail (5.7.606-649 banned sending IP,
// 5.7.509 DMARC, 5.7.700-749 tenant limits ...), so most rules are ranges of codes.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com",
                                       "outlook.cn"};
constexpr std::string_view kDomains[] = {"outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de",
                                         "hotmail.it", "hotmail.es", "hotmail.co.jp", "live.com", "live.jp",
                                         "live.co.uk", "live.fr", "msn.com", "outlook.jp", "outlook.fr"};
constexpr std::string_view kMarkers[] = {"protection.outlook.com", "prod.outlook.com", "postmaster.live.com",
                                         "sender.office.com", "resolver.adr.", "resolver.rst.",
                                         "mail.live.com/mail/troubleshooting"};

constexpr ReplyRule kRules[] = {
    {"5.7.606-649", "", "blocked"},
    {"", "banned sending ip", "blocked"},
    {"", "rate limited due to ip reputation", "badreputation"},
    {"5.7.509", "", "authfailure"},
    {"", "does not pass dmarc", "authfailure"},
    {"5.7.23", "", "authfailure"},
    {"4.7.26", "", "authfailure"},
    {"5.7.25", "", "requireptr"},
    {"5.7.506", "", "blocked"},
    {"5.7.507", "", "blocked"},
    {"5.7.510", "", "blocked"},
    {"5.7.511", "", "blocked"},
    {"5.7.513", "", "blocked"},
    {"5.7.750", "", "blocked"},
    {"4.7.850-899", "", "blocked"},
    {"5.7.501-503", "", "rejected"},
    {"5.7.512", "", "notcompliantrfc"},
    {"5.7.508", "", "speeding"},
    {"5.7.700-749", "", "speeding"},
    {"5.2.121-122", "", "speeding"},
    {"5.2.2", "submission quota exceeded", "speeding"},
    {"4.3.2", "recipient thread limit exceeded", "speeding"},
    {"5.4.1", "relay access denied", "norelaying"},
    {"5.4.1", "recipient address rejected", "userunknown"},
    {"5.1.10", "", "userunknown"},
    {"5.1.351", "", "userunknown"},
    {"", "recipientnotfound", "userunknown"},
    {"", "recipnotfound", "userunknown"},
    {"5.7.505", "", "suspend"},
    {"5.7.12", "", "rejected"},
    {"5.7.124", "", "rejected"},
    {"5.7.133-136", "", "rejected"},
    {"5.1.8", "bad outbound sender", "rejected"},
    {"5.7.57", "", "securityerror"},
    {"5.7.64", "", "norelaying"},
    {"", "requested action not taken: mailbox unavailable", "userunknown"},
    {"", "because the domain is not reachable", "hostunknown"},
    {"", "part of their network is on our block list", "blocked"},
    // Outlook.com's older refusals of the sending IP: "550 SC-001 ... Unfortunately, messages from
    // [ip] weren't sent", DY-xxx for dynamic address space, OU-xxx for reputation.
    {"", "unfortunately, messages from", "blocked"},
    {"", "sc-001", "blocked"},
    {"", "sc-002", "blocked"},
    {"", "sc-003", "blocked"},
    {"", "sc-004", "blocked"},
    {"", "dy-001", "blocked"},
    {"", "dy-002", "blocked"},
    {"", "ou-001", "blocked"},
    {"", "ou-002", "blocked"},
    {"5.7.1", "unable to relay", "norelaying"},
    {"5.7.1", "client was not authenticated", "securityerror"},
    {"5.7.1", "delivery not authorized", "rejected"},
    {"5.7.900-999", "", "policyviolation"},
    {"5.4.310", "", "hostunknown"},
    {"5.4.312", "", "networkerror"},
    {"5.4.316", "", "expired"},
    {"", "quotaexceededexception", "mailboxfull"},
    {"5.4.6", "", "networkerror"},
    {"5.4.14", "", "networkerror"},
    {"5.4.300", "", "expired"},
    {"5.2.3", "recipsizelimit", "exceedlimit"},
    {"5.3.4", "", "mesgtoobig"},
    {"5.2.1", "content filter agent quarantined", "spamdetected"},
    {"4.3.1", "insufficient system resources", "systemfull"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider microsoft{"microsoft", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
