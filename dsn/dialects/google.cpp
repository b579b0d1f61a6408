// Google's bounces, sent by "Mail Delivery Subsystem <mailer-daemon@googlemail.com>":
// - Google Groups: X-Failed-Recipients names the group; the (localized) text says the group does
//   not exist or the sender may not post, with a link to groups.google.com. Always a refused sender.
// - Google Workspace / newer Gmail: multipart/report with a "** Address not found **"-style
//   headline, "Your message wasn't delivered to ..." and "The response was:"; the RFC 3464 part
//   is sometimes empty, then X-Failed-Recipients names the recipients.
// - Gmail classic: plain text "Delivery to the following recipient failed permanently:" (or
//   "has been delayed:"), the indented addresses, then "Technical details of permanent failure:"
//   quoting the remote reply, which ends with Gmail's "(state N)" session stage.
#include "dsn/address.hpp"
#include "dsn/classify.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/text.hpp"

#include <charconv>

namespace dsn::dialects {
namespace {

bool from_google(const Message& message) {
    return (from_domain(message, "googlemail.com") || from_domain(message, "google.com")) &&
           from_system_account(message);
}

// Google's own sentences (not the remote reply) and the reason Sisimai v5.1 gives them.
constexpr ProviderPhrase kGooglePhrases[] = {
    {"did not accept our requests to connect", "expired"},
    {"responded with code nxdomain", "networkerror"},
    {"had no relevant answers", "networkerror"},
    {"dns error: could not contact dns servers", "networkerror"},
    {"returned null mx", "notaccept"},
    {"doesn't receive email according to the administrator", "notaccept"},
    {"dns error: domain name not found", "hostunknown"},
    {"because the address couldn't be found. check for typos", "userunknown"},
    {"rejected due to spam classification", "spamdetected"},
    {"'send mail as'", "rejected"},
    {"customfromdenied", "rejected"},
};

// Gmail's "(state N)" names the SMTP stage that failed; the reason it implies (Sisimai facts).
struct StateReason {
    int state;
    std::string_view reason;
    bool weak;  // the remote reply's own wording is more precise when it says something
};
constexpr StateReason kStates[] = {
    {6, "systemerror", true},  {8, "systemerror", true}, {9, "systemerror", true}, {12, "norelaying", false},
    {13, "blocked", true},    {14, "userunknown", true}, {15, "filtered", false}, {18, "filtered", false},
};

int gmail_state(std::string_view diagnostic) {
    std::size_t at = text::ifind(diagnostic, "(state ");
    if (at == std::string_view::npos) return -1;
    std::string_view digits = diagnostic.substr(at + 7);
    int value = -1;
    std::from_chars(digits.data(), digits.data() + std::min<std::size_t>(digits.size(), 3), value);
    return value;
}

std::string_view classic_reason(std::string_view diagnostic, std::string_view human) {
    if (auto own = provider_reason(kGooglePhrases, {diagnostic, human}); !own.empty()) return own;
    int state = gmail_state(diagnostic);
    for (const auto& s : kStates) {
        if (s.state != state) continue;
        if (s.weak && !classify::reason_from_text(diagnostic).empty()) return {};
        return s.reason;
    }
    return {};
}

// "Delivery to the following recipient(s) ...:" then indented addresses up to a blank line.
std::vector<std::string> listed_recipients(std::string_view body, std::size_t heading) {
    std::vector<std::string> out;
    std::size_t eol = body.find('\n', heading);
    if (eol == std::string_view::npos) return out;
    bool started = false;
    for (auto line : text::split_lines(body.substr(eol + 1))) {
        std::string_view trimmed = text::trim(line);
        if (trimmed.empty()) {
            if (started) break;
            continue;
        }
        std::string addr = address::normalize(trimmed);
        if (addr.empty()) break;
        out.push_back(std::move(addr));
        started = true;
    }
    return out;
}

}  // namespace

bool google_groups_matches(const Message& message) {
    if (!from_google(message) || !message.headers.has("X-Failed-Recipients")) return false;
    std::string_view head = text_head(message);
    return text::icontains(head, "groups.google.com") || text::icontains(head, "google groups") ||
           text::icontains(head, "googlegroups.com");
}

std::vector<Finding> google_groups_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::string first = paragraph_after(body, "");
    auto findings = findings_for(failed_recipients_header(message), first);
    for (auto& f : findings) f.reason = "rejected";
    return findings;
}

bool google_workspace_matches(const Message& message) {
    if (!from_google(message)) return false;
    std::string_view head = text_head(message);
    return text::icontains(head, "** ") || text::icontains(head, "the response was:") ||
           text::icontains(head, "the response from the remote server was:") ||
           text::icontains(head, "wasn't delivered to");
}

std::vector<Finding> google_workspace_decode(const Message& message) {
    std::string_view human = message.human_text();
    std::string response = paragraph_after(human, "the response from the remote server was:");
    if (response.empty()) response = paragraph_after(human, "the response was:");
    std::string headline = paragraph_after(human, "** ");
    std::string_view explanation = human.substr(0, 2048);  // Google's sentences precede the returned copy

    std::vector<Finding> findings = decode_rfc3464(message);
    if (findings.empty()) findings = findings_for(failed_recipients_header(message), response.empty() ? headline : response);
    for (auto& f : findings) {
        if (f.diagnostic.empty()) {
            f.diagnostic = response.empty() ? headline : response;
            complete_from_diagnostic(f);
        }
        f.reason = std::string(provider_reason(kGooglePhrases, {f.diagnostic, explanation}));
        // Google retries an NXDOMAIN answer (4.0.0: a network problem); reported as permanent,
        // the domain does not exist.
        if (f.reason == "networkerror" && !f.status.empty() && f.status[0] == '5' &&
            text::icontains(f.diagnostic, "nxdomain"))
            f.reason = "hostunknown";
    }
    return findings;
}

bool gmail_matches(const Message& message) {
    return from_google(message) && text::icontains(text_head(message), "delivery to the following recipient");
}

std::vector<Finding> gmail_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::size_t heading = text::ifind(body, "delivery to the following recipient");
    if (heading == std::string_view::npos) return {};
    std::vector<std::string> recipients = listed_recipients(body, heading);
    if (recipients.empty()) recipients = failed_recipients_header(message);
    std::string_view heading_line = body.substr(heading, body.find('\n', heading) - heading);
    bool delayed = text::icontains(heading_line, "delayed");

    std::string details = paragraph_after(body, "technical details of ");
    if (std::size_t colon = details.find(':'); colon != std::string::npos && colon < 24)
        details = std::string(text::trim(std::string_view(details).substr(colon + 1)));
    std::size_t details_at = text::ifind(body, "technical details of ");
    std::string remote = details_at == std::string_view::npos
                             ? std::string{}
                             : paragraph_after(body.substr(details_at), "the error that the other server returned was:");
    std::string diagnostic = remote.empty() ? details : remote;

    auto findings = findings_for(recipients, diagnostic);
    for (auto& f : findings) {
        if (delayed) f.action = "delayed";
        f.reason = std::string(classic_reason(f.diagnostic, heading_line));
        // A delay notice without any reply: the message is still waiting in Google's queue.
        if (f.reason.empty() && delayed && f.diagnostic.empty()) f.reason = "expired";
    }
    return findings;
}

}  // namespace dsn::dialects
