// Apache James: text "Error: <summary>", "Error message below:" with the remote reply, then
// "Message details:" listing the envelope ("MAIL FROM: ...", "RCPT TO: <addresses>").
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/phrase_reason.hpp"
#include "dsn/smtp_codes.hpp"

namespace dsn::dialects {

bool apachejames_matches(const Message& message) {
    std::string_view head = text_head(message, 1024);
    return text::icontains(head, "error message below:") && text::icontains(head, "message details:");
}

std::vector<Finding> apachejames_decode(const Message& message) {
    std::string_view text = message.text;
    std::string reply = text::squeeze_spaces(section_between(text, "error message below:", "message details:"));
    std::string_view details = section_between(text, "message details:", "");
    std::vector<Finding> findings;
    for (auto line : text::split_lines(details)) {
        std::string_view content = text::trim(line);
        if (!text::istarts_with(content, "rcpt to:")) continue;
        for (const auto& addr : address::find_all(content.substr(8))) {
            Finding f;
            f.recipient = addr;
            f.diagnostic = smtp::clean_diagnostic(reply);
            complete_from_diagnostic(f);
            findings.push_back(std::move(f));
        }
    }
    return findings;
}

}  // namespace dsn::dialects
