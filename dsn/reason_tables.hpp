// Declarations of the classification tables. Each table is plain data in its own .cpp file so a
// user or a later change can read and extend it without touching decision logic.
#pragma once

#include <span>
#include <string_view>

namespace dsn::classify {

// A phrase that, found in a diagnostic, decides a reason. Phrases are lower case; tables are
// scanned in order and the first reason with a match wins, so specific reasons come first.
struct ReasonPhrase {
    std::string_view reason;
    std::string_view phrase;
};
std::span<const ReasonPhrase> reason_phrases();

// Generic refusal wording that means "sender rejected" when it answers MAIL FROM.
std::span<const std::string_view> mail_stage_refusals();

// Enhanced status code -> reason. `code` may name a class wildcard: "X.2.2" applies to 4.2.2 and 5.2.2.
struct StatusReason {
    std::string_view code;
    std::string_view reason;
};
std::span<const StatusReason> status_reasons();
// Class and subject ("X.4", "5.7") -> reason, for codes the table above does not list.
std::span<const StatusReason> status_subject_reasons();

// Reasons that are hard bounces (the rest are soft; "feedback" is a complaint).
std::span<const std::string_view> hard_reasons();

// Every reason name in the vocabulary.
std::span<const std::string_view> all_reasons();

}  // namespace dsn::classify
