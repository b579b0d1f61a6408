// The last resort for formats no dialect recognizes: RFC 3464 fields quoted as text, then
// "address: reason" paragraphs, then an address that stands next to an SMTP error code or a
// failure phrase of the reason tables. Only
// the text before the returned original is read, and only when the message comes from a
// mail system, so a person's mail that mentions an address and a number is not a bounce.
#include "dsn/address.hpp"
#include "dsn/classify.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn {
namespace {

bool looks_like_failure_notice(const Message& message) {
    static constexpr std::string_view kSubjects[] = {
        "undeliver", "delivery fail", "delivery status notification", "returned mail", "failure notice",
        "mail delivery", "non-delivery", "nondeliver", "delivery problem", "could not be delivered",
        "undelivered", "rejected", "bounce", "error", "failed", "returning message", "not delivered",
        "delivery notification", "warning: message", "delayed mail"};
    for (auto s : kSubjects)
        if (text::icontains(message.subject, s)) return true;
    return dialects::from_mailer_daemon(message);
}

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

bool contains(const std::vector<std::string>& list, const std::string& value) {
    for (const auto& item : list)
        if (item == value) return true;
    return false;
}

}  // namespace

std::vector<Finding> decode_free_text(const Message& message) {
    if (!looks_like_failure_notice(message)) return {};
    const auto not_recipients = sender_side_addresses(message);
    std::string unquoted = dialects::unquote(message.text);
    if (auto inline_fields = dialects::decode_inline_delivery_status(unquoted); !inline_fields.empty())
        return inline_fields;
    std::string_view human = dialects::before_returned_message(unquoted);
    if (auto paragraphs = dialects::decode_address_paragraphs(human); !paragraphs.empty()) {
        for (auto it = paragraphs.begin(); it != paragraphs.end();) {
            // A paragraph without any code or error wording is a greeting, not a failure.
            bool has_evidence = !contains(not_recipients, it->recipient) && (!it->status.empty() || !it->reply_code.empty() ||
                                !classify::reason_from_text(it->diagnostic).empty());
            it = has_evidence ? it + 1 : paragraphs.erase(it);
        }
        if (!paragraphs.empty()) return paragraphs;
    }
    // An address on the same line as, or the line before, an SMTP error.
    std::vector<Finding> findings;
    auto lines = text::split_lines(human);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string addr = address::find_first(lines[i]);
        if (addr.empty() || address::is_mailer_daemon(addr) || contains(not_recipients, addr)) continue;
        std::string context(lines[i]);
        if (i + 1 < lines.size()) {
            context.push_back(' ');
            context.append(text::trim(lines[i + 1]));
        }
        Finding f;
        f.recipient = addr;
        f.diagnostic = text::squeeze_spaces(context);
        dialects::complete_from_diagnostic(f);
        if (f.reply_code.empty() && f.status.empty() && classify::reason_from_text(f.diagnostic).empty()) continue;
        if (f.reply_code.size() == 3 && f.reply_code[0] == '2') continue;
        bool seen = false;
        for (const auto& other : findings) seen = seen || other.recipient == f.recipient;
        if (!seen) findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn
