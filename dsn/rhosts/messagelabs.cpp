// Broadcom/Symantec Email Security.cloud (formerly MessageLabs; MX *.messagelabs.com): fixed
// sentences from its list of error and bounce codes.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"messagelabs.com"};
constexpr std::string_view kMarkers[] = {"messagelabs.com/support", "symanteccloud.com"};

constexpr ReplyRule kRules[] = {
    {"", "domain authentication fail", "authfailure"},
    {"", "connection rejected by policy", "badreputation"},
    {"", "mail rejected because your ip is in the pbl", "blocked"},
    {"", "your ip address has been", "blocked"},
    {"", "stray linefeeds in message", "contenterror"},
    {"", "tls/sslv3 connection required", "securityerror"},
    {"", " as a relay, ", "norelaying"},
    {"", "550 requested action aborted [4]", "notcompliantrfc"},
    {"", "has detected that this message is not rfc 5322", "notcompliantrfc"},
    {"", "sender envelope domain not allowed for sender ip address", "rejected"},
    {"", "your domain has been blocked", "rejected"},
    {"", "your email address has been blocked", "rejected"},
    {"", "your envelope sender is in my badmailfrom list", "rejected"},
    {"", "your email address has been blacklisted", "rejected"},
    {"", "your domain has been blacklisted", "rejected"},
    {"", "please turn on smtp authentication", "securityerror"},
    {"", "message filtered", "spamdetected"},
    {"", "filtered by outbound scanning", "spamdetected"},
    {"", "too many recipients received this hour", "toomanyconn"},
    {"", "too many messages", "toomanyconn"},
    {"", "no such user", "userunknown"},
    {"", "invalid recipient", "userunknown"},
    {"", "mailbox is not allowed", "userunknown"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider messagelabs{"messagelabs", kHosts, {}, kMarkers, reason};

}  // namespace dsn::rhost
