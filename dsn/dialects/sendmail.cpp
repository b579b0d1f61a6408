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

// "<<< 550-5.7.1 ..." goes on on the next "<<< " line; "<<< 550 5.7.1 ..." ends the reply.
bool reply_goes_on(std::string_view reply) {
    return reply.size() >= 4 && text::is_digit(reply[0]) && text::is_digit(reply[1]) && text::is_digit(reply[2]) &&
           reply[3] == '-';
}

// The remote server's 4xx/5xx replies in a transcript, each with its lines joined, and the last
// ">>> COMMAND" before it.
struct TranscriptReply {
    std::string text;
    std::string command;
};

// A session transcript holds a reply or two per host; more than this many is no real one, and every
// address the notice lists is compared with each kept reply.
constexpr std::size_t kMaxTranscriptReplies = 64;

struct Transcript {
    std::vector<TranscriptReply> replies;
    std::string last_command;
    std::string remote_mta;
    std::string local_lines;  // text that is neither dialogue nor banner (a local delivery agent's words)
};

Transcript read_transcript(std::string_view text_block) {
    Transcript t;
    std::string joining;  // a multi-line reply not yet ended
    // Ends the reply being joined; false once enough replies are kept.
    const auto keep_reply = [&t, &joining] {
        t.replies.push_back({smtp::clean_diagnostic(joining), t.last_command});
        joining.clear();
        return t.replies.size() < kMaxTranscriptReplies;
    };
    for (auto line : text::split_lines(text_block)) {
        line = text::trim(line);
        if (line.empty() || text::istarts_with(line, "-----")) continue;
        if (text::istarts_with(line, "<<< ")) {
            std::string_view reply = line.substr(4);
            if (joining.empty() && !(reply.size() > 1 && (reply[0] == '4' || reply[0] == '5'))) continue;
            if (!joining.empty()) joining.push_back(' ');
            joining.append(reply);
            if (!reply_goes_on(reply) && !keep_reply()) break;
            continue;
        }
        if (!joining.empty() && !keep_reply()) break;  // a reply cut short: keep what came
        if (text::istarts_with(line, ">>> ")) {
            std::string_view cmd = line.substr(4);
            cmd = cmd.substr(0, cmd.find_first_of(" :"));
            t.last_command = std::string(cmd);
            for (auto& c : t.last_command) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
        } else if (text::istarts_with(line, "... while talking to ")) {
            if (t.remote_mta.empty()) {
                std::string_view host = line.substr(21);
                host = host.substr(0, host.find_first_of(" \t"));
                while (!host.empty() && (host.back() == ':' || host.back() == '.')) host.remove_suffix(1);
                t.remote_mta = text::to_lower(host);
            }
        } else if (text::istarts_with(line, "reporting-mta:") || text::istarts_with(line, "final-recipient:")) {
            break;  // RFC 3464 fields written after the transcript (no MIME boundary)
        } else {
            if (!t.local_lines.empty()) t.local_lines.push_back(' ');
            t.local_lines.append(line);
        }
    }
    if (!joining.empty()) keep_reply();
    return t;
}

// The transcript's first reply is the diagnostic when the address list gave none. When the list's
// "(reason: ...)" is only the first line of a multi-line reply, the transcript has the whole of it.
// A transcript without any "<<<" reply (local delivery: "mail.local: unknown user") is itself the
// diagnostic.
void apply_transcript(const Transcript& t, Finding& f) {
    if (!t.replies.empty()) {
        if (f.diagnostic.empty()) f.diagnostic = t.replies.front().text;
        for (const auto& reply : t.replies)
            if (smtp::continues_reply(f.diagnostic, reply.text)) f.diagnostic = reply.text;
        if (f.smtp_command.empty()) f.smtp_command = t.replies.front().command;
    }
    if (f.remote_mta.empty()) f.remote_mta = t.remote_mta;
    if (t.replies.empty() && t.last_command.empty() && f.diagnostic.empty() && !t.local_lines.empty()) {
        // No SMTP dialogue at all: a local delivery agent reported the failure.
        f.diagnostic = smtp::clean_diagnostic(t.local_lines);
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
    const Transcript dialogue = read_transcript(transcript);
    for (auto& f : findings) {
        apply_transcript(dialogue, f);
        complete_from_diagnostic(f);
    }
    return findings;
}

}  // namespace dsn::dialects
