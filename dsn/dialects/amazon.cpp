// Amazon's bounces:
// - SES event notifications delivered by e-mail through SNS (From no-reply@sns.amazonaws.com,
//   subject "AWS Notification Message"): a JSON body with notificationType Bounce / Complaint /
//   Delivery and the affected recipients.
// - SES and Amazon WorkMail reports (From MAILER-DAEMON@...amazonses.com, X-Mailer: Amazon
//   WorkMail): the real remote reply is quoted inside SES's own wording, e.g.
//   "5.1.0 - Unknown address error 550-'5.2.2 ... Mailbox Full'" or "554 4.4.7 Message expired:
//   ...<421 4.4.2 Connection timed out>"; WorkMail writes the RFC 3464 fields into its text part.
// - SES receiving (inbound-smtp.<region>.amazonaws.com, X-SES-Outgoing): short fixed replies.
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/dialects/provider_common.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// ---- SES event notifications (JSON) --------------------------------------------------------

// Mail transports break the one long JSON line ("!" + newline + space); join it again.
std::string rejoin_json(std::string_view body) {
    std::string out;
    out.reserve(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '!' && i + 2 < body.size() && body[i + 1] == '\n' && body[i + 2] == ' ') {
            i += 2;
            continue;
        }
        if (body[i] == '\n') continue;
        out.push_back(body[i]);
    }
    return out;
}

std::string quoted_key(std::string_view key) {
    std::string needle;
    needle.reserve(key.size() + 2);
    needle.push_back('"');
    needle.append(key);
    needle.push_back('"');
    return needle;
}

// The string value of `"key":"value"` at or after `from`, or empty. Enough for SES's flat strings.
std::string json_string(std::string_view json, std::string_view key, std::size_t from = 0, std::size_t to = std::string_view::npos) {
    std::string needle = quoted_key(key);
    std::size_t at = json.find(needle, from);
    if (at == std::string_view::npos || at >= to) return {};
    std::size_t colon = json.find(':', at + needle.size());
    if (colon == std::string_view::npos) return {};
    std::size_t open = json.find_first_not_of(" \t", colon + 1);
    if (open == std::string_view::npos || json[open] != '"') return {};
    std::string value;
    for (std::size_t i = open + 1; i < json.size(); ++i) {
        if (json[i] == '\\' && i + 1 < json.size()) {
            value.push_back(json[++i]);
        } else if (json[i] == '"') {
            return value;
        } else {
            value.push_back(json[i]);
        }
    }
    return {};
}

// The extent of the JSON array that follows `"key":`, as [begin, end).
std::pair<std::size_t, std::size_t> json_array(std::string_view json, std::string_view key) {
    std::string needle = quoted_key(key);
    std::size_t at = json.find(needle);
    if (at == std::string_view::npos) return {0, 0};
    std::size_t open = json.find('[', at);
    if (open == std::string_view::npos) return {0, 0};
    int depth = 0;
    for (std::size_t i = open; i < json.size(); ++i) {
        if (json[i] == '[' || json[i] == '{') ++depth;
        if (json[i] == ']' || json[i] == '}') {
            if (--depth == 0) return {open, i + 1};
        }
    }
    return {open, json.size()};
}

// SES bounce sub-types that name the reason outright.
constexpr ProviderPhrase kBounceSubTypes[] = {
    {"noemail", "userunknown"},        {"mailboxfull", "mailboxfull"},     {"messagetoolarge", "mesgtoobig"},
    {"contentrejected", "contenterror"}, {"attachmentrejected", "contenterror"}, {"suppressed", "suppressed"},
};

std::vector<Finding> notification_findings(std::string_view json) {
    std::vector<Finding> out;
    std::string type = json_string(json, "notificationType");
    if (type == "Complaint") {
        auto [begin, end] = json_array(json, "complainedRecipients");
        std::string feedback = json_string(json, "complaintFeedbackType");
        for (std::size_t at = json.find("\"emailAddress\"", begin); at != std::string_view::npos && at < end;
             at = json.find("\"emailAddress\"", at + 1)) {
            Finding f;
            f.recipient = address::normalize(json_string(json, "emailAddress", at, end));
            f.reason = "feedback";
            f.feedback_type = feedback.empty() ? "abuse" : feedback;
            if (!f.recipient.empty()) out.push_back(std::move(f));
        }
    } else if (type == "Bounce") {
        auto [begin, end] = json_array(json, "bouncedRecipients");
        std::string bounce_type = text::to_lower(json_string(json, "bounceType"));
        std::string sub_type = text::to_lower(json_string(json, "bounceSubType"));
        for (std::size_t at = json.find("\"emailAddress\"", begin); at != std::string_view::npos && at < end;
             at = json.find("\"emailAddress\"", at + 1)) {
            std::size_t next = json.find("\"emailAddress\"", at + 1);
            std::size_t record_end = std::min(end, next);
            Finding f;
            f.recipient = address::normalize(json_string(json, "emailAddress", at, end));
            f.status = smtp::leading_status(json_string(json, "status", at, record_end));
            f.diagnostic = smtp::clean_diagnostic(json_string(json, "diagnosticCode", at, record_end));
            f.reply_code = smtp::find_reply_code(f.diagnostic);
            if (f.status.empty() && bounce_type == "transient") f.status = "4.0.0";
            if (f.status.empty() && bounce_type == "permanent") f.status = "5.0.0";
            for (const auto& s : kBounceSubTypes)
                if (sub_type == s.phrase && s.reason != "suppressed") f.reason = std::string(s.reason);
            if (!f.recipient.empty()) out.push_back(std::move(f));
        }
    } else if (type == "Delivery") {
        auto [begin, end] = json_array(json, "recipients");
        for (auto& addr : address::find_all(json.substr(begin, end - begin))) {
            Finding f;
            f.recipient = addr;
            f.action = "delivered";
            out.push_back(std::move(f));
        }
    }
    return out;
}

// ---- SES / WorkMail reports ----------------------------------------------------------------

// The reply quoted last inside SES's wording: "...550-'5.2.2 <a>... Mailbox Full'..." or
// "...<421 4.4.2 Connection timed out>". Empty when the diagnostic quotes nothing.
std::string_view quoted_reply(std::string_view diagnostic) {
    for (char open : {'\'', '<'}) {
        char close = open == '<' ? '>' : '\'';
        for (std::size_t at = diagnostic.find(open); at != std::string_view::npos; at = diagnostic.find(open, at + 1)) {
            std::string_view inner = diagnostic.substr(at + 1);
            // A quoted reply starts with an enhanced status or a reply code.
            bool reply = !smtp::leading_status(inner).empty() ||
                         (inner.size() > 4 && text::is_digit(inner[0]) && text::is_digit(inner[1]) &&
                          text::is_digit(inner[2]) && inner[3] == ' ');
            if (reply) return inner.substr(0, inner.find(close));
        }
    }
    return {};
}

constexpr ProviderPhrase kWorkMailPhrases[] = {
    {"message expired", "expired"},
    {"unable to deliver in", "expired"},
};

void refine_from_quoted_reply(Finding& f) {
    std::string_view inner = quoted_reply(f.diagnostic);
    if (inner.empty()) return;
    std::string status = smtp::find_status(inner);
    if (!status.empty()) f.status = status;
    std::string code = smtp::find_reply_code(inner);
    if (!code.empty()) f.reply_code = code;
}

bool from_ses(const Message& message) { return from_domain(message, "amazonses.com"); }

// ---- SES receiving -------------------------------------------------------------------------

// The fixed replies of SES receiving and the reasons Sisimai v5.1 gives them.
constexpr ProviderPhrase kReceivingPhrases[] = {
    {"mailbox does not exist", "filtered"},
    {"mailbox full", "mailboxfull"},
    {"message too large", "mesgtoobig"},
    {"message length exceeds limit", "exceedlimit"},
    {"message content rejected", "contenterror"},
    {"temporary failure", "onhold"},
};

}  // namespace

bool amazon_ses_notification_matches(const Message& message) {
    if (!from_domain(message, "sns.amazonaws.com") && !text::icontains(message.subject, "aws notification message"))
        return false;
    return text::icontains(text_head(message, 256), "\"notificationtype\"");
}

std::vector<Finding> amazon_ses_notification_decode(const Message& message) {
    std::string_view body = message.text;
    std::size_t open = body.find('{');
    if (open == std::string_view::npos) return {};
    // The JSON object ends before SNS's "--" signature block.
    std::size_t close = body.find("\n--", open);
    return notification_findings(rejoin_json(body.substr(open, close == std::string_view::npos ? close : close - open)));
}

bool amazon_ses_matches(const Message& message) {
    return (from_ses(message) || text::icontains(message.header("X-Mailer"), "amazon workmail")) &&
           from_system_account(message);
}

std::vector<Finding> amazon_ses_decode(const Message& message) {
    std::vector<Finding> findings = decode_rfc3464(message);
    if (findings.empty()) findings = decode_inline_delivery_status(message.text);
    for (auto& f : findings) {
        refine_from_quoted_reply(f);
        if (f.reason.empty()) f.reason = std::string(provider_reason(kWorkMailPhrases, {f.diagnostic}));
    }
    return findings;
}

bool amazon_receiving_ses_matches(const Message& message) {
    return message.headers.has("X-SES-Outgoing") && !message.delivery_status.empty() &&
           text::icontains(message.delivery_status.front().substr(0, 512), "inbound-smtp.");
}

std::vector<Finding> amazon_receiving_ses_decode(const Message& message) {
    std::vector<Finding> findings = decode_rfc3464(message);
    for (auto& f : findings) f.reason = std::string(provider_reason(kReceivingPhrases, {f.diagnostic}));
    return findings;
}

}  // namespace dsn::dialects
