// Zoho Mail as the receiving host (mx.zoho.com, smtpin.zoho.com, zoho.eu ...): fixed sentences.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"zoho.com", "zoho.eu", "zoho.in", "zohomail.com", "zoho.com.au"};
constexpr std::string_view kDomains[] = {"zoho.com", "zohomail.com", "zoho.eu", "zoho.in"};
constexpr std::string_view kMarkers[] = {"detected by zoho mail"};

constexpr ReplyRule kRules[] = {
    {"", "email rejected per dmarc policy", "authfailure"},
    {"", "greylisted, try again after some time", "blocked"},
    {"", "reason: email flagged as spam", "rejected"},
    {"", "mail rejected by destination domain", "rejected"},
    {"", "email policy violation detected", "policyviolation"},
    {"", "mailbox delivery restricted by policy error", "policyviolation"},
    {"", "temporary system error", "systemerror"},
    {"", "user does not exist", "userunknown"},
    {"", "detected by zoho mail", "virusdetected"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider zoho{"zoho", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
