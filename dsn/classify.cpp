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
// Words that name the SMTP stage a reply answered, for reports whose fields do not ("SMTP error
// from remote mail server after RCPT TO:<x>" (Exim), "(in reply to RCPT TO command)" (Postfix),
// ">>> DATA" transcripts (Sendmail)). They ride in the same automaton under groups of their own.
constexpr std::uint8_t kStageRcpt = 61, kStageData = 62, kStageMail = 63;
struct StagePhrase {
    std::uint8_t stage;
    std::string_view phrase;
};
constexpr StagePhrase kStagePhrases[] = {
    {kStageRcpt, "rcpt to"},          {kStageRcpt, "rcpt command"},      {kStageData, "end of data"},
    {kStageData, "after data"},       {kStageData, "in reply to data"},  {kStageData, "data command"},
    {kStageMail, "in reply to mail"}, {kStageMail, "after mail from"},   {kStageMail, "mail from command"},
};

const text::PhraseIndex& phrase_index() {
    static const text::PhraseIndex index = [] {
        std::vector<std::string_view> phrases;
        std::vector<std::uint8_t> groups;
        for (const auto& entry : reason_phrases()) {
            phrases.push_back(entry.phrase);
            groups.push_back(static_cast<std::uint8_t>(reason_index(entry.reason)));
        }
        for (const auto& entry : kStagePhrases) {
            phrases.push_back(entry.phrase);
            groups.push_back(entry.stage);
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

// Brackets and quotes wrap the variable parts of a reply ("<user@host>", "[192.0.2.1]", "'name'"),
// so they read as spaces, like line breaks and tabs.
bool folds_to_space(char c) {
    switch (c) {
        case '<': case '>': case '(': case ')': case '[': case ']': case '{': case '}': case '"': case '`':
        case ' ': case '\t': case '\r': case '\n': case '\f': case '\v':
            return true;
        default:
            return false;
    }
}

// The diagnostic as the phrase tables read it: every e-mail address blanked out (a recipient named
// "rbl-news@..." must not read as a block-list or SPF verdict), brackets, quotes and line breaks
// turned into spaces and each run of spaces folded to one, so that "mailbox <a@b> is  full",
// "Mailbox is\n full" and "mailbox is full" read alike, and a typographic apostrophe (U+2019, as
// in Gmail's "doesn’t") reads as "'". Lower case, like the rows.
std::string comparable_text(std::string_view diagnostic) {
    std::string blanked(diagnostic);
    for (std::size_t at = blanked.find('@'); at != std::string::npos; at = blanked.find('@', at + 1)) {
        std::size_t begin = at, end = at + 1;
        while (begin > 0 && !is_token_edge(blanked[begin - 1])) --begin;
        while (end < blanked.size() && !is_token_edge(blanked[end])) ++end;
        for (std::size_t i = begin; i < end; ++i) blanked[i] = ' ';
    }
    std::string out;
    out.reserve(blanked.size());
    for (std::size_t i = 0; i < blanked.size(); ++i) {
        char c = blanked[i];
        if (c == '\xE2' && i + 2 < blanked.size() && blanked[i + 1] == '\x80' && blanked[i + 2] == '\x99') {
            c = '\'';
            i += 2;
        }
        if (folds_to_space(c)) {
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
            continue;
        }
        out.push_back(text::lower(c));
    }
    // A row that ends in a space ("transaction failed ") wants the word to end there, which it
    // also does at the end of the text.
    if (!out.empty() && out.back() != ' ') out.push_back(' ');
    return out;
}

// Where the pair's first words stand with its second ones close after them in `text` (lower case);
// npos when nowhere.
std::size_t pair_at(std::string_view text, const ReasonPair& pair) {
    const std::string_view first = pair.first(), then_words = pair.then();
    for (std::size_t at = text.find(first); at != std::string_view::npos; at = text.find(first, at + 1)) {
        const std::size_t from = at + first.size();
        const std::size_t then = text.substr(from, kPairGap + then_words.size()).find(then_words);
        if (then != std::string_view::npos) return at;
    }
    return std::string_view::npos;
}

ReasonSet phrase_hits(std::string_view diagnostic) {
    if (diagnostic.empty()) return {};
    const std::string comparable = comparable_text(diagnostic);
    ReasonSet hits(phrase_index().scan(comparable).groups);
    for (const auto& pair : reason_pairs())
        if (pair_at(comparable, pair) != std::string_view::npos) hits.set(reason_index(pair.reason));
    return hits;
}

// The SMTP stage the report names, else the one its wording names (one stage only: a transcript
// that names several says nothing certain), else empty.
std::string_view stage_of(const Evidence& e, const ReasonSet& hits) {
    if (!e.smtp_command.empty()) return e.smtp_command;
    const bool rcpt = hits.test(kStageRcpt), data = hits.test(kStageData), mail = hits.test(kStageMail);
    if (rcpt + data + mail != 1) return {};
    return rcpt ? "RCPT" : data ? "DATA" : "MAIL";
}

struct Context {
    const Evidence& evidence;
    std::string_view status_reason;
    ReasonSet hits;
    std::string_view stage = stage_of(evidence, hits);
    // Our own sender failed the receiver's check: asked by three rules, read once.
    bool sender_check_failed = says_sender_check_failed(evidence.diagnostic);
    bool text_says(std::string_view reason) const { return hits.test(reason_index(reason)); }
    bool command_is(std::string_view command) const { return text::iequals(stage, command); }
};

// A recipient-unknown verdict needs either the status code or a rejection at RCPT: the same words
// after DATA come from a content filter that dislikes the message, not from a missing mailbox.
bool is_userunknown(const Context& c) {
    // Refused at MAIL FROM, before any recipient was named: whatever does not exist is the sender's.
    if (c.command_is("MAIL") || c.sender_check_failed) return false;
    // X.1.7 / X.1.8 name the sender's address as the bad one ("553 5.1.8 Sender address invalid").
    if (c.status_reason == "rejected") return false;
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
    if (c.command_is("MAIL") || c.sender_check_failed) return false;  // the sender's domain
    if (c.status_reason == "hostunknown") return !c.text_says("networkerror");
    return c.text_says("hostunknown") && !c.text_says("networkerror");
}

// Sender-side wording counts where the sender is what was judged: at MAIL FROM, after DATA, or
// when the status code itself is vague. At MAIL FROM a generic refusal ("Access denied") is
// about the sender too.
bool is_rejected(const Context& c) {
    if (c.status_reason == "rejected" || c.sender_check_failed) return true;
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
    "authfailure", "userunknown", "badreputation", "spamdetected", "filtered",   "requireptr",
    "notcompliantrfc", "rejected", "hostunknown", "toomanyconn", "speeding",  "blocked"};

// Reasons that name the state of the recipient's mailbox; their words outrank a status code
// naming another such state.
constexpr std::string_view kMailboxStateWords[] = {"suspend", "mesgtoobig", "exceedlimit", "mailboxfull", "hasmoved"};

bool is_mailbox_state(std::string_view reason) {
    for (auto r : kMailboxStateWords)
        if (r == reason) return true;
    return false;
}

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

std::string_view reason_from_reply_code(std::string_view code) {
    if (code == "521" || code == "556") return "notaccept";
    if (code == "525") return "suspend";
    if (code == "523" || code == "524" || code == "538") return "securityerror";
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
    return first >= reason_phrases().size() ? std::string_view{} : reason_phrases()[first].reason;
}

std::string_view reason_from_status(std::string_view status) {
    for (const auto& entry : status_reasons()) {
        if (status_matches(entry.code, status)) return entry.reason;
    }
    return {};
}

std::string_view reason_from_status_subject(std::string_view status) {
    if (status.size() < 5 || status[1] != '.' || status[3] != '.') return {};
    for (const auto& entry : status_subject_reasons()) {
        if (entry.code.size() != 3 || entry.code[2] != status[2]) continue;
        if (entry.code[0] == status[0] || (entry.code[0] == 'X' && (status[0] == '4' || status[0] == '5')))
            return entry.reason;
    }
    return {};
}

bool says_sender_check_failed(std::string_view diagnostic) {
    for (auto failure : sender_check_failures())
        if (text::icontains(diagnostic, failure)) return true;
    return false;
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

bool is_generic_status(std::string_view status) {
    // "c.s.d": a detail of 0 is "other or undefined" in RFC 3463; 5.7.1 ("delivery not authorized")
    // is what many servers send for every refusal, from an unknown user to a block list.
    if (status.size() < 5 || status[1] != '.') return false;
    if (status.substr(status.size() - 2) == ".0") return true;
    return status.substr(1) == ".7.1";
}

std::vector<std::string_view> matching_phrases(std::string_view text, std::string_view reason) {
    std::vector<std::string_view> found;
    const std::string comparable = comparable_text(text);
    for (const auto& entry : reason_phrases())
        if (entry.reason == reason && text::icontains(comparable, entry.phrase)) found.push_back(entry.phrase);
    for (const auto& pair : reason_pairs())
        if (pair.reason == reason && pair_at(comparable, pair) != std::string_view::npos) found.push_back(pair.words);
    return found;
}

std::string decide_reason(const Evidence& e, Verdict* why) {
    Verdict local;
    Verdict& v = why ? *why : local;
    auto decided = [&v](std::string_view rule, std::string_view reason) {
        v.rule = rule;
        return std::string(reason);
    };
    if (std::string_view by_host = rhost::reason_for(e); !by_host.empty())
        return decided("the receiving provider's own error table (remote host or recipient domain)", by_host);
    if (!e.dialect_reason.empty()) return decided("the dialect's own code for this failure", e.dialect_reason);

    Context c{e, reason_from_status(e.status), phrase_hits(e.diagnostic) | phrase_hits(e.notice)};
    v.status_reason = c.status_reason;
    v.generic_status = is_generic_status(e.status);
    v.stage = c.stage;
    // An addressing code (X.1.x) given at MAIL FROM is about the sender's address.
    if (c.command_is("MAIL") && (c.status_reason == "userunknown" || c.status_reason == "hostunknown"))
        c.status_reason = "rejected";
    // A code servers send for anything decides only when the words do not: it is set aside here
    // and consulted after every phrase rule.
    const std::string_view generic_reason = v.generic_status ? c.status_reason : std::string_view{};
    if (v.generic_status) c.status_reason = {};

    // Words that name the state of the mailbox itself (full, too big for it, disabled, moved)
    // outrank a status code that names another state: "552 5.2.2 message too large" is about size.
    for (auto reason : kMailboxStateWords) {
        if (!c.text_says(reason) || c.status_reason == reason) continue;
        if (e.diagnostic_type == "x-unix") break;
        if (c.status_reason.empty() || is_mailbox_state(c.status_reason) || c.status_reason == "userunknown")
            return decided("the wording names the state of the mailbox, over the status code", reason);
    }
    for (auto reason : kFirstPass) {
        // A local delivery program's failure (X-Unix) is a mailer error whatever it printed,
        // unless it plainly reports a full mailbox or a size limit.
        if (reason == "suspend" && e.diagnostic_type == "x-unix")
            return decided("a local delivery program failed (X-Unix diagnostic)", "mailererror");
        if (first_pass_true(reason, c))
            return decided(!c.text_says(reason)          ? "the status code, weighed with the SMTP stage"
                           : c.status_reason == reason ? "the status code and the wording agree"
                                                       : "the wording, weighed with the status code and the SMTP stage",
                           reason);
    }
    // Wording of the remaining reasons (system, network, policy, ...) outranks a status code whose
    // generic meaning the first pass already found unconvincing.
    if (std::string_view by_text = second_pass_reason(c); !by_text.empty())
        return decided("the wording (system, network, policy and content reasons)", by_text);
    // RFC 7504: 521 (host) and 556 (domain) do not accept mail; RFC 5248 pairs 525 with X.7.13
    // "user account disabled"; RFC 4954's 538 wants encryption, and servers answer a failed
    // STARTTLS with 523 or 524 (as real replies collected by Sisimai show). Each code means one
    // thing, whatever the status says.
    if (std::string_view by_code = reason_from_reply_code(e.reply_code); !by_code.empty())
        return decided("a reply code with one meaning (RFC 7504, 5248, 4954)", by_code);
    if (!c.status_reason.empty()) return decided("the status code", c.status_reason);
    if (!generic_reason.empty()) return decided("the generic status code, since no wording decided", generic_reason);
    if (e.action == "delayed") return decided("a delayed delivery that no evidence explains", "expired");
    if (std::string_view by_subject = reason_from_status_subject(e.status); !by_subject.empty())
        return decided("the class and subject of a status code the tables do not list", by_subject);
    // 500-504 are the SMTP syntax and sequence errors of RFC 5321.
    if (e.reply_code.size() == 3 && e.reply_code[0] == '5' && e.reply_code[1] == '0' && e.reply_code[2] <= '4')
        return decided("an SMTP syntax or sequence reply code (500-504)", "syntaxerror");
    // A failure at MAIL FROM is about the sender, whatever the wording.
    if (c.command_is("MAIL")) return decided("refused at MAIL FROM", "rejected");
    // Refused at connection or greeting, before any address was named: the client host was refused.
    for (std::string_view stage : {"CONN", "HELO", "EHLO"})
        if (text::iequals(e.smtp_command, stage)) return decided("refused at connection or greeting", "blocked");
    if (e.status.empty() && e.reply_code.empty() && e.diagnostic.empty())
        return decided("no status, reply code or wording at all", "undefined");
    return decided("nothing decided: no known wording, and a status code that implies no reason", "onhold");
}

}  // namespace dsn::classify
