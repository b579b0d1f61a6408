// MailMarshal SMTP (Trustwave/Marshal): subject "Undeliverable Mail: <subject>", text "Your message:
// From/Subject ... Could not be delivered because of <reply>", "The following recipients were
// affected:" with indented addresses, then "Additional Information" fields.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"
#include "dsn/smtp_codes.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kAffected = "the following recipients were affected:";

}  // namespace

bool mailmarshal_matches(const Message& message) {
    std::string_view head = text_head(message, 1024);
    return text::icontains(head, "could not be delivered because of") && text::icontains(head, kAffected);
}

std::vector<Finding> mailmarshal_decode(const Message& message) {
    std::string_view text = message.text;
    std::string reply = text::squeeze_spaces(section_between(text, "could not be delivered because of", kAffected));
    std::string_view affected = section_between(text, kAffected, "additional information");
    std::vector<Finding> findings;
    for (auto line : text::split_lines(affected)) {
        std::string_view content = text::trim(line);
        if (content.empty() || content.find(' ') != std::string_view::npos) continue;
        Finding f;
        f.recipient = address::normalize(content);
        if (f.recipient.empty()) continue;
        f.diagnostic = smtp::clean_diagnostic(reply);
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
