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

// The last ">>> COMMAND" before a "<<< 5xx" / "<<< 4xx" reply, and that reply.
void read_transcript(std::string_view transcript, Finding& f) {
    std::string last_command;
    for (auto line : text::split_lines(transcript)) {
        line = text::trim(line);
        if (text::istarts_with(line, ">>> ")) {
            std::string_view cmd = line.substr(4);
            cmd = cmd.substr(0, cmd.find_first_of(" :"));
            last_command = text::to_lower(cmd);
            for (auto& c : last_command) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
        } else if (text::istarts_with(line, "<<< ") && line.size() > 5 && (line[4] == '4' || line[4] == '5')) {
            if (f.diagnostic.empty()) f.diagnostic = std::string(line.substr(4));
            if (f.smtp_command.empty()) f.smtp_command = last_command;
        } else if (f.remote_mta.empty() && text::istarts_with(line, "... while talking to ")) {
            std::string_view host = line.substr(21);
            host = host.substr(0, host.find_first_of(" \t"));
            while (!host.empty() && (host.back() == ':' || host.back() == '.')) host.remove_suffix(1);
            f.remote_mta = text::to_lower(host);
        }
    }
}

}  // namespace

bool sendmail_matches(const Message& message) {
    if (text::istarts_with(message.subject, "returned mail:")) return true;
    return text::icontains(text_head(message, 1024), kFatalBanner);
}

std::vector<Finding> sendmail_decode(const Message& message) {
    std::string_view body = before_returned_message(message.text);
    std::size_t banner = text::ifind(body, kFatalBanner);
    if (banner == std::string_view::npos) return {};
    std::string_view after = body.substr(banner + kFatalBanner.size());
    std::size_t transcript_at = text::ifind(after, kTranscriptBanner);
    std::string_view list = after.substr(0, transcript_at);
    std::string_view transcript =
        transcript_at == std::string_view::npos ? std::string_view{} : after.substr(transcript_at);

    std::vector<Finding> findings;
    for (auto line : text::split_lines(list)) {
        std::string_view trimmed = text::trim(line);
        if (trimmed.empty()) continue;
        if (text::istarts_with(trimmed, "(reason:") && !findings.empty()) {
            std::string_view reason = trimmed.substr(8);
            if (!reason.empty() && reason.back() == ')') reason.remove_suffix(1);
            findings.back().diagnostic = smtp::clean_diagnostic(reason);
            continue;
        }
        if (trimmed.find('@') == std::string_view::npos || trimmed.front() == '-') continue;
        std::string addr = address::normalize(trimmed);
        if (addr.empty()) continue;
        Finding f;
        f.recipient = std::move(addr);
        findings.push_back(std::move(f));
    }
    for (auto& f : findings) {
        read_transcript(transcript, f);
        complete_from_diagnostic(f);
    }
    return findings;
}

}  // namespace dsn::dialects
