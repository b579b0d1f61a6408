// Yahoo Mail's classic bounces (MAILER-DAEMON@yahoo.com, subject "Failure Notice", X-YMailISG):
// qmail layout: "Sorry, we were unable to deliver your message to the following address.",
// then "<a@b>:", "Remote host said:", the reply and a bracketed stage tag such as [RCPT_TO].
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// Yahoo's own sentences (no remote reply) and their reasons.
constexpr ProviderPhrase kYahooPhrases[] = {
    {"no mx record found for domain", "notaccept"},
};

std::string stage_tag(std::string_view line) {
    if (text::iequals(line, "[rcpt_to]")) return "RCPT";
    if (text::iequals(line, "[mail_from]")) return "MAIL";
    if (text::iequals(line, "[data]") || text::iequals(line, "[end_of_data]")) return "DATA";
    return {};
}

}  // namespace

bool yahoo_matches(const Message& message) {
    bool from_yahoo = (from_domain(message, "yahoo.com") || message.headers.has("X-YMailISG")) &&
                      from_system_account(message);
    return from_yahoo && text::icontains(text_head(message, 512), "unable to deliver your message");
}

std::vector<Finding> yahoo_decode(const Message& message) {
    std::string_view human = message.human_text();
    std::vector<Finding> findings;
    std::string diagnostic;
    auto finish = [&]() {
        if (findings.empty() || diagnostic.empty()) return;
        Finding& f = findings.back();
        std::string stage = f.smtp_command;
        f.diagnostic = text::squeeze_spaces(diagnostic);
        f.smtp_command.clear();
        complete_from_diagnostic(f);
        f.diagnostic = smtp::clean_diagnostic(f.diagnostic);
        if (!stage.empty()) f.smtp_command = stage;
        f.reason = std::string(provider_reason(kYahooPhrases, {f.diagnostic}));
        diagnostic.clear();
    };
    for (auto line : text::split_lines(human)) {
        std::string_view t = text::trim(line);
        if (t.size() > 2 && t.front() == '<' && t.back() == ':') {
            finish();
            Finding f;
            f.recipient = address::normalize(t.substr(0, t.size() - 1));
            if (!f.recipient.empty()) findings.push_back(std::move(f));
            continue;
        }
        if (findings.empty() || t.empty() || text::iequals(t, "remote host said:")) continue;
        if (std::string stage = stage_tag(t); !stage.empty()) {
            findings.back().smtp_command = stage;
            continue;
        }
        diagnostic.append(t).push_back(' ');
    }
    finish();
    return findings;
}

}  // namespace dsn::dialects
