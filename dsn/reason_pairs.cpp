// Replies whose fixed words stand on both sides of a variable part that is not an address (a local
// part, a user name, a score): "Mailbox nobody does not exist", "User jdoe was not found". The first
// words must come before the second within a short gap; a longer gap is a different sentence.
// A row is "first words*second words": '*' stands for the variable part.
// Collected from the same catalogue as the phrase rows (Sisimai's reason index of real replies).
#include "dsn/reason_tables.hpp"

namespace dsn::classify {
namespace {

constexpr ReasonPair kPairs[] = {
    {"mailboxfull", "mailbox * full"},
    {"mailboxfull", "mailbox * quota"},
    {"mailboxfull", "maildir * quota"},
    {"mailboxfull", "account is * quota"},
    {"mailboxfull", "over * quota"},
    {"mailboxfull", "quota * exceeded"},
    {"mailboxfull", "disk * quota"},
    {"mailboxfull", "enough * space"},
    {"expired", "could not be delivered for * days"},
    {"userunknown", "mailbox * does not exist"},
    {"userunknown", "user * does not exist"},
    {"userunknown", "user * was not found"},
    {"userunknown", "rcpt * does not exist"},
    {"userunknown", "rcpt *t exist here"},
    {"userunknown", "recipient * was not found in"},
    {"userunknown", "this user doesn't have a * account"},
    {"blocked", "access from ip address * blocked"},
    {"blocked", "messages from * temporarily deferred due to user complaints"},  // Yahoo
    {"blocked", "server ip * listed as abusive"},
    {"blocked", "your access ip * has been rejected"},
    {"spamdetected", "spam * exceeded"},
    {"spamdetected", "mail score * over"},
    {"spamdetected", "rejected due to spam * classification"},
    {"spamdetected", "rejected due to spam * content"},
    {"systemerror", "unable to connect * daemon"},
    {"notcompliantrfc", "multiple * header"},  // "multiple From: headers", "multiple addresses in From: header"
    {"speeding", "temporarily * rate limited"},
    {"toomanyconn", "too many * session"},  // Sendmail daemon.c, Comcast
    {"toomanyconn", "too many * recipients"},
    {"toomanyconn", "connection * limit"},  // "Spam score (7.2) exceeded threshold"
    {"spamdetected", "rule imposed as * is blacklisted on"},  // MailMarshal
};

}  // namespace

std::span<const ReasonPair> reason_pairs() { return kPairs; }

}  // namespace dsn::classify
