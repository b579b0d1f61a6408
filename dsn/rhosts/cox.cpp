// Cox Communications (cox.net): refusals end with "AUP#<code>" from Cox's published list of
// error codes (CXBL, CXDNS, IPBL...), otherwise a fixed sentence.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"cox.net"};
constexpr std::string_view kDomains[] = {"cox.net"};
constexpr std::string_view kMarkers[] = {"cox.com/", "aup#cx", "aup#cdrbl", "aup#ipbl", "aup#urlbl"};

constexpr CodeReason kCodes[] = {
    {"CXBL", "blocked"},          {"CDRBL", "blocked"},       {"CXDNS", "requireptr"},
    {"CXSNDR", "authfailure"},    {"CXSMTP", "rejected"},     {"CXCNCT", "toomanyconn"},
    {"CXMXRT", "toomanyconn"},    {"CXTHRT", "securityerror"}, {"CXMJ", "securityerror"},
    {"IPBL0001", "blocked"},      {"IPBL0010", "blocked"},    {"IPBL0100", "blocked"},
    {"IPBL0011", "blocked"},      {"IPBL0101", "blocked"},    {"IPBL0110", "blocked"},
    {"IPBL0111", "blocked"},      {"IPBL1000", "blocked"},    {"IPBL1001", "blocked"},
    {"IPBL1010", "blocked"},      {"IPBL1011", "blocked"},    {"IPBL1100", "blocked"},
    {"IPBL1101", "blocked"},      {"IPBL1110", "blocked"},    {"IPBL1111", "blocked"},
    {"IPBL00001", "blocked"},     {"URLBL011", "spamdetected"}, {"URLBL101", "spamdetected"},
    {"URLBL110", "spamdetected"}, {"URLBL1001", "spamdetected"},
};

constexpr ReplyRule kRules[] = {
    {"", "too many bad commands from", "blocked"},
    {"", "too many invalid recipients", "blocked"},
    {"", "dns check failure - try again later", "requireptr"},
    {"", "rejected - no rdns", "requireptr"},
    {"", "esmtp no data before greeting", "policyviolation"},
    {"", "attachment extension is forbidden", "policyviolation"},
    {"", "sender rejected", "rejected"},
    {"", "esmtp server temporarily not available", "systemerror"},
    {"", "too many sessions from", "toomanyconn"},
    {"", "requested action aborted: try again later", "toomanyconn"},
    {"", "message threshold exceeded", "toomanyconn"},
    {"", "recipient rejected", "userunknown"},
};

std::string_view reason(const classify::Evidence& e) {
    if (auto by_code = reason_of_code(kCodes, token_after(e.diagnostic, "aup#")); !by_code.empty()) return by_code;
    return first_rule(kRules, e);
}

}  // namespace

const Provider cox{"cox", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
