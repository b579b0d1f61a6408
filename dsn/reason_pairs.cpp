// Replies whose fixed words stand on both sides of a variable part that is not an address (a local
// part, a user name, a score): "Mailbox nobody does not exist", "User jdoe was not found". The first
// words must come before the second within a short gap; a longer gap is a different sentence.
// A row is "first words*second words": '*' stands for the variable part.
// Collected from the same catalogue as the phrase rows (Sisimai's reason index of real replies).
#include "dsn/reason_tables.hpp"

namespace dsn::classify {
namespace {

constexpr ReasonPair kPairs[] = {
    {"userunknown", "mailbox * does not exist"},
    {"userunknown", "user * does not exist"},
    {"userunknown", "user * was not found"},
    {"userunknown", "rcpt * does not exist"},
    {"userunknown", "rcpt *t exist here"},
    {"userunknown", "recipient * was not found in"},
    {"userunknown", "this user doesn't have a * account"},
    {"spamdetected", "spam * exceeded"},  // "Spam score (7.2) exceeded threshold"
    {"spamdetected", "rule imposed as * is blacklisted on"},  // MailMarshal
};

}  // namespace

std::span<const ReasonPair> reason_pairs() { return kPairs; }

}  // namespace dsn::classify
