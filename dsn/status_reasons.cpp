// Enhanced status codes (RFC 3463, IANA registry) and the reason each implies when the text
// around it says nothing more specific. "X." matches both the 4 and the 5 class.
#include "dsn/reason_tables.hpp"

namespace dsn::classify {
namespace {

constexpr StatusReason kStatusReasons[] = {
    {"5.1.0", "userunknown"}, {"5.1.1", "userunknown"}, {"5.1.3", "userunknown"},
    {"4.1.1", "userunknown"},
    {"X.1.2", "hostunknown"}, {"5.4.4", "hostunknown"},
    {"X.1.6", "hasmoved"}, {"5.7.17", "hasmoved"}, {"5.7.18", "hasmoved"},
    {"X.1.7", "rejected"}, {"X.1.8", "rejected"},
    {"5.1.10", "notaccept"}, {"X.3.2", "notaccept"}, {"5.7.27", "notaccept"},
    {"4.2.1", "suspend"}, {"5.7.13", "suspend"},
    {"5.2.1", "filtered"},
    {"X.2.2", "mailboxfull"},
    {"X.2.3", "exceedlimit"},
    {"5.3.4", "mesgtoobig"}, {"X.7.16", "mesgtoobig"},
    {"X.3.1", "systemfull"}, {"4.4.5", "systemfull"},
    {"X.3.0", "mailererror"},
    {"4.4.1", "expired"}, {"4.4.7", "expired"},
    {"4.4.2", "networkerror"}, {"4.4.4", "networkerror"}, {"X.4.6", "networkerror"}, {"5.4.0", "networkerror"},
    {"5.4.1", "networkerror"}, {"X.4.3", "networkerror"},
    {"5.5.3", "toomanyconn"}, {"4.5.3", "toomanyconn"},
    {"X.5.0", "syntaxerror"}, {"X.5.1", "syntaxerror"}, {"X.5.2", "syntaxerror"}, {"X.5.4", "syntaxerror"},
    {"X.6.0", "contenterror"}, {"X.6.1", "contenterror"}, {"X.6.2", "contenterror"}, {"X.6.3", "contenterror"},
    {"X.6.4", "contenterror"}, {"X.6.5", "contenterror"}, {"X.6.6", "contenterror"}, {"X.6.7", "contenterror"},
    {"X.6.8", "contenterror"}, {"X.6.9", "contenterror"}, {"X.6.10", "contenterror"},
    {"4.7.1", "blocked"}, {"4.7.2", "blocked"},
    {"5.7.0", "securityerror"}, {"5.7.1", "securityerror"}, {"5.7.2", "securityerror"},
    {"5.7.3", "securityerror"}, {"5.7.4", "securityerror"}, {"5.7.5", "securityerror"},
    {"5.7.6", "securityerror"}, {"5.7.7", "securityerror"}, {"5.7.8", "securityerror"},
    {"5.7.9", "securityerror"}, {"5.7.10", "securityerror"}, {"5.7.11", "securityerror"},
    {"5.7.14", "securityerror"}, {"5.7.15", "securityerror"}, {"5.7.19", "securityerror"},
    {"5.7.30", "securityerror"},
    {"4.7.24", "authfailure"}, {"4.7.26", "authfailure"}, {"5.7.20", "authfailure"}, {"5.7.21", "authfailure"},
    {"5.7.22", "authfailure"}, {"5.7.23", "authfailure"}, {"5.7.24", "authfailure"}, {"5.7.26", "authfailure"},
    {"5.7.29", "authfailure"},
    {"X.7.25", "requireptr"},
    {"5.7.28", "spamdetected"},
    {"X.3.5", "systemerror"},  // RFC 3463: system incorrectly configured
    {"X.6.11", "contenterror"},
    // Microsoft 365 / Exchange Online extended codes (learn.microsoft.com, "Email non-delivery
    // reports and SMTP errors in Exchange Online"): 5.4.300 message expired, 5.4.310 DNS domain
    // does not exist, 5.4.312/5.4.316 DNS query failed or connection refused, 5.4.14 hop count
    // exceeded, 5.7.509/5.7.510 DMARC reject, 5.7.511 banned sender, 5.7.512 not RFC 5322 section
    // 3.6.2 compliant, 5.7.513 client host blocked, 5.7.606-649 banned sending IP, 5.7.750/751
    // client blocked from sending from unregistered domains, 5.2.121/122 recipient's hourly
    // message receive limit.
    {"5.4.300", "expired"}, {"5.4.310", "hostunknown"}, {"5.4.312", "networkerror"},
    {"5.4.316", "networkerror"}, {"4.4.316", "networkerror"}, {"5.4.14", "networkerror"},
    {"5.7.509", "authfailure"}, {"5.7.510", "authfailure"}, {"5.7.511", "blocked"},
    {"5.7.512", "notcompliantrfc"}, {"5.7.513", "blocked"},
    {"5.7.606", "blocked"}, {"5.7.607", "blocked"}, {"5.7.608", "blocked"}, {"5.7.609", "blocked"}, {"5.7.610", "blocked"},
    {"5.7.611", "blocked"}, {"5.7.612", "blocked"}, {"5.7.613", "blocked"}, {"5.7.614", "blocked"}, {"5.7.615", "blocked"},
    {"5.7.616", "blocked"}, {"5.7.617", "blocked"}, {"5.7.618", "blocked"}, {"5.7.619", "blocked"}, {"5.7.620", "blocked"},
    {"5.7.621", "blocked"}, {"5.7.622", "blocked"}, {"5.7.623", "blocked"}, {"5.7.624", "blocked"}, {"5.7.625", "blocked"},
    {"5.7.626", "blocked"}, {"5.7.627", "blocked"}, {"5.7.628", "blocked"}, {"5.7.629", "blocked"}, {"5.7.630", "blocked"},
    {"5.7.631", "blocked"}, {"5.7.632", "blocked"}, {"5.7.633", "blocked"}, {"5.7.634", "blocked"}, {"5.7.635", "blocked"},
    {"5.7.636", "blocked"}, {"5.7.637", "blocked"}, {"5.7.638", "blocked"}, {"5.7.639", "blocked"}, {"5.7.640", "blocked"},
    {"5.7.641", "blocked"}, {"5.7.642", "blocked"}, {"5.7.643", "blocked"}, {"5.7.644", "blocked"}, {"5.7.645", "blocked"},
    {"5.7.646", "blocked"}, {"5.7.647", "blocked"}, {"5.7.648", "blocked"}, {"5.7.649", "blocked"},
    {"5.7.750", "blocked"}, {"5.7.751", "blocked"},
    {"5.2.121", "speeding"}, {"5.2.122", "speeding"},
};

// What the subject digit of RFC 3463 alone says, for a code none of the rows above names: asked
// only when no wording and no listed code decided.
constexpr StatusReason kSubjectReasons[] = {
    {"X.4", "networkerror"},  // network and routing status
    {"X.5", "syntaxerror"},   // mail delivery protocol status
    {"X.6", "contenterror"},  // message content or media status
    {"5.7", "securityerror"}, // security or policy status
    {"4.7", "blocked"},
};

}  // namespace

std::span<const StatusReason> status_reasons() { return kStatusReasons; }
std::span<const StatusReason> status_subject_reasons() { return kSubjectReasons; }

}  // namespace dsn::classify
