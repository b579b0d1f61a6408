// Spectrum (Charter, Time Warner Cable, Roadrunner, Bright House): refusals carry
// "AUP#I-NNNN" (incoming) or "AUP#O-NNNN" (outgoing); the number ranges are published by Spectrum.
#include "dsn/rhosts/provider.hpp"

#include "dsn/text.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"charter.net", "spectrum.net", "rr.com", "twc.com", "brighthouse.com",
                                       "bresnan.net"};
constexpr std::string_view kDomains[] = {"charter.net", "spectrum.net", "rr.com", "roadrunner.com", "twc.com",
                                         "brighthouse.com", "bresnan.net"};
constexpr std::string_view kMarkers[] = {"spectrum.net", "aup#in-", "aup#i-", "aup#out-", "aup#o-"};

struct CodeRange {
    int low;
    int high;
    std::string_view reason;
};

constexpr CodeRange kRanges[] = {
    {1000, 1000, "blocked"},        // sending IP blocked for suspicious activity
    {1010, 1080, "rejected"},       // sending account blocked or limited
    {1090, 1090, "systemerror"},    // cannot be processed now
    {1100, 1150, "requireptr"},     // no full-circle DNS for the sending IP
    {1160, 1190, "policyviolation"},  // against the sending domain's security policy
    {1200, 1250, "blocked"},        // listed by Cloudmark CSI or Spamhaus
    {1260, 1260, "networkerror"},   // IPv6 not accepted
    {1300, 1340, "toomanyconn"},    // concurrent / total connection limits
    {1350, 1490, "speeding"},       // message, recipient and invalid-recipient volume limits
    {1500, 1520, "rejected"},       // sending as another address or domain
    {1530, 1530, "mesgtoobig"},     // over 20 MB
    {1540, 1550, "speeding"},       // too many messages per session / recipients per message
    {1560, 1560, "policyviolation"},  // too many invalid recipients
    {1580, 1580, "speeding"},       // too many recipients in a short time
};

// "AUP#In-1310", "AUP#I-1010", "AUP#1000": the four digits after the marker.
int aup_number(std::string_view diagnostic) {
    std::string_view token = token_after(diagnostic, "aup#");
    int value = 0, digits = 0;
    for (char c : token) {
        if (text::is_digit(c)) {
            value = value * 10 + (c - '0');
            ++digits;
        } else if (digits) {
            break;
        }
    }
    return digits == 4 ? value : -1;
}

std::string_view reason(const classify::Evidence& e) {
    int code = aup_number(e.diagnostic);
    for (const auto& range : kRanges)
        if (code >= range.low && code <= range.high) return range.reason;
    return {};
}

}  // namespace

const Provider spectrum{"spectrum", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost
