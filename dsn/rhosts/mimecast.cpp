// Mimecast (MX *.mimecast.com): fixed sentences from Mimecast's list of SMTP error codes.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"mimecast.com", "mimecast-offshore.com", "mimecast.co.za"};
constexpr std::string_view kMarkers[] = {"community.mimecast.com", "mcspamsignature"};

constexpr ReplyRule kRules[] = {
    {"", "spf sender invalid", "authfailure"},
    {"", "dkim sender invalid", "authfailure"},
    {"", "dmarc sender invalid", "authfailure"},
    {"", "internal resources are temporarily unavailable", "badreputation"},
    {"", "local ct ip reputation", "badreputation"},
    {"", "sender address blocked", "blocked"},
    {"", "recipient temporarily unavailable", "blocked"},
    {"", "ip temporarily blacklisted", "blocked"},
    {"", "maximum email size exceeded", "mesgtoobig"},
    {"", "mail loop detected", "networkerror"},
    {"", "open relay not allowed", "norelaying"},
    {"", "account inbounds disabled", "notaccept"},
    {"", "anti-spoofing policy", "policyviolation"},
    {"", "content examination policy", "policyviolation"},
    {"", "host network not allowed", "policyviolation"},
    {"", "administrative prohibition", "rejected"},
    {"", "envelope blocked", "rejected"},
    {"", "blocked senders", "rejected"},
    {"", "block policy for envelope from", "rejected"},
    {"", "incorrect authentication data", "securityerror"},
    {"", "this route requires", "securityerror"},
    {"", "unable to process connection at this time", "systemerror"},
    {"", "message ended early", "systemerror"},
    {"", "account service is temporarily unavailable", "toomanyconn"},
    {"", "too many recipients", "toomanyconn"},
    {"", "exceeding outbound thread limit", "toomanyconn"},
    {"", "invalid recipient", "userunknown"},
    {"", "email rejected due to security policies", "virusdetected"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider mimecast{"mimecast", kHosts, {}, kMarkers, reason};

}  // namespace dsn::rhost
