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
};

}  // namespace

std::span<const StatusReason> status_reasons() { return kStatusReasons; }

}  // namespace dsn::classify
