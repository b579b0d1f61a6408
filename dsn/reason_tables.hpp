// Declarations of the classification tables. Each table is plain data in its own .cpp file so a
// user or a later change can read and extend it without touching decision logic.
#pragma once

#include <cstddef>
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

// Words on both sides of a variable part ("mailbox * does not exist"): they decide a reason when
// the part after '*' follows the part before it within kPairGap characters. Lower case, matched on
// the same comparable text as the phrases.
struct ReasonPair {
    std::string_view reason;
    std::string_view words;
    // Without the spaces around '*': a blanked address leaves the two parts side by side.
    std::string_view first() const { return trim_spaces(words.substr(0, words.find('*'))); }
    std::string_view then() const { return trim_spaces(words.substr(words.find('*') + 1)); }

private:
    static constexpr std::string_view trim_spaces(std::string_view s) {
        while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
        return s;
    }
};
inline constexpr std::size_t kPairGap = 40;
std::span<const ReasonPair> reason_pairs();

// Generic refusal wording that means "sender rejected" when it answers MAIL FROM.
std::span<const std::string_view> mail_stage_refusals();

// Wording that says our own envelope sender failed the receiver's check: the unknown user or
// domain such a reply mentions is the sender's, never the recipient's.
std::span<const std::string_view> sender_check_failures();

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
