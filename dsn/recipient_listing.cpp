#include "dsn/recipient_listing.hpp"

#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

#include <algorithm>
#include <span>

namespace dsn::listing {
namespace {

// Work stays bounded on hostile input: a notice's own words are a few dozen short lines.
constexpr std::size_t kMaxLines = 4000;
constexpr std::size_t kMaxLineBytes = 1024;
constexpr std::size_t kHeadingReach = 60;       // lines after a heading that may still list recipients
constexpr std::size_t kHeadingSearchLines = 80; // where has_failure_heading looks
constexpr std::size_t kMaxDiagnosticBytes = 600;
constexpr std::size_t kLaterLinesForDiagnostic = 6;

// Lines that say delivery is still being tried. Checked before the failure wording, because
// "has not yet been delivered to" also says "delivered to". Wording of: Exim's delay warning
// ("has not yet been delivered to one or more of its recipients"), Sendmail ("The following
// addresses had transient non-fatal errors", "Warning: could not send message for past 4 hours"),
// Gmail ("Delivery to the following recipient has been delayed", "THIS IS A WARNING MESSAGE ONLY"),
// Postfix ("It will be retried until it is 5 days old"), Exchange ("Delivery is delayed").
constexpr std::string_view kDelayWording[] = {
    "has been delayed",         "have been delayed",      "not yet been delivered", "transient non-fatal",
    "delivery is delayed",      "warning message only",   "warning only",   "will be retried",        "delivery attempts will continue",
    "will continue to try",     "will keep trying",       "could not send message for past",
};

// Lines that report success or a reading, never a failure (Exchange "Relayed:" notices, Postfix
// success DSNs, read receipts). They end any list a failure heading opened.
constexpr std::string_view kSuccessWording[] = {
    "successfully",         "was delivered to", "were delivered to", "has been delivered to",
    "have been delivered to", "is complete",    "delivered to mailbox", "was read",
    "was displayed",
};

// Lines that open a list of failed recipients (or name one). Wording of: Sendmail ("The following
// addresses had permanent fatal errors"), Exim ("could not be delivered to one or more of its
// recipients", "The following address(es) failed"), qmail ("I wasn't able to deliver your message
// to the following addresses"), Postfix and Courier ("could not be delivered to one or more
// destinations"), Smail ("Failed addresses follow"), MMDF and PMDF / Sun / Netscape Messaging
// Server ("Your message cannot be delivered to the following recipients", "Recipient address:"),
// Exchange 5.5 to 2003 and hMailServer/Kerio ("The following recipient(s) could not be reached",
// "did not reach the following recipient(s)"), Exchange 2007+ ("Delivery has failed to these
// recipients or groups"), IIS SMTP and Hotmail ("Delivery to the following recipients failed",
// "Unable to deliver message to the following recipients"), Gmail ("Delivery to the following
// recipient failed permanently"), Yahoo ("we were unable to deliver your message to the following
// address"), Domino ("was not delivered to:"), GroupWise ("was undeliverable"), CommuniGate Pro
// ("Failed to deliver to"), IceWarp/Merak and MDaemon ("delivery has failed", "YOUR MESSAGE WAS
// NOT DELIVERED TO ONE OR MORE RECIPIENTS"), Amavis ("... to the following recipient(s): -> a@b").
constexpr std::string_view kFailureWording[] = {
    "could not be delivered", "cannot be delivered",    "can't be delivered",   "could not deliver",
    "unable to deliver",      "able to deliver",        "not be delivered to",  "could not be reached",
    "did not reach",          "was not delivered",      "were not delivered",   "not delivered to",
    "delivery to the following", "delivery has failed", "delivery failed",      "failed to deliver",
    "address(es) failed",     "addresses failed",       "permanent fatal",      "failed addresses",
    "failed recipient",       "undeliverable to",       "was undeliverable",    "is undeliverable",
    "were undeliverable",     "recipient address:",     "did not receive",        "was rejected by",      "were rejected",
    "permanent error",        "delivery failure",       "failure reasons",      "delivery problems",
    // The same notices as localized by Exchange, Domino, Postfix and hosting providers.
    "nicht zugestellt",       "unzustellbar",           "zustellung fehlgeschlagen", "pas pu être remis",
    "pu être remis",          "non remis",              "échec de la remise",   "no se pudo entregar",
    "no pudo ser entregado",  "non è stato possibile consegnare", "impossibile recapitare",
    "niet worden bezorgd",    "onbestelbaar",           "não pôde ser entregue", "não foi possível entregar",
};

// Lines that introduce a list without saying failure themselves ("Each of the following recipients
// was rejected", Amavis "to the following recipient(s):"): a heading only in a notice that is
// already known to be one, and never beside success wording.
constexpr std::string_view kListWording[] = {"following recipient", "following address", "following destination",
                                             "folgende empfänger",   "folgenden empfänger", "destinataires suivants",
                                             "siguientes destinatarios", "destinatari seguenti"};

// Words before an address that still make its line an address line: "-> a@b" (Amavis),
// "Recipient address: a@b" (PMDF/Sun), "Failed recipient: a@b".
constexpr std::string_view kAddressLinePrefixes[] = {"->", "-", "*", "recipient address:", "recipient:",
                                                     "failed recipient:", "address:", "rcpt to:"};

enum class Cue { none, failed, delayed, success };

bool contains_any(std::string_view lower, std::span<const std::string_view> phrases) {
    return std::any_of(phrases.begin(), phrases.end(),
                       [&](std::string_view p) { return lower.find(p) != std::string_view::npos; });
}

Cue cue_of(std::string_view lower) {
    if (contains_any(lower, kDelayWording)) return Cue::delayed;
    // "unable to connect successfully": failure wording outweighs a success word on its line.
    if (contains_any(lower, kFailureWording)) return Cue::failed;
    if (contains_any(lower, kSuccessWording)) return Cue::success;
    if (contains_any(lower, kListWording)) return Cue::failed;
    return Cue::none;
}

std::string_view clip(std::string_view line) { return line.substr(0, kMaxLineBytes); }

void lower_into(std::string_view line, std::string& out) {
    out.assign(line);
    for (auto& c : out) c = text::lower(c);
}

std::size_t indent_of(std::string_view line) {
    std::size_t n = 0;
    while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
    return n;
}

bool is_excluded(const std::string& addr, const std::vector<std::string>& not_recipients) {
    return address::is_mailer_daemon(addr) ||
           std::find(not_recipients.begin(), not_recipients.end(), addr) != not_recipients.end();
}

// The address a line begins with, after list marks and labels ("<a@b>:", "a@b on <date>",
// "-> a@b", "Recipient address: a@b"); empty for prose that merely mentions an address.
std::string leading_address(std::string_view line) {
    std::string_view rest = text::trim(line);
    for (auto prefix : kAddressLinePrefixes) {
        if (text::istarts_with(rest, prefix)) {
            rest = text::trim(rest.substr(prefix.size()));
            break;
        }
    }
    std::size_t at = rest.find('@');
    if (at == std::string_view::npos) return {};
    std::string addr = address::find_first(rest);
    if (addr.empty()) return {};
    std::size_t pos = text::ifind(rest, addr);
    if (pos == std::string_view::npos) return {};
    if (pos <= 2) return addr;
    // "Ann Lee <ann@example.org>", "Ann Lee (ann@example.org):": a display name, then the address
    // in brackets ending the line.
    const char opener = rest[pos - 1];
    std::string_view after = rest.substr(pos + addr.size());
    while (!after.empty() && std::string_view(")>:'\". ").find(after.front()) != std::string_view::npos)
        after.remove_prefix(1);
    // A name is words: "(expanded from: <alias@list>)" or "Reason: <a@b>" is an explanation.
    std::string_view name = rest.substr(0, pos - 1);
    const bool name_like = std::all_of(name.begin(), name.end(), [](char c) {
        return text::is_alpha(c) || c == ' ' || c == '.' || c == '-' || c == '\'' || c == '"' || c == ',' ||
               static_cast<unsigned char>(c) >= 0x80;
    });
    const bool display_name = (opener == '<' || opener == '(') && after.empty() && pos <= 48 && name_like;
    return display_name ? addr : std::string{};
}

// The findings of one notice, each recipient once, at most kMaxRecipients of them. Positions
// (not pointers) name a finding, so growing the list invalidates nothing.
class Collector {
public:
    static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

    explicit Collector(const std::vector<std::string>& not_recipients) : not_recipients_(not_recipients) {}

    // The position of the finding for `addr` (added when new), or kNone for the sender side,
    // the mail system's own addresses, and anything past the cap.
    std::size_t take(const std::string& addr, Cue cue) {
        if (addr.empty() || is_excluded(addr, not_recipients_)) return kNone;
        for (std::size_t k = 0; k < findings_.size(); ++k)
            if (findings_[k].recipient == addr) return k;
        if (findings_.size() >= kMaxRecipients) return kNone;
        Finding f;
        f.recipient = addr;
        f.action = cue == Cue::delayed ? "delayed" : "failed";
        findings_.push_back(std::move(f));
        borrowed_.push_back(false);
        return findings_.size() - 1;
    }

    void append(std::size_t k, std::string_view words) {
        Finding& f = findings_[k];
        words = text::trim(words);
        if (words.empty() || f.diagnostic.size() >= kMaxDiagnosticBytes) return;
        if (!f.diagnostic.empty()) f.diagnostic.push_back(' ');
        f.diagnostic.append(words.substr(0, kMaxDiagnosticBytes - std::min(f.diagnostic.size(), kMaxDiagnosticBytes)));
    }

    // Explanation in a paragraph after the list ("because: ...", "Technical details of permanent
    // failure: ...") belongs to every recipient the list named without any words of its own.
    void explain_bare(std::string_view words) {
        for (std::size_t k = 0; k < findings_.size(); ++k) {
            if (!findings_[k].diagnostic.empty() && !borrowed_[k]) continue;
            borrowed_[k] = true;
            append(k, words);
        }
    }

    std::vector<Finding>& findings() { return findings_; }

private:
    const std::vector<std::string>& not_recipients_;
    std::vector<Finding> findings_;
    std::vector<bool> borrowed_;  // the diagnostic came from explain_bare
};

// "RCPT To:<a@b>" in a quoted SMTP dialogue, answered on the same or one of the next two lines.
// Returns the reply line when the answer was a 4xx/5xx refusal.
std::string_view refusal_after_rcpt(const std::vector<std::string_view>& lines, std::size_t i, std::size_t rcpt_at,
                                    std::string& addr) {
    std::string_view line = clip(lines[i]);
    std::string_view after = line.substr(rcpt_at + 8);
    addr = address::find_first(after.substr(0, std::min<std::size_t>(after.size(), 330)));
    if (addr.empty()) return {};
    std::size_t end_of_addr = text::ifind(after, addr);
    std::string_view same_line = end_of_addr == std::string_view::npos ? std::string_view{} : after.substr(end_of_addr + addr.size());
    if (std::string code = smtp::find_reply_code(same_line); !code.empty()) return code[0] == '2' ? std::string_view{} : line;
    for (std::size_t k = i + 1; k < lines.size() && k <= i + 2; ++k) {
        std::string_view next = clip(lines[k]);
        if (text::icontains(next, "rcpt to:") || text::icontains(next, "mail from:")) return {};
        std::string code = smtp::find_reply_code(next);
        if (code.empty()) continue;
        return code[0] == '2' ? std::string_view{} : next;
    }
    return {};
}

}  // namespace

bool has_failure_heading(std::string_view t) {
    std::string lower;
    std::size_t n = 0;
    for (auto line : text::split_lines(t.substr(0, kHeadingSearchLines * 200))) {
        if (++n > kHeadingSearchLines) break;
        if (!line.empty() && line[0] == '>') continue;
        lower_into(clip(line), lower);
        if (contains_any(lower, kDelayWording) || contains_any(lower, kFailureWording)) return true;
    }
    return false;
}

std::vector<Finding> find_listed_recipients(std::string_view t, const std::vector<std::string>& not_recipients) {
    Collector collector(not_recipients);
    auto lines = text::split_lines(t);
    if (lines.size() > kMaxLines) lines.resize(kMaxLines);

    Cue cue = Cue::none;
    std::size_t heading_line = 0;
    std::string heading_text;
    std::size_t open = Collector::kNone;  // the recipient whose explanation lines are being read
    std::size_t open_indent = 0;
    bool paragraph_ended = false;         // a blank line since `open` was named
    std::size_t later_lines = 0;          // explanation lines given to recipients listed bare
    std::string lower;
    auto name = [&](std::size_t k, std::size_t indent) {
        open = k;
        open_indent = indent;
        paragraph_ended = false;
        later_lines = 0;
    };

    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string_view line = clip(lines[i]);
        if (text::trim(line).empty()) {
            if (open != Collector::kNone) paragraph_ended = true;
            continue;
        }
        const bool reading = open != Collector::kNone && !paragraph_ended;
        const std::size_t indent = indent_of(line);
        lower_into(line, lower);
        const std::size_t rcpt_at = lower.find("rcpt to:");
        // An explanation indented under its recipient is never read as a heading of its own.
        if (reading && indent > open_indent && rcpt_at == std::string::npos && leading_address(line).empty()) {
            collector.append(open, line);
            continue;
        }

        if (rcpt_at != std::string::npos) {
            std::string addr;
            std::string_view refusal = refusal_after_rcpt(lines, i, rcpt_at, addr);
            if (!refusal.empty()) {
                std::size_t k = collector.take(addr, cue == Cue::delayed ? Cue::delayed : Cue::failed);
                if (k != Collector::kNone && smtp::find_reply_code(collector.findings()[k].diagnostic).empty())
                    collector.append(k, refusal);
            }
            if (reading) collector.append(open, line);
            continue;
        }

        if (Cue line_cue = cue_of(lower); line_cue != Cue::none) {
            cue = line_cue;
            heading_line = i;
            heading_text = std::string(text::trim(line));
            open = Collector::kNone;
            if (cue == Cue::success) continue;
            // "Failed to deliver to '<a@b>'", "was not delivered to: a@b": the heading names it.
            for (auto& addr : address::find_all(line))
                if (std::size_t k = collector.take(addr, cue); k != Collector::kNone) name(k, indent);
            if (open == Collector::kNone && later_lines < kLaterLinesForDiagnostic) {
                ++later_lines;
                collector.explain_bare(line);
            }
            continue;
        }

        const bool in_list = (cue == Cue::failed || cue == Cue::delayed) && i - heading_line <= kHeadingReach;
        if (std::string addr = in_list ? leading_address(line) : std::string{}; !addr.empty()) {
            if (std::size_t k = collector.take(addr, cue); k != Collector::kNone) {
                std::string_view rest = text::trim(line);
                if (std::size_t pos = text::ifind(rest, addr); pos != std::string_view::npos)
                    rest = rest.substr(pos + addr.size());
                while (!rest.empty() && std::string_view(">:'\",").find(rest.front()) != std::string_view::npos)
                    rest.remove_prefix(1);
                collector.append(k, rest);
                name(k, indent);
            }
            continue;
        }
        if (reading) {
            collector.append(open, line);
        } else if (later_lines < kLaterLinesForDiagnostic) {
            ++later_lines;
            collector.explain_bare(line);
        }
    }

    auto& findings = collector.findings();
    for (auto& f : findings) {
        if (f.diagnostic.empty()) f.diagnostic = heading_text;
        f.diagnostic = text::squeeze_spaces(f.diagnostic);
        dialects::complete_from_diagnostic(f);
    }
    return std::move(findings);
}

}  // namespace dsn::listing
