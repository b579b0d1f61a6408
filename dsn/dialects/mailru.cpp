// Mail.ru (mailer-daemon@corp.mail.ru): Exim wording, first in Russian, then repeated in English;
// X-Failed-Recipients names the recipients, each followed by Exim's stage line and the reply.
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// Exim's own sentences for routing failures (no remote reply at all).
constexpr ProviderPhrase kEximPhrases[] = {
    {"unrouteable address", "hostunknown"},
    {"all relevant mx records point to non-existent hosts", "hostunknown"},
};

}  // namespace

bool mailru_matches(const Message& message) {
    if (from_domain(message, "mail.ru") && from_system_account(message)) return true;
    return message.headers.has("X-Failed-Recipients") && text::icontains(text_head(message, 512), "mail.ru");
}

std::vector<Finding> mailru_decode(const Message& message) {
    std::string_view human = message.human_text();
    auto findings = decode_address_blocks(human, "");
    if (findings.empty()) findings = findings_for(failed_recipients_header(message), "");
    for (auto& f : findings)
        if (f.reason.empty()) f.reason = std::string(provider_reason(kEximPhrases, {f.diagnostic}));
    return findings;
}

}  // namespace dsn::dialects
