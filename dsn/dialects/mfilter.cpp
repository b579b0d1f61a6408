// m-FILTER (Digital Arts): `X-Mailer: m-FILTER`, subject "failure notice", Japanese text, the
// failed addresses, then "-------server message" (the remote reply), "-------SMTP command" (the
// stage) and "-------original message" / "-------original mail info".
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"
#include "dsn/smtp_codes.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kServerMessage = "-------server message";
constexpr std::string_view kCommand = "-------smtp command";

}  // namespace

bool mfilter_matches(const Message& message) {
    return text::istarts_with(text::trim(message.header("X-Mailer")), "m-filter");
}

std::vector<Finding> mfilter_decode(const Message& message) {
    std::string_view text = message.text;
    std::size_t server = text::ifind(text, kServerMessage);
    if (server == std::string_view::npos) return {};
    std::string reply = text::squeeze_spaces(section_between(text, kServerMessage, "-------"));
    std::string_view command = text::trim(section_between(text, kCommand, "-------"));
    command = command.substr(0, command.find_first_of(" \n"));
    std::vector<Finding> findings;
    for (auto line : text::split_lines(text.substr(0, server))) {
        std::string_view content = text::trim(line);
        if (content.empty() || content.find(' ') != std::string_view::npos) continue;
        Finding f;
        f.recipient = address::normalize(content);
        if (f.recipient.empty()) continue;
        f.diagnostic = smtp::clean_diagnostic(reply);
        for (std::string_view known : {"MAIL", "RCPT", "DATA", "CONN", "EHLO", "HELO"})
            if (text::iequals(command, known)) f.smtp_command = std::string(known);
        complete_from_diagnostic(f);
        findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace dsn::dialects
