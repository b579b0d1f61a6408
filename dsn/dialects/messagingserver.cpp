// Oracle (Sun, iPlanet) Communications Messaging Server: boundaries "Boundary_(ID_...)", text "This
// report relates to a message you sent with the following header fields:", then per recipient
// "Recipient address:", "Reason:", "Diagnostic code:" and "Remote system:" lines; the RFC 3464
// part repeats the reason as a comment after the Status code. Its reason sentences say at which
// stage the remote server refused.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// Messaging Server's reason sentences and the SMTP command each one implies.
struct StageSentence {
    std::string_view sentence;
    std::string_view command;
};
constexpr StageSentence kStages[] = {
    {"remote smtp server has rejected address", "RCPT"},
    {"remote smtp server has rejected the message", "DATA"},
};

}  // namespace

bool messagingserver_matches(const Message& message) {
    return text::icontains(text_head(message, 512), "this report relates to a message you sent with the following header");
}

std::vector<Finding> messagingserver_decode(const Message& message) {
    std::vector<Finding> findings;
    for (auto line : text::split_lines(message.human_text())) {
        std::string_view content = text::trim(line);
        if (text::istarts_with(content, "recipient address:")) {
            Finding f;
            f.recipient = address::normalize(content.substr(18));
            if (!f.recipient.empty()) findings.push_back(std::move(f));
        } else if (findings.empty()) {
            continue;
        } else if (text::istarts_with(content, "reason:")) {
            for (const auto& stage : kStages)
                if (text::icontains(content, stage.sentence)) findings.back().smtp_command = std::string(stage.command);
        } else if (text::istarts_with(content, "diagnostic code:")) {
            Finding& f = findings.back();
            f.diagnostic = smtp::clean_diagnostic(content.substr(16));
            complete_from_diagnostic(f);
            // The stage only disambiguates a vague code; a specific one ("5.2.1") speaks for itself.
            if (f.status.size() >= 5 && f.status.substr(1, 4) != ".0.0") f.smtp_command.clear();
        } else if (text::istarts_with(content, "remote system:")) {
            std::string_view system = text::trim(content.substr(14));
            if (std::size_t semi = system.find(';'); semi != std::string_view::npos) system = system.substr(semi + 1);
            findings.back().remote_mta = text::to_lower(system.substr(0, system.find_first_of(" (")));
        }
    }
    return findings;
}

}  // namespace dsn::dialects
