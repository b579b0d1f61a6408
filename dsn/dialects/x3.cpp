// "X3" (an unidentified gateway in the Sisimai samples): subject "Delivery status notification",
// a banner "This is an automatically generated Delivery Status Notification.", recipients as
// "   * <address>" after "...to the following recipients failed permanently:", then "Technical
// details:" with lines "SMTP:<COMMAND> host <ip>: <reply>".
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {

bool x3_matches(const Message& message) {
    return text::icontains(text_head(message, 512), "this is an automatically generated delivery status notification");
}

std::vector<Finding> x3_decode(const Message& message) {
    std::vector<Finding> findings;
    std::string reply, command;
    for (auto line : text::split_lines(message.human_text())) {
        std::string_view content = text::trim(line);
        if (content.size() > 2 && content[0] == '*' && content[1] == ' ') {
            Finding f;
            f.recipient = address::normalize(content.substr(2));
            if (!f.recipient.empty()) findings.push_back(std::move(f));
        } else if (text::istarts_with(content, "smtp:") && reply.empty()) {
            std::string_view rest = content.substr(5);
            command = std::string(rest.substr(0, rest.find(' ')));
            std::size_t colon = rest.find(": ");
            reply = colon == std::string_view::npos ? std::string(rest) : std::string(rest.substr(colon + 2));
        }
    }
    for (auto& f : findings) {
        f.diagnostic = smtp::clean_diagnostic(reply);
        for (std::string_view known : {"MAIL", "RCPT", "DATA", "CONN", "EHLO", "HELO"})
            if (text::iequals(command, known)) f.smtp_command = std::string(known);
        complete_from_diagnostic(f);
    }
    return findings;
}

}  // namespace dsn::dialects
