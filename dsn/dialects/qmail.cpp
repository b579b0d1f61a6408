// qmail (and qmail-ldap, netqmail): from MAILER-DAEMON, subject "failure notice", a greeting from
// "the qmail-send program at <host>", then one paragraph per recipient opening with "<address>:"
// and qmail's own explanation ("Connected to <ip> but sender was rejected.", "<ip> does not like
// recipient.") with the remote reply after "Remote host said:" and qmail's code as "(#5.1.1)".
// The original follows "--- Below this line is a copy of the message." (or "Enclosed is").
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// qmail-send's own sentences: which SMTP stage failed, and what a sentence alone means.
struct QmailMessage {
    std::string_view phrase;
    std::string_view command;  // the stage the sentence names, or empty
    std::string_view reason;   // the reason the sentence decides, or empty (the remote reply decides)
};
constexpr QmailMessage kQmailMessages[] = {
    {"but sender was rejected", "MAIL", "rejected"},
    {"but my name was rejected", "HELO", "blocked"},
    {"does not like recipient", "RCPT", ""},
    {"most progress was rcpt to response", "RCPT", ""},
    {"failed after i sent the message", "DATA", ""},
    {"failed on data command", "DATA", ""},
    {"no mailbox here by that name", "", "userunknown"},
    {"couldn't find any host named", "", "hostunknown"},
    {"couldn't find any host by that name", "", "hostunknown"},
    {"couldn't find a mail exchanger or ip address", "", "notaccept"},
    {"wasn't able to establish an smtp connection", "CONN", "networkerror"},
    {"unable to contact ldap server", "", "systemerror"},
    {"ldap attribute", "", "systemerror"},
    {"mailbox has exceeded quota", "", "mailboxfull"},
    {"mailfolder is over the allowed quota", "", "mailboxfull"},
    {"i don't accept messages larger than", "", "mesgtoobig"},
    {"message is looping", "", "networkerror"},
};

bool is_recipient_line(std::string_view line) {
    line = text::trim(line);
    return line.size() > 4 && line.front() == '<' && line.back() == ':' && line[line.size() - 2] == '>' &&
           line.find('@') != std::string_view::npos;
}

}  // namespace

bool qmail_matches(const Message& message) {
    std::string_view head = text_head(message, 1024);
    return text::icontains(head, "this is the qmail-send program") ||
           text::icontains(head, "i'm afraid i wasn't able to deliver your message") ||
           (text::iequals(text::trim(message.subject), "failure notice") && from_mailer_daemon(message) &&
            text::icontains(head, "<"));
}

std::vector<Finding> qmail_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::vector<Finding> findings;
    std::string diagnostic;
    auto flush = [&] {
        if (findings.empty()) return;
        Finding& f = findings.back();
        std::string_view d = diagnostic;
        for (const auto& m : kQmailMessages) {
            if (!text::icontains(d, m.phrase)) continue;
            if (f.smtp_command.empty()) f.smtp_command = std::string(m.command);
            if (f.reason.empty()) f.reason = std::string(m.reason);
        }
        // "Remote host said: 550 ..." is the reply; qmail's sentence around it is context.
        f.diagnostic = smtp::clean_diagnostic(diagnostic);
        if (std::size_t said = text::ifind(d, "remote host said:"); said != std::string_view::npos) {
            Finding reply;
            reply.diagnostic = smtp::clean_diagnostic(d.substr(said + 17));
            complete_from_diagnostic(reply);
            f.status = reply.status;
            f.reply_code = reply.reply_code;
        }
        complete_from_diagnostic(f);
        diagnostic.clear();
    };
    for (auto line : text::split_lines(body)) {
        if (is_recipient_line(line)) {
            flush();
            Finding f;
            f.recipient = address::normalize(text::trim(line));
            findings.push_back(std::move(f));
            continue;
        }
        if (findings.empty()) continue;
        std::string_view content = text::trim(line);
        if (content.empty()) continue;
        if (text::istarts_with(content, "---")) break;
        if (!diagnostic.empty()) diagnostic.push_back(' ');
        diagnostic.append(content);
    }
    flush();
    return findings;
}

}  // namespace dsn::dialects
