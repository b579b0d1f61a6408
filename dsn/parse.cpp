// The parser's front: normalize the bytes, build the message model once, decide what kind of
// message it is, let the decoders find recipients, then classify each one.
#include "dsn/address.hpp"
#include "dsn/classify.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/header_clip.hpp"
#include "dsn/message.hpp"
#include "dsn/receivers.hpp"
#include "dsn/report.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

#include <algorithm>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

namespace dsn {
namespace {

struct Identity {
    std::string subscriber_uuid;
    std::string campaign_uuid;
    std::string message_id;
};

std::string uuid_or_empty(std::string_view value) {
    std::string_view v = text::trim(value);
    if (!v.empty() && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
    return address::is_uuid(v) ? text::to_lower(v) : std::string{};
}

// A header line "Name: value" quoted inside text (O365 "Original message headers", forwarded copies).
std::string_view quoted_header(std::string_view t, std::string_view lower_name_colon) {
    for (std::size_t at = text::ifind(t, lower_name_colon); at != std::string_view::npos;
         at = text::ifind(t, lower_name_colon, at + 1)) {
        if (at != 0 && t[at - 1] != '\n' && t[at - 1] != ' ' && t[at - 1] != '>') continue;
        std::string_view rest = t.substr(at + lower_name_colon.size());
        return text::trim(rest.substr(0, rest.find('\n')));
    }
    return {};
}

// listmonk's List-Unsubscribe URL ".../subscription/<campaign>/<subscriber>" carries both UUIDs.
void read_unsubscribe_url(std::string_view value, Identity& id) {
    std::size_t at = value.find("/subscription/");
    if (at == std::string_view::npos) return;
    std::string_view rest = value.substr(at + 14);
    if (rest.size() < 73 || rest[36] != '/') return;
    std::string campaign = uuid_or_empty(rest.substr(0, 36));
    std::string subscriber = uuid_or_empty(rest.substr(37, 36));
    if (id.campaign_uuid.empty()) id.campaign_uuid = campaign;
    if (id.subscriber_uuid.empty()) id.subscriber_uuid = subscriber;
}

Identity identify_original(const Message& message) {
    Identity id;
    const Fields& h = message.returned_headers;
    id.subscriber_uuid = uuid_or_empty(h.get("X-Listmonk-Subscriber"));
    id.campaign_uuid = uuid_or_empty(h.get("X-Listmonk-Campaign"));
    id.message_id = std::string(text::trim(h.get("Message-ID")));
    read_unsubscribe_url(h.get("List-Unsubscribe"), id);
    if (id.subscriber_uuid.empty() || id.campaign_uuid.empty() || id.message_id.empty()) {
        // The original's headers quoted as text (no separate returned part).
        std::string_view t = message.text;
        // Both listmonk headers begin alike: one search tells whether either can be there.
        const bool quotes_listmonk = text::icontains(t, "x-listmonk-");
        if (id.subscriber_uuid.empty() && quotes_listmonk)
            id.subscriber_uuid = uuid_or_empty(quoted_header(t, "x-listmonk-subscriber:"));
        if (id.campaign_uuid.empty() && quotes_listmonk)
            id.campaign_uuid = uuid_or_empty(quoted_header(t, "x-listmonk-campaign:"));
        if (id.message_id.empty() && !message.has_returned_message) {
            std::string_view returned = t.substr(message.human_text().size());
            id.message_id = std::string(quoted_header(returned, "message-id:"));
        }
        if (id.subscriber_uuid.empty()) read_unsubscribe_url(quoted_header(t, "list-unsubscribe:"), id);
    }
    return id;
}

bool is_not_a_failure(std::string_view action) {
    return action == "delivered" || action == "relayed" || action == "expanded";
}

// Fills gaps in the machine-readable findings from a dialect's reading of the human text
// (a Diagnostic-Code is often missing while the text names the remote reply).
// A dialect that found a code of the same class with a detail where the report has none (SES
// quotes the remote "5.2.2" inside its own "5.1.0 - Unknown address error") knows better.
bool is_more_specific(std::string_view candidate, std::string_view current) {
    if (candidate.size() < 5 || current.size() < 5 || candidate[0] != current[0]) return false;
    return current.substr(current.size() - 2) == ".0" && candidate.substr(candidate.size() - 2) != ".0";
}

void enrich(std::vector<Finding>& primary, const std::vector<Finding>& extra) {
    for (auto& f : primary) {
        for (const auto& e : extra) {
            if (e.recipient != f.recipient && extra.size() != 1) continue;
            // The machine part may keep only the first line of a multi-line reply (Sendmail) that
            // the human text quotes whole.
            if (f.diagnostic.empty() || smtp::continues_reply(f.diagnostic, e.diagnostic)) f.diagnostic = e.diagnostic;
            if (f.status.empty() || is_more_specific(e.status, f.status)) f.status = e.status;
            if (f.diagnostic_type.empty()) f.diagnostic_type = e.diagnostic_type;
            if (f.reply_code.empty()) f.reply_code = e.reply_code;
            if (f.smtp_command.empty()) f.smtp_command = e.smtp_command;
            if (f.remote_mta.empty()) f.remote_mta = e.remote_mta;
            if (f.reason.empty()) f.reason = e.reason;
            // A generic "5.0.0" in the machine part says less than the code in the quoted reply.
            bool generic = f.status.empty() || (f.status.size() == 5 && f.status.substr(1) == ".0.0");
            if (generic && !e.status.empty() && (f.status.empty() || e.status[0] == f.status[0])) f.status = e.status;
            break;
        }
    }
}

// Which dialects match one message, each asked at most once: build_report walks the registry up
// to three times, and matching (sender domain, subject, first lines) was a tenth of the parse.
class DialectMatches {
public:
    explicit DialectMatches(const Message& message)
        : message_(message), dialects_(registered_dialects()), known_(dialects_.size(), kUnknown) {}

    bool matches(const Dialect& dialect) {
        const std::size_t i = static_cast<std::size_t>(&dialect - dialects_.data());
        if (known_[i] == kUnknown) known_[i] = dialect.matches(message_) ? kYes : kNo;
        return known_[i] == kYes;
    }

    const Dialect* first_match() {
        for (const auto& dialect : dialects_)
            if (matches(dialect)) return &dialect;
        return nullptr;
    }

private:
    static constexpr signed char kUnknown = -1, kNo = 0, kYes = 1;
    const Message& message_;
    std::span<const Dialect> dialects_;
    std::vector<signed char> known_;
};

// The human-readable part of a report, when it is a short specific notice ("Your message was
// rejected: Not enough disk space") rather than the usual paragraphs of boilerplate. It is read
// as extra evidence next to each recipient's diagnostic.
std::string short_notice(const Message& message) {
    if (message.delivery_status.empty()) return {};
    std::string_view human = message.human_text();
    std::size_t lines = 0;
    for (auto line : text::split_lines(human))
        if (!text::trim(line).empty()) ++lines;
    if (lines == 0 || lines > 3 || human.size() > 300) return {};
    return text::squeeze_spaces(human);
}

Event classify_finding(const Finding& f, const Identity& id, std::string_view notice, bool explain) {
    Event e;
    e.recipient = f.recipient;
    e.action = f.action == "delayed" ? "delayed" : "failed";
    e.status = f.status;
    e.reply_code = f.reply_code;
    if (e.status.empty() && !f.reply_code.empty()) {
        // A bare reply code still tells the class; the detail stays unknown.
    }
    classify::Evidence evidence{f.diagnostic, f.diagnostic_type, f.status,     f.reply_code, e.action,
                                f.reason,     f.smtp_command,    f.remote_mta, f.recipient,   notice};
    if (explain) {
        classify::Verdict verdict;
        e.reason = classify::decide_reason(evidence, &verdict);
        e.why.reason_rule = verdict.rule;
        e.why.status_reason = verdict.status_reason;
        e.why.generic_status = verdict.generic_status;
        e.why.smtp_command = verdict.stage;
        if (f.smtp_command.empty() && !verdict.stage.empty()) e.why.smtp_command += " (named by the wording)";
        e.why.diagnostic_type = f.diagnostic_type;
        e.why.dialect_reason = f.reason;
        e.why.notice = notice;
    } else {
        e.reason = classify::decide_reason(evidence);
    }
    e.type = classify::type_for(e.reason, e.status, e.reply_code);
    e.diagnostic = f.diagnostic;
    e.remote_mta = f.remote_mta;
    e.reporting_mta = f.reporting_mta;
    e.receiver = receivers::receiver_of(f.remote_mta, f.recipient, f.diagnostic);
    e.feedback_type = f.feedback_type;
    e.subscriber_uuid = id.subscriber_uuid;
    e.campaign_uuid = id.campaign_uuid;
    e.original_message_id = id.message_id;
    return e;
}

Report build_report(const Message& message, bool explain, std::size_t max_recipients) {
    Report report;
    report.message_id = std::string(text::trim(message.header("Message-ID")));

    std::vector<Finding> findings;
    // Applied to each decoder's findings before anything per recipient (enrichment, classification)
    // runs, so a report naming thousands costs no more than one naming max_recipients.
    auto cap = [&](std::vector<Finding>&& found) {
        if (found.size() > max_recipients) {
            found.resize(max_recipients);
            report.recipients_capped = true;
        }
        return std::move(found);
    };
    Kind kind = Kind::none;
    // Which decoder found the recipients, and which dialect added to an RFC 3464 report (--explain).
    std::string_view decoder, enriched_by;
    const bool is_feedback = message.report_type == "feedback-report" || !message.feedback_reports.empty();
    if (is_feedback || message.returned_headers.has("X-HmXmrOriginalRecipient") ||
        message.headers.has("X-Apple-Unsubscribe")) {
        findings = cap(decode_arf(message));
        if (!findings.empty() || is_feedback) kind = Kind::arf;
        decoder = "ARF feedback report";
    }
    // A read receipt (RFC 8098 MDN, "deleted without being read" included) reports what a person
    // did with a delivered message: no failure, whatever its wording looks like to a dialect.
    if (kind == Kind::none && message.has_disposition_notification && message.delivery_status.empty()) {
        report.kind = Kind::none;
        return report;
    }
    DialectMatches dialect_matches(message);
    const Dialect* dialect = kind == Kind::none ? dialect_matches.first_match() : nullptr;
    if (kind == Kind::none && !message.delivery_status.empty()) {
        findings = cap(decode_rfc3464(message));
        kind = Kind::dsn;
        decoder = "RFC 3464 delivery-status part";
        // The first matching dialect that can read the human text enriches the report; several
        // may match (providers reuse an MTA's wording), and the first may find nothing to add.
        for (const auto& candidate : registered_dialects()) {
            if (findings.empty() || !dialect_matches.matches(candidate)) continue;
            if (auto extra = candidate.decode(message); !extra.empty()) {
                enrich(findings, extra);
                enriched_by = candidate.name;
                break;
            }
        }
    }
    if (kind == Kind::none || (kind == Kind::dsn && findings.empty())) {
        for (const auto& candidate : registered_dialects()) {
            if (&candidate != dialect && !dialect_matches.matches(candidate)) continue;
            findings = cap(candidate.decode(message));
            if (!findings.empty()) {
                kind = Kind::dsn;
                decoder = candidate.name;
                // RFC 3464 fields sometimes sit in the text itself (no MIME part of their own).
                enrich(findings, dialects::decode_inline_delivery_status(message.text));
                break;
            }
        }
    }
    if (findings.empty() && kind != Kind::arf) {
        findings = cap(decode_free_text(message));
        if (!findings.empty()) kind = Kind::dsn;
        decoder = "free-text fallback (failure wording near an address)";
    }
    if (findings.empty() && (kind == Kind::dsn || (dialect && looks_like_failure_notice(message)))) {
        // A report that names no recipient at all ("Delivery report unavailable") still
        // returned the original: its single To address is the one that failed.
        auto to = address::find_all(message.returned_headers.get("To"));
        if (to.size() == 1) {
            Finding f;
            f.recipient = to.front();
            findings.push_back(std::move(f));
            kind = Kind::dsn;
            decoder = "the single To address of the returned message (the report names no recipient)";
        }
    }
    if (findings.empty() && kind == Kind::none && is_auto_reply(message)) kind = Kind::autoreply;

    Identity id = identify_original(message);
    const std::string notice = short_notice(message);
    std::unordered_set<std::string> seen;  // recipient + action: a report may repeat a recipient
    for (const auto& f : findings) {
        if (is_not_a_failure(f.action) || f.recipient.empty()) continue;
        const std::string action = f.action == "delayed" ? "delayed" : "failed";
        if (!seen.insert(action + " " + f.recipient).second) continue;
        report.events.push_back(classify_finding(f, id, notice, explain));
        if (explain) {
            report.events.back().why.decoder = decoder;
            report.events.back().why.enriched_by = enriched_by;
        }
    }
    report.kind = kind;
    return report;
}

}  // namespace

const char* to_string(Kind kind) noexcept {
    switch (kind) {
        case Kind::dsn: return "dsn";
        case Kind::arf: return "arf";
        case Kind::autoreply: return "autoreply";
        case Kind::none: break;
    }
    return "none";
}

const char* to_string(BounceType type) noexcept {
    switch (type) {
        case BounceType::hard: return "hard";
        case BounceType::complaint: return "complaint";
        case BounceType::soft: break;
    }
    return "soft";
}

Report parse(std::string_view bytes, const Options& options) noexcept {
    try {
        // Copy the message only when it has line ends to convert; many arrive with LF already.
        std::string_view input = bytes.substr(0, options.max_bytes);
        // The converted copy goes into one buffer per thread: a new string per message was a large
        // allocation, at which glibc consolidated the small blocks the previous message had freed.
        // A buffer grown past a few megabytes by one big message is not kept for the next.
        thread_local std::string normalized;
        if (normalized.capacity() > (4U << 20)) std::string().swap(normalized);
        if (input.find('\r') != std::string_view::npos) {
            text::normalize_newlines_into(input, normalized);
            input = normalized;
        }
        std::string clipped;
        if (auto shorter = clip_long_header_fields(input)) {
            clipped = std::move(*shorter);
            input = clipped;
        }
        auto message = load_message(input);
        if (!message) return {};
        return build_report(*message, options.explain, options.max_recipients);
    } catch (const std::exception& e) {
        Report report;
        report.error = e.what();
        return report;
    } catch (...) {
        Report report;
        report.error = "unexpected failure while parsing";
        return report;
    }
}

}  // namespace dsn
