// The reason vocabulary (Sisimai v5.1) and which reasons are hard bounces. Only reasons that say
// the address itself is dead are hard: a policy block or a full mailbox says nothing about that.
#include "dsn/reason_tables.hpp"

namespace dsn::classify {
namespace {

constexpr std::string_view kHardReasons[] = {"userunknown", "hostunknown", "hasmoved", "notaccept"};

constexpr std::string_view kAllReasons[] = {
    "authfailure", "badreputation", "blocked",       "contenterror", "exceedlimit",    "expired",
    "filtered",    "hasmoved",      "hostunknown",   "mailboxfull",  "mailererror",    "mesgtoobig",
    "networkerror", "norelaying",   "notaccept",     "notcompliantrfc", "onhold",      "policyviolation",
    "rejected",    "requireptr",    "securityerror", "spamdetected", "speeding",       "suspend",
    "syntaxerror", "systemerror",   "systemfull",    "toomanyconn",  "userunknown",    "virusdetected",
    "delivered",   "feedback",      "undefined",     "vacation"};

}  // namespace

std::span<const std::string_view> hard_reasons() { return kHardReasons; }
std::span<const std::string_view> all_reasons() { return kAllReasons; }

}  // namespace dsn::classify
