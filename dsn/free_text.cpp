// The last resort for formats no dialect recognizes: RFC 3464 fields quoted as text, then
// "address: reason" paragraphs, then an address that stands next to an SMTP error code or a
// failure phrase of the reason tables. Only
// the text before the returned original is read, and only when the message comes from a
// mail system, so a person's mail that mentions an address and a number is not a bounce.
#include "dsn/address.hpp"
#include "dsn/classify.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/recipient_listing.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

#include <vector>

namespace dsn {
namespace {

constexpr std::size_t kMaxNoticeBytes = 256U << 10;

// Addresses that a bounce mentions but that never failed: the original sender (the bounce's own
// To, the returned message's From) and the mail system itself.
std::vector<std::string> sender_side_addresses(const Message& message) {
    std::vector<std::string> out;
    for (std::string_view value : {message.header("To"), message.header("From"), message.header("Return-Path"),
                                   message.returned_headers.get("From"), message.returned_headers.get("Return-Path"),
                                   message.returned_headers.get("Sender")})
        for (auto& addr : address::find_all(value)) out.push_back(std::move(addr));
    return out;
}

// The SMTP command a notice quotes next to the reply ("sent: RCPT TO:<a@b>", "after MAIL FROM"),
// when it quotes one; the stage decides between reasons such as userunknown and filtered.
void take_quoted_command(Finding& f) {
    if (!f.smtp_command.empty()) return;
    static constexpr std::pair<std::string_view, std::string_view> kQuoted[] = {
        {"rcpt to", "RCPT"}, {"mail from", "MAIL"}, {"end of data", "DATA"}};
    for (auto [quoted, command] : kQuoted) {
        if (text::icontains(f.diagnostic, quoted)) {
            f.smtp_command = std::string(command);
            return;
        }
    }
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
    for (const auto& item : list)
        if (item == value) return true;
    return false;
}

// A line "Name: value" whose name is a header field of a message (not "Reason: ..." prose).
bool is_message_header_line(std::string_view line) {
    static constexpr std::string_view kNames[] = {"from:", "to:", "cc:", "subject:", "date:", "message-id:",
                                                  "received:", "return-path:", "mime-version:", "content-type:",
                                                  "reply-to:", "sender:", "x-mailer:", "delivered-to:"};
    for (auto name : kNames)
        if (text::istarts_with(line, name)) return true;
    return false;
}

// The text before a copy of the original that a notice pasted without any marker: three header
// lines in a row start a message, and nothing from there on is the notice's own word.
std::string_view before_embedded_headers(std::string_view human) {
    std::size_t run = 0, run_start = 0, offset = 0;
    for (auto line : text::split_lines(human)) {
        if (is_message_header_line(line)) {
            if (run++ == 0) run_start = offset;
            if (run == 3) return human.substr(0, run_start);
        } else if (!(run > 0 && !line.empty() && (line[0] == ' ' || line[0] == '\t'))) {
            run = 0;
        }
        offset += line.size() + 1;
    }
    return human;
}

// A notice that names exactly one outside address and says in words what went wrong (no code at
// all: "reject reason: Mailbox full / target mail address: a@b"): that address failed.
std::vector<Finding> single_address_with_wording(std::string_view human, const std::vector<std::string>& not_recipients) {
    std::string candidate;
    // A notice of one address is short; a long text names many and is never this case.
    for (auto& addr : address::find_all(human.substr(0, 32U << 10))) {
        if (address::is_mailer_daemon(addr) || contains(not_recipients, addr)) continue;
        if (!candidate.empty() && candidate != addr) return {};  // several: no way to tell which failed
        candidate = addr;
    }
    if (candidate.empty()) return {};
    for (auto line : text::split_lines(human)) {
        std::string_view content = text::trim(line);
        if (classify::reason_from_text(content).empty()) continue;
        Finding f;
        f.recipient = candidate;
        f.diagnostic = text::squeeze_spaces(content);
        dialects::complete_from_diagnostic(f);
        take_quoted_command(f);
        return {std::move(f)};
    }
    return {};
}

// "<a@b>: reason" paragraphs (Postfix, Courier, qmail layouts) that carry a code or error wording.
std::vector<Finding> address_paragraphs_with_evidence(std::string_view human,
                                                      const std::vector<std::string>& not_recipients) {
    auto paragraphs = dialects::decode_address_paragraphs(human);
    // A paragraph without any code or error wording is a greeting, not a failure. (One pass:
    // erasing one by one was quadratic on a notice of a hundred thousand such lines.)
    std::erase_if(paragraphs, [&](const Finding& f) {
        return contains(not_recipients, f.recipient) ||
               (f.status.empty() && f.reply_code.empty() && classify::reason_from_text(f.diagnostic).empty());
    });
    if (paragraphs.size() > listing::kMaxRecipients) paragraphs.resize(listing::kMaxRecipients);
    return paragraphs;
}

// An address on the same line as, or the line before, an SMTP error or failure wording.
std::vector<Finding> addresses_next_to_errors(std::string_view human, const std::vector<std::string>& not_recipients) {
    std::vector<Finding> findings;
    auto lines = text::split_lines(human);
    for (std::size_t i = 0; i < lines.size() && findings.size() < listing::kMaxRecipients; ++i) {
        std::string addr = address::find_first(lines[i]);
        if (addr.empty() || address::is_mailer_daemon(addr) || contains(not_recipients, addr)) continue;
        // The explanation may stand on the line before ("reject reason: ..." / "address: ...").
        // (Not when that line names an address of its own: it belongs to another record.)
        std::string context = i > 0 && address::find_first(lines[i - 1]).empty()
                                  ? std::string(text::trim(lines[i - 1])) + " "
                                  : std::string{};
        context.append(lines[i]);
        if (i + 1 < lines.size()) {
            context.push_back(' ');
            context.append(text::trim(lines[i + 1]));
        }
        Finding f;
        f.recipient = addr;
        f.diagnostic = text::squeeze_spaces(context);
        dialects::complete_from_diagnostic(f);
        take_quoted_command(f);
        if (f.reply_code.empty() && f.status.empty() && classify::reason_from_text(f.diagnostic).empty()) continue;
        if (f.reply_code.size() == 3 && f.reply_code[0] == '2') continue;
        bool seen = false;
        for (const auto& other : findings) seen = seen || other.recipient == f.recipient;
        if (!seen) findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace

// A failure notice comes from a mail system, or is machine-generated with a failure subject or
// failure wording of its own. A person's mail titled "error" that quotes "<a@b>: 550 ..." is not a
// bounce, nor is a notice of success, a read receipt or an auto-reply.
bool looks_like_failure_notice(const Message& message) {
    // A person forwarding or answering mail ("Fwd: Undelivered Mail ...") quotes a bounce at most;
    // the words of the quote are not a notice of this message.
    static constexpr std::string_view kPersonalPrefixes[] = {"fwd:", "fw:", "re:", "aw:", "wg:", "tr:"};
    // Exchange and Outlook title their notices of success and of reading so.
    static constexpr std::string_view kNotFailureSubjects[] = {"relayed:", "delivered:", "read:", "not read:",
                                                               "gelesen:", "lu :", "lu:"};
    std::string_view subject = text::trim(message.subject);
    const bool from_mail_system = dialects::from_mailer_daemon(message);
    for (auto prefix : kPersonalPrefixes)
        if (text::istarts_with(subject, prefix) && !from_mail_system) return false;
    for (auto prefix : kNotFailureSubjects)
        if (text::istarts_with(subject, prefix)) return false;
    if (text::icontains(subject, "(success)") || text::icontains(subject, "(relay)") ||
        text::icontains(subject, "successful mail delivery"))
        return false;
    if (from_mail_system) return true;
    if (has_auto_reply_subject(message)) return false;
    std::string_view return_path = text::trim(message.header("Return-Path"));
    std::string envelope_sender = address::normalize(return_path);
    const bool machine_made = message.headers.has("Auto-Submitted") || message.headers.has("X-Failed-Recipients") ||
                              return_path == "<>" || message.content_type == "multipart/report" ||
                              (!envelope_sender.empty() && address::is_mailer_daemon(envelope_sender));
    static constexpr std::string_view kSubjects[] = {
        "undeliver", "delivery fail", "delivery status notification", "returned mail", "failure notice",
        "mail delivery", "non-delivery", "nondeliver", "delivery problem", "could not be delivered",
        "undelivered", "rejected", "bounce", "error", "failed", "returning message", "not delivered",
        "delivery notification", "warning: message", "delayed mail", "delivery failure", "unable to deliver",
        "user unknown", "unknown user", "virus", "delayed", "returned", "unzustellbar", "nicht zugestellt",
        "non remis", "non recapitabile", "no entregado", "onbestelbaar"};
    bool failure_subject = false;
    for (auto s : kSubjects)
        if (text::icontains(message.subject, s)) failure_subject = true;
    // Old gateways wrote notices from an administrator's own address with nothing machine-made
    // in the headers; their subject and their own opening wording together still say "bounce".
    const bool failure_wording = listing::has_failure_heading(message.text);
    return (machine_made && (failure_subject || failure_wording)) || (failure_subject && failure_wording);
}

std::vector<Finding> decode_free_text(const Message& message) {
    if (!looks_like_failure_notice(message)) return {};
    const auto not_recipients = sender_side_addresses(message);
    std::string unquoted = dialects::unquote(message.text);
    if (auto inline_fields = dialects::decode_inline_delivery_status(unquoted); !inline_fields.empty())
        return inline_fields;
    // The notice's own words are a few kilobytes; bounding them bounds every search below.
    std::string_view notice = dialects::before_returned_message(unquoted).substr(0, kMaxNoticeBytes);
    std::string_view human = before_embedded_headers(notice);
    std::vector<Finding> findings = address_paragraphs_with_evidence(human, not_recipients);
    if (findings.empty()) findings = addresses_next_to_errors(human, not_recipients);
    if (findings.empty()) findings = single_address_with_wording(human, not_recipients);
    // The recipients the notice lists under its own failure wording join those found beside codes
    // (a listed address often stands alone on its line, its explanation a paragraph away).
    auto listed_recipients = listing::find_listed_recipients(human, not_recipients);
    // Notices that quote the original's header lines at the left margin ahead of their list
    // ("Subject: ... / To: ... / Date: ...  was not delivered to: a@b"): header lines never
    // look like a listed recipient, so the list is read past them.
    if (listed_recipients.empty() && findings.empty() && human.size() < notice.size())
        listed_recipients = listing::find_listed_recipients(notice, not_recipients);
    for (auto& listed : listed_recipients) {
        if (findings.size() >= listing::kMaxRecipients) break;
        bool seen = false;
        for (auto& f : findings) {
            if (f.recipient != listed.recipient) continue;
            seen = true;
            // The list knows whether delivery is still being tried ("has been delayed"), unless
            // the reply itself was a permanent refusal.
            const bool permanent = smtp::status_class(f.status) == '5' || (!f.reply_code.empty() && f.reply_code[0] == '5');
            if (listed.action == "delayed" && !permanent) f.action = listed.action;
        }
        if (!seen) findings.push_back(std::move(listed));
    }
    // The MTA's own header (Exim and its descendants) when the words named nobody readable.
    if (findings.empty()) {
        for (auto& addr : dialects::failed_recipients_header(message)) {
            if (findings.size() >= listing::kMaxRecipients) break;
            if (address::is_mailer_daemon(addr) || contains(not_recipients, addr)) continue;
            Finding f;
            f.recipient = std::move(addr);
            f.diagnostic = std::string(text::trim(human.substr(0, 512)));
            f.diagnostic = text::squeeze_spaces(f.diagnostic);
            dialects::complete_from_diagnostic(f);
            findings.push_back(std::move(f));
        }
    }
    return findings;
}

}  // namespace dsn
