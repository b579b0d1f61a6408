#include "dsn/classify.hpp"

#include "dsn/phrase_index.hpp"
#include "dsn/reason_tables.hpp"
#include "dsn/rhost.hpp"
#include "dsn/text.hpp"

#include <algorithm>
#include <bitset>
#include <cstdint>
#include <vector>

namespace dsn::classify {
namespace {

bool status_matches(std::string_view pattern, std::string_view status) {
    if (pattern.size() >= 2 && pattern[0] == 'X' && pattern[1] == '.')
        return status.size() == pattern.size() && (status[0] == '4' || status[0] == '5') &&
               status.substr(1) == pattern.substr(1);
    return pattern == status;
}

std::size_t reason_index(std::string_view reason) {
    // Asked a few times per recipient and rule: the size and first byte settle most names without
    // a call to compare the bytes.
    auto reasons = all_reasons();
    for (std::size_t i = 0; i < reasons.size(); ++i) {
        const std::string_view r = reasons[i];
        if (r.size() == reason.size() && (r.empty() || r[0] == reason[0]) && r == reason) return i;
    }
    return reasons.size();
}

// Which reasons' phrases occur in the diagnostic, computed once per recipient.
using ReasonSet = std::bitset<64>;

bool in_first_pass(std::string_view reason);

// The phrase table as one automaton: each phrase tagged with its reason's index, so one pass over
// a diagnostic tells every reason whose phrases occur in it, and the lowest phrase index tells the
// first matching table entry. Searching the text once per phrase was half the classification.
const text::PhraseIndex& phrase_index() {
    static const text::PhraseIndex index = [] {
        std::vector<std::string_view> phrases;
        std::vector<std::uint8_t> groups;
        for (const auto& entry : reason_phrases()) {
            phrases.push_back(entry.phrase);
            groups.push_back(static_cast<std::uint8_t>(reason_index(entry.reason)));
        }
        return text::PhraseIndex(phrases, groups);
    }();
    return index;
}

// The reasons outside the first pass, in the order of their first phrase in the table: the
// second pass takes the first of them whose phrases occur.
const std::vector<std::size_t>& second_pass_order() {
    static const std::vector<std::size_t> order = [] {
        std::vector<std::size_t> out;
        for (const auto& entry : reason_phrases()) {
            const std::size_t index = reason_index(entry.reason);
            if (!in_first_pass(entry.reason) && std::find(out.begin(), out.end(), index) == out.end())
                out.push_back(index);
        }
        return out;
    }();
    return order;
}

bool is_token_edge(char c) {
    return text::is_space(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == '"' || c == '\'' ||
           c == ';' || c == ',' || c == '[' || c == ']';
}

// The diagnostic with every e-mail address blanked out: a recipient named "rbl-news@..." or
// "spf.admin@..." must not read as a block-list or SPF verdict.
std::string without_addresses(std::string_view diagnostic) {
    std::string out(diagnostic);
    for (std::size_t at = out.find('@'); at != std::string::npos; at = out.find('@', at + 1)) {
        std::size_t begin = at, end = at + 1;
        while (begin > 0 && !is_token_edge(out[begin - 1])) --begin;
        while (end < out.size() && !is_token_edge(out[end])) ++end;
        for (std::size_t i = begin; i < end; ++i) out[i] = ' ';
    }
    return out;
}

ReasonSet phrase_hits(std::string_view raw_diagnostic) {
    ReasonSet hits;
    if (raw_diagnostic.empty()) return hits;
    const std::string scrubbed = raw_diagnostic.find('@') == std::string_view::npos ? std::string{}
                                                                                     : without_addresses(raw_diagnostic);
    std::string_view diagnostic = scrubbed.empty() ? raw_diagnostic : std::string_view(scrubbed);
    return ReasonSet(phrase_index().scan(diagnostic).groups);
}

struct Context {
    const Evidence& evidence;
    std::string_view status_reason;
    ReasonSet hits;
    bool text_says(std::string_view reason) const { return hits.test(reason_index(reason)); }
    bool command_is(std::string_view command) const { return text::iequals(evidence.smtp_command, command); }
};

// A recipient-unknown verdict needs either the status code or a rejection at RCPT: the same words
// after DATA come from a content filter that dislikes the message, not from a missing mailbox.
bool is_userunknown(const Context& c) {
    // Refused at MAIL FROM, before any recipient was named: whatever does not exist is the sender's.
    if (c.command_is("MAIL")) return false;
    if (c.status_reason == "userunknown") {
        for (std::string_view other : {"norelaying", "blocked", "mailboxfull", "hasmoved", "rejected", "notaccept"})
            if (c.text_says(other)) return false;
        return true;
    }
    // A local delivery agent ("mail.local: unknown user") speaks for the mailbox itself.
    return (c.command_is("RCPT") || c.evidence.diagnostic_type == "local") && c.text_says("userunknown");
}

bool is_filtered(const Context& c) {
    if (c.status_reason == "filtered") return c.text_says("userunknown") || c.text_says("filtered");
    if (c.command_is("RCPT") || c.command_is("MAIL") || c.evidence.diagnostic_type == "local") return false;
    return c.text_says("filtered") || c.text_says("userunknown");
}

// A DNS failure is a network problem, not a proof that the domain does not exist.
bool is_hostunknown(const Context& c) {
    if (c.command_is("MAIL")) return false;  // the sender's domain, not the recipient's
    if (c.status_reason == "hostunknown") return !c.text_says("networkerror");
    return c.text_says("hostunknown") && !c.text_says("networkerror");
}

// Sender-side wording counts where the sender is what was judged: at MAIL FROM, after DATA, or
// when the status code itself is vague. At MAIL FROM a generic refusal ("Access denied") is
// about the sender too.
bool is_rejected(const Context& c) {
    if (c.status_reason == "rejected") return true;
    if (c.command_is("MAIL")) {
        if (c.text_says("rejected")) return true;
        for (auto refusal : mail_stage_refusals())
            if (text::icontains(c.evidence.diagnostic, refusal)) return true;
        return false;
    }
    if (c.command_is("DATA")) return c.status_reason != "userunknown" && c.text_says("rejected");
    bool vague = c.status_reason.empty() || c.status_reason == "securityerror" || c.status_reason == "systemerror";
    return vague && c.text_says("rejected");
}

// Reasons that may be decided before the status code is consulted, in the order they are asked.
// Narrow reasons come first; each is true when its status code or its phrases say so, except
// where a dedicated rule above weighs code, wording and SMTP stage together.
constexpr std::string_view kFirstPass[] = {
    "mailboxfull", "mesgtoobig", "exceedlimit", "suspend",     "hasmoved",     "norelaying",
    "authfailure", "userunknown", "filtered",   "requireptr",  "notcompliantrfc", "badreputation",
    "rejected",    "hostunknown", "spamdetected", "toomanyconn", "speeding",  "blocked"};

bool in_first_pass(std::string_view reason) {
    for (auto r : kFirstPass)
        if (r == reason) return true;
    return false;
}

// The first reason outside the first pass whose phrases occur, in table order.
std::string_view second_pass_reason(const Context& c) {
    for (std::size_t index : second_pass_order())
        if (c.hits.test(index)) return all_reasons()[index];
    return {};
}

bool first_pass_true(std::string_view reason, const Context& c) {
    if (reason == "userunknown") return is_userunknown(c);
    if (reason == "filtered") return is_filtered(c);
    if (reason == "hostunknown") return is_hostunknown(c);
    if (reason == "rejected") return is_rejected(c);
    return c.status_reason == reason || c.text_says(reason);
}

}  // namespace

std::string_view reason_from_text(std::string_view text) {
    if (text.empty()) return {};
    const std::size_t first = phrase_index().scan(text).first;
    return first == text::PhraseIndex::kNone ? std::string_view{} : reason_phrases()[first].reason;
}

std::string_view reason_from_status(std::string_view status) {
    for (const auto& entry : status_reasons()) {
        if (status_matches(entry.code, status)) return entry.reason;
    }
    return {};
}

bool is_known_reason(std::string_view reason) { return reason_index(reason) < all_reasons().size(); }

BounceType type_for(std::string_view reason, std::string_view status, std::string_view reply_code) {
    if (reason == "feedback") return BounceType::complaint;
    if (reason == "notaccept") {
        // Null MX and 521/556 are permanent; the same words under a 4xx code are a passing state.
        char cls = !status.empty() ? status[0] : (!reply_code.empty() ? reply_code[0] : '5');
        return cls == '4' ? BounceType::soft : BounceType::hard;
    }
    for (auto hard : hard_reasons())
        if (hard == reason) return BounceType::hard;
    return BounceType::soft;
}

std::string decide_reason(const Evidence& e) {
    if (std::string_view by_host = rhost::reason_for(e); !by_host.empty()) return std::string(by_host);
    if (!e.dialect_reason.empty()) return std::string(e.dialect_reason);

    Context c{e, reason_from_status(e.status), phrase_hits(e.diagnostic) | phrase_hits(e.notice)};
    // An addressing code (X.1.x) given at MAIL FROM is about the sender's address.
    if (text::iequals(e.smtp_command, "MAIL") && (c.status_reason == "userunknown" || c.status_reason == "hostunknown"))
        c.status_reason = "rejected";
    for (auto reason : kFirstPass) {
        // A local delivery program's failure (X-Unix) is a mailer error whatever it printed,
        // unless it plainly reports a full mailbox or a size limit.
        if (reason == "suspend" && e.diagnostic_type == "x-unix") return "mailererror";
        if (first_pass_true(reason, c)) return std::string(reason);
    }
    // Wording of the remaining reasons (system, network, policy, ...) outranks a status code whose
    // generic meaning the first pass already found unconvincing.
    if (std::string_view by_text = second_pass_reason(c); !by_text.empty()) return std::string(by_text);
    if (!c.status_reason.empty()) return std::string(c.status_reason);
    if (e.action == "delayed") return "expired";
    // 500-504 are the SMTP syntax and sequence errors of RFC 5321.
    if (e.reply_code.size() == 3 && e.reply_code[0] == '5' && e.reply_code[1] == '0' && e.reply_code[2] <= '4')
        return "syntaxerror";
    // A failure at MAIL FROM is about the sender, whatever the wording.
    if (text::iequals(e.smtp_command, "MAIL")) return "rejected";
    // Refused at connection or greeting, before any address was named: the client host was refused.
    for (std::string_view stage : {"CONN", "HELO", "EHLO"})
        if (text::iequals(e.smtp_command, stage)) return "blocked";
    return e.status.empty() && e.reply_code.empty() && e.diagnostic.empty() ? "undefined" : "onhold";
}

}  // namespace dsn::classify
