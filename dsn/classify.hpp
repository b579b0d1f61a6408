// Reason and hard/soft/complaint classification. The knowledge lives in data tables
// (reason_phrases.cpp, status_reasons.cpp, reason_types.cpp); this interface only combines them.
#pragma once

#include "dsn/report.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace dsn::classify {

// What a decoder knows about one failed recipient.
struct Evidence {
    std::string_view diagnostic;       // remote reply / explanation text
    std::string_view diagnostic_type;  // "smtp", "x-unix", ... (from Diagnostic-Code), lower case
    std::string_view status;           // enhanced status code
    std::string_view reply_code;       // SMTP reply code
    std::string_view action;           // failed / delayed
    std::string_view dialect_reason;   // a reason the dialect decided from its own codes, if any
    std::string_view smtp_command;     // the SMTP command that failed (MAIL, RCPT, DATA), if known
    std::string_view remote_mta;       // receiving host, for remote-host tables
    std::string_view recipient;        // for remote-host tables keyed by domain
    std::string_view notice;           // a short human-readable explanation that accompanies the report
};

// Why decide_reason chose what it chose, for `bounce-parse --explain`. Every view points into
// static text (the rule names and the tables), so filling it costs nothing worth measuring.
struct Verdict {
    std::string_view rule;           // the rule that decided, in words
    std::string_view status_reason;  // what the status code alone says ("" when nothing)
    bool generic_status = false;     // the status is one servers use for anything (X.0.0, X.7.1, ...)
    std::string_view stage;          // the SMTP stage weighed: the report's, else the one its wording names
};

// A Sisimai v5.1 reason; never empty ("undefined" when nothing fits). `why`, when given, is told
// which rule decided.
std::string decide_reason(const Evidence& evidence, Verdict* why = nullptr);

// The phrases of `reason` that occur in `text` as the classifier reads it (addresses blanked,
// brackets, quotes and runs of white space folded to one space). For explanations, not the hot path.
std::vector<std::string_view> matching_phrases(std::string_view text, std::string_view reason);

// True for status codes servers send for any refusal (X.0.0, X.Y.0, X.7.1): specific wording
// outranks them.
bool is_generic_status(std::string_view status);

// First reason whose phrases occur in `text` (lower-case compare), or empty.
std::string_view reason_from_text(std::string_view text);

// Reason implied by an enhanced status code, or empty when the code decides nothing.
std::string_view reason_from_status(std::string_view status);

// Reason implied by the class and subject of a status code no table row names ("5.7.999" ->
// securityerror), or empty.
std::string_view reason_from_status_subject(std::string_view status);

// The Sisimai rule: hard for userunknown, hostunknown, hasmoved and permanent notaccept;
// complaint for feedback; soft otherwise.
BounceType type_for(std::string_view reason, std::string_view status, std::string_view reply_code);

// True when `reason` is one of the Sisimai v5.1 reasons.
bool is_known_reason(std::string_view reason);

// True when a reply says the receiver checked our own envelope sender and it failed (Exim's
// "Sender verify failed", Postfix's "Sender address rejected"): what such a reply calls unknown or
// unrouteable is the sender, so it must not mark the recipient dead.
bool says_sender_check_failed(std::string_view diagnostic);

}  // namespace dsn::classify
