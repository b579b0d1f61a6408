// GMX / mail.com and 1&1 IONOS (mailer-daemon@mail.gmx.com, @kundenserver.de): Exim's opening
// sentence, then per address '"a@b":' or 'a@b' with "SMTP error from remote server after RCPT
// command:", "host: name" and the reply (1&1: "For the following reason:"), and only the header
// of the original after "--- The header of the original message is following. ---".
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {

bool united_internet_matches(const Message& message) {
    if (!from_system_account(message)) return false;
    std::string_view head = text_head(message, 2048);
    // Only these two providers announce "the header of the original message" in Exim's wording.
    if (text::icontains(head, "the header of the original message is following") &&
        text::icontains(head, "could not be delivered"))
        return true;
    if (!(from_domain(message, "gmx.com") || from_domain(message, "gmx.net") || from_domain(message, "gmx.de") ||
          from_domain(message, "kundenserver.de") || from_domain(message, "mail.com") ||
          from_domain(message, "web.de") || from_domain(message, "ionos.com")))
        return false;
    return text::icontains(text_head(message, 1024), "could not be delivered");
}

std::vector<Finding> united_internet_decode(const Message& message) {
    std::string_view human = message.human_text();
    auto findings = decode_address_blocks(human, "failed:");
    if (findings.empty()) findings = decode_address_blocks(human, "");
    return findings;
}

}  // namespace dsn::dialects
