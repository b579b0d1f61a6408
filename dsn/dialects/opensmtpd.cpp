// OpenSMTPD: From "Mailer Daemon <MAILER-DAEMON@host>", subject "Delivery status notification:
// failed / error / delayed / warning", an indented greeting from "the MAILER-DAEMON, please DO NOT
// REPLY", then one unindented "address: reply or explanation" line per recipient and "Below is a
// copy of the original message:". Newer versions add an RFC 3464 part whose Status is only X.0.0.
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// OpenSMTPD's own explanations (the remote reply, when quoted, decides otherwise).
struct SmtpdMessage {
    std::string_view phrase;
    std::string_view reason;
};
constexpr SmtpdMessage kSmtpdMessages[] = {
    {"envelope expired", "expired"},
    {"network error on destination mxs", "networkerror"},
    {"no mx found for domain", "notaccept"},
    {"domain does not exist", "hostunknown"},
    {"loop detected", "networkerror"},
    {"invalid recipient", "userunknown"},
};

constexpr std::string_view kListIntro = "the following list of recipients:";

}  // namespace

bool opensmtpd_matches(const Message& message) {
    if (text::istarts_with(message.subject, "delivery status notification:") && from_mailer_daemon(message))
        return true;
    return text::icontains(text_head(message, 512), "this is the mailer-daemon, please do not reply");
}

std::vector<Finding> opensmtpd_decode(const Message& message) {
    std::string_view body = message.human_text();
    if (std::size_t intro = text::ifind(body, kListIntro); intro != std::string_view::npos)
        body = body.substr(intro + kListIntro.size());
    auto findings = decode_address_paragraphs(body);
    for (auto& f : findings) {
        if (!f.reply_code.empty()) continue;
        for (const auto& m : kSmtpdMessages) {
            if (text::icontains(f.diagnostic, m.phrase)) {
                f.reason = std::string(m.reason);
                if (m.reason == "expired") f.action = "delayed";
                break;
            }
        }
    }
    return findings;
}

}  // namespace dsn::dialects
