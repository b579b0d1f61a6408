// Sendmail (and V5 sendmail): "Returned mail: ...", a banner "----- The following addresses had
// permanent fatal errors -----" followed by the addresses, each optionally with "(reason: ...)",
// and a session transcript with ">>> COMMAND" / "<<< reply" lines.
#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

constexpr std::string_view kFatalBanner = "----- the following addresses had permanent fatal errors -----";
constexpr std::string_view kTranscriptBanner = "----- transcript of session follows -----";

// The last ">>> COMMAND" before a "<<< 5xx" / "<<< 4xx" reply, and that reply. A transcript
// without any "<<<" reply (local delivery: "mail.local: unknown user") is itself the diagnostic.
void read_transcript(std::string_view transcript, Finding& f) {
    std::string last_command;
    std::string local_lines;
    bool saw_reply = false;
    for (auto line : text::split_lines(transcript)) {
        line = text::trim(line);
        if (line.empty() || text::istarts_with(line, "-----")) continue;
        if (text::istarts_with(line, ">>> ")) {
            std::string_view cmd = line.substr(4);
            cmd = cmd.substr(0, cmd.find_first_of(" :"));
            last_command = std::string(cmd);
            for (auto& c : last_command) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
        } else if (text::istarts_with(line, "<<< ")) {
            if (line.size() > 5 && (line[4] == '4' || line[4] == '5')) {
                saw_reply = true;
                if (f.diagnostic.empty()) f.diagnostic = std::string(line.substr(4));
                if (f.smtp_command.empty()) f.smtp_command = last_command;
            }
        } else if (text::istarts_with(line, "... while talking to ")) {
            if (f.remote_mta.empty()) {
                std::string_view host = line.substr(21);
                host = host.substr(0, host.find_first_of(" \t"));
                while (!host.empty() && (host.back() == ':' || host.back() == '.')) host.remove_suffix(1);
                f.remote_mta = text::to_lower(host);
            }
        } else if (text::istarts_with(line, "reporting-mta:") || text::istarts_with(line, "final-recipient:")) {
            break;  // RFC 3464 fields written after the transcript (no MIME boundary)
        } else {
            if (!local_lines.empty()) local_lines.push_back(' ');
            local_lines.append(line);
        }
    }
    if (!saw_reply && last_command.empty() && f.diagnostic.empty() && !local_lines.empty()) {
        // No SMTP dialogue at all: a local delivery agent reported the failure.
        f.diagnostic = smtp::clean_diagnostic(local_lines);
        f.diagnostic_type = "local";
    }
}

}  // namespace

bool sendmail_matches(const Message& message) {
    if (text::istarts_with(message.subject, "returned mail:")) return true;
    return text::icontains(text_head(message, 1024), kFatalBanner);
}

std::vector<Finding> sendmail_decode(const Message& message) {
    std::string_view body = message.human_text();
    std::size_t banner = text::ifind(body, kFatalBanner);
    if (banner == std::string_view::npos) return {};
    std::string_view after = body.substr(banner + kFatalBanner.size());
    std::size_t transcript_at = text::ifind(after, kTranscriptBanner);
    std::string_view list = after.substr(0, transcript_at);
    std::string_view transcript =
        transcript_at == std::string_view::npos ? std::string_view{} : after.substr(transcript_at);

    std::vector<Finding> findings;
    bool last_was_address = false;
    for (auto line : text::split_lines(list)) {
        std::string_view trimmed = text::trim(line);
        if (trimmed.empty()) continue;
        if (text::istarts_with(trimmed, "(reason:")) {
            std::string_view reason = trimmed.substr(8);
            if (!reason.empty() && reason.back() == ')') reason.remove_suffix(1);
            // (Under a program or a file, the program's exit code says less than the transcript.)
            if (last_was_address) findings.back().diagnostic = smtp::clean_diagnostic(reason);
            continue;
        }
        // "(expanded from: <alias@list>)" names the address the sender wrote, which an alias
        // turned into the one above: that one failed, the alias did not (RFC 3464's
        // Final-Recipient versus Original-Recipient, in Sendmail's words). Only when the alias
        // became a program or a file ("|/usr/bin/procmail") is the alias the address that failed.
        if (text::istarts_with(trimmed, "(expanded from")) {
            if (!last_was_address) {
                if (std::string alias = address::normalize(trimmed); !alias.empty()) {
                    Finding f;
                    f.recipient = std::move(alias);
                    findings.push_back(std::move(f));
                    last_was_address = true;
                }
            }
            continue;
        }
        last_was_address = false;
        if (trimmed.find('@') == std::string_view::npos || trimmed.front() == '-' || trimmed.front() == '(') continue;
        std::string addr = address::normalize(trimmed);
        if (addr.empty()) continue;
        Finding f;
        f.recipient = std::move(addr);
        findings.push_back(std::move(f));
        last_was_address = true;
    }
    for (auto& f : findings) {
        read_transcript(transcript, f);
        complete_from_diagnostic(f);
    }
    return findings;
}

}  // namespace dsn::dialects
