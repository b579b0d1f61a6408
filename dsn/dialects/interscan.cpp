// Trend Micro InterScan Messaging Security Suite: sender name "InterScan MSS" / "InterScan
// Notification", a transcript of "Sent <<< RCPT TO:<address>" and "Received >>> <reply>" lines, or
// the sentence "Unable to deliver message to <address> (and other recipients in the same
// domain)." which InterScan writes when the recipient was refused.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {

bool interscan_matches(const Message& message) {
    if (text::icontains(message.from, "interscan")) return true;
    return text::icontains(text_head(message, 512), "message from interscan messaging security suite");
}

std::vector<Finding> interscan_decode(const Message& message) {
    std::vector<Finding> findings;
    std::string command;
    for (auto line : text::split_lines(message.human_text())) {
        std::string_view content = text::trim(line);
        if (text::istarts_with(content, "sent <<< ")) {
            std::string_view sent = content.substr(9);
            command = text::istarts_with(sent, "rcpt") ? "RCPT" : text::istarts_with(sent, "mail") ? "MAIL"
                      : text::istarts_with(sent, "data") ? "DATA" : "";
            if (command == "RCPT") {
                Finding f;
                f.recipient = address::find_first(sent);
                f.smtp_command = command;
                if (!f.recipient.empty()) findings.push_back(std::move(f));
            }
        } else if (text::istarts_with(content, "received >>> ") && !findings.empty() &&
                   findings.back().diagnostic.empty()) {
            Finding& f = findings.back();
            f.diagnostic = smtp::clean_diagnostic(content.substr(13));
            if (!command.empty()) f.smtp_command = command;
            complete_from_diagnostic(f);
        } else if (text::istarts_with(content, "unable to deliver message to ")) {
            Finding f;
            f.recipient = address::find_first(content);
            f.diagnostic = std::string(content);
            f.reason = "userunknown";
            if (!f.recipient.empty()) findings.push_back(std::move(f));
        }
    }
    // A transcript line without a reply is no evidence of a failure.
    std::erase_if(findings, [](const Finding& f) { return f.diagnostic.empty(); });
    return findings;
}

}  // namespace dsn::dialects
